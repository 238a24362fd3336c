"""``ManagedRedis`` (type ``twincloud:azure:ManagedRedis``): Azure Managed Redis, the Azure
session store.

Builds one Azure Managed Redis cluster (``Microsoft.Cache/redisEnterprise``) with a globally
unique name, its one database (``default``), and an Entra access-policy assignment per
workload identity that may use it. Azure Managed Redis is the successor of Azure Cache for
Redis, which is retiring (``components/facts/azure.py``: AZURE_CACHE_FOR_REDIS_RETIREMENT);
the legacy cache (``components/azure/redis.py``) is kept only for tenants that opt in.

Secure defaults, a sentence each:
* clients connect over TLS only (``clientProtocol: Encrypted``) on port 10000, TLS 1.2 or later;
* access keys are disabled: workloads authenticate with their Entra workload identity, each
  assigned the ``default`` access policy by name (Entra groups are not supported);
* high availability is on (a replica per shard), which in a region with availability zones
  also makes the cache zone redundant; turning it off needs the named ``high_availability``;
* public network access is off unless asked for by name (``public_network_access``); the
  stack reaches it through a private endpoint (group ``redisEnterprise``);
* the ``EnterpriseCluster`` clustering policy, so any Redis client works (no cluster-aware
  client needed); the policy cannot change without deleting the database;
* ``protect`` is on by default (the stack turns it off in dev only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native.redisenterprise as redisenterprise

from components.facts.azure import MANAGED_REDIS, managed_redis_skus
from components.naming import child_name, global_name

TYPE = "twincloud:azure:ManagedRedis"
DATABASE_NAME = MANAGED_REDIS["database_name"].value
TLS_PORT = MANAGED_REDIS["tls_port"].value
ACCESS_POLICY = MANAGED_REDIS["access_policy"].value
PRIVATE_LINK_GROUP = "redisEnterprise"  # components/facts/azure.py PRIVATE_DNS_ZONES


@dataclass
class ManagedRedisArgs:
    """Arguments of :class:`ManagedRedis`."""

    resource_group_name: pulumi.Input[str]
    location: str
    sku: str = "Balanced_B1"
    high_availability: bool = True
    public_network_access: bool = False
    # Workload name -> Entra object (principal) id allowed to read and write the database.
    users: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    eviction_policy: str = "VolatileLRU"  # sessions carry a TTL; evict those first
    protect: bool = True
    cluster_name: str | None = None  # default: global_name("redis", stack, location)


def validate_args(args: ManagedRedisArgs) -> None:
    """Reject values the API would refuse, before any resource is declared."""
    skus = managed_redis_skus()
    if args.sku not in skus:
        raise ValueError(f"sku must be an Azure Managed Redis SKU such as Balanced_B1 ({len(skus)} in the pinned "
                         f"azure-native SDK), got {args.sku!r}")
    policies = {p.value for p in redisenterprise.EvictionPolicy}
    if args.eviction_policy not in policies:
        raise ValueError(f"eviction_policy must be one of {sorted(policies)}, got {args.eviction_policy!r}")


class ManagedRedis(pulumi.ComponentResource):
    """TLS-only, Entra-only Azure Managed Redis; see the module docstring."""

    host_name: pulumi.Output[str]
    port: pulumi.Output[int]
    cluster_id: pulumi.Output[str]

    def __init__(self, name: str, args: ManagedRedisArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)  # before registering anything
        super().__init__(TYPE, name, None, opts)
        # Cluster names: 1-60 letters, digits and single hyphens (SDK docstring of cluster_name).
        physical = args.cluster_name or global_name("redis", stack=pulumi.get_stack(), region=args.location,
                                                    max_length=60)
        self.cluster = self._cluster(name, physical, args)
        self.database = self._database(name, args)
        self._users(name, args)
        self.host_name = self.cluster.host_name
        self.port = self.database.port.apply(lambda p: p if p is not None else TLS_PORT)
        self.cluster_id = self.cluster.id
        self.register_outputs({"hostName": self.host_name, "port": self.port})

    def _cluster(self, name: str, physical: str, args: ManagedRedisArgs) -> redisenterprise.RedisEnterprise:
        return redisenterprise.RedisEnterprise(
            name,
            cluster_name=physical,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=redisenterprise.SkuArgs(name=args.sku),
            minimum_tls_version="1.2",
            high_availability="Enabled" if args.high_availability else "Disabled",
            public_network_access="Enabled" if args.public_network_access else "Disabled",
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )

    def _database(self, name: str, args: ManagedRedisArgs) -> redisenterprise.Database:
        return redisenterprise.Database(
            child_name(name, "db"),
            database_name=DATABASE_NAME,
            cluster_name=self.cluster.name,
            resource_group_name=args.resource_group_name,
            client_protocol="Encrypted",
            port=TLS_PORT,
            clustering_policy="EnterpriseCluster",
            eviction_policy=args.eviction_policy,
            access_keys_authentication="Disabled",
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )

    def _users(self, name: str, args: ManagedRedisArgs) -> None:
        for user, object_id in sorted(args.users.items()):
            redisenterprise.AccessPolicyAssignment(
                child_name(name, "user", user),
                access_policy_assignment_name=ACCESS_POLICY + "".join(c for c in user if c.isalnum()),
                access_policy_name=ACCESS_POLICY,
                cluster_name=self.cluster.name,
                database_name=DATABASE_NAME,
                resource_group_name=args.resource_group_name,
                user=redisenterprise.AccessPolicyAssignmentPropertiesUserArgs(object_id=object_id),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.database]),
            )
