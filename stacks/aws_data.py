"""Composes the AWS data services from validated config: the Redis replication group and
the Pod Identity buckets (no resource details here)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from components.aws.access_log_bucket import AccessLogBucket, AccessLogBucketArgs
from components.aws.pod_identity_bucket import (
    LifecycleRule,
    LifecycleTransition,
    PodIdentityBucket,
    PodIdentityBucketArgs,
)
from components.aws.redis import KubernetesSecretTarget, RedisCache, RedisCacheArgs
from components.naming import child_name, global_name
from stacks.aws_platform import AwsPlatform
from stacks.config import StackConfig
from stacks.config.aws_data import BucketConfig


@dataclass
class AwsData:
    """What later stacks bind to: ``buckets`` is keyed by the config name (``loki-chunks``)."""

    redis: RedisCache | None
    buckets: dict[str, PodIdentityBucket] = field(default_factory=dict)


class _Namespaces:
    """Creates each requested namespace once: the first component asking for it creates it,
    later ones receive its name as an output (and so wait for it)."""

    def __init__(self) -> None:
        self.created: dict[str, pulumi.Output[str]] = {}

    def claim(self, namespace: str, create: bool) -> tuple[pulumi.Input[str], bool]:
        if namespace in self.created:
            return self.created[namespace], False
        return namespace, create

    def record(self, namespace: str, created: bool, output: pulumi.Output[str]) -> None:
        if created:
            self.created[namespace] = output


def _lifecycle(b: BucketConfig) -> list[LifecycleRule]:
    return [
        LifecycleRule(
            id=r.id, prefix=r.prefix, expiration_days=r.expire_days,
            transitions=[LifecycleTransition(days=t.days, storage_class=t.storage_class) for t in r.transitions],
            noncurrent_expiration_days=r.noncurrent_expire_days,
        )
        for r in b.lifecycle
    ]


def build_aws_data(cfg: StackConfig, prefix: str, aws_platform: AwsPlatform) -> AwsData:
    stack = pulumi.get_stack()
    eks = aws_platform.eks
    on_cluster = pulumi.ResourceOptions(providers=[eks.provider])
    namespaces = _Namespaces()

    names = {b.name: global_name(b.name, stack=stack, region=cfg.aws_region) for b in cfg.buckets}
    access_logs = AccessLogBucket(child_name(prefix, "access-logs"), AccessLogBucketArgs(
        bucket_name=global_name("access-logs", stack=stack, region=cfg.aws_region),
        source_bucket_names=list(names.values()),
        protect=cfg.protect_stateful,
        force_destroy=not cfg.protect_stateful,
    )) if cfg.buckets else None
    buckets: dict[str, PodIdentityBucket] = {}
    for b in cfg.buckets:
        namespace, create_ns = namespaces.claim(b.namespace, b.create_namespace)
        bucket = PodIdentityBucket(child_name(prefix, b.name), PodIdentityBucketArgs(
            bucket_name=names[b.name],
            region=cfg.aws_region,
            cluster_name=eks.cluster_name,
            namespace=namespace,
            service_account=b.service_account,
            access=b.access,
            encryption=b.encryption,
            versioning=b.versioning,
            lifecycle_rules=_lifecycle(b),
            purpose=b.purpose,
            create_namespace=create_ns,
            create_service_account=b.create_service_account,
            protect=cfg.protect_stateful,
            force_destroy=not cfg.protect_stateful,
            access_log_bucket=access_logs.bucket_name if access_logs else None,
        ), opts=on_cluster)
        namespaces.record(b.namespace, create_ns, bucket.namespace)
        buckets[b.name] = bucket

    redis = None
    if cfg.redis is not None:
        r = cfg.redis
        secret = None
        if r.kubernetes_secret is not None:
            namespace, create_ns = namespaces.claim(r.kubernetes_secret.namespace, r.kubernetes_secret.create_namespace)
            secret = KubernetesSecretTarget(namespace=namespace, name=r.kubernetes_secret.name,
                                            create_namespace=create_ns)
        redis = RedisCache(f"{prefix}-redis", RedisCacheArgs(
            vpc_id=aws_platform.vpc.vpc_id,
            subnet_ids=aws_platform.vpc.database_subnet_ids,
            client_security_group_id=eks.cluster_security_group_id,
            availability_zones=list(aws_platform.vpc.availability_zones),
            node_type=r.node_type,
            engine=r.engine,
            engine_version=r.engine_version,
            num_cache_clusters=r.num_cache_clusters,
            automatic_failover=r.automatic_failover,
            multi_az=r.multi_az,
            snapshot_retention_days=r.snapshot_retention_days,
            maintenance_window=r.maintenance_window,
            snapshot_window=r.snapshot_window,
            parameters=dict(r.parameters),
            kubernetes_secret=secret,
            protect=cfg.protect_stateful,
        ), opts=on_cluster)
        pulumi.export("redisPrimaryEndpoint", redis.primary_endpoint)
        pulumi.export("redisReaderEndpoint", redis.reader_endpoint)
        pulumi.export("redisPort", redis.port)
        pulumi.export("redisAuthToken", redis.auth_token)

    pulumi.export("buckets", {
        name: {
            "bucket": b.bucket_name,
            "region": b.region,
            "roleArn": b.role_arn,
            "namespace": b.namespace,
            "serviceAccount": b.service_account,
        }
        for name, b in buckets.items()
    })
    return AwsData(redis=redis, buckets=buckets)
