"""Plan-wide rules every component follows: resources live under a component of ours,
and stateful data is protected in prod and destroyable in dev."""

import pytest

from tests.support import plan

# Stateful data that a mistaken `pulumi destroy` or rename must not drop in prod.
STATEFUL = (
    "aws:s3/bucket:Bucket",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "azure-native:redisenterprise:RedisEnterprise",  # the legacy azure-native:redis:Redis: test_azure_redis.py
    "azure-native:redisenterprise:Database",
    "azure-native:keyvault:Vault",
    "azure-native:storage:StorageAccount",
)
# The DR static site's account holds only the page the stack itself uploads: rebuilt, not restored.
REBUILT_FROM_CODE = ("twincloud:azure:StaticSite",)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_cloud_resource_has_one_of_our_components_as_parent(stack):
    p = plan(stack)
    components = {r.urn: r.type for r in p.resources if not r.custom}
    orphans = [r.urn for r in p.resources
               if r.custom and not r.type.startswith("pulumi:providers:")
               and not components.get(r.parent, "").startswith("twincloud:")]
    assert orphans == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_component_types_follow_the_token_convention(stack):
    for r in plan(stack).resources:
        if not r.custom:
            cloud, _, name = r.type.removeprefix("twincloud:").partition(":")
            assert r.type.startswith("twincloud:") and cloud in ("aws", "azure", "k8s") and name[:1].isupper(), r.type


def test_prod_protects_every_stateful_data_resource():
    p = plan("prod")
    stateful = [r for r in p.resources if r.type in STATEFUL
                and p.by_urn(r.parent).type not in REBUILT_FROM_CODE]
    assert {r.type for r in stateful} == set(STATEFUL)
    assert [r.name for r in stateful if not r.protect] == []


def test_dev_protects_nothing():
    assert [r.name for r in plan("dev").resources if r.protect] == []
