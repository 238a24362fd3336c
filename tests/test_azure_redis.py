"""AzureRedisCache (legacy, opt-in): TLS only (1.2+), Entra auth, SKU from config, key as a secret, protected in prod.

The shipped prod stack uses Azure Managed Redis; these plans opt in with legacyCacheForRedis
(tests/azure_support.py PROD_ALTERNATIVE)."""

import pytest

from components.azure.redis import AzureRedisCache, AzureRedisCacheArgs, RedisCache
from tests.azure_support import REDIS, alternative_plan
from tests.support import of_type, run_component
from tools.engine import Secret


def cache(p):
    return p.one(REDIS)


@pytest.fixture(scope="module")
def legacy_plan():
    return alternative_plan()


def test_non_tls_port_is_disabled(legacy_plan):
    assert cache(legacy_plan).inputs["enableNonSslPort"] is False


def test_minimum_tls_is_1_2(legacy_plan):
    assert cache(legacy_plan).inputs["minimumTlsVersion"] == "1.2"


def test_entra_authentication_is_enabled(legacy_plan):
    assert cache(legacy_plan).inputs["redisConfiguration"]["aadEnabled"] == "true"


def test_sku_and_capacity_come_from_config(legacy_plan):
    want = legacy_plan.config["azure"]["redis"]
    assert cache(legacy_plan).inputs["sku"] == {"name": want["sku"], "family": "P", "capacity": want["capacity"]}


def test_prod_premium_cache_spans_the_zones_with_replicas(legacy_plan):
    inputs = cache(legacy_plan).inputs
    assert inputs["zones"] == legacy_plan.config["azure"]["zones"]
    assert inputs["replicasPerPrimary"] == len(inputs["zones"]) - 1


def test_standard_cache_has_no_zone_pinning():
    resources = run_component(lambda: AzureRedisCache("r", AzureRedisCacheArgs(
        resource_group_name="rg", location="westeurope", sku="Standard", zones=["1", "2", "3"])))
    inputs = of_type(resources, REDIS)[0].inputs
    assert inputs["sku"]["name"] == "Standard" and inputs["sku"]["family"] == "C"
    assert "zones" not in inputs


def test_prod_cache_is_protected(legacy_plan):
    assert cache(legacy_plan).protect is True


def test_exports_host_tls_port_and_secret_key(legacy_plan):
    out = legacy_plan.outputs
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


def test_component_type_is_the_issue_name_and_keeps_state_of_the_first_token(legacy_plan):
    component = legacy_plan.one("twincloud:azure:RedisCache")
    assert cache(legacy_plan).parent == component.urn
    assert [a.spec.type for a in component.request.aliases] == ["twincloud:azure:AzureRedisCache"]
