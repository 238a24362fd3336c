"""Azure security baselines for the DR platform (azure-native 3.x property names), each
mapped to its checkov check: AKS identity and network controls, ACR, Key Vault, Azure
Cache for Redis, Service Bus, storage accounts and network security groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from components.facts.azure import AZURE_CACHE_FOR_REDIS_RETIREMENT
from policies.common import (
    ADVISORY,
    MANDATORY,
    UNKNOWN,
    Res,
    ResourceRule,
    as_list,
    environments_schema,
    exposed_ports,
    get,
    is_internet_cidr,
    port_ranges,
    truthy,
)
from policies.aws_security import DEFAULT_RESTRICTED_PORTS

MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster"
NSG_TYPES = ("azure-native:network:NetworkSecurityGroup", "azure-native:network:SecurityRule")
AKS_HARDENING_CHECKS = ["privateApi", "azurePolicy", "diskEncryptionSet", "paidSku", "upgradeChannel", "secretRotation"]
NETWORK_POLICIES = ("azure", "calico", "cilium")
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
ZONE_REDUNDANT_STORAGE = ("Standard_ZRS", "Premium_ZRS", "Standard_GZRS", "Standard_RAGZRS", "StandardV2_ZRS",
                          "StandardV2_GZRS")


def _tls_at_least(value: Any, minimum: tuple[int, int]) -> bool:
    """``"1.2"`` / ``"TLS1_2"`` / ``"Tls12"`` compared with ``minimum``."""
    digits = [c for c in str(value) if c.isdigit()]
    if len(digits) < 2:
        return False
    return (int(digits[0]), int(digits[1])) >= minimum


def _is_true(value: Any) -> bool | Any:
    flag = truthy(value)
    return flag if flag is UNKNOWN else bool(flag)


def _addon(res: Res, name: str) -> Any:
    addons = res.get("addonProfiles", default={})
    if addons is UNKNOWN:
        return UNKNOWN
    for key, value in addons.items():
        if key.lower() == name.lower():
            return value
    return None


# -- AKS ------------------------------------------------------------------------------------

def check_aks_rbac(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    if _is_true(res.get("enableRBAC")) is False:
        yield "enableRBAC is not true: Kubernetes RBAC must be on"
    aad = res.get("aadProfile", default={})
    if aad is UNKNOWN:
        return
    if _is_true(get(aad, "managed")) is False:
        yield "aadProfile.managed is not true: sign-in must go through Microsoft Entra ID"
    if _is_true(get(aad, "enableAzureRBAC")) is False:
        yield "aadProfile.enableAzureRBAC is not true: authorise with Azure RBAC role assignments"


def check_aks_local_accounts(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    if _is_true(res.get("disableLocalAccounts")) is False:
        yield "disableLocalAccounts is not true: the static cluster-admin kubeconfig would bypass Entra ID"


def check_aks_network_policy(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    policy = res.get("networkProfile", "networkPolicy")
    if policy is not UNKNOWN and (not isinstance(policy, str) or policy.lower() not in NETWORK_POLICIES):
        yield f"networkProfile.networkPolicy is {policy!r}; use one of {list(NETWORK_POLICIES)} so NetworkPolicies apply"


def check_aks_workload_identity(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    if _is_true(res.get("securityProfile", "workloadIdentity", "enabled")) is False:
        yield "securityProfile.workloadIdentity.enabled is not true"
    if _is_true(res.get("oidcIssuerProfile", "enabled")) is False:
        yield "oidcIssuerProfile.enabled is not true (workload identity federates through the OIDC issuer)"


def check_aks_secrets_provider(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    addon = _addon(res, "azureKeyvaultSecretsProvider")
    if addon is UNKNOWN:
        return
    if _is_true(get(addon, "enabled")) is False:
        yield "the azureKeyvaultSecretsProvider add-on is not enabled: pods read Key Vault secrets through it"


def check_aks_hardening(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    checks = set(cfg["checks"])
    if "privateApi" in checks:
        api = res.get("apiServerAccessProfile", default={})
        if api is not UNKNOWN:
            private = _is_true(get(api, "enablePrivateCluster"))
            ranges = as_list(get(api, "authorizedIPRanges"))
            if private is False and (not ranges or any(is_internet_cidr(r) for r in ranges)):
                yield "the API server is public to everyone: enable a private cluster or set authorizedIPRanges (CKV_AZURE_115/6)"
    if "azurePolicy" in checks:
        addon = _addon(res, "azurepolicy")
        if addon is not UNKNOWN and _is_true(get(addon, "enabled")) is False:
            yield "the Azure Policy add-on is off (CKV_AZURE_116)"
    if "diskEncryptionSet" in checks:
        des = res.get("diskEncryptionSetID")
        if des is not UNKNOWN and not des:
            yield "no diskEncryptionSetID: node disks use platform-managed keys (CKV_AZURE_117)"
    if "paidSku" in checks and res.environment == "prod":
        tier = res.get("sku", "tier")
        if tier is not UNKNOWN and str(tier).lower() not in ("standard", "premium"):
            yield f"sku.tier is {tier!r}: production clusters need the financially backed SLA tier (CKV_AZURE_170)"
    if "upgradeChannel" in checks:
        channel = res.get("autoUpgradeProfile", "upgradeChannel")
        if channel is not UNKNOWN and (not channel or str(channel).lower() == "none"):
            yield "autoUpgradeProfile.upgradeChannel is unset: patch releases are never applied (CKV_AZURE_171)"
    if "secretRotation" in checks:
        addon = _addon(res, "azureKeyvaultSecretsProvider")
        if addon is not UNKNOWN and _is_true(get(addon, "enabled")):
            rotation = get(addon, "config", "enableSecretRotation")
            if rotation is not UNKNOWN and str(rotation).lower() != "true":
                yield "the secrets provider does not rotate mounted secrets (config.enableSecretRotation) (CKV_AZURE_172)"


# -- ACR, Key Vault, Redis, Service Bus -----------------------------------------------------

def check_acr_admin(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    if _is_true(res.get("adminUserEnabled")) is True:
        yield "adminUserEnabled is true: the shared admin password bypasses Entra ID; pull with managed identities"


def check_key_vault(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    props = res.get("properties", default={})
    if props is UNKNOWN:
        return
    if _is_true(get(props, "enableRbacAuthorization")) is False:
        yield "properties.enableRbacAuthorization is not true: use Azure RBAC, not vault access policies"
    if get(props, "enableSoftDelete") is not UNKNOWN and truthy(get(props, "enableSoftDelete")) is False:
        yield "properties.enableSoftDelete is false: deleted secrets would be unrecoverable"
    env = res.environment
    if env in cfg["purgeProtectionEnvironments"] and _is_true(get(props, "enablePurgeProtection")) is False:
        yield f"{env}: properties.enablePurgeProtection is not true: a deleted vault could be purged before recovery"


def check_redis_tls(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    if _is_true(res.get("enableNonSslPort")) is True:
        yield "enableNonSslPort is true: port 6379 accepts plaintext connections"
    tls = res.get("minimumTlsVersion")
    if tls is not UNKNOWN and not _tls_at_least(tls, (1, 2)):
        yield f"minimumTlsVersion is {tls!r}; set 1.2"


def check_cache_for_redis_retiring(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    dates = {k: f.value for k, f in AZURE_CACHE_FOR_REDIS_RETIREMENT.items()}
    yield (f"Azure Cache for Redis is retiring (announced {dates['announced']}; Basic/Standard/Premium end "
           f"{dates['basic_standard_premium_retire']}, Enterprise tiers {dates['enterprise_tiers_retire']}; a tenant "
           f"with no cache before {dates['no_new_tenants_from']} cannot create one): plan the move to Azure Managed "
           "Redis")


MANAGED_REDIS_CLUSTER = "azure-native:redisenterprise:RedisEnterprise"
MANAGED_REDIS_DATABASE = "azure-native:redisenterprise:Database"


def check_managed_redis(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    if res.type == MANAGED_REDIS_CLUSTER:
        tls = res.get("minimumTlsVersion")
        if tls is not UNKNOWN and not _tls_at_least(tls, (1, 2)):
            yield f"minimumTlsVersion is {tls!r}; set 1.2"
        return
    protocol = res.get("clientProtocol")
    if protocol is not UNKNOWN and protocol not in (None, "Encrypted"):  # the API's default is Encrypted
        yield f"clientProtocol is {protocol!r}: clients would connect in plaintext; set Encrypted"
    keys = res.get("accessKeysAuthentication")
    if keys is not UNKNOWN and keys != "Disabled":
        yield (f"accessKeysAuthentication is {keys!r}: a shared key bypasses Entra ID; set Disabled and give "
               "workloads an access policy assignment")


def check_servicebus_tls(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    tls = res.get("minimumTlsVersion")
    if tls is not UNKNOWN and not _tls_at_least(tls, (1, 2)):
        yield f"minimumTlsVersion is {tls!r}; set 1.2"


def check_servicebus_local_auth(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    env = res.environment
    if env in cfg["environments"] and _is_true(res.get("disableLocalAuth")) is False:
        yield f"{env}: disableLocalAuth is not true: SAS keys would bypass Entra ID"


# -- storage accounts -------------------------------------------------------------------------

def check_storage_baseline(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    https = res.get("enableHttpsTrafficOnly")  # unset means true (API 2019-04-01 and later)
    if https is not UNKNOWN and truthy(https) is False:
        yield "enableHttpsTrafficOnly is false: plain-HTTP requests (and the tokens they carry) would be accepted"
    tls = res.get("minimumTlsVersion")
    if tls is not UNKNOWN and not _tls_at_least(tls, (1, 2)):
        yield f"minimumTlsVersion is {tls!r}; set TLS1_2 (unset, Azure accepts TLS 1.0)"
    public = res.get("allowBlobPublicAccess")
    if public is not UNKNOWN and truthy(public) is not False:
        yield ("allowBlobPublicAccess is not false: a container could be opened to anonymous readers; "
               "set it to false")
    shared_key = res.get("allowSharedKeyAccess")
    if shared_key is not UNKNOWN and truthy(shared_key) is not False:
        yield ("allowSharedKeyAccess is not false (unset means true): the account keys and SAS tokens signed with "
               "them bypass Entra ID; set it to false and grant workloads a Storage Blob Data role")


PUBLIC_WEBSITE_TAG = "twincloud.io/public-website"


def check_storage_hardening(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    public = res.get("publicNetworkAccess")
    default_action = res.get("networkRuleSet", "defaultAction")
    tags = res.tags if isinstance(res.tags, Mapping) else {}
    website = str(tags.get(PUBLIC_WEBSITE_TAG, "")).lower() == "true"  # public by design (CDN origin)
    if not website and UNKNOWN not in (public, default_action) and str(public).lower() != "disabled" \
            and str(default_action).lower() != "deny":
        yield ("networkRuleSet.defaultAction is not Deny: every network can reach the account; deny by default "
               "and allow the subnets that need it (CKV_AZURE_35)")
    env = res.environment
    sku = res.get("sku", "name")
    if env in cfg["replicationEnvironments"] and sku is not UNKNOWN and sku not in ZONE_REDUNDANT_STORAGE:
        yield (f"{env}: sku.name is {sku!r}; use a zone-redundant SKU (e.g. Standard_ZRS) so a zone outage loses "
               "no data")


# -- network security groups ----------------------------------------------------------------

def nsg_rules(res: Res) -> list[tuple[str, Any]]:
    """(label, rule properties) of an NSG's inline rules or a standalone SecurityRule."""
    if res.type == "azure-native:network:NetworkSecurityGroup":
        rules = res.get("securityRules", default=[])
        return [] if rules is UNKNOWN else [(f"securityRules[{get(r, 'name', default=i)}]", r)
                                           for i, r in enumerate(as_list(rules))]
    return [(f"rule {res.get('securityRuleName') or res.get('name') or res.name}", res.props)]


def allowed_inbound(rule: Any) -> bool:
    direction, access = get(rule, "direction"), get(rule, "access")
    return (isinstance(direction, str) and direction.lower() == "inbound"
            and isinstance(access, str) and access.lower() == "allow")


def rule_sources(rule: Any) -> list[Any]:
    return [*as_list(get(rule, "sourceAddressPrefix")), *as_list(get(rule, "sourceAddressPrefixes"))]


def rule_ports(rule: Any) -> list[tuple[int, int]] | Any:
    if str(get(rule, "protocol", default="*")).lower() == "icmp":
        return []
    single, many = get(rule, "destinationPortRange"), get(rule, "destinationPortRanges")
    if UNKNOWN in (single, many):
        return UNKNOWN
    specs = [*as_list(single), *as_list(many)]
    return port_ranges(specs) if specs else []


def check_nsg_ingress(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    restricted = [int(p) for p in cfg["restrictedPorts"]]
    for label, rule in nsg_rules(res):
        if rule is UNKNOWN or not allowed_inbound(rule):
            continue
        sources = [s for s in rule_sources(rule) if is_internet_cidr(s)]
        ranges = rule_ports(rule)
        if not sources or ranges is UNKNOWN:
            continue
        exposed = exposed_ports(ranges, restricted)
        if exposed:
            yield f"{label} allows inbound {exposed} from {sources} (the internet)"


# -- the rules -----------------------------------------------------------------------------

AKS_RBAC = ResourceRule(
    name="aks-rbac-entra",
    description="AKS uses Kubernetes RBAC with Microsoft Entra ID and Azure RBAC",
    check=check_aks_rbac,
    resource_types=(MANAGED_CLUSTER,),
    checkov=("CKV_AZURE_5",),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set enableRBAC true and aadProfile {managed: true, enableAzureRBAC: true}.",
    tags=["azure", "aks", "identity"],
)

AKS_LOCAL_ACCOUNTS = ResourceRule(
    name="aks-local-accounts-disabled",
    description="AKS local (static admin) accounts are disabled",
    check=check_aks_local_accounts,
    resource_types=(MANAGED_CLUSTER,),
    checkov=("CKV_AZURE_141",),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set disableLocalAccounts true (requires Entra ID integration).",
    tags=["azure", "aks", "identity"],
)

AKS_NETWORK_POLICY = ResourceRule(
    name="aks-network-policy",
    description="AKS enforces Kubernetes NetworkPolicies",
    check=check_aks_network_policy,
    resource_types=(MANAGED_CLUSTER,),
    checkov=("CKV_AZURE_7",),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Set networkProfile.networkPolicy to azure, calico or cilium.",
    tags=["azure", "aks", "network"],
)

AKS_WORKLOAD_IDENTITY = ResourceRule(
    name="aks-workload-identity",
    description="AKS has workload identity and the OIDC issuer enabled",
    check=check_aks_workload_identity,
    resource_types=(MANAGED_CLUSTER,),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set securityProfile.workloadIdentity.enabled and oidcIssuerProfile.enabled to true.",
    tags=["azure", "aks", "identity"],
)

AKS_SECRETS_PROVIDER = ResourceRule(
    name="aks-secrets-provider",
    description="AKS runs the Key Vault secrets-store CSI provider add-on",
    check=check_aks_secrets_provider,
    resource_types=(MANAGED_CLUSTER,),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Set addonProfiles.azureKeyvaultSecretsProvider {enabled: true, config: {enableSecretRotation: 'true'}}.",
    tags=["azure", "aks", "secrets"],
)

AKS_HARDENING = ResourceRule(
    name="aks-hardening",
    description="AKS hardening recommendations: private API, Azure Policy, disk encryption set, SLA tier in prod, "
                "upgrade channel, secret rotation",
    check=check_aks_hardening,
    resource_types=(MANAGED_CLUSTER,),
    checkov=("CKV_AZURE_115", "CKV_AZURE_116", "CKV_AZURE_117", "CKV_AZURE_170", "CKV_AZURE_171", "CKV_AZURE_172"),
    severity=Severity.MEDIUM,
    enforcement=ADVISORY,
    remediation="Work through the listed items; each names its checkov check. Remove an item from `checks` in the "
                "pack config only with a recorded reason.",
    config={"checks": {"type": "array", "items": {"type": "string", "enum": AKS_HARDENING_CHECKS},
                       "default": AKS_HARDENING_CHECKS, "description": "Which hardening items to report."}},
    tags=["azure", "aks"],
)

ACR_ADMIN_DISABLED = ResourceRule(
    name="acr-admin-disabled",
    description="Azure Container Registry admin user is disabled",
    check=check_acr_admin,
    resource_types=("azure-native:containerregistry:Registry",),
    checkov=("CKV_AZURE_137",),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set adminUserEnabled false; grant AcrPull to the kubelet identity instead.",
    tags=["azure", "acr", "identity"],
)

KEY_VAULT_PROTECTION = ResourceRule(
    name="key-vault-protection",
    description="Key Vaults use RBAC authorisation, keep soft delete on, and have purge protection where required",
    check=check_key_vault,
    resource_types=("azure-native:keyvault:Vault",),
    checkov=("CKV_AZURE_42", "CKV_AZURE_110"),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set properties.enableRbacAuthorization true, leave enableSoftDelete true, and set "
                "enablePurgeProtection true in the listed environments (it cannot be turned off again).",
    config={"purgeProtectionEnvironments": environments_schema(
        ["prod"], "purge protection is required (dev vaults stay purgeable so a dev rebuild can reuse the name)")},
    tags=["azure", "keyvault", "secrets"],
)

AZURE_REDIS_TLS = ResourceRule(
    name="azure-redis-tls",
    description="Azure Cache for Redis accepts TLS 1.2+ connections only",
    check=check_redis_tls,
    resource_types=("azure-native:redis:Redis",),
    checkov=("CKV_AZURE_91", "CKV_AZURE_148"),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set enableNonSslPort false and minimumTlsVersion '1.2'.",
    tags=["azure", "redis"],
)

AZURE_CACHE_FOR_REDIS_RETIRING = ResourceRule(
    name="azure-cache-for-redis-retiring",
    description="Azure Cache for Redis is retiring; new session stores use Azure Managed Redis",
    check=check_cache_for_redis_retiring,
    resource_types=("azure-native:redis:Redis",),
    checkov=(),
    severity=Severity.MEDIUM,
    enforcement=ADVISORY,
    remediation="Remove twincloud:azure.redis.legacyCacheForRedis (Azure Managed Redis is the default) once "
                "clients use port 10000 and their Entra workload identity; keep it only while migrating an existing "
                "tenant's cache.",
    tags=["azure", "redis", "lifecycle"],
)

MANAGED_REDIS_TLS_ENTRA = ResourceRule(
    name="azure-managed-redis-tls-entra",
    description="Azure Managed Redis takes TLS 1.2+ connections only and no access keys (Entra ID only)",
    check=check_managed_redis,
    resource_types=(MANAGED_REDIS_CLUSTER, MANAGED_REDIS_DATABASE),
    checkov=(),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set minimumTlsVersion '1.2' on the cluster, and clientProtocol 'Encrypted' and "
                "accessKeysAuthentication 'Disabled' on the database (components/azure/managed_redis.py does).",
    tags=["azure", "redis", "identity"],
)

SERVICEBUS_TLS = ResourceRule(
    name="servicebus-min-tls",
    description="Service Bus namespaces require TLS 1.2+",
    check=check_servicebus_tls,
    resource_types=("azure-native:servicebus:Namespace",),
    checkov=("CKV_AZURE_205",),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set minimumTlsVersion '1.2'.",
    tags=["azure", "servicebus"],
)

SERVICEBUS_LOCAL_AUTH = ResourceRule(
    name="servicebus-local-auth-disabled",
    description="Service Bus namespaces disable SAS (local) authentication in production",
    check=check_servicebus_local_auth,
    resource_types=("azure-native:servicebus:Namespace",),
    checkov=("CKV_AZURE_203",),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Set disableLocalAuth true in prod and give workloads Azure Service Bus Data Sender/Receiver roles.",
    config={"environments": environments_schema(["prod"], "local (SAS) authentication must be disabled")},
    tags=["azure", "servicebus", "identity"],
)

STORAGE_BASELINE = ResourceRule(
    name="storage-account-baseline",
    description="Storage accounts take HTTPS with TLS 1.2+ only, allow no anonymous blob access and no shared-key "
                "(account key/SAS) authorization",
    check=check_storage_baseline,
    resource_types=(STORAGE_ACCOUNT,),
    checkov=("CKV_AZURE_3", "CKV_AZURE_44", "CKV_AZURE_190", "CKV2_AZURE_47", "CKV2_AZURE_40"),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set enableHttpsTrafficOnly true (or leave it unset), minimumTlsVersion 'TLS1_2', "
                "allowBlobPublicAccess false and allowSharedKeyAccess false; workloads use a workload identity with "
                "a Storage Blob Data role. Exempt an account only with a recorded reason (exemptResources).",
    tags=["azure", "storage", "identity"],
)

STORAGE_HARDENING = ResourceRule(
    name="storage-account-hardening",
    description="Storage accounts deny other networks by default and are zone-redundant where required",
    check=check_storage_hardening,
    resource_types=(STORAGE_ACCOUNT,),
    # Not CKV_AZURE_206: that check accepts only geo-redundant SKUs (GRS/RA-GRS/GZRS/RA-GZRS),
    # which storage-account-geo-replication (policies/baseline.py) reports.
    checkov=("CKV_AZURE_35",),
    severity=Severity.MEDIUM,
    enforcement=ADVISORY,
    remediation="Set networkRuleSet {defaultAction: Deny, bypass: AzureServices, virtualNetworkRules: [the AKS "
                "subnet]} (or publicNetworkAccess Disabled with a private endpoint), and a ZRS/GZRS SKU in the listed "
                "environments.",
    config={"replicationEnvironments": environments_schema(
        ["prod"], "storage accounts must be zone-redundant (ZRS, GZRS or RA-GZRS)")},
    tags=["azure", "storage", "network"],
)

NSG_INGRESS = ResourceRule(
    name="nsg-internet-ingress",
    description="Network security groups allow no admin or database port from the internet",
    check=check_nsg_ingress,
    resource_types=NSG_TYPES,
    checkov=("CKV_AZURE_9", "CKV_AZURE_10"),
    severity=Severity.CRITICAL,
    enforcement=MANDATORY,
    remediation="Restrict sourceAddressPrefix to the VNet/subnet that needs the port; use Azure Bastion for admin access.",
    config={"restrictedPorts": {"type": "array", "items": {"type": "integer"}, "default": DEFAULT_RESTRICTED_PORTS,
                                "description": "Ports that must never be reachable from the internet."}},
    tags=["azure", "network"],
)

POLICIES = [
    AKS_RBAC, AKS_LOCAL_ACCOUNTS, AKS_NETWORK_POLICY, AKS_WORKLOAD_IDENTITY, AKS_SECRETS_PROVIDER, AKS_HARDENING,
    ACR_ADMIN_DISABLED, KEY_VAULT_PROTECTION, AZURE_REDIS_TLS, AZURE_CACHE_FOR_REDIS_RETIRING,
    MANAGED_REDIS_TLS_ENTRA, SERVICEBUS_TLS, SERVICEBUS_LOCAL_AUTH,
    STORAGE_BASELINE, STORAGE_HARDENING, NSG_INGRESS,
]
