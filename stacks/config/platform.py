"""``twincloud:platform``: the services workloads need on the clusters (docs/platform-services.md).

Karpenter, metrics-server and the External Secrets Operator run on EKS; Argo CD (and the
optional Argo Rollouts and OpenCost) on every cluster. Defaults are the dev shape; prod
rules (replicas, HA) and NodePool limits are checked here so a bad prod config never reaches a plan.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from stacks.config.base import Model, is_prod

K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
# Karpenter duration strings: NodePool CRD pattern ^(([0-9]+(s|m|h))+|Never)$ (karpenter.sh_nodepools.yaml).
DURATION = re.compile(r"^(([0-9]+(s|m|h))+|Never)$")
# NodePool budget nodes: CRD pattern ^((100|[0-9]{1,2})%|[0-9]+)$.
BUDGET_NODES = re.compile(r"^((100|[0-9]{1,2})%|[0-9]+)$")
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$")
INSTANCE_FAMILY = re.compile(r"^[a-z][a-z0-9-]*$")
SECRET_PREFIX = re.compile(r"^[A-Za-z0-9/_+=.@-]+/$")


def _k8s_name(v: str, what: str) -> str:
    if not K8S_NAME.match(v) or len(v) > 63:
        raise ValueError(f"{what} must be a Kubernetes name: lower-case letters, digits and '-', at most 63")
    return v


class NodeTaint(Model):
    key: str
    value: str | None = None
    effect: Literal["NoSchedule", "NoExecute", "PreferNoSchedule"] = "NoSchedule"


class NodePoolConfig(Model):
    """One Karpenter ``NodePool`` (with the shared ``EC2NodeClass``)."""

    name: str
    capacity_types: Annotated[list[Literal["on-demand", "spot"]], Field(min_length=1)] = ["on-demand"]
    instance_categories: list[str] = ["c", "m", "r"]
    instance_families: list[str] = []  # narrower than categories when set (e.g. [m6i, m7i])
    architectures: Annotated[list[Literal["amd64", "arm64"]], Field(min_length=1)] = ["amd64"]
    cpu_limit: str | None = None  # NodePool spec.limits.cpu (required)
    memory_limit: str | None = None  # NodePool spec.limits.memory (required)
    consolidation_policy: Literal["WhenEmptyOrUnderutilized", "WhenEmpty", "Balanced"] = "WhenEmptyOrUnderutilized"
    consolidate_after: str = "1m"
    disruption_budget: str = "10%"  # at most this many nodes disrupted at once
    expire_after: str = "720h"
    weight: Annotated[int, Field(ge=0, le=100)] | None = None
    labels: dict[str, str] = {}
    taints: list[NodeTaint] = []

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return _k8s_name(v, "node pool names")

    @field_validator("instance_families", "instance_categories")
    @classmethod
    def _families(cls, v: list[str]) -> list[str]:
        bad = [f for f in v if not INSTANCE_FAMILY.match(f)]
        if bad:
            raise ValueError(f"not EC2 instance families/categories: {bad}; use e.g. m6i or m")
        return v

    @field_validator("cpu_limit", "memory_limit")
    @classmethod
    def _quantity(cls, v: str | None) -> str | None:
        if v is not None and not QUANTITY.match(str(v)):
            raise ValueError(f"{v!r} is not a Kubernetes quantity; use e.g. '64' (cores) or '256Gi'")
        return None if v is None else str(v)

    @field_validator("consolidate_after", "expire_after")
    @classmethod
    def _duration(cls, v: str) -> str:
        if not DURATION.match(v):
            raise ValueError(f"{v!r} is not a Karpenter duration; use e.g. 30s, 1m, 720h or Never")
        return v

    @field_validator("disruption_budget")
    @classmethod
    def _budget(cls, v: str) -> str:
        if not BUDGET_NODES.match(str(v)):
            raise ValueError(f"{v!r} is not a node budget; use a count like '1' or a percentage like '10%'")
        return str(v)

    @model_validator(mode="after")
    def _limits(self) -> NodePoolConfig:
        if self.cpu_limit is None or self.memory_limit is None:
            raise ValueError("cpuLimit: every NodePool needs cpuLimit and memoryLimit: an unlimited pool can scale "
                             "the bill without bound; set e.g. cpuLimit: '64' and memoryLimit: 256Gi")
        return self


class KarpenterConfig(Model):
    """``twincloud:platform.karpenter``: node autoscaling on EKS."""

    enabled: bool = True
    replicas: Annotated[int, Field(ge=1, le=3)] = 1
    # EC2NodeClass amiSelectorTerms[].alias; default: the pinned release of twincloud:eks.version
    # (components/versions.py EKS_AMI_RELEASES), the managed node groups' AMI.
    ami_alias: str | None = None
    node_pools: list[NodePoolConfig] = [NodePoolConfig(name="on-demand", cpu_limit="16", memory_limit="64Gi")]

    @field_validator("replicas")
    @classmethod
    def _replicas(cls, v: int, info: ValidationInfo) -> int:
        if is_prod(info) and v < 2:
            raise ValueError("prod runs at least 2 Karpenter controllers (leader election, one per node)")
        return v

    @field_validator("ami_alias")
    @classmethod
    def _alias(cls, v: str | None) -> str | None:
        # EC2NodeClass CRD: alias pattern ^[a-zA-Z0-9]+@.+$ and family al2023|bottlerocket|al2|windows2019|windows2022
        if v is None:
            return v
        family, _, version = v.partition("@")
        if family not in ("al2023", "bottlerocket") or not version:
            raise ValueError(f"{v!r}: use al2023@v<YYYYMMDD> or bottlerocket@v<version> (e.g. al2023@v20260714), "
                             "or leave it unset for the pinned release")
        if version == "latest":
            raise ValueError(f"{v!r} floats: every new AMI would roll every Karpenter node; pin a release "
                             "(e.g. al2023@v20260714) or leave it unset for the pinned release "
                             "(components/versions.py EKS_AMI_RELEASES)")
        return v

    @model_validator(mode="after")
    def _pools(self) -> KarpenterConfig:
        names = [p.name for p in self.node_pools]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"nodePools: duplicate names {dupes}")
        if self.enabled and not self.node_pools:
            raise ValueError("nodePools: at least one NodePool is needed when Karpenter is enabled")
        return self


class MetricsServerConfig(Model):
    """``twincloud:platform.metricsServer``: the resource metrics API HPAs read (EKS only)."""

    enabled: bool = True
    replicas: Annotated[int, Field(ge=1, le=3)] = 1


class ExternalSecretsConfig(Model):
    """``twincloud:platform.externalSecrets``: ESO with a ClusterSecretStore for Secrets Manager (EKS)."""

    enabled: bool = True
    replicas: Annotated[int, Field(ge=1, le=3)] = 1
    # Secrets Manager names the store may read: <secretPrefix>*. Default: "<project>-<stack>/".
    secret_prefix: str | None = None

    @field_validator("secret_prefix")
    @classmethod
    def _prefix(cls, v: str | None) -> str | None:
        if v is not None and (not SECRET_PREFIX.match(v) or len(v) < 3):
            raise ValueError(f"{v!r}: a secret name prefix ends with '/' and uses Secrets Manager name "
                             "characters (letters, digits, /_+=.@-), e.g. 'twincloud-prod/'")
        return v


class AppOfAppsConfig(Model):
    """The root ``Application`` Argo CD syncs first: every other app is a file under ``path``."""

    repo_url: str = Field(alias="repoURL")  # as Argo CD spells it (Application spec.source.repoURL)
    path: str
    target_revision: str = "HEAD"

    @field_validator("repo_url")
    @classmethod
    def _repo(cls, v: str) -> str:
        if not (v.startswith("https://") or v.startswith("ssh://") or v.startswith("git@")):
            raise ValueError(f"{v!r}: use an https://, ssh:// or git@ Git URL")
        return v


class AutoscaledWorkload(Model):
    kind: Literal["Deployment", "StatefulSet"] = "Deployment"
    namespace: str
    name: str


class ApplicationConfig(Model):
    """An ``Application`` the platform declares itself (children usually live in Git)."""

    name: str
    path: str
    namespace: str
    sync_wave: int = 0
    autoscaled: list[AutoscaledWorkload] = []  # HPA-scaled workloads: Argo CD ignores their replicas

    @field_validator("name", "namespace")
    @classmethod
    def _name(cls, v: str) -> str:
        return _k8s_name(v, "application names and namespaces")


class SsoConfig(Model):
    """OIDC login for Argo CD; once set, the local admin account is switched off."""

    issuer: str
    client_id: str
    admin_group: str

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, v: str) -> str:
        if not v.startswith("https://"):
            raise ValueError("the OIDC issuer must be an https:// URL")
        return v


class ArgoCdConfig(Model):
    """``twincloud:platform.argocd``: GitOps on every cluster."""

    enabled: bool = True
    ha: bool = False  # 2 replicas of server, repo-server and applicationset-controller, with PDBs
    url: str | None = None  # external URL (needed for SSO redirects)
    sso: SsoConfig | None = None
    app_of_apps: AppOfAppsConfig | None = None
    applications: list[ApplicationConfig] = []

    @field_validator("ha")
    @classmethod
    def _ha(cls, v: bool, info: ValidationInfo) -> bool:
        if is_prod(info) and not v:
            raise ValueError("prod runs Argo CD in HA (ha: true): a single server/repo-server stops every sync "
                             "while its node drains")
        return v

    @model_validator(mode="after")
    def _sso(self) -> ArgoCdConfig:
        if self.sso is not None and not self.url:
            raise ValueError("sso: SSO needs Argo CD's external URL (the OIDC redirect goes there); set argocd.url")
        if self.applications and self.app_of_apps is None:
            raise ValueError("applications: they come from the appOfApps repository; set appOfApps first")
        return self


class OptionalService(Model):
    enabled: bool = False


class PlatformConfig(Model):
    """``twincloud:platform``."""

    karpenter: KarpenterConfig = KarpenterConfig()
    metrics_server: MetricsServerConfig = MetricsServerConfig()
    external_secrets: ExternalSecretsConfig = ExternalSecretsConfig()
    argocd: ArgoCdConfig = ArgoCdConfig()
    argo_rollouts: OptionalService = OptionalService()
    opencost: OptionalService = OptionalService()
