"""ContainerRegistry: no admin user, Premium zone-redundant in prod, AcrPull for the kubelet identity."""

import re

import pytest

from components.azure import roles
from components.azure.registry import ContainerRegistry, ContainerRegistryArgs
from tests.azure_support import ACR, AKS, ROLE, role_guid
from tests.support import of_type, run_component
from tools.mocks import AZURE_SUBSCRIPTION

KUBELET = "11111111-2222-3333-4444-555555555555"


def registry(p):
    return p.one(ACR)


def acr_pull(p):
    return p.one(ROLE, "twincloud-prod-acr-kubelet-acrpull")


def test_admin_user_is_disabled(prod_plan):
    assert registry(prod_plan).inputs["adminUserEnabled"] is False


def test_anonymous_pull_is_disabled(prod_plan):
    assert registry(prod_plan).inputs["anonymousPullEnabled"] is False


def test_prod_registry_is_premium_and_zone_redundant(prod_plan):
    inputs = registry(prod_plan).inputs
    assert inputs["sku"] == {"name": "Premium"}
    assert inputs["zoneRedundancy"] == "Enabled"


def test_acr_pull_role_definition_is_the_built_in_guid_under_the_subscription(prod_plan):
    grant = acr_pull(prod_plan)
    assert grant.inputs["roleDefinitionId"] == (
        f"/subscriptions/{AZURE_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/"
        "7f951dda-4ed3-4680-a7ca-43fe172d538d")  # Microsoft built-in roles reference
    assert role_guid(grant) == roles.ACR_PULL


def test_acr_pull_is_scoped_to_the_registry(prod_plan):
    grant, reg = acr_pull(prod_plan), registry(prod_plan)
    assert grant.inputs["scope"].endswith(f"/Microsoft.ContainerRegistry/registries/{reg.inputs['registryName']}")
    assert reg.urn in grant.dependencies


def test_acr_pull_goes_to_the_aks_kubelet_identity(prod_plan):
    grant = acr_pull(prod_plan)
    assert grant.inputs["principalType"] == "ServicePrincipal"
    assert prod_plan.one(AKS).urn in grant.dependencies  # principalId is the cluster's kubelet identity


def test_registry_name_is_global_alphanumeric_and_short_enough(prod_plan):
    name = registry(prod_plan).inputs["registryName"]
    assert re.fullmatch(r"[a-z0-9]{5,50}", name)
    assert "prod" in name and "weu" in name


def build(**overrides):
    base = dict(resource_group_name="rg", location="westeurope", kubelet_object_id=KUBELET)
    base.update(overrides)
    return run_component(lambda: ContainerRegistry("r", ContainerRegistryArgs(**base)))


def test_component_grants_acr_pull_to_exactly_the_given_principal():
    grants = of_type(build(), ROLE)
    assert [g.inputs["principalId"] for g in grants] == [KUBELET]
    assert role_guid(grants[0]) == roles.ACR_PULL


def test_component_default_closes_the_public_endpoint_and_blocks_export():
    reg = of_type(build(), ACR)[0].inputs
    assert reg["publicNetworkAccess"] == "Disabled"
    assert reg["policies"]["exportPolicy"]["status"] == "disabled"


@pytest.mark.parametrize("sku", ["Basic", "Standard"])
def test_smaller_skus_leave_the_zone_redundancy_property_disabled(sku):
    reg = of_type(build(sku=sku), ACR)[0].inputs
    assert reg["sku"] == {"name": sku} and reg["zoneRedundancy"] == "Disabled"
    assert reg["adminUserEnabled"] is False


def test_prod_registry_is_protected(prod_plan):
    assert prod_plan.one("azure-native:containerregistry:Registry").protect
