"""ACR for the warm standby: the CI push identity (AcrPush, GitHub federation), untagged-manifest
retention and geo-replication, on the real prod plan; bad config rejected naming the key."""

from __future__ import annotations

import pytest

from components.azure import roles
from tests.azure_support import ACR, FIC, ROLE, UAI, one_problem, role_guid

REPLICATION = "azure-native:containerregistry:Replication"


def push_grant(p):
    return p.one(ROLE, "twincloud-prod-acr-push-acrpush")


def test_ci_push_identity_gets_acr_push_from_microsofts_reference(prod_plan):
    assert role_guid(push_grant(prod_plan)) == "8311e382-0749-4cb8-b61a-304f252e45ec"  # AcrPush, built-in roles
    assert roles.ACR_PUSH == "8311e382-0749-4cb8-b61a-304f252e45ec"


def test_acr_push_is_scoped_to_the_registry_only(prod_plan):
    reg = prod_plan.one(ACR)
    assert push_grant(prod_plan).inputs["scope"].endswith(
        f"/Microsoft.ContainerRegistry/registries/{reg.inputs['registryName']}")


def test_acr_push_goes_to_the_push_identity(prod_plan):
    grant, identity = push_grant(prod_plan), prod_plan.one(UAI, "twincloud-prod-acr-push")
    assert identity.urn in grant.dependencies and grant.inputs["principalType"] == "ServicePrincipal"


def test_push_identity_trusts_exactly_the_configured_github_subject(prod_plan):
    cred = prod_plan.one(FIC, "twincloud-prod-acr-push-github-apps")
    assert cred.inputs["issuer"] == "https://token.actions.githubusercontent.com"
    assert cred.inputs["subject"] == "repo:twincloud/platform-apps:environment:production"
    assert cred.inputs["audiences"] == ["api://AzureADTokenExchange"]


def test_mirror_repositories_come_from_the_ecr_config(prod_plan):
    mirror = prod_plan.outputs["imageMirror"]
    ecr = sorted(r.inputs["name"] for r in prod_plan.of_type("aws:ecr/repository:Repository"))
    assert sorted(mirror["repositories"]) == ecr == ["twincloud-prod/api", "twincloud-prod/web", "twincloud-prod/worker"]


def test_prod_registry_deletes_untagged_manifests_after_the_configured_days(prod_plan):
    assert prod_plan.one(ACR).inputs["policies"]["retentionPolicy"] == {"status": "enabled", "days": 7}


def test_prod_registry_is_geo_replicated_zone_redundant(prod_plan):
    (replica,) = prod_plan.of_type(REPLICATION)
    assert replica.inputs["location"] == "northeurope" and replica.inputs["zoneRedundancy"] == "Enabled"
    assert replica.inputs["registryName"] == prod_plan.one(ACR).inputs["registryName"]
    assert replica.protect


@pytest.mark.parametrize(("override", "key", "words"), [
    ("twincloud:azure.acr.untaggedRetention=false", "untaggedRetention", "prod keeps the retention policy"),
    ("twincloud:azure.acr.untaggedRetentionDays=400", "untaggedRetentionDays", "365"),
    ("twincloud:azure.acr.replicationLocations=[westeurope]", "replicationLocations", "own location"),
    ("twincloud:azure.acr.replicationLocations=[atlantis]", "replicationLocations", "not Azure locations"),
    ("twincloud:azure.acr.ciPushers=[]", "ciPushers", "warm standby has no images"),
    ("twincloud:azure.acr.ciPushers=[{name: apps, subject: 'repo:twincloud/*:ref:refs/heads/main'}]",
     "ciPushers", "not the OIDC subject of the mirror job"),
    # Azure refuses federated credential names shorter than 3 characters.
    ("twincloud:azure.acr.ciPushers=[{name: ci, subject: 'repo:twincloud/platform-apps:environment:production'}]",
     "ciPushers", "at least 3 characters"),
    # mirror-image.yml's job runs in an environment, so its token never has a branch subject.
    ("twincloud:azure.acr.ciPushers=[{name: apps, subject: 'repo:twincloud/platform-apps:ref:refs/heads/main'}]",
     "ciPushers", "has no ref:refs/heads/... subject"),
])
def test_bad_acr_config_is_rejected_naming_the_key(override, key, words):
    message = one_problem("prod", override)
    assert f"acr.{key}" in message and words in message, message


@pytest.mark.parametrize("key", ["untaggedRetention", "replicationLocations"])
def test_premium_features_on_a_standard_registry_are_rejected(key):
    from pydantic import ValidationError

    from stacks.config.azure import AcrConfig

    value = True if key == "untaggedRetention" else ["northeurope"]
    with pytest.raises(ValidationError) as e:
        AcrConfig.model_validate({"sku": "Standard", key: value})
    (error,) = e.value.errors()
    assert error["loc"] == (key,) and "Premium feature" in error["msg"]


def test_a_standard_registry_gets_no_retention_by_default():
    from stacks.config.azure import AcrConfig

    assert AcrConfig.model_validate({"sku": "Standard"}).retention_days is None
