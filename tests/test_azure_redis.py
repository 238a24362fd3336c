"""AzureRedisCache: TLS only (1.2+), Entra auth, SKU from config, key as a secret, protected in prod."""

import pytest

from components.azure.redis import AzureRedisCache, AzureRedisCacheArgs, RedisCache
from tests.azure_support import REDIS, alternative_plan
from tests.support import of_type, run_component
from tools.engine import Secret


def cache(p):
    return p.one(REDIS)


def test_non_tls_port_is_disabled(prod_plan):
    assert cache(prod_plan).inputs["enableNonSslPort"] is False


def test_minimum_tls_is_1_2(prod_plan):
    assert cache(prod_plan).inputs["minimumTlsVersion"] == "1.2"


def test_entra_authentication_is_enabled(prod_plan):
    assert cache(prod_plan).inputs["redisConfiguration"]["aadEnabled"] == "true"


def test_sku_and_capacity_come_from_config(prod_plan):
    want = prod_plan.config["azure"]["redis"]
    assert cache(prod_plan).inputs["sku"] == {"name": want["sku"], "family": "P", "capacity": want["capacity"]}


def test_prod_premium_cache_spans_the_zones_with_replicas(prod_plan):
    inputs = cache(prod_plan).inputs
    assert inputs["zones"] == prod_plan.config["azure"]["zones"]
    assert inputs["replicasPerPrimary"] == len(inputs["zones"]) - 1


def test_standard_cache_from_config_has_no_zone_pinning():
    inputs = cache(alternative_plan()).inputs
    assert inputs["sku"]["name"] == "Standard" and inputs["sku"]["family"] == "C"
    assert "zones" not in inputs


def test_prod_cache_is_protected(prod_plan):
    assert cache(prod_plan).protect is True


def test_exports_host_tls_port_and_secret_key(prod_plan):
    out = prod_plan.outputs
    assert out["azureRedisHost"].endswith(".redis.cache.windows.net")
    assert out["azureRedisSslPort"] == 6380
    assert isinstance(out["azureRedisPrimaryKey"], Secret) and out["azureRedisPrimaryKey"].value


def test_component_default_closes_the_public_endpoint():
    resources = run_component(lambda: AzureRedisCache("r", AzureRedisCacheArgs(resource_group_name="rg",
                                                                                 location="westeurope")))
    inputs = of_type(resources, REDIS)[0].inputs
    assert inputs["publicNetworkAccess"] == "Disabled" and inputs["enableNonSslPort"] is False


@pytest.mark.parametrize("sku,capacity", [("Premium", 0), ("Standard", 7), ("Enterprise", 1)])
def test_component_rejects_sizes_azure_does_not_offer(sku, capacity):
    with pytest.raises(ValueError):
        AzureRedisCache("r", AzureRedisCacheArgs(resource_group_name="rg", location="westeurope", sku=sku,
                                                 capacity=capacity))


def test_issue_name_is_the_same_component():
    assert RedisCache is AzureRedisCache


def test_component_type_is_the_issue_name_and_keeps_state_of_the_first_token(prod_plan):
    component = prod_plan.one("twincloud:azure:RedisCache")
    assert cache(prod_plan).parent == component.urn
    assert [a.spec.type for a in component.request.aliases] == ["twincloud:azure:AzureRedisCache"]
