"""Config sections for AWS data services: ``twincloud:redis`` and ``twincloud:buckets``.

``twincloud:redis`` describes the ElastiCache replication group; ``twincloud:buckets`` lists
the S3 buckets workloads reach through EKS Pod Identity, one service account each.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from components.aws.bucket_documents import STORAGE_CLASSES, bucket_name_problems
from components.aws.cache_windows import window_problems
from components.aws.redis import DEFAULT_MAINTENANCE_WINDOW, DEFAULT_SNAPSHOT_WINDOW
from components.naming import global_name
from components.facts import catalogs
from stacks.config.base import Model, is_prod, published

# Kubernetes object names (k8s.io/apimachinery validation): namespaces are DNS-1123 labels,
# service accounts and secrets DNS-1123 subdomains.
DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")  # fullmatch: `$` lets a trailing newline through
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
BUILTIN_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
# Engine versions ElastiCache offers for node-based replication groups (major.minor).
ENGINE_VERSIONS = {"redis": ("6.2", "7.0", "7.1"), "valkey": ("7.2", "8.0", "8.1")}
# ElastiCache parameter names: lower-case words joined by '-' (maxmemory-policy, notify-keyspace-events).
PARAMETER_NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
# S3 minimum age before a transition to these classes (days).
MIN_TRANSITION_DAYS = {"STANDARD_IA": 30, "ONEZONE_IA": 30}


def namespace_problem(value: str) -> str | None:
    if len(value) > 63 or not DNS1123_LABEL.fullmatch(value):
        return ("not a Kubernetes namespace name: at most 63 lower-case letters, digits and '-', "
                "starting and ending with a letter or digit")
    return None


def object_name_problem(value: str, what: str) -> str | None:
    if len(value) > 253 or not DNS1123_SUBDOMAIN.fullmatch(value):
        return (f"not a Kubernetes {what} name: at most 253 lower-case letters, digits, '-' and '.', "
                "starting and ending with a letter or digit")
    return None


def _namespace(value: str) -> str:
    problem = namespace_problem(value)
    if problem:
        raise ValueError(problem)
    return value


K8sNamespace = Annotated[str, AfterValidator(_namespace)]


def _not_builtin(create: bool, info: ValidationInfo) -> bool:
    namespace = info.data.get("namespace")
    if create and namespace in BUILTIN_NAMESPACES:
        raise ValueError(f"namespace {namespace!r} exists in every cluster and cannot be created; "
                         "set createNamespace: false")
    return create


# -- twincloud:redis --------------------------------------------------------------------

class RedisSecretConfig(Model):
    """``twincloud:redis.kubernetesSecret``: where workloads read the connection details."""

    namespace: K8sNamespace
    name: str
    create_namespace: bool = False

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        problem = object_name_problem(v, "Secret")
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("create_namespace")
    @classmethod
    def _builtin(cls, v: bool, info: ValidationInfo) -> bool:
        return _not_builtin(v, info)


class RedisConfig(Model):
    """``twincloud:redis``: the ElastiCache replication group (cluster mode disabled).

    Defaults are the highly available choice; dev may lower them explicitly.
    """

    engine: Literal["redis", "valkey"] = "redis"
    engine_version: str = "7.1"
    node_type: str
    num_cache_clusters: Annotated[int, Field(ge=1, le=6)] = 2
    automatic_failover: bool = True
    multi_az: bool = True
    snapshot_retention_days: Annotated[int, Field(ge=0, le=35)] = 7
    # Weekly patching and daily snapshot windows, UTC (components/aws/cache_windows.py; docs/aws-data.md).
    maintenance_window: str = DEFAULT_MAINTENANCE_WINDOW
    snapshot_window: str = DEFAULT_SNAPSHOT_WINDOW
    # Engine parameters in the group's own parameter group (names as ElastiCache lists them).
    parameters: dict[str, str] = {}
    kubernetes_secret: RedisSecretConfig | None = None

    @field_validator("engine_version", mode="before")
    @classmethod
    def _version_text(cls, v: object) -> object:
        # An unquoted YAML 7.1 arrives as a number; the version is text.
        return str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v

    @field_validator("engine_version")
    @classmethod
    def _version(cls, v: str, info: ValidationInfo) -> str:
        engine = info.data.get("engine")
        allowed = ENGINE_VERSIONS.get(engine) if engine else None
        if allowed and v not in allowed:
            raise ValueError(f"{engine} engine version must be one of {', '.join(allowed)} (major.minor)")
        return v

    @field_validator("node_type")
    @classmethod
    def _node_type(cls, v: str) -> str:
        current, previous = catalogs.elasticache_node_types()
        if v in previous:
            raise ValueError("a previous-generation ElastiCache node type: creation of new clusters is not supported; "
                             "use a current one like 'cache.t4g.small' or 'cache.r7g.large'")
        if v not in current:
            raise ValueError(f"not an ElastiCache node type; use names like 'cache.t4g.small' or 'cache.r7g.large'; "
                             f"allowed: {_by_family(current)} ({catalogs.BOTOCORE} elasticache CacheNode)")
        return v

    @field_validator("num_cache_clusters")
    @classmethod
    def _per_az(cls, v: int, info: ValidationInfo) -> int:
        # Cross-section rule: in prod, a node in every availability zone of the VPC.
        azs = published(info, "vpc.azCount")
        if is_prod(info) and azs is not None and v < azs:
            raise ValueError(f"numCacheClusters ({v}) is below vpc.azCount ({azs}); prod needs a node in every "
                             f"availability zone (a primary plus a replica per extra AZ): set numCacheClusters: {azs}")
        return v

    @field_validator("automatic_failover")
    @classmethod
    def _failover(cls, v: bool, info: ValidationInfo) -> bool:
        nodes = info.data.get("num_cache_clusters")
        if is_prod(info) and not v:
            raise ValueError("prod must have automaticFailover: true; a single primary without failover "
                             "loses every session when its node fails")
        if v and nodes is not None and nodes < 2:
            raise ValueError(f"automaticFailover needs a replica to promote, but numCacheClusters is {nodes}; "
                             "set numCacheClusters to 2 or more, or automaticFailover: false (dev only)")
        return v

    @field_validator("multi_az")
    @classmethod
    def _multi_az(cls, v: bool, info: ValidationInfo) -> bool:
        if is_prod(info) and not v:
            raise ValueError("prod must have multiAz: true so the replicas sit in other availability zones")
        if v and info.data.get("automatic_failover") is False:
            raise ValueError("multiAz requires automaticFailover: true (an ElastiCache rule)")
        return v

    @field_validator("snapshot_retention_days")
    @classmethod
    def _snapshots(cls, v: int, info: ValidationInfo) -> int:
        if is_prod(info) and v < 1:
            raise ValueError("prod must keep snapshots: set snapshotRetentionDays to 1-35 (7 or more recommended)")
        return v

    @field_validator("maintenance_window")
    @classmethod
    def _maintenance(cls, v: str) -> str:
        problems = window_problems(v, None)
        if problems:
            raise ValueError(problems[0].removeprefix("maintenanceWindow: "))
        return v

    @field_validator("snapshot_window")
    @classmethod
    def _snapshot_window(cls, v: str, info: ValidationInfo) -> str:
        maintenance = info.data.get("maintenance_window")
        problems = [p for p in window_problems(maintenance or DEFAULT_MAINTENANCE_WINDOW, v)
                    if not p.startswith("maintenanceWindow")]
        if problems:
            raise ValueError(problems[0].removeprefix("snapshotWindow: "))
        return v

    @field_validator("parameters", mode="before")
    @classmethod
    def _parameter_text(cls, v: object) -> object:
        # YAML numbers and booleans are parameter values written without quotes.
        if isinstance(v, dict):
            return {k: (str(x).lower() if isinstance(x, bool) else str(x)) if isinstance(x, (int, float, bool)) else x
                    for k, x in v.items()}
        return v

    @field_validator("parameters")
    @classmethod
    def _parameters(cls, v: dict[str, str]) -> dict[str, str]:
        bad = sorted(k for k in v if not PARAMETER_NAME.fullmatch(k))
        if bad:
            raise ValueError(f"not ElastiCache parameter names: {bad}; use the lower-case names ElastiCache lists, "
                             "like maxmemory-policy")
        if "cluster-enabled" in v:
            raise ValueError("cluster-enabled cannot be set: the group runs with cluster mode disabled "
                             "(one primary and its replicas)")
        return v


def _by_family(types: frozenset[str]) -> str:
    """``cache.t4g.{micro,small}, ...``: a long catalog, readable in one line."""
    families: dict[str, list[str]] = {}
    for t in sorted(types):
        family, _, size = t.rpartition(".")
        families.setdefault(family, []).append(size)
    return ", ".join(f"{f}.{{{','.join(sizes)}}}" for f, sizes in families.items())


# -- twincloud:buckets ------------------------------------------------------------------

class TransitionConfig(Model):
    storage_class: Literal[STORAGE_CLASSES]  # type: ignore[valid-type]
    days: Annotated[int, Field(ge=0)]

    @field_validator("days")
    @classmethod
    def _minimum(cls, v: int, info: ValidationInfo) -> int:
        storage_class = info.data.get("storage_class")
        minimum = MIN_TRANSITION_DAYS.get(storage_class, 0)
        if v < minimum:
            raise ValueError(f"S3 moves objects to {storage_class} only {minimum} days or more after creation")
        return v


class LifecycleRuleConfig(Model):
    """One entry of ``twincloud:buckets[*].lifecycle``."""

    id: Annotated[str, Field(min_length=1, max_length=255)]
    prefix: str = ""
    expire_days: Annotated[int, Field(ge=1)] | None = None
    transitions: list[TransitionConfig] = []
    noncurrent_expire_days: Annotated[int, Field(ge=1)] | None = None

    @model_validator(mode="after")
    def _actions(self) -> LifecycleRuleConfig:
        if self.expire_days is None and not self.transitions and self.noncurrent_expire_days is None:
            raise ValueError(f"rule {self.id!r} does nothing: set expireDays, transitions or noncurrentExpireDays")
        waterfall = catalogs.S3_LIFECYCLE["waterfall"].value
        steps = sorted(self.transitions, key=lambda t: t.days)
        ranks = [waterfall.index(t.storage_class) for t in steps]
        if ranks != sorted(set(ranks)) or len({t.days for t in steps}) != len(steps):
            raise ValueError(f"rule {self.id!r}: S3 moves objects only down its storage-class waterfall "
                             f"({' -> '.join(waterfall)}): each class once, each at a later day than the one "
                             "before it in that order "
                             f"(got {[(t.storage_class, t.days) for t in self.transitions]})")
        late = [t.days for t in self.transitions if self.expire_days is not None and t.days >= self.expire_days]
        if late:
            raise ValueError(f"rule {self.id!r}: transitions at days {late} come at or after expireDays "
                             f"({self.expire_days}); objects would be deleted first")
        return self


class BucketConfig(Model):
    """One entry of ``twincloud:buckets``: an S3 bucket bound to one service account."""

    name: str
    purpose: Annotated[str, Field(min_length=1, max_length=256)]
    access: Literal["read-only", "read-write"] = "read-only"
    namespace: K8sNamespace
    service_account: str
    encryption: Literal["sse-kms", "sse-s3"] = "sse-kms"
    versioning: bool = True
    lifecycle: list[LifecycleRuleConfig] = []
    create_namespace: bool = False
    create_service_account: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, v: str, info: ValidationInfo) -> str:
        problems = bucket_name_problems(v)
        if problems:
            raise ValueError(f"bucket name {'; '.join(problems)}")
        ctx = info.context or {}
        stack, region = ctx.get("stack"), ctx.get("region")
        if stack and isinstance(region, str):
            physical = global_name(v, stack=stack, region=region)
            overflow = len(global_name(v, stack=stack, region=region, max_length=1000)) - len(physical)
            if overflow > 0:
                raise ValueError(f"too long for stack {stack!r} in {region}: the physical name "
                                 f"(twincloud-<stack>-<region>-<name>-<hash>, at most 63 characters) would cut it "
                                 f"to {physical!r}; use at most {len(v) - overflow} characters")
            problems = bucket_name_problems(physical)
            if problems:
                raise ValueError(f"the physical name {physical!r} {'; '.join(problems)}")
        return v

    @field_validator("service_account")
    @classmethod
    def _service_account(cls, v: str) -> str:
        problem = object_name_problem(v, "ServiceAccount")
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("versioning")
    @classmethod
    def _versioning(cls, v: bool, info: ValidationInfo) -> bool:
        if is_prod(info) and not v:
            raise ValueError("prod buckets must keep versioning: true so deleted or overwritten data can be restored")
        return v

    @field_validator("lifecycle")
    @classmethod
    def _rule_ids(cls, v: list[LifecycleRuleConfig]) -> list[LifecycleRuleConfig]:
        ids = [r.id for r in v]
        dupes = sorted({i for i in ids if ids.count(i) > 1} | ({"housekeeping"} & set(ids)))
        if dupes:
            raise ValueError(f"lifecycle rule ids must be unique and not 'housekeeping' (reserved), got {dupes}")
        return v

    @field_validator("create_namespace")
    @classmethod
    def _builtin(cls, v: bool, info: ValidationInfo) -> bool:
        return _not_builtin(v, info)


def _unique(buckets: list[BucketConfig]) -> list[BucketConfig]:
    problems = []
    names = [b.name for b in buckets]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        problems.append(f"bucket names must be unique, duplicated: {dupes}")
    bound: dict[tuple[str, str], list[str]] = {}
    for b in buckets:
        bound.setdefault((b.namespace, b.service_account), []).append(b.name)
    for (ns, sa), users in sorted(bound.items()):
        if len(users) > 1:
            problems.append(f"buckets {users} all bind service account {ns}/{sa}, but EKS allows one Pod Identity "
                            "association per service account; give each bucket its own serviceAccount")
    if problems:
        raise ValueError("; ".join(problems))
    return buckets


Buckets = Annotated[list[BucketConfig], AfterValidator(_unique)]
