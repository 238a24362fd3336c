"""In-cluster addresses of the stack's services, derived from the Helm release names.

Every URL that one component uses to reach another (Alloy -> Loki/Tempo/Prometheus, Tempo
-> Prometheus, Grafana -> all three) is computed here from the release names and each
chart's naming rule, so a renamed release or namespace changes every reference at once.
"""

from __future__ import annotations

from dataclasses import dataclass

# Helm release names. Each chart names its main objects after the release when the release
# name contains the chart name (``loki`` -> ``loki-gateway``), so these stay short and stable.
CRDS_RELEASE = "prometheus-operator-crds"
PROMETHEUS_RELEASE = "kube-prometheus-stack"
LOKI_RELEASE = "loki"
TEMPO_RELEASE = "tempo"
ALLOY_RELEASE = "alloy"
GRAFANA_RELEASE = "grafana"

LOKI_HTTP_PORT = 3100
LOKI_GRPC_PORT = 9095
TEMPO_HTTP_PORT = 3100  # the tempo 1.x chart hard-codes 3100 for probes and the service
TEMPO_OTLP_GRPC_PORT = 4317
TEMPO_OTLP_HTTP_PORT = 4318
OTLP_GRPC_PORT = 4317
OTLP_HTTP_PORT = 4318
ALLOY_HTTP_PORT = 12345
PROMETHEUS_PORT = 9090
OPERATOR_WEBHOOK_PORT = 10250  # kube-prometheus-stack prometheusOperator.tls.internalPort
ALERTMANAGER_PORT = 9093


@dataclass(frozen=True)
class StackEndpoints:
    """Service names and URLs of one monitoring stack (``namespace`` for the backends,
    ``agents_namespace`` for the node agents)."""

    namespace: str = "monitoring"
    agents_namespace: str = "monitoring-agents"
    cluster_domain: str = "cluster.local"

    def _fqdn(self, service: str, namespace: str | None = None) -> str:
        return f"{service}.{namespace or self.namespace}.svc.{self.cluster_domain}"

    # -- service names (also used by alert rules and network policies) ----------------
    @property
    def prometheus_service(self) -> str:
        return f"{PROMETHEUS_RELEASE}-prometheus"

    @property
    def operator_app_label(self) -> str:
        """The ``app`` label of the prometheus-operator pods (serves the admission webhook)."""
        return f"{PROMETHEUS_RELEASE}-operator"

    @property
    def alertmanager_service(self) -> str:
        return f"{PROMETHEUS_RELEASE}-alertmanager"

    @property
    def loki_gateway_service(self) -> str:
        return f"{LOKI_RELEASE}-gateway"

    @property
    def loki_memberlist_service(self) -> str:
        return f"{LOKI_RELEASE}-memberlist"

    @property
    def loki_backend_service(self) -> str:
        return f"{LOKI_RELEASE}-backend"

    @property
    def tempo_service(self) -> str:
        return TEMPO_RELEASE

    @property
    def alloy_service(self) -> str:
        return ALLOY_RELEASE

    # -- URLs --------------------------------------------------------------------------
    @property
    def prometheus_url(self) -> str:
        return f"http://{self._fqdn(self.prometheus_service)}:{PROMETHEUS_PORT}"

    @property
    def prometheus_remote_write_url(self) -> str:
        return f"{self.prometheus_url}/api/v1/write"

    @property
    def alertmanager_url(self) -> str:
        return f"http://{self._fqdn(self.alertmanager_service)}:{ALERTMANAGER_PORT}"

    @property
    def loki_url(self) -> str:
        """Loki's read/write entry point (the chart's nginx gateway, port 80)."""
        return f"http://{self._fqdn(self.loki_gateway_service)}"

    @property
    def loki_push_url(self) -> str:
        return f"{self.loki_url}/loki/api/v1/push"

    def loki_memberlist(self) -> str:
        return f"{self._fqdn(self.loki_memberlist_service)}:7946"

    def loki_compactor_grpc(self, mode: str) -> str:
        service = LOKI_RELEASE if mode == "single-binary" else self.loki_backend_service
        return f"{self._fqdn(service)}:{LOKI_GRPC_PORT}"

    def loki_index_gateway(self) -> str:
        """Index gateway address in simple-scalable mode (served by the backend target)."""
        return f"dns+{self._fqdn(self.loki_backend_service + '-headless')}:{LOKI_GRPC_PORT}"

    def loki_cache(self, component: str) -> str:
        """Memcached address of the chart's ``chunks-cache``/``results-cache``."""
        return f"dnssrvnoa+_memcached-client._tcp.{self._fqdn(f'{LOKI_RELEASE}-{component}')}"

    @property
    def tempo_url(self) -> str:
        return f"http://{self._fqdn(self.tempo_service)}:{TEMPO_HTTP_PORT}"

    @property
    def tempo_otlp_grpc(self) -> str:
        """Tempo's OTLP gRPC receiver as ``host:port`` (gRPC clients take no scheme)."""
        return f"{self._fqdn(self.tempo_service)}:{TEMPO_OTLP_GRPC_PORT}"

    @property
    def otlp_grpc_endpoint(self) -> str:
        """Where applications send OTLP over gRPC: the Alloy agents' service."""
        return f"{self._fqdn(self.alloy_service, self.agents_namespace)}:{OTLP_GRPC_PORT}"

    @property
    def otlp_http_endpoint(self) -> str:
        return f"http://{self._fqdn(self.alloy_service, self.agents_namespace)}:{OTLP_HTTP_PORT}"
