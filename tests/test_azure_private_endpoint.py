"""Services closed to the public network are reached through private endpoints in the VNet."""

import pytest

from components.azure.private_endpoint import PrivateEndpoint, PrivateEndpointArgs
from tests.azure_support import (
    ACR,
    DNS_LINK,
    DNS_ZONE,
    DNS_ZONE_GROUP,
    PRIVATE_ENDPOINT,
    MANAGED_REDIS,
    SUBNET,
    VNET,
    alternative_plan,
)


def endpoint_for(p, label):
    return p.one(PRIVATE_ENDPOINT, f"twincloud-prod-{label}-pe")


def test_prod_redis_has_no_public_endpoint(prod_plan):
    assert prod_plan.one(MANAGED_REDIS).inputs["publicNetworkAccess"] == "Disabled"


def test_prod_redis_is_reached_through_a_private_endpoint_in_the_endpoint_subnet(prod_plan):
    pe = endpoint_for(prod_plan, "redis")
    connection = pe.inputs["privateLinkServiceConnections"][0]
    assert connection["groupIds"] == ["redisEnterprise"]  # Azure Managed Redis sub-resource
    cluster = prod_plan.one(MANAGED_REDIS).inputs["clusterName"]
    assert f"/Microsoft.Cache/redisEnterprise/{cluster}" in connection["privateLinkServiceId"]
    assert pe.inputs["subnet"]["id"].endswith("/subnets/endpoints")
    assert prod_plan.one(SUBNET, "twincloud-prod-az-net-endpoints").urn in pe.dependencies


def test_private_dns_zone_is_linked_to_the_vnet_without_auto_registration(prod_plan):
    zone = prod_plan.one(DNS_ZONE, "twincloud-prod-redis-pe")
    link = prod_plan.one(DNS_LINK, "twincloud-prod-redis-pe")
    assert zone.inputs["privateZoneName"] == "privatelink.redis.azure.net"  # Azure Managed Redis
    assert link.inputs["registrationEnabled"] is False
    assert prod_plan.one(VNET).urn in link.dependencies and zone.urn in link.dependencies


def test_zone_group_points_the_zone_at_the_endpoint(prod_plan):
    group = prod_plan.one(DNS_ZONE_GROUP, "twincloud-prod-redis-pe-dns")
    zone = prod_plan.one(DNS_ZONE, "twincloud-prod-redis-pe")
    assert endpoint_for(prod_plan, "redis").urn in group.dependencies and zone.urn in group.dependencies


def test_public_registry_gets_no_endpoint(prod_plan):
    assert prod_plan.one(ACR).inputs["publicNetworkAccess"] == "Enabled"
    assert not [r for r in prod_plan.of_type(PRIVATE_ENDPOINT) if "-acr-" in r.name]


def test_private_registry_from_config_gets_an_endpoint_and_no_public_access():
    p = alternative_plan()
    assert p.one(ACR).inputs["publicNetworkAccess"] == "Disabled"
    assert endpoint_for(p, "acr").inputs["privateLinkServiceConnections"][0]["groupIds"] == ["registry"]
    assert p.one(DNS_ZONE, "twincloud-prod-acr-pe").inputs["privateZoneName"] == "privatelink.azurecr.io"


def test_unknown_group_id_rejected():
    with pytest.raises(ValueError, match="group_id must be one of"):
        PrivateEndpoint("pe", PrivateEndpointArgs(resource_group_name="rg", location="westeurope", subnet_id="s",
                                                  vnet_id="v", target_id="t", group_id="blob"))


def test_legacy_cache_from_config_keeps_its_own_private_link_zone():
    p = alternative_plan()
    assert endpoint_for(p, "redis").inputs["privateLinkServiceConnections"][0]["groupIds"] == ["redisCache"]
    assert p.one(DNS_ZONE, "twincloud-prod-redis-pe").inputs["privateZoneName"] == "privatelink.redis.cache.windows.net"


def test_key_vault_private_endpoint_is_an_option_off_by_default(prod_plan):
    assert not [r for r in prod_plan.of_type(PRIVATE_ENDPOINT) if "-kv-" in r.name]


def test_key_vault_private_endpoint_from_config_uses_the_vault_zone():
    p = alternative_plan()
    connection = endpoint_for(p, "kv").inputs["privateLinkServiceConnections"][0]
    assert connection["groupIds"] == ["vault"]
    vault = p.one("azure-native:keyvault:Vault").inputs["vaultName"]
    assert connection["privateLinkServiceId"].endswith(f"/Microsoft.KeyVault/vaults/{vault}")
    # MicrosoftDocs/azure-docs articles/private-link/private-endpoint-dns.md (Key Vault | vault)
    assert p.one(DNS_ZONE, "twincloud-prod-kv-pe").inputs["privateZoneName"] == "privatelink.vaultcore.azure.net"
