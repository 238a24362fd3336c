"""Rebuilding prod in another region changes only stack config.

Two views of the same promise:

* the prod plan re-evaluated with another ``aws:region`` (and other Azure locations) has
  the same resources, no trace of the original region, and globally unique names that do
  not collide with the original region's;
* ``pulumi stack init prod-dr --copy-config-from prod`` plus ``pulumi config set`` for the
  region, location and primary load balancer plans the same resources with no physical
  name shared with prod, except the DR layer, which is global and is handed over to the
  new stack with ``pulumi state move`` (docs/runbooks/dr-rebuild.md) rather than duplicated.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from tests.dr_support import edge_prefix, edge_resources
from tests.support import config_with, plan
from tools.engine import ROOT, Plan, PlanError, Secret, copy_config, plan_config
from tools.mocks import availability_zones

ORIGINAL_REGION = "eu-west-1"
ORIGINAL_AZURE_LOCATION = "westeurope"
NEW_AZURE_LOCATION = "northeurope"
NEW_ACR_REPLICA = "swedencentral"

# Inputs that hold a resource's own physical name in a namespace shared across regions
# (DNS-visible or account-wide): two regions of one stack must never produce the same one.
GLOBAL_NAME_KEYS = {
    "bucket",          # S3 buckets: one namespace for all of AWS
    "accountName",     # storage accounts: <name>.blob.core.windows.net
    "registryName",    # ACR: <name>.azurecr.io
    "vaultName",       # Key Vault: <name>.vault.azure.net
}
GLOBAL_NAME_BY_TYPE = {
    "azure-native:servicebus:Namespace": "namespaceName",   # <name>.servicebus.windows.net
    "azure-native:cache:Redis": "name",                      # <name>.redis.cache.windows.net
    "azure-native:redis:Redis": "name",
}
# Every input that names a physical resource (for the copied prod-dr stack, where even
# regional and account-wide names must differ from prod's, since both exist at once).
PHYSICAL_NAME_KEYS = GLOBAL_NAME_KEYS | {
    "name", "resourceGroupName", "clusterName", "namespaceName", "repositoryName", "resourceName",
    "roleName", "replicationGroupId", "nodeGroupName",
}


def _walk(value: Any):
    if isinstance(value, Secret):
        yield from _walk(value.value)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _walk(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _walk(v)
    elif value is not None:
        yield str(value)


def _strings(p: Plan):
    for r in p.resources:
        yield from _walk(r.inputs)
    yield from _walk(p.outputs)


def _type_counts(p: Plan) -> Counter:
    return Counter(r.type for r in p.resources)


def _names(p: Plan, keys: set[str], *, skip_edge: bool = False) -> dict[str, list[str]]:
    """Physical names of cloud resources (Kubernetes objects live inside their own cluster)."""
    out: dict[str, list[str]] = {}
    for r in p.resources:
        if not r.type.startswith(("aws:", "azure-native:")):
            continue
        if skip_edge and r.name.startswith(edge_prefix(p.stack)):
            continue
        if r.inputs.get("allowOverwrite"):
            continue  # a record shared by design (ACM's one validation CNAME per domain and account)
        wanted = set(keys)
        if r.type in GLOBAL_NAME_BY_TYPE:
            wanted.add(GLOBAL_NAME_BY_TYPE[r.type])
        for key in wanted & set(r.inputs):
            if isinstance(r.inputs[key], str):
                out.setdefault(r.inputs[key], []).append(f"{r.type} {r.name}.{key}")
    return out


def _location_overrides(stack: str = "prod") -> list[str]:
    """--set flags moving every Azure location the config holds."""
    config = config_with(stack)
    flags = []
    if "azureLocation" in (config.get("twincloud:dr") or {}):
        flags.append(f"twincloud:dr.azureLocation={NEW_AZURE_LOCATION}")
    azure = config.get("twincloud:azure")
    if isinstance(azure, dict) and "location" in azure:
        flags.append(f"twincloud:azure.location={NEW_AZURE_LOCATION}")
        if NEW_AZURE_LOCATION in (azure.get("acr") or {}).get("replicationLocations", []):
            flags.append(f"twincloud:azure.acr.replicationLocations=[{NEW_ACR_REPLICA}]")  # runbook step 3
    if "azure-native:location" in config:
        flags.append(f"azure-native:location={NEW_AZURE_LOCATION}")
    return flags


REREGION = ("aws:region=us-west-2", *_location_overrides())
PROD_DR = ("aws:region=eu-central-1", "twincloud:ecr.replicationRegions=[eu-north-1]", "twincloud:dr.adoptFrom=prod",
           *_location_overrides())


@pytest.fixture(scope="module")
def moved():
    return plan("prod", *REREGION)


@pytest.fixture(scope="module")
def prod_dr():
    return plan_config("prod-dr", copy_config("prod", PROD_DR), policies=False)


# -- same stack, another region ------------------------------------------------------------

def test_other_region_plans_the_same_resource_types_and_counts(prod_plan, moved):
    assert _type_counts(moved) == _type_counts(prod_plan)


def test_other_region_plan_has_no_trace_of_the_original_region_or_its_azs(moved):
    forbidden = [ORIGINAL_REGION, *availability_zones(ORIGINAL_REGION), ORIGINAL_AZURE_LOCATION]
    found = sorted({s for s in _strings(moved) if any(f in s for f in forbidden)})
    assert found == []


def test_other_region_globally_unique_names_do_not_collide(prod_plan, moved):
    before, after = _names(prod_plan, GLOBAL_NAME_KEYS), _names(moved, GLOBAL_NAME_KEYS)
    assert before, "prod declares no globally unique names; the test would prove nothing"
    clashes = {name: before[name] + after[name] for name in set(before) & set(after)}
    assert clashes == {}


def test_other_region_really_moved(moved):
    azs = {r.inputs["availabilityZone"] for r in moved.of_type("aws:ec2/subnet:Subnet")}
    assert azs and all(az.startswith("us-west-2") for az in azs)


# -- prod-dr: stack init --copy-config-from prod, then config set --------------------------

def test_copied_stack_plans_the_same_resource_types_and_counts(prod_plan, prod_dr):
    assert _type_counts(prod_dr) == _type_counts(prod_plan)


def test_copied_stack_shares_no_physical_name_with_prod_outside_the_dr_layer(prod_plan, prod_dr):
    before = _names(prod_plan, PHYSICAL_NAME_KEYS, skip_edge=True)
    after = _names(prod_dr, PHYSICAL_NAME_KEYS, skip_edge=True)
    assert before
    clashes = {name: before[name] + after[name] for name in set(before) & set(after)}
    assert clashes == {}


def test_copied_stack_has_no_trace_of_the_original_region(prod_dr):
    forbidden = [ORIGINAL_REGION, *availability_zones(ORIGINAL_REGION), ORIGINAL_AZURE_LOCATION]
    assert sorted({s for s in _strings(prod_dr) if any(f in s for f in forbidden)}) == []


def test_adopted_dr_layer_aliases_the_names_it_had_in_prod(prod_plan, prod_dr):
    """After `pulumi state move` the resources keep prod's names; `dr.adoptFrom: prod` gives
    the rebuilt stack's top-level DR resources aliases to them, so `pulumi up` updates in place."""
    old, new = edge_prefix("prod"), edge_prefix("prod-dr")
    urns = {r.urn for r in prod_dr.resources}
    top = [r for r in edge_resources(prod_dr) if r.parent not in urns]
    assert sorted(r.type for r in top) == sorted(
        ["pulumi:providers:aws", "twincloud:aws:CloudFrontSite", "twincloud:aws:DnsFailover",
         "twincloud:aws:FailoverAlarm", "twincloud:azure:StaticSite"])
    prod_names = {(r.type, r.name) for r in edge_resources(prod_plan)}
    for r in top:
        assert r.name.replace(new, old, 1) in r.aliases, (r.name, r.aliases)
        assert (r.type, r.name.replace(new, old, 1)) in prod_names


def test_adopted_dr_children_inherit_the_aliases_through_their_names(prod_plan, prod_dr):
    """Children are named after their component, so the engine derives their aliases from the
    parent's: every DR child in prod-dr maps onto a prod resource of the same type."""
    old, new = edge_prefix("prod"), edge_prefix("prod-dr")
    prod_names = {(r.type, r.name) for r in edge_resources(prod_plan)}
    moved = {(r.type, r.name.replace(new, old, 1)) for r in edge_resources(prod_dr)}
    assert moved == prod_names and len(moved) > 10


def test_prod_itself_declares_no_name_aliases(prod_plan):
    # (azure-native declares type aliases for older API versions; those have no name)
    assert [r.name for r in edge_resources(prod_plan) if any(r.aliases)] == []


def test_dr_site_gets_a_new_account_name_in_the_copied_stack(prod_plan, prod_dr):
    account = "azure-native:storage:StorageAccount"
    new = prod_dr.one(account, "twincloud-prod-dr-dr-site-account").inputs["accountName"]
    assert new != prod_plan.one(account, "twincloud-prod-dr-site-account").inputs["accountName"]


def test_copied_config_must_move_ecr_replication_off_the_new_region():
    with pytest.raises(PlanError, match="replicationRegions lists aws:region eu-central-1 itself"):
        plan_config("prod-dr", copy_config("prod", ["aws:region=eu-central-1"]), policies=False)


def test_cidrs_can_be_overridden_in_the_copied_stack():
    config = copy_config("prod", [*PROD_DR, "twincloud:vpc.cidr=10.40.0.0/16"])
    assert config["twincloud:vpc"]["cidr"] == "10.40.0.0/16"
    assert config["twincloud:vpc"]["azCount"] == 3  # everything else copied from prod


def test_runbook_moves_exactly_the_top_level_dr_resources(prod_plan):
    """The URNs in the runbook's `pulumi state move` are the DR layer's top-level resources
    (the engine's URN of a top-level resource has no `pulumi:pulumi:Stack$` qualifier)."""
    text = (ROOT / "docs" / "runbooks" / "dr-rebuild.md").read_text()
    in_runbook = set(re.findall(r"'(urn:pulumi:prod::[^']+)'", text))
    urns = {r.urn for r in prod_plan.resources}
    top_level = {r.urn.replace("pulumi:pulumi:Stack$", "") for r in edge_resources(prod_plan)
                 if r.parent not in urns}
    assert in_runbook == top_level


def test_runbook_covers_the_copy_config_steps():
    text = (ROOT / "docs" / "runbooks" / "dr-rebuild.md").read_text()
    for step in ("pulumi stack init prod-dr --copy-config-from prod", "pulumi config set -s prod-dr aws:region",
                 "twincloud:dr.azureLocation", "pulumi up -s prod-dr", "RTO", "Verify after"):
        assert step in text, step
