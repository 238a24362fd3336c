"""Azure security baselines and Azure stack rules: a compliant and a violating case each,
from raw azure-native 3.x resources run under the mock engine."""

from __future__ import annotations

import pulumi
import pulumi_azure_native as azure
import pytest

from tests.policy_support import PREFIX, check, declare, messages, named, violations

RG = "twincloud-unit-rg"
LOCATION = "westeurope"


def _cluster(secure: bool, **overrides):
    settings = dict(
        enable_rbac=True,
        aad_profile={"managed": True, "enable_azure_rbac": True},
        disable_local_accounts=True,
        network_profile={"network_plugin": "azure", "network_policy": "cilium", "network_dataplane": "cilium"},
        security_profile={"workload_identity": {"enabled": True}},
        oidc_issuer_profile={"enabled": True},
        addon_profiles={"azureKeyvaultSecretsProvider": {"enabled": True, "config": {"enableSecretRotation": "true"}},
                        "azurepolicy": {"enabled": True}},
        api_server_access_profile={"enable_private_cluster": True},
        disk_encryption_set_id="/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des",
        sku={"name": "Base", "tier": "Standard"},
        auto_upgrade_profile={"upgrade_channel": "patch"},
    ) if secure else {}
    settings.update(overrides)
    return lambda: azure.containerservice.ManagedCluster(
        f"{PREFIX}-aks", resource_group_name=RG, location=LOCATION, dns_prefix="twincloud-unit",
        identity={"type": "SystemAssigned"},
        agent_pool_profiles=[{"name": "system", "vm_size": "Standard_D4s_v5", "count": 3, "mode": "System",
                              "availability_zones": ["1", "2", "3"]}],
        **settings)


AKS_RULES = ["aks-rbac-entra", "aks-local-accounts-disabled", "aks-network-policy", "aks-workload-identity",
             "aks-secrets-provider", "aks-hardening"]


@pytest.fixture(scope="module")
def secure_cluster():
    return declare(_cluster(secure=True), env="prod")


@pytest.fixture(scope="module")
def default_cluster():
    return declare(_cluster(secure=False), env="prod")


@pytest.mark.parametrize("policy", AKS_RULES)
def test_hardened_aks_cluster_passes(secure_cluster, policy):
    assert messages(secure_cluster, policy) == []


def test_aks_without_rbac_and_entra_is_reported(default_cluster):
    assert messages(default_cluster, "aks-rbac-entra") == [
        "enableRBAC is not true: Kubernetes RBAC must be on",
        "aadProfile.managed is not true: sign-in must go through Microsoft Entra ID",
        "aadProfile.enableAzureRBAC is not true: authorise with Azure RBAC role assignments"]


def test_aks_with_local_accounts_is_reported(default_cluster):
    assert messages(default_cluster, "aks-local-accounts-disabled") == [
        "disableLocalAccounts is not true: the static cluster-admin kubeconfig would bypass Entra ID"]


def test_aks_without_network_policy_is_reported(default_cluster):
    assert messages(default_cluster, "aks-network-policy") == [
        "networkProfile.networkPolicy is None; use one of ['azure', 'calico', 'cilium'] so NetworkPolicies apply"]


def test_aks_without_workload_identity_is_reported(default_cluster):
    assert messages(default_cluster, "aks-workload-identity") == [
        "securityProfile.workloadIdentity.enabled is not true",
        "oidcIssuerProfile.enabled is not true (workload identity federates through the OIDC issuer)"]


def test_aks_without_the_secrets_provider_is_reported(default_cluster):
    assert messages(default_cluster, "aks-secrets-provider") == [
        "the azureKeyvaultSecretsProvider add-on is not enabled: pods read Key Vault secrets through it"]


def test_aks_hardening_gaps_are_advisories(default_cluster):
    found = violations(default_cluster, "aks-hardening")
    assert {v["level"] for v in found} == {"advisory"}
    assert [v["message"] for v in found] == [
        "the API server is public to everyone: enable a private cluster or set authorizedIPRanges (CKV_AZURE_115/6)",
        "the Azure Policy add-on is off (CKV_AZURE_116)",
        "no diskEncryptionSetID: node disks use platform-managed keys (CKV_AZURE_117)",
        "sku.tier is None: production clusters need the financially backed SLA tier (CKV_AZURE_170)",
        "autoUpgradeProfile.upgradeChannel is unset: patch releases are never applied (CKV_AZURE_171)"]


def test_secrets_provider_without_rotation_is_an_advisory():
    build = _cluster(secure=True, addon_profiles={"azureKeyvaultSecretsProvider": {"enabled": True},
                                                  "azurepolicy": {"enabled": True}})
    assert check(build, "aks-hardening", env="prod") == [
        "the secrets provider does not rotate mounted secrets (config.enableSecretRotation) (CKV_AZURE_172)"]


def test_hardening_items_can_be_switched_off_in_the_pack_config(default_cluster):
    config = {"aks-hardening": {"checks": ["azurePolicy"]}}
    assert messages(default_cluster, "aks-hardening", config) == ["the Azure Policy add-on is off (CKV_AZURE_116)"]


# -- ACR, Key Vault, Redis, Service Bus -----------------------------------------------------

def _registry(admin: bool):
    return lambda: azure.containerregistry.Registry(f"{PREFIX}-acr", resource_group_name=RG, location=LOCATION,
                                                    sku={"name": "Premium"}, admin_user_enabled=admin)


def test_registry_without_admin_user_passes():
    assert check(_registry(admin=False), "acr-admin-disabled") == []


def test_registry_with_admin_user_is_reported():
    assert check(_registry(admin=True), "acr-admin-disabled") == [
        "adminUserEnabled is true: the shared admin password bypasses Entra ID; pull with managed identities"]


def _vault(**properties):
    props = {"tenant_id": "00000000-0000-0000-0000-0000000000aa", "sku": {"family": "A", "name": "standard"},
             "enable_rbac_authorization": True, "enable_soft_delete": True, **properties}
    return lambda: azure.keyvault.Vault(f"{PREFIX}-kv", resource_group_name=RG, location=LOCATION, properties=props,
                                        opts=pulumi.ResourceOptions(protect=True))


def test_prod_vault_with_rbac_and_purge_protection_passes():
    assert check(_vault(enable_purge_protection=True), "key-vault-protection", env="prod") == []


def test_dev_vault_may_stay_purgeable():
    assert check(_vault(), "key-vault-protection", env="dev") == []


def test_prod_vault_without_purge_protection_is_reported():
    assert check(_vault(), "key-vault-protection", env="prod") == [
        "prod: properties.enablePurgeProtection is not true: a deleted vault could be purged before recovery"]


def test_vault_with_access_policies_and_no_soft_delete_is_reported():
    found = check(_vault(enable_rbac_authorization=False, enable_soft_delete=False), "key-vault-protection")
    assert found == ["properties.enableRbacAuthorization is not true: use Azure RBAC, not vault access policies",
                     "properties.enableSoftDelete is false: deleted secrets would be unrecoverable"]


def _redis(**settings):
    return lambda: azure.redis.Redis(f"{PREFIX}-redis", resource_group_name=RG, location=LOCATION,
                                     sku={"name": "Standard", "family": "C", "capacity": 1}, **settings)


def test_redis_with_tls_1_2_only_passes():
    assert check(_redis(enable_non_ssl_port=False, minimum_tls_version="1.2"), "azure-redis-tls") == []


def test_redis_with_plaintext_port_and_old_tls_is_reported():
    assert check(_redis(enable_non_ssl_port=True, minimum_tls_version="1.0"), "azure-redis-tls") == [
        "enableNonSslPort is true: port 6379 accepts plaintext connections", "minimumTlsVersion is '1.0'; set 1.2"]


def _namespace(**settings):
    return lambda: azure.servicebus.Namespace(f"{PREFIX}-sb", resource_group_name=RG, location=LOCATION,
                                              sku={"name": "Standard"}, **settings)


def test_prod_service_bus_with_tls_1_2_and_entra_only_passes():
    build = _namespace(minimum_tls_version="1.2", disable_local_auth=True)
    assert check(build, "servicebus-min-tls", env="prod") == []
    assert check(build, "servicebus-local-auth-disabled", env="prod") == []


def test_service_bus_with_old_tls_is_reported():
    assert check(_namespace(minimum_tls_version="1.1"), "servicebus-min-tls") == ["minimumTlsVersion is '1.1'; set 1.2"]


def test_prod_service_bus_with_sas_keys_is_reported():
    assert check(_namespace(minimum_tls_version="1.2"), "servicebus-local-auth-disabled", env="prod") == [
        "prod: disableLocalAuth is not true: SAS keys would bypass Entra ID"]


def test_dev_service_bus_may_keep_sas_keys():
    assert check(_namespace(minimum_tls_version="1.2"), "servicebus-local-auth-disabled", env="dev") == []


# -- network security groups -------------------------------------------------------------------

def _rule(name, port, source, priority, access="Allow"):
    return {"name": name, "priority": priority, "direction": "Inbound", "access": access, "protocol": "Tcp",
            "source_address_prefix": source, "source_port_range": "*", "destination_address_prefix": "*",
            "destination_port_range": port}


@pytest.fixture(scope="module")
def network():
    """An AKS subnet, a MySQL subnet and NSGs with good and bad rules."""
    def build():
        vnet = azure.network.VirtualNetwork(f"{PREFIX}-vnet", resource_group_name=RG, location=LOCATION,
                                            address_space={"address_prefixes": ["10.40.0.0/16"]})
        aks_subnet = azure.network.Subnet(f"{PREFIX}-aks", resource_group_name=RG, virtual_network_name=vnet.name,
                                          subnet_name="aks", address_prefix="10.40.0.0/20")
        azure.containerservice.ManagedCluster(
            f"{PREFIX}-aks", resource_group_name=RG, location=LOCATION, dns_prefix="x",
            agent_pool_profiles=[{"name": "system", "vm_size": "Standard_D4s_v5", "count": 1, "mode": "System",
                                  "vnet_subnet_id": aks_subnet.id}])
        azure.network.NetworkSecurityGroup(f"{PREFIX}-db-nsg", resource_group_name=RG, location=LOCATION,
                                           security_rules=[_rule("mysql-from-aks", "3306", "10.40.0.0/20", 100),
                                                           _rule("https", "443", "*", 110)])
        azure.network.NetworkSecurityGroup(f"{PREFIX}-open-nsg", resource_group_name=RG, location=LOCATION,
                                           security_rules=[_rule("ssh", "22", "Internet", 100),
                                                           _rule("mysql-from-vnet", "3306", "VirtualNetwork", 110),
                                                           _rule("deny-rdp", "3389", "*", 120, access="Deny")])
        azure.network.SecurityRule(f"{PREFIX}-range", resource_group_name=RG, network_security_group_name="nsg",
                                   security_rule_name="range", priority=130, direction="Inbound", access="Allow",
                                   protocol="*", source_address_prefix="0.0.0.0/0", source_port_range="*",
                                   destination_address_prefix="*", destination_port_ranges=["3000-3400", "8080"])

    return declare(build)


def _nsg_messages(resources, policy, name, typ="azure-native:network:NetworkSecurityGroup"):
    urn = named(resources, name, typ).urn
    return [v["message"] for v in violations(resources, policy) if v["urn"] == urn]


def test_nsg_allowing_https_and_mysql_from_aks_passes(network):
    assert _nsg_messages(network, "nsg-internet-ingress", f"{PREFIX}-db-nsg") == []
    assert _nsg_messages(network, "nsg-mysql-from-aks-only", f"{PREFIX}-db-nsg") == []


def test_nsg_allowing_ssh_from_the_internet_is_reported(network):
    assert _nsg_messages(network, "nsg-internet-ingress", f"{PREFIX}-open-nsg") == [
        "securityRules[ssh] allows inbound [22] from ['Internet'] (the internet)"]


def test_security_rule_with_a_range_covering_databases_is_reported(network):
    found = _nsg_messages(network, "nsg-internet-ingress", f"{PREFIX}-range", "azure-native:network:SecurityRule")
    assert found == ["rule range allows inbound [3306, 3389] from ['0.0.0.0/0'] (the internet)"]


def test_mysql_open_to_the_whole_vnet_is_reported(network):
    assert _nsg_messages(network, "nsg-mysql-from-aks-only", f"{PREFIX}-open-nsg") == [
        "securityRules[mysql-from-vnet] allows 3306 from ['VirtualNetwork']; only the AKS subnet (['10.40.0.0/20']) "
        "may reach it"]


def test_mysql_rule_without_an_aks_cluster_in_the_stack_is_reported():
    def build():
        azure.network.NetworkSecurityGroup(f"{PREFIX}-db-nsg", resource_group_name=RG, location=LOCATION,
                                           security_rules=[_rule("mysql", "3306", "10.40.0.0/20", 100)])

    assert check(build, "nsg-mysql-from-aks-only") == [
        "securityRules[mysql] allows 3306 from ['10.40.0.0/20']; only the AKS subnet (no AKS subnet found in the "
        "stack) may reach it"]


# -- storage accounts in prod -----------------------------------------------------------------

def _storage(*, website: bool, container: str | None, protect: bool = False):
    def build():
        account = azure.storage.StorageAccount(f"{PREFIX}-st", resource_group_name=RG, location=LOCATION,
                                               kind="StorageV2", sku={"name": "Standard_ZRS"},
                                               opts=pulumi.ResourceOptions(protect=protect))
        if website:
            azure.storage.StorageAccountStaticWebsite(f"{PREFIX}-web", account_name=account.name,
                                                      resource_group_name=RG, index_document="index.html")
        if container:
            azure.storage.BlobContainer(f"{PREFIX}-{container.strip('$')}", account_name=account.name,
                                        resource_group_name=RG, container_name=container,
                                        opts=pulumi.ResourceOptions(protect=protect))

    return build


def test_static_website_storage_needs_no_protection():
    assert check(_storage(website=True, container="$web"), "prod-stateful-protected", env="prod") == []


def test_unprotected_prod_storage_with_data_is_reported():
    assert sorted(check(_storage(website=True, container="backups"), "prod-stateful-protected", env="prod")) == [
        "prod: stateful BlobContainer twincloud-unit-backups is not protected; pass protect=cfg.protect_stateful so "
        "`pulumi destroy` or a replace cannot delete its data",
        "prod: stateful StorageAccount twincloud-unit-st is not protected; pass protect=cfg.protect_stateful so "
        "`pulumi destroy` or a replace cannot delete its data"]


def test_unprotected_prod_service_bus_namespace_is_reported():
    build = lambda: azure.servicebus.Namespace(f"{PREFIX}-sb", resource_group_name=RG, location=LOCATION,  # noqa: E731
                                               sku={"name": "Standard"})
    assert check(build, "prod-stateful-protected", env="prod") == [
        "prod: stateful Namespace twincloud-unit-sb is not protected; pass protect=cfg.protect_stateful so "
        "`pulumi destroy` or a replace cannot delete its data"]


def test_protected_prod_storage_with_data_passes():
    assert check(_storage(website=False, container="backups", protect=True), "prod-stateful-protected",
                 env="prod") == []


def test_unprotected_prod_redis_is_reported_beside_a_protected_vault():
    def build():
        _vault(enable_purge_protection=True)()
        azure.redis.Redis(f"{PREFIX}-redis", resource_group_name=RG, location=LOCATION,
                          sku={"name": "Standard", "family": "C", "capacity": 1})

    found = check(build, "prod-stateful-protected", env="prod")
    assert found == ["prod: stateful Redis twincloud-unit-redis is not protected; pass protect=cfg.protect_stateful "
                     "so `pulumi destroy` or a replace cannot delete its data"]


# -- storage account baseline -----------------------------------------------------------------

SECURE_STORAGE = dict(enable_https_traffic_only=True, minimum_tls_version="TLS1_2", allow_blob_public_access=False,
                      allow_shared_key_access=False,
                      network_rule_set={"default_action": "Deny", "bypass": "AzureServices"})


def _account(sku: str = "Standard_ZRS", **settings):
    return lambda: azure.storage.StorageAccount(f"{PREFIX}-blob", resource_group_name=RG, location=LOCATION,
                                                kind="StorageV2", sku={"name": sku}, **settings)


def test_keyless_tls_1_2_private_storage_account_passes():
    assert check(_account(**SECURE_STORAGE), "storage-account-baseline") == []


def test_storage_account_with_defaults_is_reported():
    assert check(_account(), "storage-account-baseline") == [
        "minimumTlsVersion is None; set TLS1_2 (unset, Azure accepts TLS 1.0)",
        "allowBlobPublicAccess is not false: a container could be opened to anonymous readers; set it to false",
        "allowSharedKeyAccess is not false (unset means true): the account keys and SAS tokens signed with them "
        "bypass Entra ID; set it to false and grant workloads a Storage Blob Data role"]


def test_storage_account_over_http_with_tls_1_0_and_public_blobs_is_reported():
    found = check(_account(**{**SECURE_STORAGE, "enable_https_traffic_only": False, "minimum_tls_version": "TLS1_0",
                              "allow_blob_public_access": True}), "storage-account-baseline")
    assert found == [
        "enableHttpsTrafficOnly is false: plain-HTTP requests (and the tokens they carry) would be accepted",
        "minimumTlsVersion is 'TLS1_0'; set TLS1_2 (unset, Azure accepts TLS 1.0)",
        "allowBlobPublicAccess is not false: a container could be opened to anonymous readers; set it to false"]


def test_storage_account_with_shared_keys_is_reported():
    assert check(_account(**{**SECURE_STORAGE, "allow_shared_key_access": True}), "storage-account-baseline") == [
        "allowSharedKeyAccess is not false (unset means true): the account keys and SAS tokens signed with them "
        "bypass Entra ID; set it to false and grant workloads a Storage Blob Data role"]


def test_storage_baseline_is_mandatory_and_hardening_advisory():
    found = violations(declare(_account(), env="prod"))
    levels = {v["policy"]: v["level"] for v in found if v["policy"].startswith("storage-account-")}
    assert levels == {"storage-account-baseline": "mandatory", "storage-account-hardening": "advisory",
                      "storage-account-geo-replication": "advisory"}


def test_prod_zone_redundant_deny_by_default_account_passes_hardening():
    assert check(_account(**SECURE_STORAGE), "storage-account-hardening", env="prod") == []


def test_open_network_and_lrs_in_prod_are_advisories():
    assert check(_account("Standard_LRS"), "storage-account-hardening", env="prod") == [
        "networkRuleSet.defaultAction is not Deny: every network can reach the account; deny by default and allow "
        "the subnets that need it (CKV_AZURE_35)",
        "prod: sku.name is 'Standard_LRS'; use a zone-redundant SKU (e.g. Standard_ZRS) so a zone outage loses no "
        "data"]


def test_dev_may_use_lrs_and_a_disabled_public_endpoint_needs_no_rule_set():
    assert check(_account("Standard_LRS", public_network_access="Disabled"), "storage-account-hardening",
                 env="dev") == []


def test_public_static_website_account_may_keep_an_open_network():
    # CloudFront reads the DR site from the internet: the StaticSite tags its account so.
    tagged = _account(**{**SECURE_STORAGE, "network_rule_set": None, "tags": {"twincloud.io/public-website": "true"}})
    assert check(tagged, "storage-account-hardening", env="prod") == []
    untagged = _account(**{**SECURE_STORAGE, "network_rule_set": None})
    assert check(untagged, "storage-account-hardening", env="prod")[0].startswith(
        "networkRuleSet.defaultAction is not Deny")


def test_shipped_dr_site_account_is_marked_as_a_public_website(prod_plan):
    account = prod_plan.one("azure-native:storage:StorageAccount", "twincloud-prod-dr-site-account")
    assert account.inputs["tags"]["twincloud.io/public-website"] == "true"
    assert account.inputs["allowBlobPublicAccess"] is False and account.inputs["allowSharedKeyAccess"] is False
