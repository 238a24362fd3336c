"""Composes the monitoring stack on a cluster from validated config (no resource details here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pulumi
import pulumi_kubernetes as k8s

from pydantic import SecretStr

from components.monitoring.alertmanager_config import Routing, SeverityRoutes
from components.monitoring.stack import AlertReceiverSpec, MonitoringStack, MonitoringStackArgs, SmtpSpec
from components.monitoring.storage import AwsObjectStorage, AzureObjectStorage, ObjectStorage
from components.platform.priorities import PlatformPriorities
from components.platform.values import PLATFORM_PRIORITY
from components.aws.prometheus_query_access import PrometheusQueryAccess, PrometheusQueryAccessArgs
from components.aws.prometheus_workspace import PrometheusWorkspace, PrometheusWorkspaceArgs
from components.monitoring.values import GRAFANA_SERVICE_ACCOUNT, PROMETHEUS_SERVICE_ACCOUNT, RemoteWriteTarget
from components.monitoring.values import AlertmanagerSizing, GrafanaSizing, LokiSizing, PrometheusSizing, TempoSizing
from stacks.aws_data import AwsData
from stacks.config import StackConfig
from stacks.config.monitoring import RoutingConfig, SeverityRoutesConfig
from stacks.config.root import MONITORING_BUCKETS

if TYPE_CHECKING:  # the Azure SDK loads only when twincloud:azure is set
    from stacks.azure_platform import AzurePlatform


@dataclass(frozen=True)
class MonitoringStorage:
    """The storage bindings of the two object-storage consumers (from the bucket components)."""

    loki: ObjectStorage
    tempo: ObjectStorage


def aws_monitoring_storage(cfg: StackConfig, aws_data: AwsData) -> MonitoringStorage | None:
    """Bindings to the Loki and Tempo Pod Identity buckets (the schema guarantees they
    exist and bind the monitoring service accounts whenever monitoring is enabled)."""
    if cfg.monitoring is None or not cfg.monitoring.enabled:
        return None
    by_name = {b.name: b for b in cfg.buckets}

    def binding(bucket: str) -> AwsObjectStorage:
        entry = by_name[bucket]
        component = aws_data.buckets[bucket]
        return AwsObjectStorage(bucket=component.bucket_name, region=cfg.aws_region,
                                service_account=entry.service_account, namespace=entry.namespace,
                                depends_on=(component.association,))

    return MonitoringStorage(loki=binding("loki-chunks"), tempo=binding("tempo-traces"))


def aws_remote_write(cfg: StackConfig, prefix: str, cluster_name: pulumi.Input[str]) -> RemoteWriteTarget | None:
    """The AMP workspace the EKS Prometheus remote-writes to and Grafana queries (a query-only
    Pod Identity role for Grafana's service account), when
    ``twincloud:monitoring.prometheus.remoteWrite.enabled``; exports ``prometheusWorkspaceArn``
    and ``prometheusRemoteWriteUrl``."""
    m = cfg.monitoring
    if m is None or not m.enabled or not m.prometheus.remote_write.enabled:
        return None
    workspace = PrometheusWorkspace(f"{prefix}-amp", PrometheusWorkspaceArgs(
        cluster_name=cluster_name, namespace="monitoring", service_account=PROMETHEUS_SERVICE_ACCOUNT,
        retention_days=m.prometheus.remote_write.retention_days, protect=cfg.protect_stateful))
    pulumi.export("prometheusWorkspaceArn", workspace.workspace_arn)
    pulumi.export("prometheusRemoteWriteUrl", workspace.remote_write_url)
    query = PrometheusQueryAccess(f"{prefix}-amp-query", PrometheusQueryAccessArgs(
        cluster_name=cluster_name, workspace_arn=workspace.workspace_arn, namespace="monitoring",
        service_account=GRAFANA_SERVICE_ACCOUNT))
    return RemoteWriteTarget(url=workspace.remote_write_url, region=cfg.aws_region, cluster=f"{prefix}-eks",
                             depends_on=workspace.access, query_url=workspace.query_url,
                             query_access=query.access)


def azure_monitoring_storage(cfg: StackConfig, prefix: str, azure_platform: AzurePlatform) -> MonitoringStorage | None:
    """Bindings to Loki and Tempo containers on AKS: one storage account (``WorkloadBlobStorage``)
    with a container, a federated identity and a container-scoped ``Storage Blob Data
    Contributor`` grant per consumer, bound to the same service accounts as on EKS."""
    if cfg.monitoring is None or not cfg.monitoring.enabled or cfg.azure is None:
        return None
    from components.azure.blob_storage import BlobConsumerSpec, WorkloadBlobStorage, WorkloadBlobStorageArgs

    settings = cfg.azure.monitoring
    consumers = {"loki": "loki-chunks", "tempo": "tempo-traces"}
    blob = WorkloadBlobStorage(f"{prefix}-mon-blob", WorkloadBlobStorageArgs(
        resource_group_name=azure_platform.vnet.resource_group_name,
        location=cfg.azure.location,
        oidc_issuer_url=azure_platform.aks.oidc_issuer_url,
        consumers=[BlobConsumerSpec(name=consumer, container=container, service_account=MONITORING_BUCKETS[container],
                                    namespace="monitoring")
                   for consumer, container in consumers.items()],
        label="mon",
        allowed_subnet_ids=[azure_platform.vnet.aks_subnet_id],
        sku=settings.storage_sku,
        soft_delete_days=settings.soft_delete_days,
        protect=cfg.protect_stateful,
    ))
    # What `az storage blob list --auth-mode login` and an operator checking the bindings need.
    pulumi.export("monitoringStorageAzure", {
        "storageAccount": blob.account_name,
        "consumers": {key: {"container": c.container, "clientId": c.client_id, "namespace": c.namespace,
                            "serviceAccount": c.service_account} for key, c in blob.consumers.items()},
    })

    def binding(consumer: str) -> AzureObjectStorage:
        c = blob.consumers[consumer]
        return AzureObjectStorage(storage_account=c.storage_account, container=c.container, client_id=c.client_id,
                                  service_account=c.service_account, namespace=c.namespace, depends_on=c.access)

    return MonitoringStorage(loki=binding("loki"), tempo=binding("tempo"))


def monitoring_args(
    cfg: StackConfig,
    *,
    provider: k8s.Provider,
    cloud: Literal["aws", "azure"],
    storage: MonitoringStorage,
    kubernetes_version: str,
    cluster_name: str,
    priorities: PlatformPriorities | None = None,
    remote_write: RemoteWriteTarget | None = None,
) -> MonitoringStackArgs:
    """Component arguments from the ``twincloud:monitoring`` section."""
    m = cfg.monitoring
    assert m is not None
    p, am, lk = m.prometheus, m.alertmanager, m.loki
    return MonitoringStackArgs(
        provider=provider,
        cloud=cloud,
        loki_storage=storage.loki,
        tempo_storage=storage.tempo,
        kubernetes_version=kubernetes_version,
        cluster_name=cluster_name,
        loki_mode=m.loki_mode,
        log_retention=m.retention.logs,
        trace_retention=m.retention.traces,
        prometheus=PrometheusSizing(retention=p.retention, storage_size=p.storage_size,
                                    memory_request=p.memory_request, memory_limit=p.memory_limit,
                                    cpu_request=p.cpu_request, replicas=p.replicas),
        alertmanager=AlertmanagerSizing(replicas=am.replicas, storage_size=am.storage_size),
        receivers=[AlertReceiverSpec(name=r.name, type=r.type, url=_secret(r.url), routing_key=_secret(r.routing_key),
                                     api_key=_secret(r.api_key), to=r.to, channel=r.channel,
                                     send_resolved=r.send_resolved) for r in am.receivers],
        alert_routing=_routing(am.routing),
        smtp=None if am.smtp is None else SmtpSpec(
            smarthost=am.smtp.smarthost, sender=am.smtp.from_, username=am.smtp.username,
            password=_secret(am.smtp.password), require_tls=am.smtp.require_tls),
        loki=LokiSizing(replicas=lk.replicas, read_min_replicas=lk.read_min_replicas,
                        read_max_replicas=lk.read_max_replicas, storage_size=lk.storage_size,
                        memory_limit=lk.memory_limit, caches=lk.caches),
        tempo=TempoSizing(storage_size=m.tempo.storage_size, memory_limit=m.tempo.memory_limit),
        grafana=GrafanaSizing(replicas=m.grafana.replicas, persistence=m.grafana.persistence,
                              storage_size=m.grafana.storage_size),
        storage_class=_storage_class(cfg, cloud),
        network_policies=m.network_policies,
        protect=cfg.protect_stateful,
        priority_class=PLATFORM_PRIORITY if priorities is not None else None,
        depends_on=(priorities,) if priorities is not None else (),
        remote_write=remote_write,
    )


def _secret(value: SecretStr | None) -> pulumi.Output[str] | None:
    return None if value is None else pulumi.Output.secret(value.get_secret_value())


def _routing(cfg: RoutingConfig | None) -> Routing | None:
    if cfg is None:
        return None

    def routes(r: SeverityRoutesConfig) -> dict[str, tuple[str, ...]]:
        return {"critical": tuple(r.critical), "warning": tuple(r.warning), "default": tuple(r.default)}

    return Routing(**routes(cfg), teams={team: SeverityRoutes(**routes(r)) for team, r in cfg.teams.items()})


def _storage_class(cfg: StackConfig, cloud: Literal["aws", "azure"]) -> str | None:
    """StorageClass names are per cluster: ``twincloud:monitoring.storageClass`` on EKS,
    ``twincloud:azure.monitoring.storageClass`` on AKS (None: the cluster's default)."""
    if cloud == "azure":
        return cfg.azure.monitoring.storage_class if cfg.azure is not None else None
    return cfg.monitoring.storage_class if cfg.monitoring is not None else None


def build_monitoring(
    cfg: StackConfig,
    prefix: str,
    provider: k8s.Provider,
    cloud: Literal["aws", "azure"],
    storage: MonitoringStorage | None,
    *,
    kubernetes_version: str,
    cluster_name: str,
    priorities: PlatformPriorities | None = None,
    remote_write: RemoteWriteTarget | None = None,
) -> MonitoringStack | None:
    """The monitoring stack on one cluster, or None when ``twincloud:monitoring`` is absent or disabled.

    Exports (suffixed by cloud): the Grafana admin password (secret), the OTLP endpoints
    applications send traces to, and the monitoring namespace.
    """
    if cfg.monitoring is None or not cfg.monitoring.enabled or storage is None:
        return None
    stack = MonitoringStack(f"{prefix}-monitoring-{cloud}", monitoring_args(
        cfg, provider=provider, cloud=cloud, storage=storage,
        kubernetes_version=kubernetes_version, cluster_name=cluster_name, priorities=priorities,
        remote_write=remote_write,
    ))
    suffix = cloud.capitalize()
    pulumi.export(f"monitoringNamespace{suffix}", stack.namespace)
    pulumi.export(f"grafanaAdminPassword{suffix}", stack.grafana_admin_password)
    pulumi.export(f"otlpGrpcEndpoint{suffix}", stack.endpoints.otlp_grpc_endpoint)
    pulumi.export(f"otlpHttpEndpoint{suffix}", stack.endpoints.otlp_http_endpoint)
    return stack
