"""``AksCluster``: an AKS cluster for the DR platform, Entra-only and workload-identity ready.

Builds the cluster's control-plane identity (user-assigned by default, or system-assigned)
with Network Contributor on its node subnet, the managed cluster with a system node pool and
user node pools (autoscaled, spread over the given availability zones), Azure RBAC role
assignments for the admin groups and the deployer, the user kubeconfig (a secret) and a
Kubernetes provider for later components.

Secure defaults, a sentence each:
* Microsoft Entra ID integration is managed and Kubernetes authorization is Azure RBAC, so
  access is granted and revoked in one place;
* local accounts are disabled: no static admin certificate exists, every ``kubectl`` call
  carries an Entra token (``kubelogin``);
* the API server is private unless explicit authorized IP ranges are given, never 0.0.0.0/0;
  the deploy runner's egress addresses (the AWS VPC's NAT gateways) are added as /32s, so
  in-network deploys reach it without widening the list;
* the OIDC issuer and workload identity are on, so pods get Azure tokens without secrets;
* a network policy engine (Cilium, Calico or Azure) is always installed, so namespaces can
  be isolated;
* the Key Vault Secrets Store CSI provider runs with secret rotation, so rotated secrets
  reach pods without a redeploy;
* the Azure Policy add-on (Gatekeeper) is on, so subscription-level policy assignments are
  enforced inside the cluster too;
* nodes have no public IPs, the system pool is tainted ``CriticalAddonsOnly`` so apps land
  on user pools, and node OS images take security patches automatically;
* the Kubernetes minor version is pinned (``components.versions``); AKS applies patches of
  that minor only (``patch`` upgrade channel);
* node counts belong to the cluster autoscaler (``ignoreChanges`` on pool counts);
* node pools encrypt at host (temp disks, OS/data disk caches and the data flowing to
  storage), unless ``encryption_at_host=False`` is named;
* run command (``az aks command invoke``, pods the API starts on a caller's behalf) is
  disabled unless ``disable_run_command=False`` is named: access goes through Entra and the API;
* cluster auto-upgrades and node-OS upgrades run only in planned maintenance windows
  (``aksManagedAutoUpgradeSchedule``, ``aksManagedNodeOSUpgradeSchedule``), so a patch never
  starts in business hours;
* with ``api_server_subnet_id`` the API server is projected into that delegated subnet (API
  Server VNet Integration): node-to-API traffic stays on the private network;
* the control plane's logs (API server, admin audit, controller manager, scheduler,
  autoscaler, Entra/RBAC guard) go to a Log Analytics workspace through a diagnostic
  setting, and Container insights (the ``omsagent`` add-on, Entra-authenticated) sends
  node and pod logs there too.
"""

from __future__ import annotations

import base64
import ipaddress
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.containerservice as containerservice
import pulumi_azure_native.managedidentity as managedidentity
import pulumi_azure_native.monitor as monitor
import pulumi_azure_native.operationalinsights as operationalinsights
import pulumi_kubernetes as k8s

from components.azure import roles
from components.azure.kubeconfig import KUBELOGIN_MODES, with_kubelogin_mode
from components.facts.azure import AKS_LOG_CATEGORIES, AKS_MAINTENANCE, CONTAINER_INSIGHTS_CONFIG
from components.naming import child_name
from components.versions import AKS_KUBERNETES_VERSIONS

SECRETS_PROVIDER_ADDON = "azureKeyvaultSecretsProvider"
AZURE_POLICY_ADDON = "azurepolicy"
CONTAINER_INSIGHTS_ADDON = "omsagent"
SYSTEM_POOL_TAINT = "CriticalAddonsOnly=true:NoSchedule"
NETWORK_POLICIES = ("azure", "calico", "cilium")


@dataclass
class NodePoolSpec:
    """One agent pool; the autoscaler keeps it between ``min_count`` and ``max_count``."""

    name: str
    vm_size: str
    min_count: int
    max_count: int
    mode: str = "User"  # or "System"
    max_pods: int = 110
    os_disk_size_gb: int = 128
    os_sku: str = "AzureLinux"
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[str] = field(default_factory=list)  # "key=value:NoSchedule"


@dataclass
class MaintenanceWindowSpec:
    """A weekly planned maintenance window (AKS: 4-24 hours; auto-upgrade wants 4 or more)."""

    day_of_week: str  # Sunday..Saturday
    start_time: str = "02:00"  # HH:MM in utc_offset
    duration_hours: int = 4
    interval_weeks: int = 1
    utc_offset: str = "+00:00"


@dataclass
class AksClusterArgs:
    """Arguments of :class:`AksCluster`."""

    resource_group_name: pulumi.Input[str]
    location: str
    cluster_name: str
    kubernetes_version: str
    subnet_id: pulumi.Input[str]
    node_pools: list[NodePoolSpec]
    zones: list[str] = field(default_factory=list)
    identity: str = "UserAssigned"  # or "SystemAssigned"
    network_plugin_mode: str = "overlay"  # or "vnet": pods take node-subnet IPs
    network_policy: str = "cilium"
    pod_cidr: str = "192.168.0.0/16"  # overlay only
    service_cidr: str = "172.21.0.0/16"
    private_cluster: bool = True
    authorized_ip_ranges: list[str] = field(default_factory=list)  # for a public API server
    # Addresses the deploy runner reaches the API from (the AWS VPC's NAT gateways): admitted as /32s.
    runner_egress_ips: pulumi.Input[list[str]] | None = None
    sku_tier: str = "Standard"
    admin_group_object_ids: list[str] = field(default_factory=list)
    grant_deployer_admin: bool = True  # the identity running pulumi needs it for the k8s provider
    deployer_principal_type: str = "ServicePrincipal"  # "User" when people run pulumi themselves
    kubelogin_mode: str = "azurecli"
    encryption_at_host: bool = True  # needs the subscription feature Microsoft.Compute/EncryptionAtHost
    log_retention_days: int = 365  # the Log Analytics workspace the control-plane logs go to
    disable_run_command: bool = True
    # Windows for the patch upgrade channel and the node-OS channel (None: AKS picks the time).
    auto_upgrade_window: MaintenanceWindowSpec | None = None
    node_os_window: MaintenanceWindowSpec | None = None
    # A subnet delegated to Microsoft.ContainerService/managedClusters: API Server VNet Integration.
    api_server_subnet_id: pulumi.Input[str] | None = None


def dns_service_ip(service_cidr: str) -> str:
    """The cluster DNS address: the tenth address of the service CIDR (AKS convention)."""
    return str(ipaddress.ip_network(service_cidr)[10])


def api_allow_list(ranges: list[str], egress_ips: pulumi.Input[list[str]] | None) -> pulumi.Input[list[str]]:
    """The configured ranges plus each runner egress address as a /32, without duplicates."""
    if egress_ips is None:
        return list(ranges)
    return pulumi.Output.from_input(egress_ips).apply(
        lambda ips: list(dict.fromkeys([*ranges, *(f"{ip}/32" for ip in ips or [])])))


def validate_args(args: AksClusterArgs) -> None:
    """Reject insecure or inconsistent args before any resource is declared."""
    if args.kubernetes_version not in AKS_KUBERNETES_VERSIONS:
        raise ValueError(f"Kubernetes {args.kubernetes_version} is not pinned; "
                         f"pinned: {', '.join(AKS_KUBERNETES_VERSIONS)} (components/versions.py)")
    if not args.private_cluster and not args.authorized_ip_ranges:
        raise ValueError("a public API server needs authorized_ip_ranges; or set private_cluster=True")
    if any(ipaddress.ip_network(r, strict=False).prefixlen == 0 for r in args.authorized_ip_ranges):
        raise ValueError("0.0.0.0/0 would open the API server to the internet")
    if args.network_policy not in NETWORK_POLICIES:
        raise ValueError(f"network_policy must be one of {NETWORK_POLICIES}")
    if args.kubelogin_mode not in KUBELOGIN_MODES:
        raise ValueError(f"kubelogin_mode must be one of {KUBELOGIN_MODES}")
    if not any(p.mode == "System" for p in args.node_pools):
        raise ValueError("at least one node pool must have mode 'System'")
    if args.api_server_subnet_id is not None and args.identity != "UserAssigned":
        raise ValueError("API Server VNet Integration needs the UserAssigned identity: it must hold Network "
                         "Contributor on the API server subnet before the cluster is created")
    low, high = AKS_MAINTENANCE["duration_hours"].value
    for w in (args.auto_upgrade_window, args.node_os_window):
        if w is not None and not low <= w.duration_hours <= high:
            raise ValueError(f"maintenance windows last {low}-{high} hours")


class AksCluster(pulumi.ComponentResource):
    """AKS cluster with Entra ID, Azure RBAC and workload identity; see the module docstring."""

    cluster_name: pulumi.Output[str]
    cluster_id: pulumi.Output[str]
    oidc_issuer_url: pulumi.Output[str]
    kubelet_object_id: pulumi.Output[str]
    kubelet_client_id: pulumi.Output[str]
    secrets_provider_object_id: pulumi.Output[str]
    secrets_provider_client_id: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]
    provider: k8s.Provider

    def _log_workspace(self, name: str, args: AksClusterArgs) -> operationalinsights.Workspace:
        """The Log Analytics workspace the control-plane logs and Container insights write to."""
        return operationalinsights.Workspace(
            child_name(name, "logs"),
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"),
            retention_in_days=args.log_retention_days,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _control_plane_logs(self, name: str) -> monitor.DiagnosticSetting:
        """A diagnostic setting sending the control-plane log categories to the workspace."""
        return monitor.DiagnosticSetting(
            child_name(name, "control-plane-logs"),
            resource_uri=self.cluster.id,
            workspace_id=self.log_workspace.id,
            log_analytics_destination_type="Dedicated",
            logs=[monitor.DiagnosticsLogSettingsArgs(category=c, enabled=True) for c in AKS_LOG_CATEGORIES],
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _maintenance_windows(self, name: str, args: AksClusterArgs) -> None:
        """Planned maintenance for the auto-upgrade channel and the node-OS channel."""
        self.maintenance: dict[str, containerservice.MaintenanceConfiguration] = {}
        for key, window in (("auto_upgrade_config", args.auto_upgrade_window), ("node_os_config", args.node_os_window)):
            if window is None:
                continue
            config_name = AKS_MAINTENANCE[key].value
            self.maintenance[config_name] = containerservice.MaintenanceConfiguration(
                child_name(name, "maintenance", "auto-upgrade" if key == "auto_upgrade_config" else "node-os"),
                resource_group_name=args.resource_group_name,
                resource_name_=self.cluster.name,
                config_name=config_name,
                maintenance_window=containerservice.MaintenanceWindowArgs(
                    schedule=containerservice.ScheduleArgs(weekly=containerservice.WeeklyScheduleArgs(
                        day_of_week=window.day_of_week, interval_weeks=window.interval_weeks)),
                    start_time=window.start_time,
                    duration_hours=window.duration_hours,
                    utc_offset=window.utc_offset,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )

    def _api_server_subnet_access(self, name: str, args: AksClusterArgs) -> list[pulumi.Resource]:
        """Network Contributor for the control-plane identity on the API server subnet (VNet Integration)."""
        if args.api_server_subnet_id is None:
            return []
        return [authorization.RoleAssignment(
            child_name(name, "apiserver-subnet-network-contributor"),
            scope=args.api_server_subnet_id,
            role_definition_id=roles.subscription_role(roles.NETWORK_CONTRIBUTOR),
            principal_id=self.control_plane_identity.principal_id,
            principal_type=roles.SERVICE_PRINCIPAL,
            opts=pulumi.ResourceOptions(parent=self),
        )]

    def __init__(self, name: str, args: AksClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)  # before registering anything
        super().__init__("twincloud:azure:AksCluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        client = authorization.get_client_config_output()
        network_contributor = roles.subscription_role(roles.NETWORK_CONTRIBUTOR)

        # -- control-plane identity, allowed to join nodes and load balancers to the subnet --
        cluster_depends: list[pulumi.Resource] = []
        if args.identity == "UserAssigned":
            self.control_plane_identity = managedidentity.UserAssignedIdentity(
                child_name(name, "control-plane"),
                resource_group_name=args.resource_group_name,
                location=args.location,
                opts=child,
            )
            cluster_depends.append(authorization.RoleAssignment(
                child_name(name, "subnet-network-contributor"),
                scope=args.subnet_id,
                role_definition_id=network_contributor,
                principal_id=self.control_plane_identity.principal_id,
                principal_type=roles.SERVICE_PRINCIPAL,
                opts=child,
            ))
            identity = containerservice.ManagedClusterIdentityArgs(
                type="UserAssigned", user_assigned_identities=[self.control_plane_identity.id],
            )
            cluster_depends += self._api_server_subnet_access(name, args)
        elif args.identity == "SystemAssigned":
            identity = containerservice.ManagedClusterIdentityArgs(type="SystemAssigned")
        else:
            raise ValueError("identity must be 'UserAssigned' or 'SystemAssigned'")

        zones = list(args.zones) or None
        pools = [
            containerservice.ManagedClusterAgentPoolProfileArgs(
                name=p.name,
                mode=p.mode,
                type="VirtualMachineScaleSets",
                vm_size=p.vm_size,
                os_type="Linux",
                os_sku=p.os_sku,
                os_disk_size_gb=p.os_disk_size_gb,
                orchestrator_version=args.kubernetes_version,
                vnet_subnet_id=args.subnet_id,
                availability_zones=zones,
                enable_auto_scaling=True,
                min_count=p.min_count,
                max_count=p.max_count,
                count=max(p.min_count, 1 if p.mode == "System" else 0),
                max_pods=p.max_pods,
                enable_node_public_ip=False,
                enable_encryption_at_host=args.encryption_at_host,
                node_labels={"twincloud.io/node-pool": p.name, **p.labels},
                node_taints=list(dict.fromkeys(
                    [*([SYSTEM_POOL_TAINT] if p.mode == "System" else []), *p.taints])) or None,
                upgrade_settings=containerservice.AgentPoolUpgradeSettingsArgs(max_surge="33%"),
            )
            for p in args.node_pools
        ]
        overlay = args.network_plugin_mode == "overlay"
        network_profile = containerservice.ContainerServiceNetworkProfileArgs(
            network_plugin="azure",
            network_plugin_mode="overlay" if overlay else None,
            network_dataplane="cilium" if args.network_policy == "cilium" else "azure",
            network_policy=args.network_policy,
            pod_cidr=args.pod_cidr if overlay else None,
            service_cidr=args.service_cidr,
            dns_service_ip=dns_service_ip(args.service_cidr),
            load_balancer_sku="standard",
            outbound_type="loadBalancer",
        )
        self.log_workspace = self._log_workspace(name, args)
        api_access = containerservice.ManagedClusterAPIServerAccessProfileArgs(
            enable_private_cluster=args.private_cluster,
            authorized_ip_ranges=None if args.private_cluster else api_allow_list(
                args.authorized_ip_ranges, args.runner_egress_ips),
            disable_run_command=args.disable_run_command,
            enable_vnet_integration=True if args.api_server_subnet_id is not None else None,
            subnet_id=args.api_server_subnet_id,
        )
        self.cluster = containerservice.ManagedCluster(
            name,
            resource_name_=args.cluster_name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            dns_prefix=args.cluster_name,
            kubernetes_version=args.kubernetes_version,
            sku=containerservice.ManagedClusterSKUArgs(name="Base", tier=args.sku_tier),
            identity=identity,
            agent_pool_profiles=pools,
            network_profile=network_profile,
            api_server_access_profile=api_access,
            aad_profile=containerservice.ManagedClusterAADProfileArgs(
                managed=True,
                enable_azure_rbac=True,
                tenant_id=client.tenant_id,
                admin_group_object_ids=list(args.admin_group_object_ids) or None,
            ),
            enable_rbac=True,
            disable_local_accounts=True,
            oidc_issuer_profile=containerservice.ManagedClusterOIDCIssuerProfileArgs(enabled=True),
            security_profile=containerservice.ManagedClusterSecurityProfileArgs(
                workload_identity=containerservice.ManagedClusterSecurityProfileWorkloadIdentityArgs(enabled=True),
                image_cleaner=containerservice.ManagedClusterSecurityProfileImageCleanerArgs(
                    enabled=True, interval_hours=48),
            ),
            addon_profiles={
                SECRETS_PROVIDER_ADDON: containerservice.ManagedClusterAddonProfileArgs(
                    enabled=True,
                    config={"enableSecretRotation": "true", "rotationPollInterval": "2m"},
                ),
                AZURE_POLICY_ADDON: containerservice.ManagedClusterAddonProfileArgs(enabled=True),
                CONTAINER_INSIGHTS_ADDON: containerservice.ManagedClusterAddonProfileArgs(
                    enabled=True,
                    config=self.log_workspace.id.apply(lambda ws: {
                        CONTAINER_INSIGHTS_CONFIG["workspace"].value: ws,
                        CONTAINER_INSIGHTS_CONFIG["entra_auth"].value: "true",
                    }),
                ),
            },
            auto_scaler_profile=containerservice.ManagedClusterPropertiesAutoScalerProfileArgs(
                balance_similar_node_groups="true",
            ),
            auto_upgrade_profile=containerservice.ManagedClusterAutoUpgradeProfileArgs(
                upgrade_channel="patch", node_os_upgrade_channel="SecurityPatch",
            ),
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=cluster_depends,
                ignore_changes=["agentPoolProfiles[*].count"],
            ),
        )

        self._control_plane_logs(name)
        self._maintenance_windows(name, args)

        if args.identity == "SystemAssigned":
            authorization.RoleAssignment(
                child_name(name, "subnet-network-contributor"),
                scope=args.subnet_id,
                role_definition_id=network_contributor,
                principal_id=self.cluster.identity.apply(lambda i: i.principal_id),
                principal_type=roles.SERVICE_PRINCIPAL,
                opts=child,
            )

        # -- who may use the Kubernetes API (Azure RBAC; no local accounts) ----------------
        cluster_admin = roles.subscription_role(roles.AKS_RBAC_CLUSTER_ADMIN)
        admin_grants: list[pulumi.Resource] = []
        for i, group in enumerate(args.admin_group_object_ids):
            admin_grants.append(authorization.RoleAssignment(
                child_name(name, "admin-group", i),
                scope=self.cluster.id,
                role_definition_id=cluster_admin,
                principal_id=group,
                principal_type=roles.GROUP,
                opts=child,
            ))
        if args.grant_deployer_admin:
            admin_grants.append(authorization.RoleAssignment(
                child_name(name, "deployer-admin"),
                scope=self.cluster.id,
                role_definition_id=cluster_admin,
                principal_id=client.object_id,
                principal_type=args.deployer_principal_type,
                opts=child,
            ))

        # -- outputs ---------------------------------------------------------------------
        self.cluster_name = self.cluster.name
        self.cluster_id = self.cluster.id
        self.oidc_issuer_url = self.cluster.oidc_issuer_profile.apply(lambda p: p.issuer_url)
        kubelet = self.cluster.identity_profile.apply(lambda p: p["kubeletidentity"])
        self.kubelet_object_id = kubelet.apply(lambda k: k.object_id)
        self.kubelet_client_id = kubelet.apply(lambda k: k.client_id)
        provider_identity = self.cluster.addon_profiles.apply(lambda a: a[SECRETS_PROVIDER_ADDON].identity)
        self.secrets_provider_object_id = provider_identity.apply(lambda i: i.object_id)
        self.secrets_provider_client_id = provider_identity.apply(lambda i: i.client_id)

        credentials = containerservice.list_managed_cluster_user_credentials_output(
            resource_group_name=args.resource_group_name,
            resource_name=self.cluster.name,
            format="exec",
        )
        self.kubeconfig = pulumi.Output.secret(credentials.kubeconfigs.apply(
            lambda kcs: with_kubelogin_mode(base64.b64decode(kcs[0].value).decode(), args.kubelogin_mode)
        ))
        self.provider = k8s.Provider(
            child_name(name, "k8s"),
            kubeconfig=self.kubeconfig,
            opts=pulumi.ResourceOptions(parent=self, depends_on=admin_grants),
        )
        self.register_outputs({
            "clusterName": self.cluster_name,
            "clusterId": self.cluster_id,
            "oidcIssuerUrl": self.oidc_issuer_url,
            "kubeletObjectId": self.kubelet_object_id,
            "secretsProviderObjectId": self.secrets_provider_object_id,
            "secretsProviderClientId": self.secrets_provider_client_id,
            "kubeconfig": self.kubeconfig,
        })
