"""``AzureRedisCache`` (also importable as ``RedisCache``; type ``twincloud:azure:RedisCache``):
Azure Cache for Redis for the DR platform's sessions and caches.

Builds one cache with a globally unique name, its SKU and capacity from the args, and reads
its primary access key (as a secret) for clients that do not use Entra yet.

Secure defaults, a sentence each:
* the non-TLS port (6379) is disabled: clients connect over TLS on 6380 only;
* the minimum TLS version is 1.2;
* Microsoft Entra authentication is on (``aad-enabled``), so workloads can use their
  workload identity instead of the shared key;
* the access key leaves the program only as a Pulumi secret;
* public network access is off unless asked for by name (``public_network_access``);
* a Premium cache with zones gets a replica per extra zone, so a zone outage keeps it up;
* ``protect`` is on by default (the stack turns it off in dev only).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native.redis as redis

from components.naming import global_name

TYPE = "twincloud:azure:RedisCache"
FORMER_TYPE = "twincloud:azure:AzureRedisCache"
SKU_FAMILY = {"Basic": "C", "Standard": "C", "Premium": "P"}
CAPACITY = {"C": range(0, 7), "P": range(1, 6)}


@dataclass
class AzureRedisCacheArgs:
    """Arguments of :class:`AzureRedisCache`."""

    resource_group_name: pulumi.Input[str]
    location: str
    sku: str = "Standard"
    capacity: int = 1
    zones: list[str] = field(default_factory=list)  # Premium only
    public_network_access: bool = False
    redis_version: str = "6"
    protect: bool = True
    cache_name: str | None = None  # default: global_name("redis", stack, location)


def validate_sku(sku: str, capacity: int) -> str:
    """The SKU family for ``sku``; raises when the capacity does not exist for it."""
    if sku not in SKU_FAMILY:
        raise ValueError(f"sku must be one of {tuple(SKU_FAMILY)}, got {sku!r}")
    family = SKU_FAMILY[sku]
    if capacity not in CAPACITY[family]:
        r = CAPACITY[family]
        raise ValueError(f"{sku} capacity must be {r.start}-{r.stop - 1}, got {capacity}")
    return family


class AzureRedisCache(pulumi.ComponentResource):
    """TLS-only Azure Cache for Redis; see the module docstring."""

    host_name: pulumi.Output[str]
    ssl_port: pulumi.Output[int]
    primary_key: pulumi.Output[str]
    cache_id: pulumi.Output[str]

    def __init__(self, name: str, args: AzureRedisCacheArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        family = validate_sku(args.sku, args.capacity)  # before registering anything
        # Type token as the component is named in the docs (RedisCache); the alias keeps
        # state registered under the first token.
        super().__init__(TYPE, name, None, pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=FORMER_TYPE)])))
        premium = args.sku == "Premium"
        zones = list(args.zones) if premium else []
        physical = args.cache_name or global_name("redis", stack=pulumi.get_stack(), region=args.location)

        self.cache = redis.Redis(
            name,
            name=physical,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=redis.SkuArgs(name=args.sku, family=family, capacity=args.capacity),
            enable_non_ssl_port=False,
            minimum_tls_version="1.2",
            public_network_access="Enabled" if args.public_network_access else "Disabled",
            redis_version=args.redis_version,
            redis_configuration=redis.RedisCommonPropertiesRedisConfigurationArgs(aad_enabled="true"),
            zones=zones or None,
            replicas_per_primary=max(1, len(zones) - 1) if zones else None,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        keys = redis.list_redis_keys_output(name=self.cache.name, resource_group_name=args.resource_group_name)
        self.primary_key = pulumi.Output.secret(keys.primary_key)
        self.host_name = self.cache.host_name
        self.ssl_port = self.cache.ssl_port
        self.cache_id = self.cache.id
        self.register_outputs({
            "hostName": self.host_name,
            "sslPort": self.ssl_port,
            "primaryKey": self.primary_key,
        })


# The issue calls it RedisCache; both names refer to the one component.
RedisCache = AzureRedisCache
RedisCacheArgs = AzureRedisCacheArgs
