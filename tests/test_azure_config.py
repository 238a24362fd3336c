"""twincloud:azure config: optional, validated before any resource, one message per problem."""

import json

import pytest

from stacks.config import ConfigError, load_config
from tests.azure_support import alternative_plan, one_problem, problems
from tests.support import config_with
from tools.engine import _wire_config, jsonable, run_stack_program, run_under_mocks

A = "twincloud:azure"


def test_dev_stays_aws_only(dev_plan):
    assert dev_plan.config.get("azure") is None
    assert not [r for r in dev_plan.resources if r.type.startswith("azure-native:") or ":azure:" in r.type]


def test_azure_section_switches_the_azure_platform_on(prod_plan):
    assert prod_plan.config["azure"]["location"]
    assert len([r for r in prod_plan.resources if r.type.startswith("azure-native:")]) > 30


def test_location_is_exposed_for_other_helpers():
    wire, _ = _wire_config(config_with("prod"))
    assert load_config(wire, stack="prod").azure.location == "westeurope"


def test_no_location_is_hard_coded(prod_plan):
    moved = alternative_plan()  # location northeurope
    text = json.dumps([jsonable(r.inputs) for r in moved.resources] + [r.urn for r in moved.resources])
    assert "westeurope" not in text and "northeurope" in text
    regional = [r for r in moved.resources if r.type.startswith("azure-native:") and "location" in r.inputs
                and not r.type.startswith("azure-native:privatedns:")]  # private DNS zones are "global"
    assert {r.inputs["location"] for r in regional} == {"northeurope"}


# -- the AWS side ---------------------------------------------------------------------------------

def test_vnet_overlapping_the_aws_vpc_is_an_error():
    msg = one_problem("prod", f"{A}.vnet.addressSpace=10.20.0.0/16")
    assert msg == ("twincloud:azure.vnet.addressSpace: overlaps the AWS VPC (twincloud:vpc.cidr 10.20.0.0/16); "
                   "pick a range outside it; the clouds are connected and routes must not collide "
                   "(got '10.20.0.0/16')")


def test_vnet_containing_the_aws_vpc_is_an_error():
    assert "overlaps the AWS VPC" in one_problem("prod", f"{A}.vnet.addressSpace=10.0.0.0/16",
                                                 "twincloud:vpc.cidr=10.0.128.0/17")


def test_overlay_pod_cidr_overlapping_the_aws_vpc_is_an_error():
    msg = one_problem("prod", f"{A}.aks.podCidr=10.20.0.0/16")
    assert msg.startswith("twincloud:azure.aks.podCidr: overlaps the AWS VPC")


# -- prod rules ----------------------------------------------------------------------------------

@pytest.mark.parametrize("override,key,text", [
    (f"{A}.zones=[]", "zones", "prod spreads AKS nodes"),
    (f"{A}.redis.highAvailability=false", "redis.highAvailability", "prod keeps high availability on"),
    (f"{A}.acr.sku=Standard", "acr.sku", "Premium registry SKU"),
    (f"{A}.serviceBus.localAuth=true", "serviceBus.localAuth", "SAS (local) auth disabled"),
    (f"{A}.keyVault.purgeProtection=false", "keyVault.purgeProtection", "purge protection on"),
    (f"{A}.aks.skuTier=Free", "aks.skuTier", "uptime SLA"),
    (f"{A}.aks.nodePools.0.minCount=1", "aks.nodePools[0].minCount", "minCount >= 2"),
])
def test_prod_rules(override, key, text):
    msg = one_problem("prod", override)
    assert msg.startswith(f"twincloud:azure.{key}:") and text in msg


def test_prod_rules_do_not_apply_to_other_environments():
    # the same values are fine when the stack is not prod
    wire, _ = _wire_config(config_with("prod", "twincloud:environment=dev", f"{A}.redis.highAvailability=false",
                                       f"{A}.acr.sku=Basic", f"{A}.zones=[]", f"{A}.serviceBus.localAuth=true",
                                       f"{A}.acr.replicationLocations=[]", f"!{A}.acr.untaggedRetention"))
    cfg = load_config(wire, stack="dev")
    assert cfg.azure.redis.high_availability is False and cfg.azure.service_bus.local_auth is True


def test_prod_legacy_cache_needs_standard_or_premium():
    msg = one_problem("prod", f"{A}.redis.legacyCacheForRedis=true", f"{A}.redis.users=[]", f"{A}.redis.sku=Basic")
    assert msg.startswith("twincloud:azure.redis.sku:") and "Standard or Premium" in msg


# -- the API server --------------------------------------------------------------------------------

def test_public_api_server_without_ranges_is_an_error():
    msg = one_problem("prod", f"{A}.aks.apiServerAuthorizedIpRanges=[]")
    assert msg.startswith("twincloud:azure.aks.apiServerAuthorizedIpRanges:") and "privateCluster: true" in msg


def test_api_server_open_to_the_internet_is_an_error():
    msg = one_problem("prod", f"{A}.aks.apiServerAuthorizedIpRanges=[0.0.0.0/0]")
    assert msg.startswith("twincloud:azure.aks.apiServerAuthorizedIpRanges:") and "0.0.0.0/0" in msg


# -- other single-key checks -------------------------------------------------------------------------

@pytest.mark.parametrize("override,key,text", [
    (f"{A}.location=West Europe", "location", "programmatic name"),
    (f"{A}.aks.version='1.20'", "aks.version", "not pinned for AKS"),
    (f"{A}.vnet.ingressPorts=[443, 22]", "vnet.ingressPorts", "must never be open to the internet"),
    (f"{A}.vnet.addressSpace=8.8.0.0/16", "vnet.addressSpace", "inside the RFC 1918 private blocks"),
    (f"{A}.aks.nodePools.0.mode=User", "aks.nodePools", "mode: System"),
    (f"{A}.aks.nodePools.1.name=system", "aks.nodePools", "duplicate node pool names"),
    (f"{A}.aks.nodePools.0.name=System-Pool", "aks.nodePools[0].name", "1-12 lower-case"),
    (f"{A}.aks.nodePools.0.vmSize=large", "aks.nodePools[0].vmSize", "Standard_D4s_v5"),
    (f"{A}.aks.nodePools.0.taints=[bad]", "aks.nodePools[0].taints", "key=value:NoSchedule"),
    (f"{A}.aks.adminGroupObjectIds=[admins]", "aks.adminGroupObjectIds", "GUIDs"),
    (f"{A}.aks.serviceCidr=10.40.0.0/20", "aks.serviceCidr", "overlaps vnet.addressSpace"),
    (f"{A}.redis.capacity=0", "redis.capacity", "applies to legacyCacheForRedis only"),
    (f"{A}.serviceBus.queues.0.lockDuration=1 minute", "serviceBus.queues[0].lockDuration", "ISO 8601"),
    (f"{A}.serviceBus.queues.0.senders=[nobody]", "serviceBus.queues[0].senders", "'nobody' is not a workload"),
    (f"{A}.keyVault.readers=[api, ghost]", "keyVault.readers[1]", "'ghost' is not a workload identity"),
    (f"{A}.keyVault.softDeleteRetentionDays=120", "keyVault.softDeleteRetentionDays", "90"),
    (f"{A}.keyVault.generatedSecrets.0.name=bad_name", "keyVault.generatedSecrets[0].name", "letters, digits"),
    (f"{A}.workloadIdentities.0.namespace=Apps", "workloadIdentities[0].namespace", "Kubernetes name"),
    (f"{A}.serviceBus.publicNetworkAccess=false", "serviceBus.publicNetworkAccess", "needs sku Premium"),
    (f"{A}.vnets={{}}", "vnets", "unknown key"),
])
def test_bad_value_is_named_with_its_key(override, key, text):
    msg = one_problem("prod", override)
    assert msg.startswith(f"twincloud:azure.{key}:"), msg
    assert text in msg, msg


def test_cilium_with_node_subnet_ips_is_accepted():
    wire, _ = _wire_config(config_with("prod", f"{A}.aks.networkPluginMode=vnet", f"{A}.aks.networkPolicy=cilium"))
    try:
        load_config(wire, stack="prod")
    except ConfigError as e:
        assert not [p for p in e.problems if "cilium" in p.lower()], e.problems


def test_private_registry_needs_premium():
    found = problems("prod", "twincloud:environment=dev", f"{A}.acr.sku=Standard", f"{A}.acr.publicNetworkAccess=false",
                     f"{A}.acr.replicationLocations=[]", f"!{A}.acr.untaggedRetention")  # Premium-only keys of prod
    assert found == ["twincloud:azure.acr.publicNetworkAccess: a registry without public access is reached through a "
                     "private endpoint, which needs sku Premium (got false)"]


def test_topics_on_a_basic_namespace_are_an_error():
    found = problems("prod", "twincloud:environment=dev", f"{A}.serviceBus.sku=Basic")
    assert any(p.startswith("twincloud:azure.serviceBus.sku:") and "Standard or Premium" in p for p in found)


def test_vnet_integrated_cni_must_fit_the_pods_in_the_subnet():
    msg = one_problem("prod", f"{A}.aks.networkPluginMode=vnet", f"{A}.aks.networkPolicy=calico",
                      f"{A}.vnet.addressSpace=10.40.0.0/22")
    assert msg.startswith("twincloud:azure.aks.nodePools:") and "every pod takes a node-subnet IP" in msg


def test_missing_required_keys_are_named():
    found = problems("prod", f"{A}={{location: westeurope}}")
    assert "twincloud:azure.vnet: required key is missing; add it with at least: addressSpace" in found
    assert "twincloud:azure.aks: required key is missing; add it with at least: version, nodePools" in found


def test_all_azure_problems_are_collected():
    found = problems("prod", f"{A}.redis.sku=Basic", f"{A}.aks.skuTier=Free", f"{A}.acr.sku=Basic",
                     f"{A}.location=West Europe")
    assert len(found) == 4, found


def test_all_cross_checks_are_collected():
    found = problems("prod", f"{A}.keyVault.readers=[ghost]", f"{A}.serviceBus.queues.0.senders=[nobody]",
                     f"{A}.aks.serviceCidr=10.40.0.0/20")
    assert len(found) == 3, found


def test_bad_azure_config_registers_nothing():
    registered: list[str] = []
    with pytest.raises(ConfigError, match="twincloud:azure.vnet.addressSpace"):
        run_under_mocks(run_stack_program, stack="prod", registered=registered,
                        config=config_with("prod", f"{A}.vnet.addressSpace=10.20.0.0/16"))
    assert registered == []


def test_legacy_premium_capacity_outside_p1_p5_is_an_error():
    msg = one_problem("prod", f"{A}.redis.legacyCacheForRedis=true", f"{A}.redis.users=[]", f"{A}.redis.sku=Premium",
                      f"{A}.redis.capacity=0")
    assert msg.startswith("twincloud:azure.redis.capacity:") and "Premium capacity is 1-5" in msg
