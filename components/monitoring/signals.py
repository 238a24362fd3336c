"""PromQL for the four golden signals, shared by the alert rules and the dashboards so an
alert and the panel an on-call engineer opens always measure the same thing.

Request metrics come from Tempo's metrics generator (span metrics of server spans), so every
instrumented service gets them without exporting its own metrics.
"""

from __future__ import annotations

CALLS = "traces_spanmetrics_calls_total"
LATENCY_BUCKET = "traces_spanmetrics_latency_bucket"
SERVER = 'span_kind="SPAN_KIND_SERVER"'
STATUS_LABEL = "http_response_status_code"  # from the http.response.status_code dimension


def _sel(extra: str = "", service: str | None = None) -> str:
    parts = [SERVER]
    if service:
        parts.append(f'service=~"{service}"')
    if extra:
        parts.append(extra)
    return "{" + ", ".join(parts) + "}"


def latency_quantile(q: float, window: str = "5m", service: str | None = None) -> str:
    return (f"histogram_quantile({q}, sum by (service, le) "
            f"(rate({LATENCY_BUCKET}{_sel(service=service)}[{window}])))")


def request_rate(window: str = "5m", service: str | None = None) -> str:
    return f"sum by (service) (rate({CALLS}{_sel(service=service)}[{window}]))"


def error_ratio_5xx(window: str = "5m", service: str | None = None) -> str:
    five_xx = _sel(STATUS_LABEL + '=~"5.."', service)
    errors = f"sum by (service) (rate({CALLS}{five_xx}[{window}]))"
    return f"({errors} / {request_rate(window, service)})"


def node_cpu_utilisation(window: str = "5m") -> str:
    return f'(1 - avg by (instance) (rate(node_cpu_seconds_total{{mode="idle"}}[{window}])))'


def pod_cpu_saturation(window: str = "5m", namespace: str | None = None) -> str:
    ns = f', namespace=~"{namespace}"' if namespace else ""
    return (f'sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{{container!=""{ns}}}[{window}])) '
            f'/ sum by (namespace, pod) (kube_pod_container_resource_limits{{resource="cpu"{ns}}})')


def pod_memory_saturation(namespace: str | None = None) -> str:
    ns = f', namespace=~"{namespace}"' if namespace else ""
    return (f'sum by (namespace, pod) (container_memory_working_set_bytes{{container!=""{ns}}}) '
            f'/ sum by (namespace, pod) (kube_pod_container_resource_limits{{resource="memory"{ns}}})')
