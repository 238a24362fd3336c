"""The whole stack config: every ``twincloud:`` key plus the provider keys we read."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from components.facts.catalogs import AZURE_TAG_RULES
from stacks.config.aws import EcrConfig, EksConfig, VpcConfig, aws_region_problem
from stacks.config.aws_data import Buckets, RedisConfig
from stacks.config.azure import AzureConfig, problems_error
from stacks.config.base import Model, is_prod, publish
from stacks.config.deploy import DeployConfig
from stacks.config.monitoring import MonitoringConfig
from stacks.config.platform import PlatformConfig
from stacks.config.dr import DrConfig

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
    monitoring: MonitoringConfig | None = None  # before buckets: the buckets rule reads it
    buckets: Buckets = []
    azure: AzureConfig | None = None  # twincloud:azure; absent -> no Azure resources
    dr: DrConfig = DrConfig()
    deploy: DeployConfig = DeployConfig()  # twincloud:deploy: CI identities and the in-network runner
    platform: PlatformConfig = PlatformConfig()  # twincloud:platform (docs/platform-services.md)

    @field_validator("aws_region")
    @classmethod
    def _region(cls, v: str, info: ValidationInfo) -> str:
        problem = aws_region_problem(v)
        if problem:
            raise ValueError(problem)
        return publish(info, "aws:region", v)

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
        problems = tag_problems(v)
        if problems:
            raise ValueError("; ".join(problems))
        return v

    @field_validator("protect")
    @classmethod
    def _protect(cls, v: bool | None, info: ValidationInfo) -> bool | None:
        if is_prod(info) and v is False:
            raise ValueError("false is not allowed in prod; stateful data must be protected")
        return v

    @field_validator("buckets")
    @classmethod
    def _monitoring_buckets(cls, v: list, info: ValidationInfo) -> list:
        monitoring = info.data.get("monitoring")
        if monitoring is not None and monitoring.enabled:
            problems = monitoring_bucket_problems(v)
            if problems:
                raise problems_error(problems)
        return v

    @field_validator("deploy")
    @classmethod
    def _deploy_roles_have_no_second_entry(cls, v: DeployConfig, info: ValidationInfo) -> DeployConfig:
        eks = info.data.get("eks")
        roles = {r for r in (v.aws_role_name, v.preview_role_name) if r}
        twice = [e.principal_arn for e in (eks.access_entries if eks else [])
                 if e.principal_arn.split(":", 5)[-1].startswith("role/")
                 and e.principal_arn.rsplit("/", 1)[-1] in roles]
        if twice:
            raise ValueError(f"awsRoleName/previewRoleName already get EKS access entries, and eks.accessEntries lists "
                             f"{twice} too; EKS allows one access entry per principal: remove them from accessEntries")
        return v

    @field_validator("azure")
    @classmethod
    def _azure(cls, v: AzureConfig | None, info: ValidationInfo) -> AzureConfig | None:
        monitoring = info.data.get("monitoring")
        if v is not None and monitoring is not None and monitoring.enabled:
            problems = azure_monitoring_account_problems(v)
            if problems:
                raise problems_error(problems)
        return v

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"

    @property
    def protect_stateful(self) -> bool:
        """Protect stateful resources: on by default in prod, off in dev unless set."""
        return self.is_prod if self.protect is None else self.protect


def tag_problems(tags: dict[str, str]) -> list[str]:
    """Tags land on AWS and Azure resources alike: both clouds' rules apply."""
    problems = []
    bad = [k for k in tags if k.lower().startswith("aws:") or not 1 <= len(k) <= 128 or len(tags[k]) > 256]
    if bad:
        problems.append(f"invalid tag keys {bad}: 1-128 characters, not starting with 'aws:'")
    forbidden = AZURE_TAG_RULES["forbidden_name_chars"].value
    azure_bad = [k for k in tags if any(c in forbidden for c in k)]
    if azure_bad:
        problems.append(f"tag names {azure_bad} contain characters Azure forbids in tag names "
                        f"({' '.join(forbidden)}); use letters, digits, '-', '_', '.' or ':'")
    total = len(tags) + len(RESERVED_TAGS)
    if total > AZURE_TAG_RULES["max_tags"].value:
        problems.append(f"{len(tags)} tags plus the platform's {len(RESERVED_TAGS)} ({', '.join(sorted(RESERVED_TAGS))}) "
                        f"exceed the {AZURE_TAG_RULES['max_tags'].value} tags a resource can carry; remove some")
    return problems


def monitoring_bucket_problems(buckets: list) -> list[tuple[tuple[str | int, ...], str, object]]:
    """The monitoring stack stores Loki chunks and Tempo traces in Pod Identity buckets
    bound to its own service accounts; it creates the namespace and the accounts itself."""
    problems: list[tuple[tuple[str | int, ...], str, object]] = []
    by_name = {b.name: i for i, b in enumerate(buckets)}
    for bucket, account in MONITORING_BUCKETS.items():
        i = by_name.get(bucket)
        if i is None:
            problems.append(((), f"the monitoring stack needs a bucket named {bucket!r} "
                             f"(namespace: monitoring, serviceAccount: {account}, access: read-write); "
                             "add it or set twincloud:monitoring.enabled: false", None))
            continue
        b = buckets[i]
        if b.namespace != "monitoring" or b.service_account != account:
            problems.append(((i,), f"bucket {bucket!r} must bind namespace 'monitoring' and serviceAccount "
                             f"{account!r} (got {b.namespace}/{b.service_account}): the monitoring stack runs "
                             "as that account", None))
        if b.access != "read-write":
            problems.append(((i, "access"), f"{bucket!r} must be read-write", b.access))
        if b.create_namespace or b.create_service_account:
            problems.append(((i,), f"set createNamespace: false and createServiceAccount: false for "
                             f"{bucket!r}: the monitoring stack creates the namespace and the {account!r} "
                             "service account itself (two owners of one object fail on create)", None))
    return problems


def azure_monitoring_account_problems(azure: AzureConfig) -> list[tuple[tuple[str | int, ...], str, object]]:
    """On AKS the monitoring stack federates its own identities to monitoring/loki and
    monitoring/tempo; a second identity for the same account would fight over its annotation."""
    owned = {("monitoring", account) for account in MONITORING_BUCKETS.values()}
    return [
        (("workloadIdentities", i, "serviceAccount"),
         f"monitoring/{w.service_account} is the monitoring stack's own service account on AKS (its identity "
         "comes with the Loki/Tempo storage); give this workload another service account", w.service_account)
        for i, w in enumerate(azure.workload_identities) if (w.namespace, w.service_account) in owned
    ]
