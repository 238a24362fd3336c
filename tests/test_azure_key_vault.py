"""KeyVault: RBAC, soft delete + purge protection, network deny by default, readers, secret values."""

import re

from datetime import date

import pytest

from components.azure import roles
from components.azure.key_vault import GeneratedSecretSpec, KeyVault, KeyVaultArgs
from tests.azure_support import AKS, PASSWORD, ROLE, SECRET, SUBNET, UAI, VAULT, alternative_plan, role_guid
from tests.support import of_type, run_component
from tools.engine import Secret


def vault(p):
    return p.one(VAULT)


def props(p):
    return vault(p).inputs["properties"]


def test_authorization_is_rbac(prod_plan):
    assert props(prod_plan)["enableRbacAuthorization"] is True
    assert "accessPolicies" not in props(prod_plan)


def test_soft_delete_with_configured_retention(prod_plan):
    assert props(prod_plan)["enableSoftDelete"] is True
    assert props(prod_plan)["softDeleteRetentionInDays"] == \
        prod_plan.config["azure"]["keyVault"]["softDeleteRetentionDays"]


def test_purge_protection_is_on(prod_plan):
    assert props(prod_plan)["enablePurgeProtection"] is True


def test_network_acl_denies_by_default(prod_plan):
    acl = props(prod_plan)["networkAcls"]
    assert acl["defaultAction"] == "Deny" and acl["bypass"] == "AzureServices"
    assert acl["ipRules"] == []


def test_only_the_aks_subnet_is_allowed_in(prod_plan):
    rules = props(prod_plan)["networkAcls"]["virtualNetworkRules"]
    assert [r["id"].rsplit("/", 2)[-2:] for r in rules] == [["subnets", "aks"]]
    assert prod_plan.one(SUBNET, "twincloud-prod-az-net-aks").urn in vault(prod_plan).dependencies


def test_vault_is_protected_in_prod(prod_plan):
    assert vault(prod_plan).protect is True


def test_vault_name_follows_azure_rules(prod_plan):
    name = vault(prod_plan).inputs["vaultName"]
    assert re.fullmatch(r"[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]", name)


def test_aks_secrets_provider_identity_is_a_secrets_user(prod_plan):
    grant = prod_plan.one(ROLE, "twincloud-prod-kv-secrets-user-aks-secrets-provider")
    assert role_guid(grant) == roles.KEY_VAULT_SECRETS_USER == "4633458b-17de-408a-b874-0445c86b69e6"
    assert grant.inputs["scope"].endswith(f"/vaults/{vault(prod_plan).inputs['vaultName']}")
    assert grant.inputs["principalType"] == "ServicePrincipal"
    assert prod_plan.one(AKS).urn in grant.dependencies  # principal: the add-on's identity


def test_configured_readers_are_secrets_users(prod_plan):
    for reader in prod_plan.config["azure"]["keyVault"]["readers"]:
        grant = prod_plan.one(ROLE, f"twincloud-prod-kv-secrets-user-{reader}")
        assert role_guid(grant) == roles.KEY_VAULT_SECRETS_USER
        assert prod_plan.one(UAI, f"twincloud-prod-wi-{reader}").urn in grant.dependencies


def test_generated_secrets_come_from_random_passwords_and_stay_secret(prod_plan):
    for g in prod_plan.config["azure"]["keyVault"]["generatedSecrets"]:
        password = prod_plan.one(PASSWORD, f"twincloud-prod-kv-{g['name']}")
        assert password.inputs["length"] == g["length"]
        secret = prod_plan.one(SECRET, f"twincloud-prod-kv-secret-{g['name']}")
        assert secret.inputs["secretName"] == g["name"]
        assert isinstance(secret.inputs["properties"]["value"], Secret)
        assert password.urn in secret.dependencies


def test_config_secret_value_is_stored_as_a_secret():
    p = alternative_plan()
    secret = p.one(SECRET, "twincloud-prod-kv-secret-stripe-api-key")
    assert isinstance(secret.inputs["properties"]["value"], Secret)


def test_config_secret_values_are_masked_in_the_plan():
    assert alternative_plan().config["azure"]["keyVault"]["secrets"]["stripe-api-key"] != "offline-placeholder-secret"


def test_vault_uri_is_exported(prod_plan):
    assert prod_plan.outputs["keyVaultUri"].startswith("https://") and ".vault.azure.net" in \
        prod_plan.outputs["keyVaultUri"]


def build(**overrides):
    base = dict(resource_group_name="rg", location="westeurope", secrets_expire_on=date(2027, 12, 31))
    base.update(overrides)
    return run_component(lambda: KeyVault("kv", KeyVaultArgs(**base)))


def test_plain_secret_values_are_wrapped_as_secrets():
    resources = build(secrets={"api-token": "plain-text"})
    assert isinstance(of_type(resources, SECRET)[0].inputs["properties"]["value"], Secret)


def test_purge_protection_off_needs_the_explicit_arg():
    assert of_type(build(), VAULT)[0].inputs["properties"]["enablePurgeProtection"] is True
    assert "enablePurgeProtection" not in of_type(build(purge_protection=False), VAULT)[0].inputs["properties"]


@pytest.mark.parametrize("bad,match", [
    (dict(soft_delete_retention_days=3), "7-90"),
    (dict(secrets={"bad_name": "x"}), "letters, digits and '-'"),
    (dict(secrets={"k": "x"}, generated_secrets=[GeneratedSecretSpec(name="k")]), "given twice"),
    (dict(secrets={"k": "x"}), "secrets need an expiry"),
])
def test_component_rejects_bad_args(bad, match):
    bad = {"secrets_expire_on": None, **bad} if "secrets_expire_on" not in bad else bad
    with pytest.raises(ValueError, match=match):
        KeyVault("kv", KeyVaultArgs(resource_group_name="rg", location="westeurope", **bad))


def test_every_secret_expires_on_the_configured_day_and_has_a_content_type(prod_plan):
    for secret in prod_plan.of_type(SECRET):
        props = secret.inputs["properties"]
        assert props["attributes"]["expires"] == 1830211200  # 2027-12-31T00:00:00Z (Pulumi.prod.yaml)
        assert props["contentType"] == "text/plain"


def test_secrets_without_an_expiry_date_are_a_config_error():
    from pydantic import ValidationError

    from stacks.config.azure import KeyVaultConfig

    with pytest.raises(ValidationError, match="secretsExpireOn|secrets need an expiry date"):
        KeyVaultConfig.model_validate({"generatedSecrets": [{"name": "hmac-signing-key"}]})
