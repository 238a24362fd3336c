"""Helm values of the five pinned charts, as plain data (no Pulumi types).

Every image is set from the pins table (registry, repository and tag), every service account
that must match a cloud identity binding is named explicitly, and no value ever carries a
credential: secrets live in Kubernetes Secrets the component creates and the charts only
reference them by name.

GitOps/HPA rule: where a workload has an autoscaler, its ``replicas`` is not set (the
autoscaler owns the count; a fixed value would be reset on every sync and fight it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from components.monitoring.durations import retention_size
from components.monitoring.endpoints import ALLOY_HTTP_PORT, OTLP_GRPC_PORT, OTLP_HTTP_PORT, StackEndpoints
from components.monitoring.storage import AzureBlobTarget, S3Target, StorageTarget
from components.versions import IMAGES, ImagePin

WORKLOAD_IDENTITY_LABEL = "azure.workload.identity/use"
WORKLOAD_IDENTITY_CLIENT_ID = "azure.workload.identity/client-id"


@dataclass(frozen=True)
class PrometheusSizing:
    retention: str = "15d"
    storage_size: str = "50Gi"
    memory_request: str = "2Gi"
    memory_limit: str = "4Gi"
    cpu_request: str = "500m"
    replicas: int = 1


@dataclass(frozen=True)
class AlertmanagerSizing:
    replicas: int = 1
    storage_size: str = "2Gi"


@dataclass(frozen=True)
class LokiSizing:
    replicas: int = 1  # single-binary replicas, or write/backend replicas in simple-scalable
    read_min_replicas: int = 2  # simple-scalable read path (autoscaled)
    read_max_replicas: int = 6
    storage_size: str = "10Gi"
    memory_limit: str = "2Gi"
    caches: bool = False


@dataclass(frozen=True)
class TempoSizing:
    storage_size: str = "10Gi"
    memory_limit: str = "2Gi"


@dataclass(frozen=True)
class GrafanaSizing:
    replicas: int = 1
    persistence: bool = False
    storage_size: str = "5Gi"


def _image(key: str) -> ImagePin:
    return IMAGES[key]


def image_parts(key: str, *, registry_key: str = "registry", repository_key: str = "repository") -> dict[str, str]:
    """``{"registry": ..., "repository": ..., "tag": ...}`` for charts that split the reference."""
    pin = _image(key)
    return {registry_key: pin.registry, repository_key: pin.repository, "tag": pin.tag}


def _pvc(size: str, storage_class: str | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}}
    if storage_class:
        spec["storageClassName"] = storage_class
    return {"volumeClaimTemplate": {"spec": spec}}


def _resources(cpu: str, memory_request: str, memory_limit: str) -> dict[str, Any]:
    # No CPU limit: throttling a scraper or an ingester hurts more than it protects.
    return {"requests": {"cpu": cpu, "memory": memory_request}, "limits": {"memory": memory_limit}}


# Every container the charts render gets requests (the scheduler reserves them; without them
# a node can be packed until the kubelet evicts). Sizes for the small helpers, one place.
SMALL = {"cpu": "10m", "memory_request": "32Mi", "memory_limit": "64Mi"}
HELPER_RESOURCES: dict[str, dict[str, Any]] = {
    "kube-state-metrics": _resources("50m", "128Mi", "256Mi"),
    "node-exporter": _resources("50m", "64Mi", "128Mi"),
    "webhook-jobs": _resources(**SMALL),
    "loki-gateway": _resources("50m", "64Mi", "128Mi"),
    "memcached-exporter": _resources(**SMALL),
    "grafana": _resources("100m", "256Mi", "512Mi"),
    "grafana-sidecar": _resources("20m", "64Mi", "128Mi"),
}

# A container that needs nothing from the kernel beyond an unprivileged process.
RESTRICTED_CONTAINER: dict[str, Any] = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "readOnlyRootFilesystem": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}

# kube-state-metrics 8.4.0's default collectors minus ``secrets``: listing every Secret in the
# cluster is not worth a metric nothing here reads (kube-prometheus-stack 88.5.3's rules use
# no kube_secret_* series). Source: prometheus-community/helm-charts@cf408a290aec
# charts/kube-state-metrics/values.yaml ``collectors``.
KSM_COLLECTORS = [
    "certificatesigningrequests", "configmaps", "cronjobs", "daemonsets", "deployments", "endpointslices",
    "horizontalpodautoscalers", "ingresses", "jobs", "leases", "limitranges", "mutatingwebhookconfigurations",
    "namespaces", "networkpolicies", "nodes", "persistentvolumeclaims", "persistentvolumes",
    "poddisruptionbudgets", "pods", "replicasets", "replicationcontrollers", "resourcequotas", "services",
    "statefulsets", "storageclasses", "validatingwebhookconfigurations", "volumeattachments",
]


# -- scheduling ------------------------------------------------------------------------

ZONE_KEY = "topology.kubernetes.io/zone"


def zone_spread(match_labels: dict[str, str] | None = None, **extra: Any) -> list[dict[str, Any]]:
    """Replicas in different zones, strictly (``DoNotSchedule``): a zone outage must not take
    every replica, and their EBS/Azure disks are zonal anyway, so a replica whose zone is gone
    cannot move elsewhere whatever the constraint says. With fewer zones than replicas the
    skew stays at most 1."""
    c: dict[str, Any] = {"maxSkew": 1, "topologyKey": ZONE_KEY, "whenUnsatisfiable": "DoNotSchedule", **extra}
    if match_labels:
        c["labelSelector"] = {"matchLabels": match_labels}
    return [c]


def _priority(priority_class: str | None) -> dict[str, str]:
    return {"priorityClassName": priority_class} if priority_class else {}


# -- kube-prometheus-stack --------------------------------------------------------------

KUBERNETES_DASHBOARD_FOLDER = "kubernetes"
# The Prometheus pods' service account, named explicitly (the chart's default name,
# templates/_helpers.tpl ``kube-prometheus-stack.prometheus.serviceAccountName``): the AMP
# Pod Identity association binds it, so a chart change must never rename it.
PROMETHEUS_SERVICE_ACCOUNT = "kube-prometheus-stack-prometheus"
# The external label AMP deduplicates replicas on (with ``cluster``):
# https://docs.aws.amazon.com/prometheus/latest/userguide/Send-high-availability-data-operator.html
REPLICA_LABEL = "__replica__"
# Grafana's service account, named explicitly (the chart's default name for release ``grafana``,
# templates/_helpers.tpl ``grafana.serviceAccountName``): the AMP query role binds it.
GRAFANA_SERVICE_ACCOUNT = "grafana"


@dataclass(frozen=True)
class RemoteWriteTarget:
    """Where Prometheus remote-writes long-term metrics: an AMP workspace, signed with SigV4
    from the pod's Pod Identity (components/aws/prometheus_workspace.py)."""

    url: Any  # pulumi.Input[str]: the workspace's remote-write URL
    region: str
    cluster: str  # the ``cluster`` external label: names the replicas' HA group
    depends_on: tuple[Any, ...] = ()  # the Pod Identity association and policy
    # Where Grafana queries the same workspace (its Prometheus-compatible root,
    # ``.../workspaces/<id>``; None: Grafana has no AMP data source) and what Grafana waits for
    # (its query role's Pod Identity association and policy).
    query_url: Any = None
    query_access: tuple[Any, ...] = ()


def remote_write_values(target: RemoteWriteTarget) -> dict[str, Any]:
    """``prometheusSpec`` keys for remote write with AMP's replica deduplication."""
    return {
        "remoteWrite": [{"url": target.url, "sigv4": {"region": target.region}}],
        "externalLabels": {"cluster": target.cluster},
        "replicaExternalLabelName": REPLICA_LABEL,
        "remoteWriteDashboards": True,
    }


def kubernetes_dashboards(dashboard_label: str) -> dict[str, Any]:
    """kube-prometheus-stack's ``grafana`` values: its bundled Grafana stays off (Grafana is its own
    pinned release), but its Kubernetes dashboards are rendered as ConfigMaps anyway
    (``forceDeployDashboards``), in the release namespace (``namespaceOverride`` unset), labelled
    for our Grafana's dashboard sidecar and filed in a ``kubernetes`` folder.

    Source: prometheus-community/helm-charts@cf408a290aec charts/kube-prometheus-stack
    templates/grafana/dashboards-1.14/*.yaml (rendered when ``grafana.enabled`` or
    ``grafana.forceDeployDashboards``, and ``grafana.defaultDashboardsEnabled``; label
    ``grafana.sidecar.dashboards.label``/``labelValue``, annotations
    ``grafana.sidecar.dashboards.annotations``) and templates/_helpers.tpl
    ``kube-prometheus-stack-grafana.namespace``.
    """
    return {
        "enabled": False,
        "forceDeployDashboards": True,
        "defaultDashboardsEnabled": True,
        # Provisioned dashboards are replaced on every sync: edits in the UI would be lost.
        "defaultDashboardsEditable": False,
        "sidecar": {"dashboards": {"label": dashboard_label, "labelValue": "1",
                                   "annotations": {"grafana_folder": KUBERNETES_DASHBOARD_FOLDER}}},
    }


def prometheus_stack_values(
    *,
    endpoints: StackEndpoints,
    prometheus: PrometheusSizing,
    alertmanager: AlertmanagerSizing,
    alertmanager_secret: str,
    rules: dict[str, Any],
    storage_class: str | None,
    dashboard_label: str,
    priority_class: str | None = None,
    release: str = "kube-prometheus-stack",
    remote_write: RemoteWriteTarget | None = None,
) -> dict[str, Any]:
    """``priority_class``: every pod's PriorityClass (None: the cluster default). Replicated
    Prometheus and Alertmanager pods are spread over zones; the pod labels are the ones the
    chart's own anti-affinity selects on (templates/_helpers.tpl
    ``kube-prometheus-stack.prometheus.pod-anti-affinity.matchExpressions``,
    templates/alertmanager/alertmanager.yaml), with the custom resources named
    ``<release>-prometheus`` / ``<release>-alertmanager`` (``*.crname``)."""
    pc = _priority(priority_class)
    return {
        # The CRDs are their own release (prometheus-operator-crds, same operator version),
        # installed before this one: Helm never upgrades what a chart's crds/ installed.
        "crds": {"enabled": False},
        "grafana": kubernetes_dashboards(dashboard_label),
        "windowsMonitoring": {"enabled": False},
        # Managed control planes (EKS, AKS) expose none of these; scraping them only fires alerts.
        "kubeControllerManager": {"enabled": False},
        "kubeScheduler": {"enabled": False},
        "kubeEtcd": {"enabled": False},
        "kubeProxy": {"enabled": False},
        "defaultRules": {"create": True, "rules": {
            "etcd": False, "kubeControllerManager": False, "kubeSchedulerAlerting": False,
            "kubeSchedulerRecording": False, "kubeProxy": False, "windows": False,
        }},
        "additionalPrometheusRulesMap": {"twincloud": rules},
        "prometheusOperator": {
            "image": image_parts("prometheus-operator"),
            "prometheusConfigReloader": {"image": image_parts("prometheus-config-reloader")},
            "admissionWebhooks": {"patch": {"image": image_parts("kube-webhook-certgen"),
                                            "resources": HELPER_RESOURCES["webhook-jobs"], **pc}},
            "resources": _resources("100m", "256Mi", "512Mi"),
            **pc,
        },
        # priorityClassName: prometheus-community/helm-charts@cf408a290aec
        # charts/kube-state-metrics/templates/deployment.yaml, prometheus-node-exporter/templates/daemonset.yaml
        "kube-state-metrics": {"image": image_parts("kube-state-metrics"), "collectors": KSM_COLLECTORS,
                               "resources": HELPER_RESOURCES["kube-state-metrics"], **pc},
        "nodeExporter": {"enabled": True, "operatingSystems": {"aix": {"enabled": False},
                                                               "darwin": {"enabled": False}}},
        "prometheus-node-exporter": {
            # hostNetwork/hostPID/hostPath: lives in the privileged agents namespace.
            "namespaceOverride": endpoints.agents_namespace,
            "image": {**image_parts("node-exporter"), "distroless": False},  # the pinned tag is the distroless one
            "resources": HELPER_RESOURCES["node-exporter"],
            # Host network and PID namespaces stay (the chart's defaults, and how node_exporter's
            # README runs it: its collectors must see the node, not the pod); everything else is
            # taken away: it runs as nobody, with no capability, no privilege escalation and
            # the runtime's seccomp profile.
            "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "containerSecurityContext": RESTRICTED_CONTAINER,
            **pc,
        },
        "alertmanager": {
            # Replicated: a PDB keeps one up through a drain, and no two share a node.
            "podDisruptionBudget": {"enabled": alertmanager.replicas > 1, "minAvailable": 1},
            "alertmanagerSpec": {
                "image": image_parts("alertmanager"),
                "replicas": alertmanager.replicas,
                "podAntiAffinity": "hard" if alertmanager.replicas > 1 else "soft",
                "useExistingSecret": True,  # the config (with receiver URLs) is a Secret we create
                "configSecret": alertmanager_secret,
                "storage": _pvc(alertmanager.storage_size, storage_class),
                "resources": _resources("50m", "128Mi", "256Mi"),
                **pc,
                **({"topologySpreadConstraints": zone_spread({
                    "app.kubernetes.io/name": "alertmanager", "alertmanager": f"{release}-alertmanager"})}
                   if alertmanager.replicas > 1 else {}),
            },
        },
        "prometheus": {"podDisruptionBudget": {"enabled": prometheus.replicas > 1, "minAvailable": 1},
                       "serviceAccount": {"create": True, "name": PROMETHEUS_SERVICE_ACCOUNT},
                       "prometheusSpec": {
            **(remote_write_values(remote_write) if remote_write is not None else {}),
            "image": image_parts("prometheus"),
            "replicas": prometheus.replicas,
            "podAntiAffinity": "hard" if prometheus.replicas > 1 else "soft",
            "enableRemoteWriteReceiver": True,  # Alloy and Tempo's metrics generator write here
            "enableFeatures": ["exemplar-storage"],  # Tempo sends exemplars (metric -> trace links)
            "retention": prometheus.retention,
            "retentionSize": retention_size(prometheus.storage_size),
            "storageSpec": _pvc(prometheus.storage_size, storage_class),
            "resources": _resources(prometheus.cpu_request, prometheus.memory_request, prometheus.memory_limit),
            **pc,
            **({"topologySpreadConstraints": zone_spread({
                "app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": f"{release}-prometheus"})}
               if prometheus.replicas > 1 else {}),
            # Select every ServiceMonitor/PodMonitor/rule in the cluster, not only this release's.
            "serviceMonitorSelectorNilUsesHelmValues": False,
            "podMonitorSelectorNilUsesHelmValues": False,
            "ruleSelectorNilUsesHelmValues": False,
            "probeSelectorNilUsesHelmValues": False,
            "scrapeConfigSelectorNilUsesHelmValues": False,
        }},
    }


# -- Loki ---------------------------------------------------------------------------------

def loki_values(
    *,
    mode: str,
    config: dict[str, Any],
    storage: StorageTarget,
    service_account: str,
    sizing: LokiSizing,
    storage_class: str | None,
    workload_identity: bool,
    priority_class: str | None = None,
) -> dict[str, Any]:
    """Values for the loki chart; ``config`` (``loki_config``) replaces the chart's template."""
    pin = _image("loki")
    pod_labels = {WORKLOAD_IDENTITY_LABEL: "true"} if workload_identity else {}
    if not isinstance(storage, (S3Target, AzureBlobTarget)):
        raise TypeError(f"unsupported storage target {storage!r}")
    # ``config`` replaces the chart's config template, the only reader of the chart's bucket,
    # region and account values (rendering without them is byte-identical): the chart gets
    # only the storage type, which its scalable targets check (loki.isUsingObjectStorage,
    # charts/loki/templates/_helpers.tpl:546 at loki-18.11.0).
    chart_storage: dict[str, Any] = {"type": "s3" if isinstance(storage, S3Target) else "azure"}
    persistence = {"size": sizing.storage_size, **({"storageClass": storage_class} if storage_class else {})}
    resources = _resources("250m", "512Mi", sizing.memory_limit)
    values: dict[str, Any] = {
        "deploymentMode": "Monolithic" if mode == "single-binary" else "SimpleScalable",
        "loki": {
            "image": {"registry": pin.registry, "repository": pin.repository, "tag": pin.tag},
            "auth_enabled": False,
            "config": yaml.safe_dump(config, sort_keys=False),
            "schemaConfig": config["schema_config"],
            "storage": chart_storage,
            # Common to every pod of the chart, the gateway (nginx) and memcached included:
            # nothing here, so they never receive the storage identity's token.
            "podLabels": {},
        },
        # Only the Loki pods themselves (single binary, or read/write/backend) read and write
        # the object store, so only they opt into AKS workload identity.
        "defaults": {"podLabels": pod_labels,
                     # The cloud identity arrives in its own projected token (EKS Pod Identity,
                     # AKS workload identity); Loki never calls the Kubernetes API.
                     "automountServiceAccountToken": False},
        # The pods run as the service account the cloud identity is bound to; the chart must
        # neither create nor rename it (an earlier chart default changed and broke bindings).
        "serviceAccount": {"create": False, "name": service_account},
        "gateway": {"image": image_parts("loki-gateway"), "replicas": 1 if mode == "single-binary" else 2,
                    "resources": HELPER_RESOURCES["loki-gateway"],
                    # The access-log exporter sidecar (an extra, unpinned image) is off: Loki's own
                    # request metrics cover the same traffic.
                    "metrics": {"enabled": False}},
        "lokiCanary": {"enabled": False},
        "test": {"enabled": False},
        "sidecar": {"rules": {"enabled": False}},
        "monitoring": {"serviceMonitor": {"enabled": True}},
        # The chart runs both caches by default: off unless asked for, and sized only then.
        "chunksCache": {"enabled": sizing.caches},
        "resultsCache": {"enabled": sizing.caches},
    }
    if priority_class:
        # Every Loki pod (templates/_pod.tpl, gateway/_helpers.tpl coalesce global.priorityClassName).
        values["global"] = {"priorityClassName": priority_class}
    if sizing.caches:
        values["chunksCache"]["allocatedMemory"] = 1024
        values["resultsCache"]["allocatedMemory"] = 256
        for cache in ("chunksCache", "resultsCache"):  # memcached reads only its own block's
            values[cache].update(_priority(priority_class))
        values["memcached"] = {"image": image_parts("memcached")}
        values["memcachedExporter"] = {"image": image_parts("memcached-exporter"),
                                       "resources": HELPER_RESOURCES["memcached-exporter"]}
    if mode == "single-binary":
        values["singleBinary"] = {"replicas": sizing.replicas, "persistence": persistence,
                                  "resources": resources}
        values.update({"write": {"replicas": 0}, "read": {"replicas": 0}, "backend": {"replicas": 0}})
    else:
        values["singleBinary"] = {"replicas": 0}
        values["write"] = {"replicas": sizing.replicas, "persistence": persistence, "resources": resources}
        # The backend's own token toggle defaults to on (for the rules sidecar, which
        # sidecar.rules.enabled keeps off).
        values["backend"] = {"replicas": sizing.replicas, "persistence": persistence, "resources": resources,
                             "automountServiceAccountToken": False}
        # The read path scales with query load: the HPA owns its replica count.
        values["read"] = {"autoscaling": {"enabled": True, "minReplicas": sizing.read_min_replicas,
                                          "maxReplicas": sizing.read_max_replicas,
                                          "targetCPUUtilizationPercentage": 70},
                          "resources": resources}
    return values


# -- Tempo --------------------------------------------------------------------------------

def tempo_values(
    *,
    config: dict[str, Any],
    service_account: str,
    sizing: TempoSizing,
    storage_class: str | None,
    workload_identity: bool,
    priority_class: str | None = None,
) -> dict[str, Any]:
    """Values for the tempo (single binary) chart; ``config`` (``tempo_config``) replaces its template."""
    pin = _image("tempo")
    persistence: dict[str, Any] = {"enabled": True, "size": sizing.storage_size}
    if storage_class:
        persistence["storageClassName"] = storage_class
    return {
        "replicas": 1,  # the single binary keeps unflushed traces in its own WAL; it does not shard
        "tempo": {
            "repository": f"{pin.registry}/{pin.repository}",
            "tag": pin.tag,
            "resources": _resources("250m", "512Mi", sizing.memory_limit),
            "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
                                "seccompProfile": {"type": "RuntimeDefault"}},
        },
        "config": yaml.safe_dump(config, sort_keys=False),
        # The chart copies automountServiceAccountToken onto the pod; Tempo never calls the
        # Kubernetes API (its storage identity comes in its own projected token).
        "serviceAccount": {"create": False, "name": service_account, "automountServiceAccountToken": False},
        "podLabels": {WORKLOAD_IDENTITY_LABEL: "true"} if workload_identity else {},
        "persistence": persistence,
        "serviceMonitor": {"enabled": True},
        "tempoQuery": {"enabled": False},
        **_priority(priority_class),
    }


# -- Alloy --------------------------------------------------------------------------------

ALLOY_STORAGE_PATH = "/var/lib/alloy/data"  # chart default /tmp/alloy: lost with the pod
ALLOY_HOST_PATH = "/var/lib/twincloud-alloy"

# What Alloy reads from the Kubernetes API: only pods, for ``discovery.kubernetes`` (role
# pod). The chart's default rules add cluster-wide Secrets/ConfigMaps (for remote.kubernetes.*),
# nodes, events and more for components this config does not use. The chart's ClusterRole
# template appends ``rules`` and ``clusterRules`` with toYaml, so an empty list in either
# renders a stray ``[]`` and an unparseable document (grafana/alloy@233907cff225
# operations/helm/charts/alloy/templates/rbac.yaml): the one rule is split across the two.
ALLOY_RBAC_RULES = [{"apiGroups": [""], "resources": ["pods"], "verbs": ["list", "watch"]}]
ALLOY_RBAC_CLUSTER_RULES = [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]


def alloy_values(*, config: str, priority_class: str | None = None) -> dict[str, Any]:
    pin = _image("alloy")
    return {
        "image": {"registry": pin.registry, "repository": pin.repository, "tag": pin.tag},
        "configReloader": {"image": {**image_parts("alloy-config-reloader"), "digest": ""}},
        "rbac": {"rules": ALLOY_RBAC_RULES, "clusterRules": ALLOY_RBAC_CLUSTER_RULES},
        "alloy": {
            "configMap": {"create": True, "content": config},
            "enableReporting": False,
            "mounts": {
                "varlog": True,  # /var/log/pods, read-only
                # loki.source.file keeps its read positions (and remote_write its WAL) under
                # the storage path: on the node, so a restarted agent resumes where it stopped.
                "extra": [{"name": "alloy-data", "mountPath": ALLOY_STORAGE_PATH}],
            },
            "storagePath": ALLOY_STORAGE_PATH,
            # Root (UID 0) stays: pod log files are root-owned and not world-readable, and the
            # node's data directory is root's. Every capability is dropped (root reads and
            # writes only what root owns), no privilege escalation, read-only image, and the
            # runtime's seccomp profile.
            "securityContext": {**RESTRICTED_CONTAINER, "runAsUser": 0, "runAsGroup": 0},
            "extraPorts": [
                {"name": "otlp-grpc", "port": OTLP_GRPC_PORT, "targetPort": OTLP_GRPC_PORT, "protocol": "TCP"},
                {"name": "otlp-http", "port": OTLP_HTTP_PORT, "targetPort": OTLP_HTTP_PORT, "protocol": "TCP"},
            ],
            "listenPort": ALLOY_HTTP_PORT,
            "resources": _resources("100m", "256Mi", "1Gi"),
        },
        "controller": {"volumes": {"extra": [
            {"name": "alloy-data", "hostPath": {"path": ALLOY_HOST_PATH, "type": "DirectoryOrCreate"}},
        ]}, **_priority(priority_class)},
        "service": {"enabled": True, "type": "ClusterIP"},
        "serviceMonitor": {"enabled": True},
    }


# -- Grafana ------------------------------------------------------------------------------

def grafana_values(
    *,
    datasources: dict[str, Any],
    admin_secret: str,
    sizing: GrafanaSizing,
    storage_class: str | None,
    dashboard_label: str,
    priority_class: str | None = None,
    plugins: tuple[str, ...] = (),
) -> dict[str, Any]:
    """``plugins``: ``<id>@<version>`` specs Grafana installs at start (chart value ``plugins``,
    rendered into ``GF_PLUGINS_PREINSTALL_SYNC``: grafana-community/helm-charts@864f77946836
    charts/grafana/templates/_config.tpl and _pod.tpl)."""
    pin = _image("grafana")
    persistence: dict[str, Any] = {"enabled": sizing.persistence}
    if sizing.persistence:
        persistence["size"] = sizing.storage_size
        if storage_class:
            persistence["storageClassName"] = storage_class
    values: dict[str, Any] = {
        "image": {"registry": pin.registry, "repository": pin.repository, "tag": pin.tag},
        "replicas": sizing.replicas,
        "podDisruptionBudget": {"minAvailable": 1} if sizing.replicas > 1 else {},
        "resources": HELPER_RESOURCES["grafana"],
        # A Role in the monitoring namespace, not the chart's cluster-wide read of every
        # ConfigMap and Secret: the dashboard sidecar looks only at this namespace.
        "rbac": {"namespaced": True},
        # Named explicitly (the chart's default, ``grafana.fullname``): the AMP query role's Pod
        # Identity association binds it, so a chart change must never rename it.
        "serviceAccount": {"create": True, "name": GRAFANA_SERVICE_ACCOUNT},
        "admin": {"existingSecret": admin_secret, "userKey": "admin-user", "passwordKey": "admin-password"},
        "datasources": {"datasources.yaml": datasources},
        "sidecar": {
            "image": {**image_parts("grafana-sidecar"), "sha": ""},
            "resources": HELPER_RESOURCES["grafana-sidecar"],
            "dashboards": {"enabled": True, "label": dashboard_label, "labelValue": "1",
                           "resource": "configmap",  # our dashboards are ConfigMaps; no Secret reads
                           "folderAnnotation": "grafana_folder",
                           "provider": {"foldersFromFilesStructure": True}},
        },
        "persistence": persistence,
        **({"plugins": list(plugins)} if plugins else {}),
        "testFramework": {"enabled": False},
        "serviceMonitor": {"enabled": True},
        **_priority(priority_class),
        "grafana.ini": {
            "analytics": {"reporting_enabled": False, "check_for_updates": False},
            "users": {"allow_sign_up": False},
            "auth.anonymous": {"enabled": False},
        },
    }
    if sizing.persistence:
        values["initChownData"] = {"enabled": False}  # needs root; fsGroup already owns the volume
        # One ReadWriteOnce volume: a rolling update's new pod would wait for the old pod's
        # volume forever (on another node). Recreate stops the old pod first.
        values["deploymentStrategy"] = {"type": "Recreate"}
    return values
