"""ManagedRedis: Azure Managed Redis is the Azure session store; TLS on 10000, Entra only,
high availability, private endpoint; the legacy cache only behind an explicit opt-in."""

from __future__ import annotations

import pytest

from components.azure.managed_redis import ManagedRedis, ManagedRedisArgs
from tests.azure_support import (
    MANAGED_REDIS,
    MANAGED_REDIS_DB,
    MANAGED_REDIS_USER,
    REDIS,
    UAI,
    alternative_plan,
    problems,
)
from tests.policy_support import check
from tests.support import of_type, run_component

A = "twincloud:azure.redis"


def cluster(p):
    return p.one(MANAGED_REDIS)


def database(p):
    return p.one(MANAGED_REDIS_DB)


def test_prod_session_store_is_azure_managed_redis_not_the_retiring_cache(prod_plan):
    assert cluster(prod_plan) and prod_plan.of_type(REDIS) == []


def test_database_takes_tls_only_on_port_10000(prod_plan):
    inputs = database(prod_plan).inputs
    assert inputs["clientProtocol"] == "Encrypted" and inputs["port"] == 10000
    assert prod_plan.outputs["azureRedisPort"] == 10000


def test_cluster_requires_tls_1_2(prod_plan):
    assert cluster(prod_plan).inputs["minimumTlsVersion"] == "1.2"


def test_access_keys_are_disabled_so_clients_use_entra(prod_plan):
    assert database(prod_plan).inputs["accessKeysAuthentication"] == "Disabled"
    assert "azureRedisPrimaryKey" not in prod_plan.outputs


def test_the_one_database_is_named_default(prod_plan):
    assert database(prod_plan).inputs["databaseName"] == "default"
    assert database(prod_plan).inputs["clusterName"] == cluster(prod_plan).inputs["clusterName"]


def test_prod_cluster_is_highly_available_and_closed_to_the_internet(prod_plan):
    inputs = cluster(prod_plan).inputs
    assert inputs["highAvailability"] == "Enabled" and inputs["publicNetworkAccess"] == "Disabled"


def test_sku_comes_from_config(prod_plan):
    assert cluster(prod_plan).inputs["sku"] == {"name": prod_plan.config["azure"]["redis"]["sku"]}


def test_configured_workload_gets_the_default_access_policy_for_its_identity(prod_plan):
    grant = prod_plan.one(MANAGED_REDIS_USER)
    assert prod_plan.config["azure"]["redis"]["users"] == ["api"]
    assert grant.inputs["accessPolicyName"] == "default" and grant.inputs["databaseName"] == "default"
    assert prod_plan.one(UAI, "twincloud-prod-wi-api").urn in grant.dependencies  # user.objectId


def test_prod_cluster_and_database_are_protected(prod_plan):
    assert cluster(prod_plan).protect and database(prod_plan).protect


def test_mock_answers_database_ids_nested_under_the_cluster_as_arm_does():
    from tools.mocks import _azure_arm_path

    path, leaf = _azure_arm_path(MANAGED_REDIS_DB, {"clusterName": "c1", "databaseName": "default"}, "n", "p")
    # azure-rest-api-specs RedisEnterpriseDatabasesCreate.json: .../redisEnterprise/cache1/databases/default
    assert (path, leaf) == ("Microsoft.Cache/redisEnterprise/c1/databases/default", "default")


def test_legacy_cache_only_when_config_opts_in():
    p = alternative_plan()
    assert p.of_type(REDIS) and p.of_type(MANAGED_REDIS) == []


def test_legacy_cache_draws_the_retirement_advisory():
    import pulumi_azure_native as azure

    msgs = check(lambda: azure.redis.Redis("twincloud-unit-redis", resource_group_name="rg", location="westeurope",
                                           sku={"name": "Standard", "family": "C", "capacity": 1}),
                 "azure-cache-for-redis-retiring")
    assert len(msgs) == 1 and "2028-09-30" in msgs[0] and "Azure Managed Redis" in msgs[0]


@pytest.mark.parametrize("override,key,text", [
    (f"{A}.sku=Premium", "sku", "only a tenant that already has a cache may set legacyCacheForRedis"),
    (f"{A}.sku=Enterprise_E10", "sku", "not an Azure Managed Redis SKU"),
    (f"{A}.capacity=2", "capacity", "applies to legacyCacheForRedis only"),
    (f"{A}.highAvailability=false", "highAvailability", "prod keeps high availability on"),
    (f"{A}.users=[ghost]", "users[0]", "'ghost' is not a workload identity"),
])
def test_bad_session_store_config_is_named_with_its_key(override, key, text):
    found = problems("prod", override)
    assert any(p.startswith(f"twincloud:azure.redis.{key}:") and text in p for p in found), found


def test_managed_only_keys_are_refused_with_the_legacy_cache():
    found = problems("prod", f"{A}.legacyCacheForRedis=true", f"{A}.sku=Standard")
    assert any(p.startswith("twincloud:azure.redis.users:") for p in found), found


def test_component_refuses_a_sku_azure_managed_redis_does_not_offer():
    with pytest.raises(ValueError, match="Azure Managed Redis SKU"):
        ManagedRedis("r", ManagedRedisArgs(resource_group_name="rg", location="westeurope", sku="Standard"))


def test_component_defaults_are_closed_tls_only_and_keyless():
    resources = run_component(lambda: ManagedRedis("r", ManagedRedisArgs(resource_group_name="rg",
                                                                           location="westeurope")))
    c, db = of_type(resources, MANAGED_REDIS)[0].inputs, of_type(resources, MANAGED_REDIS_DB)[0].inputs
    assert c["publicNetworkAccess"] == "Disabled" and c["highAvailability"] == "Enabled"
    assert db["clientProtocol"] == "Encrypted" and db["accessKeysAuthentication"] == "Disabled"


def _amr_database(**settings):
    import pulumi_azure_native as azure

    return lambda: azure.redisenterprise.Database("twincloud-unit-redis-db", cluster_name="c", resource_group_name="rg",
                                                  database_name="default", **settings)


def test_policy_reports_access_keys_and_plaintext_on_managed_redis():
    assert check(_amr_database(client_protocol="Plaintext", access_keys_authentication="Enabled"),
                 "azure-managed-redis-tls-entra") == [
        "clientProtocol is 'Plaintext': clients would connect in plaintext; set Encrypted",
        "accessKeysAuthentication is 'Enabled': a shared key bypasses Entra ID; set Disabled and give workloads an "
        "access policy assignment"]


def test_policy_passes_the_keyless_tls_database():
    assert check(_amr_database(client_protocol="Encrypted", access_keys_authentication="Disabled"),
                 "azure-managed-redis-tls-entra") == []
