"""``RedisCache``: an ElastiCache (Redis OSS or Valkey) replication group for the cluster's
workloads, e.g. the shared session store that multi-replica services need.

Builds a subnet group over the VPC's database subnets, a security group of its own, a
KMS key for at-rest encryption, a parameter group, an AUTH token generated with pulumi-random, the
replication group (cluster mode disabled: one primary plus read replicas spread over the
AZs) and, when asked, a Kubernetes Secret with the connection details, written through
the EKS Kubernetes provider.

Secure defaults, a sentence each:
* only the EKS cluster security group (attached to every managed node) may reach port
  6379, and no CIDR range is ever admitted;
* traffic is TLS-only (transit encryption), and clients must present the AUTH token;
* data and snapshots are encrypted at rest with a rotating customer-managed KMS key that the
  account may use only through ElastiCache in this region (explicit key policy);
* the AUTH token is random (40 characters from ElastiCache's allowed alphabet) and is a
  Pulumi secret everywhere it appears: state, outputs and the Kubernetes Secret;
* defaults are highly available: two or more nodes in different AZs, automatic failover
  and Multi-AZ, so losing a node or an AZ does not lose every session;
* snapshots are kept for a week, and a protected group takes a final snapshot before deletion;
* patching and snapshots happen in windows we choose (a weekly maintenance window and a daily
  snapshot window that never overlap), not at a time ElastiCache picks at random;
* the group has a parameter group of its own, of the family of its engine version;
* the replication group and its key are protected from ``pulumi destroy`` unless told
  otherwise (dev only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pulumi_random as random

from components.aws.cache_windows import window_problems
from components.aws.key_policies import service_key_policy
from components.facts.aws import ELASTICACHE
from components.naming import child_name, short_hash

PORT = 6379
# ElastiCache AUTH tokens: 16-128 printable characters; the only special characters
# allowed are these (docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html).
AUTH_TOKEN_SPECIALS = "!&#$^<>-"
AUTH_TOKEN_LENGTH = 40
# Sunday 02:00-03:00 UTC for patches, snapshots from midnight: outside European and US working
# hours, the snapshot done before patching starts (docs/aws-data.md says how to pick others).
DEFAULT_MAINTENANCE_WINDOW = "sun:02:00-sun:03:00"
DEFAULT_SNAPSHOT_WINDOW = "00:00-01:00"
_GROUP_ID = re.compile(r"^(?!.*--)[a-z]([a-z0-9-]{0,38}[a-z0-9])?$")


@dataclass
class KubernetesSecretTarget:
    """Where to write the connection details (``host``, ``readerHost``, ``port``, ``authToken``, ``url``)."""

    namespace: pulumi.Input[str]
    name: str
    create_namespace: bool = False


@dataclass
class RedisCacheArgs:
    """Arguments of :class:`RedisCache`."""

    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[list[str]]  # the VPC's database subnets
    client_security_group_id: pulumi.Input[str]  # the EKS cluster security group
    availability_zones: list[str]
    node_type: str
    engine: str = "redis"  # or "valkey"
    engine_version: str = "7.1"
    num_cache_clusters: int = 2
    automatic_failover: bool = True
    multi_az: bool = True
    snapshot_retention_days: int = 7
    # Weekly patching window and the daily window snapshots start in (UTC; components/aws/cache_windows.py).
    maintenance_window: str = DEFAULT_MAINTENANCE_WINDOW
    snapshot_window: str = DEFAULT_SNAPSHOT_WINDOW
    # Engine parameters set in the group's own parameter group (the rest keep the family's defaults).
    parameters: dict[str, str] = field(default_factory=dict)
    kubernetes_secret: KubernetesSecretTarget | None = None  # needs a kubernetes provider in opts.providers
    protect: bool = True


def replication_group_id(name: str) -> str:
    """A valid replication group id from a logical name: at most 40 characters, starting
    with a letter, lower-case letters, digits and single hyphens; long names keep a hash."""
    rid = re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", name.lower())).strip("-")
    if not rid or not rid[0].isalpha():
        rid = f"r-{rid}".rstrip("-")
    if len(rid) > 40:
        digest = short_hash(name)
        rid = f"{rid[: 40 - len(digest) - 1].rstrip('-')}-{digest}"
    if not _GROUP_ID.match(rid):
        raise ValueError(f"cannot derive a replication group id from {name!r} (got {rid!r})")
    return rid


def spread_azs(azs: list[str], count: int) -> list[str]:
    """AZ of each node, round-robin: the primary in the first AZ, a replica in every other
    AZ before any AZ gets a second node."""
    if not azs:
        raise ValueError("at least one availability zone is required")
    return [azs[i % len(azs)] for i in range(count)]


def connection_url(token: str, host: str, port: int) -> str:
    """``rediss://`` URL with the token percent-encoded (it may hold ``#``, ``&``, ``$``...)."""
    return f"rediss://:{quote(token, safe='')}@{host}:{port}"


def parameter_group_family(engine: str, engine_version: str) -> str:
    """``redis`` ``7.1`` -> ``redis7`` (components/facts/aws.py ELASTICACHE parameter_group_families)."""
    families = ELASTICACHE["parameter_group_families"].value.get(engine, {})
    if engine_version not in families:
        raise ValueError(f"no parameter group family recorded for {engine} {engine_version}; add it to ELASTICACHE "
                         "in components/facts/aws.py with its source")
    return families[engine_version]


def check_topology(num_cache_clusters: int, automatic_failover: bool, multi_az: bool) -> None:
    """ElastiCache's own constraints, raised before anything is declared."""
    if not 1 <= num_cache_clusters <= 6:
        raise ValueError(f"num_cache_clusters must be 1 to 6 (a primary and up to 5 replicas), got {num_cache_clusters}")
    if automatic_failover and num_cache_clusters < 2:
        raise ValueError("automatic failover needs at least 2 nodes (a replica to promote)")
    if multi_az and not automatic_failover:
        raise ValueError("Multi-AZ requires automatic failover")


class RedisCache(pulumi.ComponentResource):
    """ElastiCache replication group reachable only from the EKS nodes; see the module docstring."""

    primary_endpoint: pulumi.Output[str]
    reader_endpoint: pulumi.Output[str]
    port: pulumi.Output[int]
    auth_token: pulumi.Output[str]
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: RedisCacheArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:RedisCache", name, None, opts)
        check_topology(args.num_cache_clusters, args.automatic_failover, args.multi_az)
        problems = window_problems(args.maintenance_window,
                                   args.snapshot_window if args.snapshot_retention_days > 0 else None)
        if problems:
            raise ValueError("; ".join(problems))
        if args.kubernetes_secret and self.get_provider("kubernetes::") is None:
            raise ValueError("writing the Kubernetes Secret needs the cluster's Kubernetes provider: pass "
                             "opts=ResourceOptions(providers=[eks.provider]), or kubernetes_secret=None")
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect)
        group_id = replication_group_id(name)

        subnet_group = aws.elasticache.SubnetGroup(
            child_name(name, "subnets"),
            description=f"database subnets of {name}",
            subnet_ids=args.subnet_ids,
            opts=child,
        )
        self.security_group = aws.ec2.SecurityGroup(
            child_name(name, "sg"),
            description=f"{name}: Redis from the EKS cluster security group only",
            vpc_id=args.vpc_id,
            revoke_rules_on_delete=True,
            tags={"Name": child_name(name, "sg")},
            opts=child,
        )
        aws.ec2.SecurityGroupRule(
            child_name(name, "from-eks"),
            type="ingress",
            description="Redis (TLS) from EKS nodes and pods",
            security_group_id=self.security_group.id,
            protocol="tcp",
            from_port=PORT,
            to_port=PORT,
            source_security_group_id=args.client_security_group_id,
            opts=child,
        )
        invoke = pulumi.InvokeOutputOptions(parent=self)
        self.key = aws.kms.Key(
            child_name(name, "key"),
            description=f"ElastiCache at-rest encryption for {group_id}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.all(aws.get_partition_output(opts=invoke).partition,
                                     aws.get_caller_identity_output(opts=invoke).account_id,
                                     aws.get_region_output(opts=invoke).region).apply(
                lambda a: service_key_policy(partition=a[0], account_id=a[1], region=a[2], service="elasticache")),
            opts=stateful,
        )
        token = random.RandomPassword(
            child_name(name, "auth-token"),
            length=AUTH_TOKEN_LENGTH,
            special=True,
            override_special=AUTH_TOKEN_SPECIALS,
            min_lower=4,
            min_upper=4,
            min_numeric=4,
            min_special=2,
            opts=child,
        )
        self.auth_token = pulumi.Output.secret(token.result)
        snapshots = args.snapshot_retention_days > 0
        # Our own group, so a parameter change never means editing a shared default group; its
        # family follows the engine version (a new family replaces the group: created first, then swapped).
        self.parameter_group = aws.elasticache.ParameterGroup(
            child_name(name, "params"),
            family=parameter_group_family(args.engine, args.engine_version),
            description=f"{name} ({args.engine} {args.engine_version})",
            parameters=[aws.elasticache.ParameterGroupParameterArgs(name=k, value=v)
                        for k, v in sorted(args.parameters.items())] or None,
            opts=child,
        )
        self.replication_group = aws.elasticache.ReplicationGroup(
            name,
            replication_group_id=group_id,
            description=f"{name} ({args.engine} {args.engine_version})",
            engine=args.engine,
            engine_version=args.engine_version,
            node_type=args.node_type,
            port=PORT,
            num_cache_clusters=args.num_cache_clusters,
            preferred_cache_cluster_azs=spread_azs(args.availability_zones, args.num_cache_clusters),
            automatic_failover_enabled=args.automatic_failover,
            multi_az_enabled=args.multi_az,
            subnet_group_name=subnet_group.name,
            security_group_ids=[self.security_group.id],
            transit_encryption_enabled=True,
            at_rest_encryption_enabled=True,
            kms_key_id=self.key.arn,
            auth_token=self.auth_token,
            auto_minor_version_upgrade=True,
            parameter_group_name=self.parameter_group.name,
            maintenance_window=args.maintenance_window,
            snapshot_retention_limit=args.snapshot_retention_days,
            snapshot_window=args.snapshot_window if snapshots else None,
            final_snapshot_identifier=f"{group_id}-final" if snapshots and args.protect else None,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect,
                                        additional_secret_outputs=["authToken"]),
        )

        self.primary_endpoint = self.replication_group.primary_endpoint_address
        self.reader_endpoint = self.replication_group.reader_endpoint_address
        self.port = self.replication_group.port.apply(lambda p: p or PORT)
        self.security_group_id = self.security_group.id

        self.secret_name: pulumi.Output[str] | None = None
        if args.kubernetes_secret:
            target = args.kubernetes_secret
            namespace: pulumi.Input[str] = target.namespace
            if target.create_namespace:
                namespace = k8s.core.v1.Namespace(
                    child_name(name, "namespace"),
                    metadata=k8s.meta.v1.ObjectMetaArgs(name=target.namespace),
                    opts=child,
                ).metadata.name
            secret = k8s.core.v1.Secret(
                child_name(name, "connection"),
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=target.name, namespace=namespace,
                    labels={"app.kubernetes.io/managed-by": "pulumi", "twincloud.io/redis": name},
                ),
                type="Opaque",
                string_data=pulumi.Output.secret(pulumi.Output.all(
                    self.auth_token, self.primary_endpoint, self.reader_endpoint, self.port,
                ).apply(lambda a: {
                    "host": a[1],
                    "readerHost": a[2],
                    "port": str(a[3]),
                    "tls": "true",
                    "authToken": a[0],
                    "url": connection_url(a[0], a[1], a[3]),
                })),
                opts=child,
            )
            self.secret_name = secret.metadata.name

        self.register_outputs({
            "primaryEndpoint": self.primary_endpoint,
            "readerEndpoint": self.reader_endpoint,
            "port": self.port,
            "authToken": self.auth_token,
            "securityGroupId": self.security_group_id,
            "secretName": self.secret_name,
        })
