"""The whole stack config: every ``twincloud:`` key plus the provider keys we read."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from stacks.config.aws import EcrConfig, EksConfig, VpcConfig
from stacks.config.aws_data import Buckets, RedisConfig, check_redis_against_vpc
from stacks.config.azure import AzureConfig, overlap_problems, problems_error
from stacks.config.base import Model, is_prod, parse_cidr
from stacks.config.monitoring import MonitoringConfig
from stacks.config.dr import DrConfig

AWS_REGION = re.compile(r"^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-[a-z]+-\d$")
RESERVED_TAGS = {"Environment", "Project", "ManagedBy"}
REQUIRED_EXTRA_TAGS = ("Owner", "CostCenter")
# Buckets the monitoring stack binds, and the service account each is bound to.
MONITORING_BUCKETS = {"loki-chunks": "loki", "tempo-traces": "tempo"}


class StackConfig(Model):
    """Typed view of the stack config. Field names map to ``twincloud:<camelCase>`` keys;
    ``aws_region`` is ``aws:region``."""

    aws_region: str = Field(alias="aws:region")
    environment: Literal["dev", "prod"]
    tags: dict[str, str]
    protect: bool | None = None
    vpc: VpcConfig
    eks: EksConfig
    ecr: EcrConfig = EcrConfig()
    redis: RedisConfig | None = None
    buckets: Buckets = []
    monitoring: MonitoringConfig | None = None
    azure: AzureConfig | None = None  # twincloud:azure; absent -> no Azure resources
    dr: DrConfig = DrConfig()

    @field_validator("aws_region")
    @classmethod
    def _region(cls, v: str) -> str:
        if not AWS_REGION.match(v):
            raise ValueError("not an AWS region name; use e.g. eu-west-1 or us-west-2")
        return v

    @field_validator("ecr")
    @classmethod
    def _ecr_replication(cls, v: EcrConfig, info: ValidationInfo) -> EcrConfig:
        region = info.data.get("aws_region")
        if region and region in v.replication_regions:
            raise ValueError(f"replicationRegions lists aws:region {region} itself; replicate to another region "
                             "(after a region rebuild, point it at a region other than the new aws:region)")
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        missing = [t for t in REQUIRED_EXTRA_TAGS if not v.get(t)]
        if missing:
            raise ValueError(f"required tags missing: {missing}; add them under twincloud:tags")
        clash = sorted(RESERVED_TAGS & set(v))
        if clash:
            raise ValueError(f"{clash} are set by the platform itself; remove them from twincloud:tags")
        bad = [k for k in v if k.lower().startswith("aws:") or not 1 <= len(k) <= 128 or len(v[k]) > 256]
        if bad:
            raise ValueError(f"invalid tag keys {bad}: 1-128 characters, not starting with 'aws:'")
        return v

    @field_validator("redis")
    @classmethod
    def _redis_azs(cls, v: RedisConfig | None, info: ValidationInfo) -> RedisConfig | None:
        vpc = info.data.get("vpc")
        if v is not None and vpc is not None:
            check_redis_against_vpc(v, vpc.az_count, is_prod(info))
        return v

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @property
    def protect_stateful(self) -> bool:
        """Protect stateful resources: on by default in prod, off in dev unless set."""
        return self.is_prod if self.protect is None else self.protect

    @model_validator(mode="after")
    def _cross(self, info: ValidationInfo) -> StackConfig:
        """Rules spanning sections; every problem is reported, one per line, naming its key."""
        problems: list[str] = []
        vpc = parse_cidr(self.vpc.cidr)
        svc = parse_cidr(self.eks.service_cidr)
        if vpc.overlaps(svc):
            problems.append(f"twincloud:eks.serviceCidr: {self.eks.service_cidr} overlaps vpc.cidr {self.vpc.cidr}; "
                            "pick a service range outside the VPC (e.g. 172.20.0.0/16)")
        if self.is_prod and self.protect is False:
            problems.append("twincloud:protect: false is not allowed in prod; stateful data must be protected")
        problems += self._monitoring_buckets()
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _monitoring_buckets(self) -> list[str]:
        """The monitoring stack stores Loki chunks and Tempo traces in Pod Identity buckets
        bound to its own service accounts; it creates the namespace and the accounts itself."""
        if self.monitoring is None or not self.monitoring.enabled:
            return []
        problems = []
        by_name = {b.name: b for b in self.buckets}
        for bucket, account in MONITORING_BUCKETS.items():
            b = by_name.get(bucket)
            where = f"twincloud:buckets[{self.buckets.index(b)}]" if b else "twincloud:buckets"
            if b is None:
                problems.append(f"twincloud:buckets: the monitoring stack needs a bucket named {bucket!r} "
                                f"(namespace: monitoring, serviceAccount: {account}, access: read-write); "
                                "add it or set twincloud:monitoring.enabled: false")
                continue
            if b.namespace != "monitoring" or b.service_account != account:
                problems.append(f"{where}: bucket {bucket!r} must bind namespace 'monitoring' and serviceAccount "
                                f"{account!r} (got {b.namespace}/{b.service_account}): the monitoring stack runs "
                                "as that account")
            if b.access != "read-write":
                problems.append(f"{where}.access: {bucket!r} must be read-write (got {b.access!r})")
            if b.create_namespace or b.create_service_account:
                problems.append(f"{where}: set createNamespace: false and createServiceAccount: false for "
                                f"{bucket!r}: the monitoring stack creates the namespace and the {account!r} "
                                "service account itself (two owners of one object fail on create)")
        return problems

    @model_validator(mode="after")
    def _azure_cross(self) -> StackConfig:
        # The Azure VNet is peered/VPN-connected to the AWS VPC: their ranges must not collide;
        # the monitoring service accounts on AKS belong to the monitoring stack.
        if self.azure is not None:
            problems = overlap_problems(self.azure, self.vpc.cidr) + self._azure_monitoring_accounts()
            if problems:
                raise problems_error(problems)
        return self

    def _azure_monitoring_accounts(self) -> list[tuple[tuple[str | int, ...], str, str]]:
        """On AKS the monitoring stack federates its own identities to monitoring/loki and
        monitoring/tempo; a second identity for the same account would fight over its annotation."""
        if self.azure is None or self.monitoring is None or not self.monitoring.enabled:
            return []
        owned = {("monitoring", account) for account in MONITORING_BUCKETS.values()}
        return [
            (("azure", "workloadIdentities", i, "serviceAccount"),
             f"monitoring/{w.service_account} is the monitoring stack's own service account on AKS (its identity "
             "comes with the Loki/Tempo storage); give this workload another service account", w.service_account)
            for i, w in enumerate(self.azure.workload_identities) if (w.namespace, w.service_account) in owned
        ]
