"""Composes the Azure side of the platform (warm standby / DR) from validated config.

No resource details here: components decide those. Called from ``stacks/__main__.py`` only
when ``twincloud:azure`` is set.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.azure.acr_push_identity import AcrPushIdentity, AcrPushIdentityArgs, mirror_repositories
from components.azure.aks import AksCluster, AksClusterArgs, MaintenanceWindowSpec, NodePoolSpec
from components.azure.key_vault import GeneratedSecretSpec, KeyVault, KeyVaultArgs
from components.azure.managed_redis import PRIVATE_LINK_GROUP, ManagedRedis, ManagedRedisArgs
from components.azure.private_endpoint import PrivateEndpoint, PrivateEndpointArgs
from components.azure.redis import AzureRedisCache, AzureRedisCacheArgs
from components.azure.registry import ContainerRegistry, ContainerRegistryArgs
from components.azure.service_bus import QueueSpec, ServiceBus, ServiceBusArgs, SubscriptionSpec, TopicSpec
from components.azure.vnet import VNet, VNetArgs
from components.azure.workload_identity import WorkloadIdentity, WorkloadIdentityArgs
from stacks.config import StackConfig
from stacks.config.azure import MaintenanceWindowConfig

IDENTITY_TYPES = {"userAssigned": "UserAssigned", "systemAssigned": "SystemAssigned"}


@dataclass
class AzurePlatform:
    vnet: VNet
    aks: AksCluster
    acr: ContainerRegistry
    redis: ManagedRedis | AzureRedisCache
    service_bus: ServiceBus
    key_vault: KeyVault
    workload_identities: dict[str, WorkloadIdentity]
    private_endpoints: dict[str, PrivateEndpoint]


def build_azure(cfg: StackConfig, prefix: str, egress_ips: pulumi.Input[list[str]] | None = None) -> AzurePlatform:
    """The Azure platform. ``egress_ips`` are the AWS VPC's NAT addresses: the in-network deploy
    runner reaches the AKS API from them, so the API allow-list admits them."""
    az = cfg.azure
    if az is None:
        raise ValueError("build_azure needs the twincloud:azure config section")
    location = az.location
    zones = list(az.zones)

    vnet = VNet(f"{prefix}-az-net", VNetArgs(
        location=location,
        address_space=az.vnet.address_space,
        resource_group_name=az.resource_group,
        ingress_ports=list(az.vnet.ingress_ports),
        api_server_subnet=az.aks.api_server_vnet_integration,
    ))
    rg = vnet.resource_group_name

    aks = AksCluster(f"{prefix}-aks", AksClusterArgs(
        resource_group_name=rg,
        location=location,
        cluster_name=f"{prefix}-aks",
        kubernetes_version=az.aks.version,
        subnet_id=vnet.aks_subnet_id,
        node_pools=[
            NodePoolSpec(
                name=p.name, mode=p.mode, vm_size=p.vm_size, min_count=p.min_count, max_count=p.max_count,
                max_pods=p.max_pods, os_disk_size_gb=p.os_disk_size_gb, os_sku=p.os_sku,
                labels=dict(p.labels), taints=list(p.taints),
            )
            for p in az.aks.node_pools
        ],
        zones=zones,
        identity=IDENTITY_TYPES[az.aks.identity],
        network_plugin_mode=az.aks.network_plugin_mode,
        network_policy=az.aks.network_policy,
        pod_cidr=az.aks.pod_cidr,
        service_cidr=az.aks.service_cidr,
        private_cluster=az.aks.private_cluster,
        authorized_ip_ranges=list(az.aks.api_server_authorized_ip_ranges),
        runner_egress_ips=egress_ips,
        sku_tier=az.aks.sku_tier,
        admin_group_object_ids=list(az.aks.admin_group_object_ids),
        deployer_principal_type=az.aks.deployer_principal_type,
        kubelogin_mode=az.aks.kubelogin_mode,
        encryption_at_host=az.aks.encryption_at_host,
        log_retention_days=az.aks.log_retention_days,
        disable_run_command=az.aks.disable_run_command,
        auto_upgrade_window=_window(az.aks.maintenance.auto_upgrade),
        node_os_window=_window(az.aks.maintenance.node_os),
        api_server_subnet_id=vnet.api_server_subnet_id if az.aks.api_server_vnet_integration else None,
    ))

    identities = {
        w.name: WorkloadIdentity(f"{prefix}-wi-{w.name}", WorkloadIdentityArgs(
            resource_group_name=rg,
            location=location,
            oidc_issuer_url=aks.oidc_issuer_url,
            namespace=w.namespace,
            service_account=w.service_account,
        ))
        for w in az.workload_identities
    }
    principals = {name: wi.principal_id for name, wi in identities.items()}

    acr = ContainerRegistry(f"{prefix}-acr", ContainerRegistryArgs(
        resource_group_name=rg,
        location=location,
        kubelet_object_id=aks.kubelet_object_id,
        sku=az.acr.sku,
        zone_redundant=bool(zones),
        public_network_access=az.acr.public_network_access,
        quarantine=az.acr.quarantine,
        protect=cfg.protect_stateful,
        retention_days=az.acr.retention_days,
        replication_locations=list(az.acr.replication_locations),
    ))
    _image_mirror(cfg, prefix, rg, location, acr)
    redis, redis_id, redis_group = _session_store(cfg, prefix, rg, location, zones, principals)
    sb = az.service_bus
    service_bus = ServiceBus(f"{prefix}-sb", ServiceBusArgs(
        resource_group_name=rg,
        location=location,
        sku=sb.sku,
        local_auth=sb.local_auth,
        public_network_access=sb.public_network_access,
        principals=principals,
        queues=[
            QueueSpec(name=q.name, max_delivery_count=q.max_delivery_count, lock_duration=q.lock_duration,
                      default_message_time_to_live=q.default_message_time_to_live,
                      senders=list(q.senders), receivers=list(q.receivers))
            for q in sb.queues
        ],
        topics=[
            TopicSpec(name=t.name, senders=list(t.senders), default_message_time_to_live=t.default_message_time_to_live,
                      subscriptions=[
                          SubscriptionSpec(name=s.name, max_delivery_count=s.max_delivery_count,
                                           lock_duration=s.lock_duration,
                                           default_message_time_to_live=s.default_message_time_to_live,
                                           receivers=list(s.receivers))
                          for s in t.subscriptions
                      ])
            for t in sb.topics
        ],
        protect=cfg.protect_stateful,
    ))
    # Services closed to the public network are reached through the endpoint subnet.
    private = {
        "acr": (not az.acr.public_network_access, acr.registry_id, "registry"),
        "redis": (not az.redis.public_network_access, redis_id, redis_group),
        "sb": (not sb.public_network_access, service_bus.namespace_id, "namespace"),
    }
    endpoints = {
        label: PrivateEndpoint(f"{prefix}-{label}-pe", PrivateEndpointArgs(
            resource_group_name=rg, location=location, subnet_id=vnet.endpoints_subnet_id, vnet_id=vnet.vnet_id,
            target_id=target, group_id=group,
        ))
        for label, (closed, target, group) in private.items() if closed
    }
    kv = az.key_vault
    key_vault = KeyVault(f"{prefix}-kv", KeyVaultArgs(
        resource_group_name=rg,
        location=location,
        allowed_subnet_ids=[vnet.aks_subnet_id],
        secret_readers={
            "aks-secrets-provider": aks.secrets_provider_object_id,
            **{name: principals[name] for name in kv.readers},
        },
        secrets={name: pulumi.Output.secret(value.get_secret_value()) for name, value in kv.secrets.items()},
        generated_secrets=[GeneratedSecretSpec(name=g.name, length=g.length, special=g.special)
                           for g in kv.generated_secrets],
        sku=kv.sku,
        soft_delete_retention_days=kv.soft_delete_retention_days,
        purge_protection=kv.purge_protection,
        secrets_expire_on=kv.secrets_expire_on,
        protect=cfg.protect_stateful,
    ))

    if kv.private_endpoint:
        endpoints["kv"] = PrivateEndpoint(f"{prefix}-kv-pe", PrivateEndpointArgs(
            resource_group_name=rg, location=location, subnet_id=vnet.endpoints_subnet_id, vnet_id=vnet.vnet_id,
            target_id=key_vault.vault_id, group_id="vault",
        ))

    pulumi.export("azureResourceGroup", rg)
    pulumi.export("aksClusterName", aks.cluster_name)
    pulumi.export("aksKubeconfig", aks.kubeconfig)
    pulumi.export("aksOidcIssuerUrl", aks.oidc_issuer_url)
    pulumi.export("aksSecretsProviderClientId", aks.secrets_provider_client_id)
    pulumi.export("acrLoginServer", acr.login_server)
    pulumi.export("keyVaultUri", key_vault.vault_uri)
    pulumi.export("serviceBusEndpoint", service_bus.endpoint)
    pulumi.export("azureRedisHost", redis.host_name)
    if isinstance(redis, ManagedRedis):
        pulumi.export("azureRedisPort", redis.port)  # TLS; clients authenticate with their Entra identity
    else:
        pulumi.export("azureRedisSslPort", redis.ssl_port)
        pulumi.export("azureRedisPrimaryKey", redis.primary_key)
    pulumi.export("workloadIdentityClientIds", pulumi.Output.all(
        **{name: wi.client_id for name, wi in identities.items()}
    ))
    return AzurePlatform(vnet=vnet, aks=aks, acr=acr, redis=redis, service_bus=service_bus,
                         key_vault=key_vault, workload_identities=identities, private_endpoints=endpoints)


def _window(w: MaintenanceWindowConfig) -> MaintenanceWindowSpec | None:
    """A maintenance window from ``twincloud:azure.aks.maintenance.*`` (None when disabled)."""
    if not w.enabled:
        return None
    return MaintenanceWindowSpec(day_of_week=w.day_of_week, start_time=w.start_time, duration_hours=w.duration_hours,
                                 interval_weeks=w.interval_weeks, utc_offset=w.utc_offset)


def _image_mirror(cfg: StackConfig, prefix: str, rg: pulumi.Input[str], location: str,
                  acr: ContainerRegistry) -> AcrPushIdentity | None:
    """The identity CI copies ECR images into ACR with, and what the copy job and the DR check read."""
    pushers = cfg.azure.acr.ci_pushers
    if not pushers:
        return None
    identity = AcrPushIdentity(f"{prefix}-acr-push", AcrPushIdentityArgs(
        resource_group_name=rg, location=location, registry_id=acr.registry_id,
        subjects={p.name: p.subject for p in pushers},
    ))
    pulumi.export("imageMirror", {
        "clientId": identity.client_id,
        "acrLoginServer": acr.login_server,
        "acrName": acr.registry_name,
        # The same list ECR's repositories come from (twincloud:ecr.repositories, namespace = prefix).
        "repositories": mirror_repositories(prefix, list(cfg.ecr.repositories)),
    })
    return identity


def _session_store(cfg: StackConfig, prefix: str, rg: pulumi.Input[str], location: str, zones: list[str],
                   principals: dict[str, pulumi.Output[str]]) -> tuple[ManagedRedis | AzureRedisCache,
                                                                       pulumi.Output[str], str]:
    """Azure Managed Redis; the retiring Azure Cache for Redis only when config opts in."""
    r = cfg.azure.redis
    if r.legacy_cache_for_redis:
        cache = AzureRedisCache(f"{prefix}-redis", AzureRedisCacheArgs(
            resource_group_name=rg, location=location, sku=r.legacy_sku, capacity=r.legacy_capacity, zones=zones,
            public_network_access=r.public_network_access, protect=cfg.protect_stateful,
        ))
        return cache, cache.cache_id, "redisCache"
    managed = ManagedRedis(f"{prefix}-redis", ManagedRedisArgs(
        resource_group_name=rg, location=location, sku=r.managed_sku, high_availability=r.high_availability,
        public_network_access=r.public_network_access, users={u: principals[u] for u in r.users},
        protect=cfg.protect_stateful,
    ))
    return managed, managed.cluster_id, PRIVATE_LINK_GROUP
