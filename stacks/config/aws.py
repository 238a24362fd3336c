"""Config sections for the AWS network, EKS and ECR."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from components.aws.subnet_plan import MAX_AZS, plan_subnets
from components.facts import eks_calendar
from components.facts import catalogs
from components.versions import EKS_ADDONS, EKS_AMI_RELEASES
from stacks.config.base import (
    Model, api_allow_list, is_prod, is_rfc1918, parse_cidr, private_range, publish, published,
)
from stacks.config.eks_access import AccessEntryConfig, access_entry_problems
from stacks.config.kubernetes import label_problems, taint_key_problem, taint_value_problem
from stacks.config.vpc_endpoints import VpcEndpointsConfig

# Patterns are matched with fullmatch: `$` would let a trailing newline through.
K8S_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
ECR_NAME = re.compile(r"[a-z0-9]+(?:[._-][a-z0-9]+)*")
# Retention periods (days) CloudWatch Logs accepts (a subset of PutRetentionPolicy's values); a year by default,
# the floor checkov's CKV_AWS_338 and the cloudwatch-log-group-baseline rule hold us to.
LogRetentionDays = Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653]


def aws_region_problem(region: str) -> str | None:
    """Why ``region`` is not an AWS region of the commercial partition (botocore's list), or None."""
    if region in catalogs.aws_regions():
        return None
    return (f"not an AWS region; allowed: {', '.join(sorted(catalogs.aws_regions()))} "
            f"({catalogs.BOTOCORE} endpoints.json)")


class VpcConfig(Model):
    """``twincloud:vpc``: the AWS network."""

    cidr: str = Field(description="VPC IPv4 CIDR, /16 to /24")
    az_count: Annotated[int, Field(ge=2, le=MAX_AZS)] = 2
    nat_strategy: Literal["single", "per_az"] = "per_az"
    flow_logs: bool = True
    flow_log_retention_days: LogRetentionDays = 365
    # twincloud:vpc.endpoints (stacks/config/vpc_endpoints.py); a dict default, so its defaults see the environment
    endpoints: VpcEndpointsConfig = Field(default_factory=dict)

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, v: str, info: ValidationInfo) -> str:
        net = parse_cidr(v)
        if not 16 <= net.prefixlen <= 24:
            raise ValueError(f"VPC CIDR must be between /16 and /24 (AWS limits), got /{net.prefixlen}")
        if not is_rfc1918(net):
            raise ValueError("VPC CIDR must be inside the RFC 1918 private blocks 10.0.0.0/8, 172.16.0.0/12 or "
                             "192.168.0.0/16")
        return publish(info, "vpc.cidr", v)

    @field_validator("az_count")
    @classmethod
    def _azs(cls, v: int, info: ValidationInfo) -> int:
        if is_prod(info) and v < 3:
            raise ValueError("prod needs at least 3 availability zones for high availability; set azCount: 3")
        return publish(info, "vpc.azCount", v)

    @field_validator("nat_strategy")
    @classmethod
    def _nat(cls, v: str, info: ValidationInfo) -> str:
        if is_prod(info) and v != "per_az":
            raise ValueError("prod must use natStrategy 'per_az': a single NAT gateway is a single point of failure")
        return v

    @model_validator(mode="after")
    def _fits(self) -> VpcConfig:
        try:
            plan_subnets(self.cidr, self.az_count)
        except ValueError as e:
            raise ValueError(f"cidr: {e}") from None
        return self


def _eks_max(shape: str) -> int:
    return catalogs.eks_length(shape)[1]


class Taint(Model):
    key: str
    value: str | None = None
    effect: Literal["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"]  # botocore eks TaintEffect

    @field_validator("key")
    @classmethod
    def _key(cls, v: str) -> str:
        problem = taint_key_problem(v, key_max=_eks_max("taintKey"))
        if problem:
            raise ValueError(f"not a taint key: {problem}")
        return v

    @field_validator("value")
    @classmethod
    def _value(cls, v: str | None) -> str | None:
        problem = taint_value_problem(v, value_max=_eks_max("taintValue"))
        if problem:
            raise ValueError(f"not a taint value: {problem}")
        return v


def instance_type_problems(types: list[str]) -> list[str]:
    """Unknown EC2 instance types (botocore's list), and a mix of architectures."""
    known = catalogs.ec2_instance_types()
    unknown = [t for t in types if t not in known]
    if unknown:
        return [f"not EC2 instance types: {unknown}; use names from the EC2 catalog like 'm6i.large' or "
                f"'m7g.large' ({catalogs.BOTOCORE} ec2 InstanceType)"]
    arches = {t: "arm64" if catalogs.graviton(t) else "x86_64" for t in types}
    if len(set(arches.values())) > 1:
        return [f"mixes arm64 and x86_64 types {arches}; a node group runs one AMI, so it needs one architecture: "
                "split it into two groups"]
    return []


class NodeGroupConfig(Model):
    """One entry of ``twincloud:eks.nodeGroups``. Size rules sit on the later field, so they
    are checked whenever the sizes parse, whatever else in the group is wrong."""

    name: str
    instance_types: Annotated[list[str], Field(min_length=1)]
    capacity_type: Literal["ON_DEMAND", "SPOT"] = "ON_DEMAND"
    min_size: Annotated[int, Field(ge=0, le=450)]
    max_size: Annotated[int, Field(ge=1, le=450)]
    desired_size: Annotated[int, Field(ge=0, le=450)] | None = None
    disk_size: Annotated[int, Field(ge=20, le=16384)] = 50
    # Root volume type (in the launch template; gp2 and gp3 take 1-16384 GiB, botocore ec2 VolumeType).
    disk_type: Literal["gp3", "gp2"] = "gp3"
    # Rolling updates (botocore eks NodegroupUpdateConfig): at most maxUnavailable nodes (1-100) or
    # maxUnavailablePercentage (1-100, default 33) replaced at once; set one of them.
    max_unavailable: Annotated[int, Field(ge=1, le=100)] | None = None
    max_unavailable_percentage: Annotated[int, Field(ge=1, le=100)] | None = None
    auto_repair: bool = True  # EKS node auto repair (nodeRepairConfig.enabled)
    labels: dict[str, str] = {}
    taints: list[Taint] = []

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not K8S_NAME.fullmatch(v) or len(v) > 40:
            raise ValueError("node group names are lower-case letters, digits and '-', at most 40 characters")
        return v

    @field_validator("instance_types")
    @classmethod
    def _types(cls, v: list[str]) -> list[str]:
        problems = instance_type_problems(v)
        if problems:
            raise ValueError(problems[0])
        return v

    @field_validator("max_size")
    @classmethod
    def _max(cls, v: int, info: ValidationInfo) -> int:
        low = info.data.get("min_size")
        if low is not None and low > v:
            raise ValueError(f"minSize ({low}) must not exceed maxSize ({v})")
        return v

    @field_validator("desired_size")
    @classmethod
    def _desired(cls, v: int | None, info: ValidationInfo) -> int | None:
        low, high = info.data.get("min_size"), info.data.get("max_size")
        desired = v if v is not None else low
        if None not in (low, high, desired) and not low <= desired <= high:
            raise ValueError(f"desiredSize ({desired}) must lie between minSize ({low}) and maxSize ({high})")
        return v

    @field_validator("labels")
    @classmethod
    def _labels(cls, v: dict[str, str]) -> dict[str, str]:
        lo, hi = catalogs.eks_length("labelValue")
        problems = label_problems(v, key_max=_eks_max("labelKey"), value_min=lo, value_max=hi)
        if problems:
            raise ValueError(f"invalid node labels: {'; '.join(problems)}")
        return v

    @field_validator("max_unavailable_percentage")
    @classmethod
    def _one_update_limit(cls, v: int | None, info: ValidationInfo) -> int | None:
        if v is not None and info.data.get("max_unavailable") is not None:
            raise ValueError("set maxUnavailable or maxUnavailablePercentage, not both (EKS takes one)")
        return v

    @property
    def update_limit(self) -> tuple[int | None, int | None]:
        """(maxUnavailable, maxUnavailablePercentage): the one set, else 33 %."""
        if self.max_unavailable is not None:
            return self.max_unavailable, None
        return None, self.max_unavailable_percentage or 33

    @property
    def desired(self) -> int:
        return self.desired_size if self.desired_size is not None else max(self.min_size, 1)


class EksConfig(Model):
    """``twincloud:eks``: the EKS cluster."""

    version: str
    endpoint_public_access: bool = False
    public_access_cidrs: list[str] = []
    admin_role_names: list[str] = []
    # Further principals and their access policies (stacks/config/eks_access.py); after adminRoleNames.
    access_entries: list[AccessEntryConfig] = []
    service_cidr: str = "172.20.0.0/16"
    log_retention_days: LogRetentionDays = 365
    node_groups: Annotated[list[NodeGroupConfig], Field(min_length=1)]
    # The day the EKS support calendar is read at (upgradePolicy.supportType); default today (UTC).
    # Set it to reproduce an old plan.
    calendar_date: date | None = None

    @field_validator("version")
    @classmethod
    def _version(cls, v: str) -> str:
        if v not in EKS_ADDONS:
            raise ValueError(f"Kubernetes version {v!r} has no pinned add-on versions; "
                             f"allowed: {', '.join(sorted(EKS_ADDONS))} (components/versions.py)")
        if v not in EKS_AMI_RELEASES:
            raise ValueError(f"Kubernetes version {v!r} has no pinned AMI release; "
                             f"allowed: {', '.join(sorted(EKS_AMI_RELEASES))} (components/versions.py EKS_AMI_RELEASES)")
        return v

    @field_validator("public_access_cidrs")
    @classmethod
    def _cidrs(cls, v: list[str], info: ValidationInfo) -> list[str]:
        if info.data.get("endpoint_public_access") and not v:
            raise ValueError("endpointPublicAccess is true but publicAccessCidrs is empty; "
                             "list the CIDRs allowed to reach the API, or keep the endpoint private")
        return api_allow_list(v, fix="list your office/VPN CIDRs")

    @field_validator("service_cidr")
    @classmethod
    def _service_cidr(cls, v: str, info: ValidationInfo) -> str:
        # botocore eks KubernetesNetworkConfigRequest.serviceIpv4Cidr: RFC 1918, /24 to /12, not
        # overlapping the VPC.
        shortest, longest = catalogs.EKS_SERVICE_CIDR_PREFIX
        private_range(v, label="EKS service CIDR", shortest=shortest, longest=longest, what="service CIDR")
        vpc = published(info, "vpc.cidr")
        if vpc and parse_cidr(v).overlaps(parse_cidr(vpc)):
            raise ValueError(f"{v} overlaps vpc.cidr {vpc}; pick a service range outside the VPC "
                             "(e.g. 172.20.0.0/16)")
        return v

    @field_validator("admin_role_names")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        bad = [r for r in v if not re.fullmatch(r"[\w+=,.@-]{1,64}", r)]
        if bad:
            raise ValueError(f"not IAM role names: {bad}")
        return v

    @field_validator("access_entries")
    @classmethod
    def _access_entries(cls, v: list[AccessEntryConfig], info: ValidationInfo) -> list[AccessEntryConfig]:
        problems = access_entry_problems(v, info.data.get("admin_role_names") or [])
        if problems:
            raise ValueError("; ".join(problems))
        return v

    @model_validator(mode="after")
    def _calendar(self) -> EksConfig:
        problem = eks_calendar.unbuildable(self.version, self.support_date)
        if problem:
            raise ValueError(f"version: {problem}")
        return self

    @property
    def support_date(self) -> date:
        return self.calendar_date or eks_calendar.today_utc()

    @property
    def support_type(self) -> str:
        """``upgradePolicy.supportType`` for this version on ``support_date`` (EKS calendar)."""
        return eks_calendar.support_type(self.version, self.support_date)

    @field_validator("node_groups")
    @classmethod
    def _groups(cls, v: list[NodeGroupConfig]) -> list[NodeGroupConfig]:
        names = [g.name for g in v]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate names {dupes}")
        if not any(g.capacity_type == "ON_DEMAND" for g in v):
            raise ValueError("at least one ON_DEMAND group is required (spot capacity can vanish)")
        return v


class EcrConfig(Model):
    """``twincloud:ecr``: one repository per service."""

    repositories: list[str] = []
    keep_last_images: Annotated[int, Field(ge=1, le=1000)] = 30
    # Regions the registry replicates this stack's images to, so a rebuild there can pull
    # them (registry-wide setting: at most one stack per account and region may set it).
    replication_regions: list[str] = []

    @field_validator("repositories")
    @classmethod
    def _repos(cls, v: list[str]) -> list[str]:
        bad = [r for r in v if not ECR_NAME.fullmatch(r) or len(r) > 200]
        if bad:
            raise ValueError(f"invalid repository names {bad}: lower-case letters, digits, '.', '_' or '-'")
        if len(set(v)) != len(v):
            raise ValueError("repositories must be unique")
        return v

    @field_validator("replication_regions")
    @classmethod
    def _replication(cls, v: list[str]) -> list[str]:
        bad = [r for r in v if aws_region_problem(r)]
        if bad:
            raise ValueError(f"not AWS regions: {bad}; use e.g. eu-central-1 ({catalogs.BOTOCORE} endpoints.json)")
        if len(set(v)) != len(v):
            raise ValueError("replicationRegions must be unique")
        if len(v) > 25:
            raise ValueError("ECR replicates to at most 25 destinations")
        return v
