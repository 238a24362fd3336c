"""Config section ``twincloud:azure``: the Azure (warm-standby/DR) side of the platform.

Optional: without it the stack builds AWS only. Every key is validated here, before any
resource exists. Rules that need the AWS side too (address-space overlap with the VPC) read
``twincloud:vpc.cidr`` as the VPC section published it (``stacks.config.base.published``), so
they run whenever that value parsed, whatever else is wrong.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from components.azure.vnet_plan import AZURE_RESERVED_IPS, SENSITIVE_PORTS, plan_vnet
from components.facts import catalogs
from components.versions import AKS_KUBERNETES_VERSIONS
from stacks.config.base import Model, api_allow_list, is_prod, parse_cidr, private_range, publish, published
from stacks.config.kubernetes import label_problems, taint_key_problem, taint_value_problem

# Patterns are matched with fullmatch: `$` would let a trailing newline through.
POOL_NAME = re.compile(r"[a-z][a-z0-9]{0,11}")
TAINT = re.compile(r"(?P<key>[^=:]+)(=(?P<value>[^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)")
GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
K8S_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
ENTITY_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,49}")
ISO_DURATION = re.compile(r"P(?!$)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
SECRET_NAME = re.compile(r"[0-9a-zA-Z-]{1,127}")
# "The maximum value for LockDuration is 5 minutes" (pulumi-azure-native 3.29.0
# pulumi_azure_native/servicebus/queue.py:58, from the Service Bus ARM spec).
MAX_LOCK_SECONDS = 300
AKS_RESERVED = "AKS"  # who reserves catalogs.AKS_RESERVED_RANGES, for messages
# What the offline plan sees for a value set with `pulumi config set --secret --path`
# (it cannot decrypt it); under `pulumi up` the value arrives decrypted.
OFFLINE_SECRET = "offline-placeholder-secret"


def problems_error(problems: list[tuple[tuple[str | int, ...], str, Any]]) -> ValidationError:
    """Several problems at once, each with its own key path (relative to the model raising it)."""
    return ValidationError.from_exception_data("config", [
        InitErrorDetails(type=PydanticCustomError("config", "{msg}", {"msg": msg}), loc=loc,
                         input=value if isinstance(value, (str, int, bool)) else None)
        for loc, msg, value in problems
    ])


def _zone(v: Any) -> Any:
    return str(v) if isinstance(v, int) else v


def _secret(v: Any) -> Any:
    if isinstance(v, dict) and set(v) == {"secure"}:
        return OFFLINE_SECRET
    return v


Zone = Annotated[Literal["1", "2", "3"], BeforeValidator(_zone)]
SecretValue = Annotated[SecretStr, BeforeValidator(_secret)]


_PEERED = "pick a range outside it; the clouds are connected and routes must not collide"


def _overlap(a: str, b: str) -> bool:
    return ipaddress.ip_network(a).overlaps(ipaddress.ip_network(b))


# -- network ------------------------------------------------------------------------------

class AzureVnetConfig(Model):
    """``twincloud:azure.vnet``."""

    address_space: str = Field(description="VNet IPv4 CIDR, /16 to /24; must not overlap the AWS VPC")
    ingress_ports: list[int] = [443]

    @field_validator("address_space")
    @classmethod
    def _space(cls, v: str, info: ValidationInfo) -> str:
        net = parse_cidr(v, what="address space")
        if not 16 <= net.prefixlen <= 24:
            raise ValueError(f"VNet address space must be between /16 and /24, got /{net.prefixlen}")
        private_range(v, label="the VNet address space", shortest=16, longest=24, what="address space",
                      reserved=catalogs.AKS_RESERVED_RANGES, reserved_by=AKS_RESERVED)
        vpc = published(info, "vpc.cidr")
        if vpc and _overlap(v, vpc):
            raise ValueError(f"overlaps the AWS VPC (twincloud:vpc.cidr {vpc}); {_PEERED}")
        return publish(info, "azure.vnet.addressSpace", v)

    @field_validator("ingress_ports")
    @classmethod
    def _ports(cls, v: list[int]) -> list[int]:
        bad = [p for p in v if not 1 <= p <= 65535]
        if bad:
            raise ValueError(f"ports must be 1-65535: {bad}")
        sensitive = [p for p in v if p in SENSITIVE_PORTS]
        if sensitive:
            raise ValueError(f"ports {sensitive} ({', '.join(SENSITIVE_PORTS[p] for p in sensitive)}) must never be "
                             "open to the internet; use a bastion or VPN")
        return sorted(set(v))


# -- AKS ------------------------------------------------------------------------------------

class AksNodePoolConfig(Model):
    """One entry of ``twincloud:azure.aks.nodePools``."""

    name: str
    mode: Literal["System", "User"] = "User"
    vm_size: str
    min_count: Annotated[int, Field(ge=0, le=1000)]
    max_count: Annotated[int, Field(ge=1, le=1000)]
    max_pods: Annotated[int, Field(ge=10, le=250)] = 110
    os_disk_size_gb: Annotated[int, Field(ge=30, le=2048)] = 128
    os_sku: Literal["AzureLinux", "Ubuntu"] = "AzureLinux"
    labels: dict[str, str] = {}
    taints: list[str] = []

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not POOL_NAME.fullmatch(v):
            raise ValueError("AKS node pool names are 1-12 lower-case letters and digits, starting with a letter")
        return v

    @field_validator("vm_size")
    @classmethod
    def _size(cls, v: str) -> str:
        sizes = catalogs.azure_vm_sizes()
        if v not in sizes:
            raise ValueError(f"not an Azure VM size in the catalog; allowed: {', '.join(sorted(sizes))} "
                             "(components/facts/catalogs.py AZURE_VM_SIZES: add a series with its source)")
        return v

    @field_validator("max_count")
    @classmethod
    def _max(cls, v: int, info: ValidationInfo) -> int:
        low = info.data.get("min_count")
        if low is not None and low > v:
            raise ValueError(f"minCount ({low}) must not exceed maxCount ({v})")
        return v

    @field_validator("labels")
    @classmethod
    def _labels(cls, v: dict[str, str]) -> dict[str, str]:
        problems = label_problems(v)
        if problems:
            raise ValueError(f"invalid node labels: {'; '.join(problems)}")
        return v

    @field_validator("taints")
    @classmethod
    def _taints(cls, v: list[str]) -> list[str]:
        for t in v:
            m = TAINT.fullmatch(t)
            if not m:
                raise ValueError(f"taints must look like 'key=value:NoSchedule' (or PreferNoSchedule/NoExecute): {t!r}")
            problem = taint_key_problem(m.group("key")) or taint_value_problem(m.group("value"))
            if problem:
                raise ValueError(f"not a taint: {problem}")
        return v

    @model_validator(mode="after")
    def _counts(self) -> AksNodePoolConfig:
        problems = []
        if self.mode == "System" and self.min_count < 1:
            problems.append((("minCount",), "a System pool needs at least one node", self.min_count))
        if problems:
            raise problems_error(problems)
        return self


HHMM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
UTC_OFFSET = re.compile(r"[+-](0[0-9]|1[0-4]):(00|30|45)")
WEEK_DAYS = Literal["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


class MaintenanceWindowConfig(Model):
    """``twincloud:azure.aks.maintenance.autoUpgrade`` / ``.nodeOs``: a weekly planned maintenance window.

    Days are the SDK's WeekDay values; 4-24 hours (AKS, and auto-upgrade wants 4 or more);
    components/facts/azure.py AKS_MAINTENANCE has the sources."""

    enabled: bool = True
    day_of_week: WEEK_DAYS = "Sunday"
    start_time: str = "02:00"
    duration_hours: Annotated[int, Field(ge=4, le=24)] = 4
    # Weeks between windows; 1-4 here (the SDK states no bound: the upper bound is unverified).
    interval_weeks: Annotated[int, Field(ge=1, le=4)] = 1
    utc_offset: str = "+00:00"

    @field_validator("start_time")
    @classmethod
    def _start(cls, v: str) -> str:
        if not HHMM.fullmatch(v):
            raise ValueError("use HH:MM from 00:00 to 23:59, in utcOffset's time zone")
        return v

    @field_validator("utc_offset")
    @classmethod
    def _offset(cls, v: str) -> str:
        if not UTC_OFFSET.fullmatch(v):
            raise ValueError("use +HH:MM or -HH:MM, e.g. +00:00 or +05:30")
        return v


class AksMaintenanceConfig(Model):
    """``twincloud:azure.aks.maintenance``: when AKS may upgrade the cluster and patch node images."""

    auto_upgrade: MaintenanceWindowConfig = Field(default_factory=lambda: {"dayOfWeek": "Sunday"})  # type: ignore
    node_os: MaintenanceWindowConfig = Field(default_factory=lambda: {"dayOfWeek": "Saturday"})  # type: ignore

    @model_validator(mode="after")
    def _prod(self, info: ValidationInfo) -> AksMaintenanceConfig:
        if is_prod(info):
            off = [k for k, w in (("autoUpgrade", self.auto_upgrade), ("nodeOs", self.node_os)) if not w.enabled]
            if off:
                raise problems_error([((k, "enabled"), "prod upgrades run in planned maintenance windows only; "
                                       "keep it enabled and pick dayOfWeek/startTime", None) for k in off])
        return self


def _outside_networks(cidr: str, info: ValidationInfo) -> None:
    """An AKS range must not collide with the AWS VPC or this VNet (as far as they parsed)."""
    vpc, vnet = published(info, "vpc.cidr"), published(info, "azure.vnet.addressSpace")
    if vpc and _overlap(cidr, vpc):
        raise ValueError(f"overlaps the AWS VPC (twincloud:vpc.cidr {vpc}); {_PEERED}")
    if vnet and _overlap(cidr, vnet):
        raise ValueError(f"overlaps vnet.addressSpace {vnet}")


class AksConfig(Model):
    """``twincloud:azure.aks``: the AKS cluster."""

    version: str
    identity: Literal["userAssigned", "systemAssigned"] = "userAssigned"
    network_plugin_mode: Literal["overlay", "vnet"] = "overlay"
    network_policy: Literal["azure", "calico", "cilium"] = "cilium"
    pod_cidr: str = "192.168.0.0/16"
    service_cidr: str = "172.21.0.0/16"
    private_cluster: bool = False
    api_server_authorized_ip_ranges: list[str] = []
    sku_tier: Literal["Free", "Standard", "Premium"] = "Standard"
    admin_group_object_ids: list[str] = []
    deployer_principal_type: Literal["ServicePrincipal", "User"] = "ServicePrincipal"
    kubelogin_mode: Literal["azurecli", "workloadidentity", "spn", "msi"] = "azurecli"
    # Host-based encryption on every node pool (the subscription needs the
    # Microsoft.Compute/EncryptionAtHost feature registered; docs/azure.md).
    encryption_at_host: bool = True
    # Days the Log Analytics workspace keeps control-plane and container logs (30-730 on
    # PerGB2018: unverified bounds, the SDK says "allowed values are per pricing plan").
    log_retention_days: Annotated[int, Field(ge=30, le=730)] = 365
    # Run command (az aks command invoke) off; prod keeps it off.
    disable_run_command: bool = True
    # API Server VNet Integration (GA in the pinned API 2025-09-01): the API server gets an internal
    # address in a delegated /28 of the VNet. Needs identity userAssigned.
    api_server_vnet_integration: bool = False
    maintenance: AksMaintenanceConfig = Field(default_factory=dict)  # type: ignore[arg-type]
    node_pools: Annotated[list[AksNodePoolConfig], Field(min_length=1)]

    @field_validator("version")
    @classmethod
    def _version(cls, v: str) -> str:
        if v not in AKS_KUBERNETES_VERSIONS:
            raise ValueError(f"Kubernetes version {v!r} is not pinned for AKS; allowed: "
                             f"{', '.join(AKS_KUBERNETES_VERSIONS)} (components/versions.py); give the minor only, "
                             "AKS applies its patches")
        return v

    @field_validator("pod_cidr")
    @classmethod
    def _pods(cls, v: str, info: ValidationInfo) -> str:
        private_range(v, label="the overlay pod CIDR", shortest=8, longest=22, what="pod CIDR",
                      reserved=catalogs.AKS_RESERVED_RANGES, reserved_by=AKS_RESERVED)
        if info.data.get("network_plugin_mode") == "overlay":
            _outside_networks(v, info)
        return v

    @field_validator("service_cidr")
    @classmethod
    def _services(cls, v: str, info: ValidationInfo) -> str:
        private_range(v, label="the AKS service CIDR", shortest=12, longest=24, what="service CIDR",
                      reserved=catalogs.AKS_RESERVED_RANGES, reserved_by=AKS_RESERVED)
        _outside_networks(v, info)
        pods = info.data.get("pod_cidr")
        if pods and info.data.get("network_plugin_mode") == "overlay" and _overlap(pods, v):
            raise ValueError(f"overlaps podCidr {pods}")
        return v

    @field_validator("api_server_authorized_ip_ranges")
    @classmethod
    def _ranges(cls, v: list[str]) -> list[str]:
        return api_allow_list(v, what="authorized IP range",
                              fix="list your office/VPN egress CIDRs or set privateCluster: true")

    @field_validator("admin_group_object_ids")
    @classmethod
    def _groups(cls, v: list[str]) -> list[str]:
        bad = [g for g in v if not GUID.fullmatch(g)]
        if bad:
            raise ValueError(f"Entra group object ids are GUIDs: {bad}")
        return v

    @field_validator("sku_tier")
    @classmethod
    def _tier(cls, v: str, info: ValidationInfo) -> str:
        if is_prod(info) and v == "Free":
            raise ValueError("prod needs skuTier Standard or Premium: the Free tier has no API server uptime SLA")
        return v

    @model_validator(mode="after")
    def _cluster(self, info: ValidationInfo) -> AksConfig:
        problems: list[tuple[tuple[str | int, ...], str, Any]] = []
        if not self.private_cluster and not self.api_server_authorized_ip_ranges:
            problems.append((("apiServerAuthorizedIpRanges",),
                             "the API server would be open to the internet; list the CIDRs allowed to reach it, "
                             "or set privateCluster: true", None))
        if self.api_server_vnet_integration and self.identity != "userAssigned":
            problems.append((("apiServerVnetIntegration",), "needs identity userAssigned: the control-plane identity "
                             "must hold Network Contributor on the API server subnet before the cluster exists", None))
        if is_prod(info) and not self.disable_run_command:
            problems.append((("disableRunCommand",), "prod keeps run command disabled: reach the API through Entra "
                             "(kubelogin) from the allowed networks or the in-network runner", None))
        if self.private_cluster and self.api_server_authorized_ip_ranges:
            problems.append((("apiServerAuthorizedIpRanges",),
                             "a private cluster has no public API server; remove apiServerAuthorizedIpRanges", None))
        names = [p.name for p in self.node_pools]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            problems.append((("nodePools",), f"duplicate node pool names {dupes}", None))
        system = [p for p in self.node_pools if p.mode == "System"]
        if not system:
            problems.append((("nodePools",), "at least one pool needs mode: System (it runs CoreDNS, metrics "
                             "and the CSI drivers)", None))
        if is_prod(info):
            for i, p in enumerate(self.node_pools):
                if p.mode == "System" and p.min_count < 2:
                    problems.append((("nodePools", i, "minCount"),
                                     "prod System pools need minCount >= 2 so one node can fail", p.min_count))
        if problems:
            raise problems_error(problems)
        return self


# -- registry, cache, messaging, secrets --------------------------------------------------------

# The ``sub`` claim of a GitHub Actions job in an environment (components/facts/azure.py GITHUB_OIDC);
# exact, as Entra matches federated credential subjects exactly. Environment form only: the mirror job
# (.github/workflows/mirror-image.yml) always runs in the caller's environment, and "the subject claim
# includes the branch name of the workflow, but only if the job doesn't reference an environment"
# (github/docs#28058, actions OIDC reference, "Filtering for a specific branch"); a called workflow's
# token carries the caller's repository ("using-openid-connect-with-reusable-workflows": standard claims
# describe the caller workflow, job_workflow_ref the called one). A ref:refs/heads/... subject could
# never match that job's token.
GITHUB_SUBJECT = re.compile(r"repo:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:environment:[A-Za-z0-9_.-]+")


class CiPusherConfig(Model):
    """One entry of ``twincloud:azure.acr.ciPushers``: a GitHub Actions job that copies images ECR -> ACR."""

    name: str
    subject: str

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        # It names the federated identity credential, whose ARM name must match
        # ^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$, so at least 3 characters (Microsoft REST API reference,
        # "Federated Identity Credentials - Create Or Update", managedidentity api-version 2023-01-31).
        if not K8S_NAME.fullmatch(v) or not 3 <= len(v) <= 40:
            raise ValueError("use 3-40 lower-case letters, digits and '-' (it names the federated credential, "
                             "which Azure requires to be at least 3 characters)")
        return v

    @field_validator("subject")
    @classmethod
    def _subject(cls, v: str) -> str:
        if not GITHUB_SUBJECT.fullmatch(v):
            raise ValueError("not the OIDC subject of the mirror job; use repo:<owner>/<repo>:environment:<name> "
                             "with the repository that calls mirror-image.yml and the environment it passes "
                             "(a job in an environment has no ref:refs/heads/... subject; no wildcards: Entra "
                             "matches exactly)")
        return v


class AcrConfig(Model):
    """``twincloud:azure.acr``."""

    sku: Literal["Basic", "Standard", "Premium"] = "Premium"
    # true: CI outside the VNet can push; false: a private endpoint in the VNet, no public endpoint.
    public_network_access: bool = True
    # Quarantine pushed images until a scanner marks them verified (off: the platform ships no
    # such scanner, and quarantined images cannot be pulled; docs/security.md).
    quarantine: bool = False
    # Delete untagged manifests after untaggedRetentionDays (Premium only; prod keeps it on).
    untagged_retention: bool = True
    untagged_retention_days: Annotated[int, Field(ge=0, le=365)] = 7
    # Extra Azure locations the registry is geo-replicated to (Premium only).
    replication_locations: list[str] = []
    # GitHub Actions jobs allowed to push (AcrPush on this registry only), which copy every image
    # pushed to ECR into ACR (.github/workflows/mirror-image.yml; docs/dr.md).
    ci_pushers: list[CiPusherConfig] = []

    @property
    def retention_days(self) -> int | None:
        """The retention the registry gets: none below Premium, where the feature does not exist."""
        return self.untagged_retention_days if self.sku == "Premium" and self.untagged_retention else None

    @field_validator("sku")
    @classmethod
    def _sku(cls, v: str, info: ValidationInfo) -> str:
        if is_prod(info) and v != "Premium":
            raise ValueError("prod needs the Premium registry SKU (geo-replication, untagged-manifest retention, "
                             "private endpoint; zoneRedundancy set explicitly); Basic/Standard are for dev")
        return v

    @field_validator("replication_locations")
    @classmethod
    def _replicas(cls, v: list[str]) -> list[str]:
        bad = [loc for loc in v if azure_location_problem(loc)]
        if bad:
            raise ValueError(f"not Azure locations: {bad}; {azure_location_problem(bad[0])}")
        if len(set(v)) != len(v):
            raise ValueError("replicationLocations must be unique")
        return v

    @field_validator("ci_pushers")
    @classmethod
    def _pushers(cls, v: list[CiPusherConfig]) -> list[CiPusherConfig]:
        from components.facts.azure import GITHUB_OIDC

        limit = GITHUB_OIDC["max_credentials"].value
        if len(v) > limit:
            raise ValueError(f"at most {limit} federated credentials fit on one identity; got {len(v)}")
        for what, values in (("names", [p.name for p in v]), ("subjects", [p.subject for p in v])):
            dupes = sorted({x for x in values if values.count(x) > 1})
            if dupes:
                raise ValueError(f"duplicate {what} {dupes}")
        return v

    @model_validator(mode="after")
    def _private(self, info: ValidationInfo) -> AcrConfig:
        problems: list[tuple[tuple[str | int, ...], str, Any]] = []
        if not self.public_network_access and self.sku != "Premium":
            problems.append((("publicNetworkAccess",), "a registry without public access is reached through "
                             "a private endpoint, which needs sku Premium", self.public_network_access))
        premium_only = [("replicationLocations", bool(self.replication_locations), "geo-replication"),
                         ("untaggedRetention", "untagged_retention" in self.model_fields_set
                          and self.untagged_retention, "the retention policy for untagged manifests")]
        for key, used, what in premium_only:
            if used and self.sku != "Premium":
                problems.append(((key,), f"{what} is a Premium feature; set sku Premium or remove {key}", None))
        if is_prod(info):
            if not self.untagged_retention:
                problems.append((("untaggedRetention",), "prod keeps the retention policy on, so overwritten "
                                 "tags do not pile up as untagged manifests; set it true (days: "
                                 "untaggedRetentionDays, 0-365)", None))
            if not self.ci_pushers:
                problems.append((("ciPushers",), "the warm standby has no images unless CI copies them from ECR "
                                 "into ACR: add the GitHub Actions job that pushes images, e.g. "
                                 "{name: apps, subject: 'repo:<owner>/<repo>:environment:production'} (docs/dr.md)",
                                 None))
        if problems:
            raise problems_error(problems)
        return self


LEGACY_REDIS_SKUS = ("Basic", "Standard", "Premium")


class AzureRedisConfig(Model):
    """``twincloud:azure.redis``: the session store, Azure Managed Redis.

    ``legacyCacheForRedis: true`` keeps Azure Cache for Redis for a tenant that already has
    one (it is retiring, and tenants without a cache cannot create one); ``sku``/``capacity``
    then take that service's values (Basic/Standard/Premium, C0-C6 / P1-P5).
    """

    legacy_cache_for_redis: bool = False
    sku: str | None = None  # managed: e.g. Balanced_B1 (default); legacy: Basic/Standard/Premium (default Standard)
    capacity: Annotated[int, Field(ge=0, le=6)] | None = None  # legacy only
    high_availability: bool = True  # managed only: replicas; zone redundant in a region with zones
    users: list[str] = []  # managed only: workload identities given the Entra data access policy
    public_network_access: bool = False  # false: reached through a private endpoint in the VNet

    @model_validator(mode="after")
    def _service(self, info: ValidationInfo) -> AzureRedisConfig:
        from components.facts.azure import managed_redis_skus

        problems: list[tuple[tuple[str | int, ...], str, Any]] = []
        if self.legacy_cache_for_redis:
            if self.sku not in (None, *LEGACY_REDIS_SKUS):
                problems.append((("sku",), f"Azure Cache for Redis SKUs are {', '.join(LEGACY_REDIS_SKUS)}", self.sku))
            elif is_prod(info) and self.sku == "Basic":
                problems.append((("sku",), "prod needs Standard or Premium Redis: Basic has no replica and no SLA",
                                 self.sku))
            if self.sku == "Premium" and self.capacity is not None and not 1 <= self.capacity <= 5:
                problems.append((("capacity",), "Premium capacity is 1-5 (P1-P5)", self.capacity))
            for key, value, default in (("users", self.users, []), ("highAvailability", self.high_availability, True)):
                if value != default:
                    problems.append(((key,), "applies to Azure Managed Redis only; remove it or drop "
                                     "legacyCacheForRedis", None))
        else:
            skus = managed_redis_skus()
            if self.sku is not None and self.sku not in skus:
                hint = (" (that is an Azure Cache for Redis SKU: Azure Managed Redis uses Balanced_B1 and the like; "
                        "only a tenant that already has a cache may set legacyCacheForRedis: true)"
                        if self.sku in LEGACY_REDIS_SKUS else "")
                problems.append((("sku",), f"not an Azure Managed Redis SKU{hint}; e.g. Balanced_B0, Balanced_B1, "
                                 "MemoryOptimized_M10, ComputeOptimized_X5", self.sku))
            if self.capacity is not None:
                problems.append((("capacity",), "Azure Managed Redis sizes by sku (e.g. Balanced_B5); capacity "
                                 "applies to legacyCacheForRedis only", self.capacity))
            if is_prod(info) and not self.high_availability:
                problems.append((("highAvailability",), "prod keeps high availability on: without it the data is "
                                 "not replicated and there is no zone redundancy", self.high_availability))
        if problems:
            raise problems_error(problems)
        return self

    @property
    def managed_sku(self) -> str:
        return self.sku or "Balanced_B1"

    @property
    def legacy_sku(self) -> str:
        return self.sku or "Standard"

    @property
    def legacy_capacity(self) -> int:
        return 1 if self.capacity is None else self.capacity


def _entity_name(v: str) -> str:
    if not ENTITY_NAME.fullmatch(v):
        raise ValueError("Service Bus entity names here are 1-50 lower-case letters, digits, '.', '_' or '-'")
    return v


def _duration(v: str) -> str:
    if not ISO_DURATION.fullmatch(v):
        raise ValueError("use an ISO 8601 duration such as PT1M or P14D")
    return v


def _seconds(v: str) -> int:
    days, hours, minutes, seconds = (int(g or 0) for g in ISO_DURATION.fullmatch(v).groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def _lock(v: str) -> str:
    _duration(v)
    if not 0 < _seconds(v) <= MAX_LOCK_SECONDS:
        raise ValueError("Service Bus locks a message for at most 5 minutes (PT5M) and more than 0; "
                         "use e.g. PT1M, and renew the lock in the receiver for longer work")
    return v


class _DeliveryConfig(Model):
    """What queues and topic subscriptions share: delivery, locking, expiry, receivers."""

    name: str
    max_delivery_count: Annotated[int, Field(ge=1, le=2000)] = 10
    lock_duration: str = "PT1M"
    default_message_time_to_live: str = "P14D"
    receivers: list[str] = []

    _check_name = field_validator("name")(_entity_name)
    _check_lock = field_validator("lock_duration")(_lock)
    _check_ttl = field_validator("default_message_time_to_live")(_duration)


class QueueConfig(_DeliveryConfig):
    """One entry of ``twincloud:azure.serviceBus.queues``."""

    senders: list[str] = []


class SubscriptionConfig(_DeliveryConfig):
    """One entry of a topic's ``subscriptions``."""


class TopicConfig(Model):
    """One entry of ``twincloud:azure.serviceBus.topics``."""

    name: str
    senders: list[str] = []
    default_message_time_to_live: str = "P14D"
    subscriptions: list[SubscriptionConfig] = []

    _check_name = field_validator("name")(_entity_name)
    _check_ttl = field_validator("default_message_time_to_live")(_duration)


class ServiceBusConfig(Model):
    """``twincloud:azure.serviceBus``."""

    sku: Literal["Basic", "Standard", "Premium"] = "Standard"
    local_auth: bool = False
    # Private endpoints need Premium; Standard is public but Entra-only (localAuth false).
    public_network_access: bool = True
    queues: list[QueueConfig] = []
    topics: list[TopicConfig] = []

    @field_validator("local_auth")
    @classmethod
    def _local(cls, v: bool, info: ValidationInfo) -> bool:
        if is_prod(info) and v:
            raise ValueError("prod must keep SAS (local) auth disabled; give workloads a workload identity "
                             "and list it under senders/receivers")
        return v

    @model_validator(mode="after")
    def _entities(self) -> ServiceBusConfig:
        problems: list[tuple[tuple[str | int, ...], str, Any]] = []
        if self.topics and self.sku == "Basic":
            problems.append((("sku",), "topics need a Standard or Premium namespace", self.sku))
        if not self.public_network_access and self.sku != "Premium":
            problems.append((("publicNetworkAccess",), "a namespace without public access is reached through a "
                             "private endpoint, which needs sku Premium", self.public_network_access))
        names = [q.name for q in self.queues] + [t.name for t in self.topics]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            problems.append((("queues",), f"queue and topic names share one namespace; duplicates {dupes}", None))
        for i, t in enumerate(self.topics):
            subs = [s.name for s in t.subscriptions]
            dup_subs = sorted({n for n in subs if subs.count(n) > 1})
            if dup_subs:
                problems.append((("topics", i, "subscriptions"), f"duplicate subscription names {dup_subs}", None))
        if problems:
            raise problems_error(problems)
        return self

    def principal_refs(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Every identity name referenced, with its key path (relative to this section)."""
        refs = []
        for i, q in enumerate(self.queues):
            refs += [(("queues", i, "senders"), s) for s in q.senders]
            refs += [(("queues", i, "receivers"), r) for r in q.receivers]
        for i, t in enumerate(self.topics):
            refs += [(("topics", i, "senders"), s) for s in t.senders]
            for j, s in enumerate(t.subscriptions):
                refs += [(("topics", i, "subscriptions", j, "receivers"), r) for r in s.receivers]
        return refs


class GeneratedSecretConfig(Model):
    name: str
    length: Annotated[int, Field(ge=16, le=256)] = 32
    special: bool = False


class KeyVaultConfig(Model):
    """``twincloud:azure.keyVault``."""

    sku: Literal["standard", "premium"] = "standard"
    soft_delete_retention_days: Annotated[int, Field(ge=7, le=90)] = 90
    purge_protection: bool = True
    secrets: dict[str, SecretValue] = {}
    generated_secrets: list[GeneratedSecretConfig] = []
    readers: list[str] = []
    # The day every secret expires (Key Vault's exp attribute); rotate them before it.
    secrets_expire_on: date | None = None
    # A private endpoint in the endpoint subnet (private DNS privatelink.vaultcore.azure.net), so
    # pods reach the vault on a private address; the firewall (deny by default) stays as it is.
    private_endpoint: bool = False

    @field_validator("purge_protection")
    @classmethod
    def _purge(cls, v: bool, info: ValidationInfo) -> bool:
        if is_prod(info) and not v:
            raise ValueError("prod must keep purge protection on: deleted secrets must stay recoverable")
        return v

    @model_validator(mode="after")
    def _names(self) -> KeyVaultConfig:
        problems: list[tuple[tuple[str | int, ...], str, Any]] = []
        for name in self.secrets:
            if not SECRET_NAME.fullmatch(name):
                problems.append((("secrets", name), "secret names are 1-127 letters, digits and '-'", name))
        for i, g in enumerate(self.generated_secrets):
            if not SECRET_NAME.fullmatch(g.name):
                problems.append((("generatedSecrets", i, "name"), "secret names are 1-127 letters, digits and '-'",
                                 g.name))
            if g.name in self.secrets:
                problems.append((("generatedSecrets", i, "name"), "also given under secrets; keep one", g.name))
        if (self.secrets or self.generated_secrets) and self.secrets_expire_on is None:
            problems.append((("secretsExpireOn",), "secrets need an expiry date: set secretsExpireOn to the day "
                             "(YYYY-MM-DD) they expire, and rotate them before it", None))
        if problems:
            raise problems_error(problems)
        return self


class WorkloadIdentityConfig(Model):
    """One entry of ``twincloud:azure.workloadIdentities``."""

    name: str
    namespace: str
    service_account: str

    @field_validator("name", "namespace", "service_account")
    @classmethod
    def _k8s(cls, v: str) -> str:
        if not K8S_NAME.fullmatch(v) or len(v) > 63:
            raise ValueError("use a Kubernetes name: lower-case letters, digits and '-', at most 63 characters")
        return v


class AzureMonitoringConfig(Model):
    """``twincloud:azure.monitoring``: what differs for the monitoring stack on AKS. Sizing,
    retention and receivers come from ``twincloud:monitoring`` (one stack per cluster, same shape)."""

    # Zone-redundant by default in prod (Standard_ZRS), locally redundant in dev (Standard_LRS).
    storage_sku: Literal["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_RAGRS", "Standard_GZRS",
                         "Standard_RAGZRS"] | None = None
    soft_delete_days: Annotated[int, Field(ge=1, le=365)] = 7
    # StorageClass names are per cluster: twincloud:monitoring.storageClass (EKS) is not used
    # on AKS. None: the AKS default class (managed-csi, Azure Disk CSI).
    storage_class: str | None = None

    @field_validator("storage_sku")
    @classmethod
    def _sku(cls, v: str | None, info: ValidationInfo) -> str:
        if v is None:
            return "Standard_ZRS" if is_prod(info) else "Standard_LRS"
        if is_prod(info) and v not in ("Standard_ZRS", "Standard_GZRS", "Standard_RAGZRS"):
            raise ValueError("prod keeps logs and traces through a zone outage: use a zone-redundant SKU "
                             "(Standard_ZRS, Standard_GZRS or Standard_RAGZRS)")
        return v

    @field_validator("storage_class")
    @classmethod
    def _storage_class(cls, v: str | None) -> str | None:
        if v is not None and (not K8S_NAME.fullmatch(v) or len(v) > 253):
            raise ValueError("not a StorageClass name; omit it to use the AKS default StorageClass (managed-csi)")
        return v


# -- the section ------------------------------------------------------------------------------

class AzureConfig(Model):
    """``twincloud:azure``: the whole Azure side. ``location`` is an Azure region name."""

    location: str
    resource_group: str | None = None
    zones: list[Zone] = []
    vnet: AzureVnetConfig
    aks: AksConfig
    acr: AcrConfig = Field(default_factory=dict)  # type: ignore[arg-type]
    # Before redis, serviceBus and keyVault: their references are checked against it as they parse.
    workload_identities: list[WorkloadIdentityConfig] = []
    redis: AzureRedisConfig = Field(default_factory=dict)  # type: ignore[arg-type]
    service_bus: ServiceBusConfig = Field(default_factory=dict)  # type: ignore[arg-type]
    key_vault: KeyVaultConfig = Field(default_factory=dict)  # type: ignore[arg-type]
    monitoring: AzureMonitoringConfig = Field(default_factory=dict)  # type: ignore[arg-type]

    @field_validator("location")
    @classmethod
    def _location(cls, v: str, info: ValidationInfo) -> str:
        problem = azure_location_problem(v)
        if problem:
            raise ValueError(problem)
        return publish(info, "azure.location", v)

    @field_validator("resource_group")
    @classmethod
    def _group(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[-\w._()]{0,89}[-\w_()]", v):
            raise ValueError("resource group names are 1-90 letters, digits, '-', '_', '.', '(' or ')', "
                             "not ending in '.'")
        return v

    @field_validator("zones")
    @classmethod
    def _zones(cls, v: list[str], info: ValidationInfo) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("zones must be unique")
        if is_prod(info) and len(v) < 2:
            raise ValueError("prod spreads AKS nodes over availability zones; "
                             "set zones: [\"1\", \"2\", \"3\"]")
        location = info.data.get("location")
        if v and location in catalogs.AZURE_LOCATIONS and not catalogs.AZURE_LOCATIONS[location].zones:
            zonal = sorted(n for n, loc in catalogs.AZURE_LOCATIONS.items() if loc.zones)
            raise ValueError(f"location {location} has no availability zones; remove zones or use a location "
                             f"with them: {', '.join(zonal)} ({catalogs.AZURE_LOCATIONS[location].source})")
        return sorted(v)

    # Rules over two keys sit on the later one (field order), so each runs whenever what it
    # reads parsed, whatever else in the section is wrong.

    @field_validator("aks")
    @classmethod
    def _vnet_room(cls, aks: AksConfig, info: ValidationInfo) -> AksConfig:
        vnet = info.data.get("vnet")
        if vnet is not None and aks.network_plugin_mode == "vnet":
            layout = plan_vnet(vnet.address_space)
            need = sum(p.max_count * (p.max_pods + 1) for p in aks.node_pools)
            if need > layout.usable_aks_ips:
                raise problems_error([(("nodePools",),
                                       f"with networkPluginMode 'vnet' every pod takes a node-subnet IP: the pools need "
                                       f"up to {need} addresses but the AKS subnet {layout.aks} has "
                                       f"{layout.usable_aks_ips} (Azure keeps {AZURE_RESERVED_IPS}); use 'overlay', "
                                       "a larger addressSpace, or fewer maxPods/maxCount", None)])
        return aks

    @field_validator("acr")
    @classmethod
    def _acr_replicas(cls, acr: AcrConfig, info: ValidationInfo) -> AcrConfig:
        location = info.data.get("location")
        if location in acr.replication_locations:
            raise problems_error([(("replicationLocations",), f"{location} is the registry's own location "
                                   "(azure.location); list only other locations", location)])
        return acr

    @field_validator("workload_identities")
    @classmethod
    def _identities(cls, v: list[WorkloadIdentityConfig]) -> list[WorkloadIdentityConfig]:
        names = [w.name for w in v]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate names {dupes}")
        return v

    @field_validator("service_bus")
    @classmethod
    def _bus_refs(cls, v: ServiceBusConfig, info: ValidationInfo) -> ServiceBusConfig:
        _require_identities(v.principal_refs(), info)
        return v

    @field_validator("key_vault")
    @classmethod
    def _reader_refs(cls, v: KeyVaultConfig, info: ValidationInfo) -> KeyVaultConfig:
        _require_identities(((("readers", i), ref) for i, ref in enumerate(v.readers)), info)
        return v

    @field_validator("redis")
    @classmethod
    def _redis_refs(cls, v: AzureRedisConfig, info: ValidationInfo) -> AzureRedisConfig:
        _require_identities(((("users", i), ref) for i, ref in enumerate(v.users)), info)
        return v


def _require_identities(refs: Iterable[tuple[tuple[str | int, ...], str]], info: ValidationInfo) -> None:
    """Every ``(location, name)`` in ``refs`` must name a workload identity (once those are known)."""
    known = _identity_names(info)
    if known is None:
        return
    problems = [(loc, f"{ref!r} is not a workload identity; define it under azure.workloadIdentities "
                      f"(known: {known})", ref) for loc, ref in refs if ref not in known]
    if problems:
        raise problems_error(problems)


def _identity_names(info: ValidationInfo) -> list[str] | None:
    identities = info.data.get("workload_identities")
    return None if identities is None else sorted({w.name for w in identities})


def azure_location_problem(location: str) -> str | None:
    """Why ``location`` is not an Azure location (programmatic name), or None."""
    if location in catalogs.AZURE_LOCATIONS:
        return None
    return (f"not an Azure location; use the programmatic name, one of {', '.join(sorted(catalogs.AZURE_LOCATIONS))} "
            f"({catalogs.AZURE_LOCATIONS['westeurope'].source})")
