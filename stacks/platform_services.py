"""Composes the platform services on each cluster from ``twincloud:platform`` (no resource details here).

EKS: priority class, Karpenter, metrics-server, External Secrets, Argo CD (+ optional Argo
Rollouts, OpenCost). AKS: priority class and Argo CD (+ optional); AKS ships metrics-server
and keeps the Key Vault Secrets Store CSI driver (docs/platform-services.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws

from components.monitoring.endpoints import PROMETHEUS_PORT, StackEndpoints
from components.monitoring.stack import MonitoringStack
from components.platform.argocd import AppSpec, ArgoCd, ArgoCdArgs
from components.platform.documents import AwsScope
from components.platform.external_secrets import ExternalSecrets, ExternalSecretsArgs
from components.platform.karpenter import Karpenter, KarpenterArgs
from components.platform.manifests import Autoscaled, NodePoolSpec
from components.platform.metrics_server import MetricsServer, MetricsServerArgs
from components.platform.opencost import OpenCost, OpenCostArgs
from components.platform.priorities import PlatformPriorities, PlatformPrioritiesArgs
from components.versions import EKS_AMI_RELEASES
from components.platform.rollouts import ArgoRollouts, ArgoRolloutsArgs
from stacks.aws_platform import AwsPlatform
from stacks.config import StackConfig
from stacks.config.platform import NodePoolConfig


@dataclass
class PlatformServices:
    """What one cluster got (None: not on this cluster or disabled)."""

    priorities: PlatformPriorities
    karpenter: Karpenter | None = None
    metrics_server: MetricsServer | None = None
    external_secrets: ExternalSecrets | None = None
    argocd: ArgoCd | None = None
    extras: list[pulumi.ComponentResource] = field(default_factory=list)


def system_node_group(cfg: StackConfig) -> str:
    """The managed node group the controllers run on: ``system`` if there is one, else the
    first on-demand group (the schema guarantees one exists)."""
    names = [g.name for g in cfg.eks.node_groups if g.capacity_type == "ON_DEMAND"]
    return "system" if "system" in names else names[0]


def node_pool_spec(p: NodePoolConfig) -> NodePoolSpec:
    return NodePoolSpec(
        name=p.name, capacity_types=list(p.capacity_types), architectures=list(p.architectures),
        instance_categories=list(p.instance_categories), instance_families=list(p.instance_families),
        cpu_limit=p.cpu_limit, memory_limit=p.memory_limit, consolidation_policy=p.consolidation_policy,
        consolidate_after=p.consolidate_after, disruption_budget=p.disruption_budget, expire_after=p.expire_after,
        weight=p.weight, labels=dict(p.labels), taints=[t.model_dump(exclude_none=True) for t in p.taints],
    )


def _argocd(cfg: StackConfig, name: str, provider: pulumi.ProviderResource,
            depends_on: tuple[pulumi.Resource, ...]) -> ArgoCd | None:
    a = cfg.platform.argocd
    if not a.enabled:
        return None
    root = a.app_of_apps
    return ArgoCd(name, ArgoCdArgs(
        provider=provider, ha=a.ha, url=a.url,
        sso=None if a.sso is None else {"issuer": a.sso.issuer, "client_id": a.sso.client_id,
                                        "admin_group": a.sso.admin_group},
        repo_url=root.repo_url if root else None, path=root.path if root else "",
        target_revision=root.target_revision if root else "HEAD",
        applications=[AppSpec(name=app.name, path=app.path, namespace=app.namespace, sync_wave=app.sync_wave,
                              autoscaled=[Autoscaled(kind=w.kind, namespace=w.namespace, name=w.name)
                                          for w in app.autoscaled])
                      for app in a.applications],
        depends_on=depends_on,
    ))


def _extras(cfg: StackConfig, prefix: str, cloud: Literal["aws", "azure"], provider: pulumi.ProviderResource,
            monitoring: MonitoringStack | None) -> list[pulumi.ComponentResource]:
    out: list[pulumi.ComponentResource] = []
    if cfg.platform.argo_rollouts.enabled:
        out.append(ArgoRollouts(f"{prefix}-rollouts-{cloud}", ArgoRolloutsArgs(
            provider=provider, replicas=2 if cfg.is_prod else 1)))
    if cfg.platform.opencost.enabled and monitoring is not None:
        ep: StackEndpoints = monitoring.endpoints
        out.append(OpenCost(f"{prefix}-opencost-{cloud}", OpenCostArgs(
            provider=provider, cluster_id=f"{prefix}-{'eks' if cloud == 'aws' else 'aks'}",
            prometheus_namespace=ep.namespace, prometheus_service=ep.prometheus_service,
            prometheus_port=PROMETHEUS_PORT, depends_on=(monitoring.prometheus_stack,))))
    return out


def build_priorities(prefix: str, provider: pulumi.ProviderResource,
                     cloud: Literal["aws", "azure"]) -> PlatformPriorities:
    """The platform PriorityClass on one cluster, built first: monitoring and the platform
    services name it, and the API server rejects pods naming a class that does not exist."""
    return PlatformPriorities(f"{prefix}-priorities-{cloud}", PlatformPrioritiesArgs(provider=provider))


def build_eks_platform_services(cfg: StackConfig, prefix: str, aws_platform: AwsPlatform,
                                monitoring: MonitoringStack | None,
                                priorities: PlatformPriorities | None = None) -> PlatformServices:
    eks, p = aws_platform.eks, cfg.platform
    provider = eks.provider
    partition = aws.get_partition().partition
    account = aws.get_caller_identity().account_id
    cluster = f"{prefix}-eks"
    scope = AwsScope(partition=partition, region=cfg.aws_region, account=account, cluster=cluster)
    nodes = tuple(eks.node_groups)
    services = PlatformServices(priorities=priorities or build_priorities(prefix, provider, "aws"))
    if p.karpenter.enabled:
        services.karpenter = Karpenter(f"{prefix}-karpenter", KarpenterArgs(
            provider=provider, cluster_name=eks.cluster_name, scope=scope,
            subnet_ids=aws_platform.vpc.private_subnet_ids, security_group_id=eks.cluster_security_group_id,
            system_node_group=system_node_group(cfg), node_pools=[node_pool_spec(np) for np in p.karpenter.node_pools],
            ami_alias=p.karpenter.ami_alias or EKS_AMI_RELEASES[cfg.eks.version].karpenter_alias,
            node_volume_key_arn=eks.node_volume_key.arn, replicas=p.karpenter.replicas,
            tags={"twincloud.io/cluster": cluster}, depends_on=list(nodes),
        ))
        pulumi.export("karpenterInterruptionQueue", services.karpenter.queue_name)
    if p.metrics_server.enabled:
        services.metrics_server = MetricsServer(f"{prefix}-metrics-server", MetricsServerArgs(
            provider=provider, replicas=p.metrics_server.replicas, depends_on=nodes))
    if p.external_secrets.enabled:
        secret_prefix = p.external_secrets.secret_prefix or f"{prefix}/"
        services.external_secrets = ExternalSecrets(f"{prefix}-external-secrets", ExternalSecretsArgs(
            provider=provider, cluster_name=eks.cluster_name, scope=scope, secret_prefix=secret_prefix,
            replicas=p.external_secrets.replicas, depends_on=(*nodes, services.priorities)))
        pulumi.export("externalSecretsPrefix", secret_prefix)
    services.argocd = _argocd(cfg, f"{prefix}-argocd-aws", provider, (*nodes, services.priorities))
    services.extras = _extras(cfg, prefix, "aws", provider, monitoring)
    return services


def build_aks_platform_services(cfg: StackConfig, prefix: str, provider: pulumi.ProviderResource,
                                monitoring: MonitoringStack | None,
                                priorities: PlatformPriorities | None = None) -> PlatformServices:
    """AKS: metrics-server is AKS's own and secrets come through the Key Vault CSI driver,
    so only the priority class, Argo CD and the optional services are added."""
    services = PlatformServices(priorities=priorities or build_priorities(prefix, provider, "azure"))
    services.argocd = _argocd(cfg, f"{prefix}-argocd-azure", provider, (services.priorities,))
    services.extras = _extras(cfg, prefix, "azure", provider, monitoring)
    return services
