"""Config sections for the AWS network, EKS and ECR."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from components.aws.subnet_plan import MAX_AZS, plan_subnets
from components.facts import eks_calendar
from components.versions import EKS_ADDONS
from stacks.config.base import Model, api_allow_list, is_prod, parse_cidr, private_range

K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")
ECR_NAME = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
AWS_REGION_NAME = re.compile(r"^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-[a-z]+-\d$")
# Retention periods (days) CloudWatch Logs accepts (a subset of PutRetentionPolicy's values); a year by default,
# the floor checkov's CKV_AWS_338 and the cloudwatch-log-group-baseline rule hold us to.
LogRetentionDays = Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653]


class VpcConfig(Model):
    """``twincloud:vpc``: the AWS network."""

    cidr: str = Field(description="VPC IPv4 CIDR, /16 to /24")
    az_count: Annotated[int, Field(ge=2, le=MAX_AZS)] = 2
    nat_strategy: Literal["single", "per_az"] = "per_az"
    flow_logs: bool = True
    flow_log_retention_days: LogRetentionDays = 365

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, v: str) -> str:
        net = parse_cidr(v)
        if not 16 <= net.prefixlen <= 24:
            raise ValueError(f"VPC CIDR must be between /16 and /24 (AWS limits), got /{net.prefixlen}")
        if not net.is_private:
            raise ValueError("VPC CIDR must be a private range (RFC 1918, e.g. 10.0.0.0/8)")
        return v

    @field_validator("az_count")
    @classmethod
    def _azs(cls, v: int, info: ValidationInfo) -> int:
        if is_prod(info) and v < 3:
            raise ValueError("prod needs at least 3 availability zones for high availability; set azCount: 3")
        return v

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


class Taint(Model):
    key: str
    value: str | None = None
    effect: Literal["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"]


class NodeGroupConfig(Model):
    """One entry of ``twincloud:eks.nodeGroups``."""

    name: str
    instance_types: Annotated[list[str], Field(min_length=1)]
    capacity_type: Literal["ON_DEMAND", "SPOT"] = "ON_DEMAND"
    min_size: Annotated[int, Field(ge=0, le=450)]
    max_size: Annotated[int, Field(ge=1, le=450)]
    desired_size: Annotated[int, Field(ge=0, le=450)] | None = None
    disk_size: Annotated[int, Field(ge=20, le=16384)] = 50
    labels: dict[str, str] = {}
    taints: list[Taint] = []

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not K8S_NAME.match(v) or len(v) > 40:
            raise ValueError("node group names are lower-case letters, digits and '-', at most 40 characters")
        return v

    @field_validator("instance_types")
    @classmethod
    def _types(cls, v: list[str]) -> list[str]:
        bad = [t for t in v if not INSTANCE_TYPE.match(t)]
        if bad:
            raise ValueError(f"not EC2 instance types: {bad}; use names like 'm6i.large'")
        return v

    @model_validator(mode="after")
    def _sizes(self) -> NodeGroupConfig:
        if self.min_size > self.max_size:
            raise ValueError(f"minSize: minSize ({self.min_size}) must not exceed maxSize ({self.max_size})")
        desired = self.desired_size if self.desired_size is not None else self.min_size
        if not self.min_size <= desired <= self.max_size:
            raise ValueError(f"desiredSize: desiredSize ({desired}) must lie between minSize ({self.min_size}) "
                             f"and maxSize ({self.max_size})")
        return self

    @property
    def desired(self) -> int:
        return self.desired_size if self.desired_size is not None else max(self.min_size, 1)


class EksConfig(Model):
    """``twincloud:eks``: the EKS cluster."""

    version: str
    endpoint_public_access: bool = False
    public_access_cidrs: list[str] = []
    admin_role_names: list[str] = []
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
        return v

    @field_validator("public_access_cidrs")
    @classmethod
    def _cidrs(cls, v: list[str]) -> list[str]:
        return api_allow_list(v, fix="list your office/VPN CIDRs")

    @field_validator("service_cidr")
    @classmethod
    def _service_cidr(cls, v: str) -> str:
        return private_range(v, label="EKS service CIDR", shortest=12, longest=24, what="service CIDR")

    @field_validator("admin_role_names")
    @classmethod
    def _roles(cls, v: list[str]) -> list[str]:
        bad = [r for r in v if not re.match(r"^[\w+=,.@-]{1,64}$", r)]
        if bad:
            raise ValueError(f"not IAM role names: {bad}")
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

    @model_validator(mode="after")
    def _groups(self) -> EksConfig:
        if self.endpoint_public_access and not self.public_access_cidrs:
            raise ValueError("endpointPublicAccess is true but publicAccessCidrs is empty; "
                             "list the CIDRs allowed to reach the API, or keep the endpoint private")
        names = [g.name for g in self.node_groups]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"nodeGroups: duplicate names {dupes}")
        if not any(g.capacity_type == "ON_DEMAND" for g in self.node_groups):
            raise ValueError("nodeGroups: at least one ON_DEMAND group is required (spot capacity can vanish)")
        return self


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
        bad = [r for r in v if not ECR_NAME.match(r) or len(r) > 200]
        if bad:
            raise ValueError(f"invalid repository names {bad}: lower-case letters, digits, '.', '_' or '-'")
        if len(set(v)) != len(v):
            raise ValueError("repositories must be unique")
        return v

    @field_validator("replication_regions")
    @classmethod
    def _replication(cls, v: list[str]) -> list[str]:
        bad = [r for r in v if not AWS_REGION_NAME.match(r)]
        if bad:
            raise ValueError(f"not AWS region names: {bad}; use e.g. eu-central-1")
        if len(set(v)) != len(v):
            raise ValueError("replicationRegions must be unique")
        if len(v) > 25:
            raise ValueError("ECR replicates to at most 25 destinations")
        return v
