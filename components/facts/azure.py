"""Azure facts: built-in role ids and first-party Entra application ids, each with its source.

Built-in roles have the same GUID in every tenant (the ``name`` of the role definition in
Microsoft's built-in roles reference). First-party Entra applications have the same
application id in every tenant.
"""

from __future__ import annotations

from components.facts import Fact

_ROLES_DOC = "https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/"
_AZURE_DOCS = "MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/"

# Role name (as Azure spells it) -> role definition GUID.
BUILT_IN_ROLES: dict[str, Fact] = {
    "AcrPull": Fact(
        "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        f"{_AZURE_DOCS}containers.md @0088bfa77543 (## AcrPull); {_ROLES_DOC}containers#acrpull"),
    "AcrPush": Fact(
        "8311e382-0749-4cb8-b61a-304f252e45ec",
        f"{_AZURE_DOCS}containers.md @0088bfa77543 (## AcrPush); {_ROLES_DOC}containers#acrpush"),
    "Azure Service Bus Data Sender": Fact(
        "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
        f"{_AZURE_DOCS}integration.md (## Azure Service Bus Data Sender); "
        f"{_ROLES_DOC}integration#azure-service-bus-data-sender"),
    "Azure Service Bus Data Receiver": Fact(
        "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
        f"{_AZURE_DOCS}integration.md (## Azure Service Bus Data Receiver); "
        f"{_ROLES_DOC}integration#azure-service-bus-data-receiver"),
    "Key Vault Secrets User": Fact(
        "4633458b-17de-408a-b874-0445c86b69e6",
        f"{_AZURE_DOCS}security.md (## Key Vault Secrets User); {_ROLES_DOC}security#key-vault-secrets-user"),
    "Network Contributor": Fact(
        "4d97b98b-1d4f-4787-a291-c67834d212e7",
        f"{_AZURE_DOCS}networking.md (## Network Contributor); {_ROLES_DOC}networking#network-contributor"),
    "Azure Kubernetes Service RBAC Cluster Admin": Fact(
        "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
        f"{_AZURE_DOCS}containers.md (## Azure Kubernetes Service RBAC Cluster Admin); "
        f"{_ROLES_DOC}containers#azure-kubernetes-service-rbac-cluster-admin"),
    "Storage Blob Data Contributor": Fact(
        "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        "MicrosoftDocs/azure-docs (zh-cn mirror) articles/role-based-access-control/built-in-roles.md "
        f"(\"roleName\": \"Storage Blob Data Contributor\"); {_ROLES_DOC}storage#storage-blob-data-contributor"),
}

# First-party Entra applications AKS uses for Entra-integrated clusters (kubelogin).
ENTRA_APPLICATIONS: dict[str, Fact] = {
    # The server side: tokens for AKS clusters are issued for this application (--server-id).
    "Azure Kubernetes Service AAD Server": Fact(
        "6dae42f8-4368-4678-94ff-3960e28e3630",
        "Azure/kubelogin@66784961ef44 docs/book/src/concepts/aks.md"),
    # The public client kubelogin logs in with in devicecode/interactive/ropc modes (--client-id).
    # It is the AKS Microsoft Entra client application (the Azure CLI has its own client id).
    "Azure Kubernetes Service AAD Client": Fact(
        "80faf920-1908-4b52-b5ef-a8e7bedfc67a",
        "Azure/kubelogin@66784961ef44 docs/book/src/concepts/aks.md"),
}

_AKS_LOGS = ("https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/"
             "microsoft-containerservice-managedclusters-logs")
_PSRULE_AUDIT = "https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.AuditLogs"
_THIRD_PARTY = ("; the exact category name also from public azurerm configs (find_string), not from the page "
                "row itself")

# AKS control-plane log categories the diagnostic setting enables -> what they hold. kube-audit
# (every event, get/list included) is left out for cost: kube-audit-admin has the same events
# without get and list.
AKS_LOG_CATEGORIES: dict[str, Fact] = {
    "kube-apiserver": Fact("Kubernetes API server", _AKS_LOGS),
    "kube-audit-admin": Fact("audit events except get and list", f"{_AKS_LOGS}; {_PSRULE_AUDIT}"),
    "kube-controller-manager": Fact("controller manager", _AKS_LOGS + _THIRD_PARTY),
    "kube-scheduler": Fact("scheduler", _AKS_LOGS + _THIRD_PARTY),
    "cluster-autoscaler": Fact("cluster autoscaler", _AKS_LOGS),
    "guard": Fact("Entra ID and Azure RBAC decisions", f"{_AKS_LOGS}; {_PSRULE_AUDIT}"),
}

# Container insights (the omsagent add-on) config keys.
CONTAINER_INSIGHTS_CONFIG: dict[str, Fact] = {
    "workspace": Fact(
        "logAnalyticsWorkspaceResourceID",
        "learn.microsoft.com AKS articles (az aks show: addonProfiles.omsagent.config), as quoted in a public "
        "mirror of the CloudNativePG-on-AKS article; checkov 3.3.30 checkov/arm/checks/resource/AKSLoggingEnabled.py "
        "(CKV_AZURE_4 reads addonProfiles.omsagent.enabled)"),
    "entra_auth": Fact(
        "useAADAuth",
        "same article's az aks show output (\"useAADAuth\": \"true\"): managed-identity authentication to the "
        "workspace"),
}

# Resource properties checked in the pinned SDK (pulumi_azure_native 3.29.0).
_SDK = ".venv/lib/python3.11/site-packages/pulumi_azure_native"
SDK_PROPERTIES: dict[str, Fact] = {
    "acr.quarantinePolicy": Fact(
        "Registry policies.quarantinePolicy.status enabled|disabled (API 2023-01-01-preview, the version 3.29 uses)",
        f"{_SDK}/containerregistry/registry.py:304 (Uses Azure REST API version 2023-01-01-preview); "
        f"{_SDK}/containerregistry/_inputs.py:3505 QuarantinePolicyArgs"),
    "acr.quarantine.semantics": Fact(
        "with quarantine enabled, pushed images cannot be pulled until a scanner marks them verified",
        "Azure/PSRule.Rules.Azure docs/en/rules/Azure.ACR.Quarantine.md"),
    "keyvault.secret.attributes": Fact(
        "SecretPropertiesArgs.attributes.expires (seconds since 1970-01-01T00:00:00Z), content_type",
        f"{_SDK}/keyvault/_inputs.py:1523 SecretAttributesArgs (API 2024-11-01, keyvault/secret.py:122)"),
    "aks.enableEncryptionAtHost": Fact(
        "ManagedClusterAgentPoolProfile.enable_encryption_at_host (API 2025-09-01)",
        f"{_SDK}/containerservice/_inputs.py:4278; https://docs.microsoft.com/azure/aks/enable-host-encryption"),
    "monitor.DiagnosticSetting.logAnalyticsDestinationType": Fact(
        "Dedicated (resource-specific tables) or null",
        f"{_SDK}/monitor/diagnostic_setting.py:41"),
}

# Private-link sub-resource (group id) -> the private DNS zone Azure resolves it through.
_PE_DNS = ("MicrosoftDocs/azure-docs articles/private-link/private-endpoint-dns.md "
           "(Azure services DNS zone configuration table)")
PRIVATE_DNS_ZONES: dict[str, Fact] = {
    "registry": Fact("privatelink.azurecr.io", _PE_DNS),
    "redisCache": Fact("privatelink.redis.cache.windows.net",
                       f"{_PE_DNS}: Azure Cache for Redis (Microsoft.Cache/Redis) | redisCache"),
    "redisEnterprise": Fact("privatelink.redis.azure.net",
                            f"{_PE_DNS}: Azure Managed Redis (Microsoft.Cache/RedisEnterprise) | redisEnterprise"),
    "namespace": Fact("privatelink.servicebus.windows.net", _PE_DNS),
    "vault": Fact("privatelink.vaultcore.azure.net", _PE_DNS),
}

# Azure Managed Redis (Microsoft.Cache/redisEnterprise) facts the component relies on.
_AMR_SPECS = ("Azure/azure-rest-api-specs@fa9f9e9380b9 specification/redisenterprise/resource-manager/"
              "Microsoft.Cache/RedisEnterprise/stable/2025-07-01/examples/RedisEnterpriseDatabasesCreate.json")
MANAGED_REDIS: dict[str, Fact] = {
    # Azure Managed Redis serves one database, named "default".
    "database_name": Fact("default", f"{_AMR_SPECS} (databaseName)"),
    # Clients connect over TLS (clientProtocol Encrypted) on port 10000.
    "tls_port": Fact(10000, f"{_AMR_SPECS} (port, clientProtocol Encrypted)"),
    # The built-in data access policy an Entra principal is assigned to.
    "access_policy": Fact("default", "Azure/azure-rest-api-specs@e3cc02953fd2 specification/redisenterprise/"
                          "resource-manager/Microsoft.Cache/RedisEnterprise/stable/2025-07-01/examples/"
                          "RedisEnterpriseAccessPolicyAssignmentCreateUpdate.json (accessPolicyName)"),
    # Entra authentication is per identity: Entra groups are not supported.
    "entra_groups_supported": Fact(False, "https://learn.microsoft.com/azure/redis/entra-for-authentication "
                                   "(Prerequisites and limitations)"),
    # High availability in a region with availability zones makes the cache zone redundant.
    "zone_redundancy": Fact("high availability in a region with zones",
                            "https://learn.microsoft.com/azure/reliability/reliability-managed-redis "
                            "(Production deployment recommendations)"),
    # SKU names the API accepts (Enterprise_*/EnterpriseFlash_* are the retiring Enterprise tiers).
    "sku_names": Fact("pulumi_azure_native.redisenterprise.SkuName",
                      "pulumi_azure_native 3.29.0 (installed SDK) redisenterprise/_enums.py SkuName"),
}

# Azure Cache for Redis (Microsoft.Cache/redis) retirement.
_RETIREMENT = ("https://learn.microsoft.com/azure/azure-cache-for-redis/retirement-faq; that page is not in the "
               "searchable corpus: dates checked against three copies that agree (api-evangelist "
               "microsoft-azure-cache-for-redis changelog of cache-whats-new, microsoft/simplechat#1438, "
               "praveenkumarsreeram.com 2026-06-12) - unverified at Microsoft's page itself")
AZURE_CACHE_FOR_REDIS_RETIREMENT: dict[str, Fact] = {
    "announced": Fact("2025-10", _RETIREMENT),
    "enterprise_tiers_retire": Fact("2027-03-31", _RETIREMENT),
    "basic_standard_premium_retire": Fact("2028-09-30", _RETIREMENT),
    "no_new_tenants_from": Fact("2026-04-01", f"{_RETIREMENT}; a tenant with no cache before this date cannot "
                                "create one"),
}

# Azure Container Registry: what keeping it in step with ECR, and its data settings, rely on.
_ACR_DOCS = "MicrosoftDocs/azure-management-docs articles/container-registry/"
ACR: dict[str, Fact] = {
    # Artifact cache upstreams: Docker Hub, Microsoft Artifact Registry, AWS ECR *Public Gallery*,
    # GitHub Container Registry, Quay, registry.k8s.io, Google Container Registry. Private ECR is not
    # one, and a cache fills only on the first pull of each tag.
    # az acr import takes a non-Azure private registry with a username and password.
    "import_non_azure_private": Fact(True, f"{_ACR_DOCS}container-registry-import-images.md @0cb0c826286d "
                                     "(## Import from a non-Azure private container registry)"),
    "artifact_cache_private_ecr": Fact(False, f"{_ACR_DOCS}artifact-cache-overview.md @0161e50c1106 "
                                       "(## Upstream support; ## Current limitations)"),
    # The retention policy for untagged manifests is a (preview) feature of Premium registries;
    # 0-365 days, 7 when not given; it applies only to manifests untagged after it is enabled.
    "retention_premium_only": Fact(True, f"{_ACR_DOCS}container-registry-retention-policy.md @064a6550eb2d"),
    "retention_days_range": Fact((0, 365), f"{_ACR_DOCS}container-registry-retention-policy.md @064a6550eb2d "
                                 "(az acr config retention update --days)"),
    # Registry.policies.retentionPolicy {days, status}; SDK defaults days 7, status disabled.
    "retention_sdk": Fact("PoliciesArgs.retention_policy = RetentionPolicyArgs(days, status)",
                          f"{_SDK}/containerregistry/_inputs.py:3545 RetentionPolicyArgs (API 2023-01-01-preview)"),
    # Geo-replication: one Replication resource per extra location (Premium), itself zone redundant or not.
    "replication_sdk": Fact("containerregistry.Replication(registry_name, location, zone_redundancy, "
                            "region_endpoint_enabled)",
                            f"{_SDK}/containerregistry/replication.py:23 (API 2024-11-01-preview)"),
    # "Geo-replication requires the Premium SKU"; "Zone redundancy is always enabled for geo-replicas";
    # a home-region outage stops only control-plane operations (push/pull go on through the replicas).
    # "Zone redundancy is enabled by default for all Azure container registries in regions that support
    # availability zones ... every service tier - Basic, Standard, and Premium"; the zoneRedundancy
    # property may still show false/Disabled. So Premium is needed in prod for geo-replication,
    # retention and private endpoints, not for zone redundancy itself.
    "zone_redundancy_all_tiers": Fact(True, "https://learn.microsoft.com/azure/container-registry/zone-redundancy "
                                      "(as served at docs.azure.cn/en-us/container-registry/zone-redundancy, "
                                      "checked 2026-12-06; the learn.microsoft.com copy in the search index was "
                                      "older and said Premium only)"),
    "replication_premium_only": Fact(True, f"{_ACR_DOCS}container-registry-geo-replication.md @02a3fb9928ed "
                                     "(intro; ### Data plane high availability; ### Home region outage behavior)"),
}

# GitHub Actions OIDC, as Entra federated identity credentials on a user-assigned identity see it.
GITHUB_OIDC: dict[str, Fact] = {
    "issuer": Fact("https://token.actions.githubusercontent.com",
                   "https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust-"
                   "user-assigned-managed-identity; cwe1ss/microservices-template@650565fb "
                   "infrastructure/platform/github-identity-resources.bicep"),
    # sub claim of a job in a GitHub environment / on a branch; the branch form only when the job
    # references no environment (https://docs.github.com/actions/reference/security/oidc, example
    # subject claims; github/docs#28058), so ciPushers takes the environment form only.
    "subject_environment": Fact("repo:<owner>/<repo>:environment:<name>",
                                "cwe1ss/microservices-template@650565fb infrastructure/platform/"
                                "github-identity-resources.bicep; docs/ci.md (the deploy role's trust)"),
    "subject_branch": Fact("repo:<owner>/<repo>:ref:refs/heads/<branch>",
                           "cwe1ss/microservices-template@650565fb infrastructure/platform/"
                           "github-identity-resources.bicep"),
    # At most 20 federated identity credentials on one application or user-assigned identity.
    "max_credentials": Fact(20, "https://learn.microsoft.com/entra/workload-id/workload-identity-federation-"
                            "create-trust-user-assigned-managed-identity (Important considerations)"),
}

# AKS planned maintenance and API server settings (pinned SDK: containerservice API 2025-09-01).
_AKS_DOCS = "MicrosoftDocs/azure-aks-docs@fb060abe articles/aks/"
AKS_MAINTENANCE: dict[str, Fact] = {
    "auto_upgrade_config": Fact("aksManagedAutoUpgradeSchedule", f"{_AKS_DOCS}planned-maintenance.md "
                                "(## Schedule configuration types for planned maintenance)"),
    "node_os_config": Fact("aksManagedNodeOSUpgradeSchedule", f"{_AKS_DOCS}planned-maintenance.md "
                           "(## Schedule configuration types for planned maintenance)"),
    # "When you're using auto-upgrade ... use a maintenance window with a duration of four hours or more";
    # the SDK: "Length of maintenance window range from 4 to 24 hours".
    "duration_hours": Fact((4, 24), f"{_AKS_DOCS}planned-maintenance.md (## Create a maintenance window); "
                           f"{_SDK}/containerservice/_inputs.py:3763 MaintenanceWindowArgs.duration_hours"),
    "week_days": Fact(("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"),
                      f"{_SDK}/containerservice/_enums.py:1224 WeekDay"),
    "resource": Fact("containerservice.MaintenanceConfiguration(config_name, maintenance_window)",
                     f"{_SDK}/containerservice/maintenance_configuration.py (API 2025-09-01)"),
}
AKS_API_SERVER: dict[str, Fact] = {
    "disable_run_command": Fact("apiServerAccessProfile.disableRunCommand",
                                f"{_SDK}/containerservice/_inputs.py:4090 ManagedClusterAPIServerAccessProfileArgs"),
    "vnet_integration": Fact("apiServerAccessProfile.enableVnetIntegration + subnetId (GA API 2025-09-01)",
                             f"{_SDK}/containerservice/_inputs.py:4093,4095; {_AKS_DOCS}api-server-vnet-"
                             "integration.md (available in all GA public cloud regions except qatarcentral)"),
    # Bring-your-own VNet: a subnet of at least /28 delegated to Microsoft.ContainerService/managedClusters,
    # and the cluster identity needs permissions on it.
    "vnet_integration_subnet": Fact(("Microsoft.ContainerService/managedClusters", 28),
                                    f"{_AKS_DOCS}api-server-vnet-integration.md (### AKS Standard: "
                                    "bring-your-own VNet)"),
}

TABLES = ("BUILT_IN_ROLES", "ENTRA_APPLICATIONS", "PRIVATE_DNS_ZONES", "MANAGED_REDIS",
          "AZURE_CACHE_FOR_REDIS_RETIREMENT", "AKS_LOG_CATEGORIES", "CONTAINER_INSIGHTS_CONFIG", "SDK_PROPERTIES",
          "ACR", "GITHUB_OIDC", "AKS_MAINTENANCE", "AKS_API_SERVER")


def managed_redis_skus() -> tuple[str, ...]:
    """Azure Managed Redis SKU names from the pinned SDK's enum (not the retiring Enterprise tiers)."""
    from pulumi_azure_native.redisenterprise import SkuName

    return tuple(s.value for s in SkuName if not s.value.startswith(("Enterprise_", "EnterpriseFlash_")))
