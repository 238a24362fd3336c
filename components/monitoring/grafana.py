"""Grafana provisioning as data: the three datasources, pre-wired to each other, and two
dashboards (the four golden signals per service, and the monitoring stack itself).

* Tempo -> Loki (trace to logs, by trace id and ``service_name``), Tempo -> Prometheus (trace
  to span metrics), Prometheus exemplars -> Tempo and Loki derived fields -> Tempo, so an
  engineer can move from an alert to the metric, the trace and its logs without copying ids;
* fixed datasource UIDs, so dashboards and links never depend on generated ids;
* literal ``$`` in provisioning files is written ``$$`` (Grafana expands environment
  variables in provisioning files);
* with AMP remote write on, a fourth datasource queries the workspace's long-term,
  deduplicated metrics (``amp_datasource``).
"""

from __future__ import annotations

import json
from typing import Any

from components.monitoring import signals
from components.monitoring.alert_rules import monitored_components
from components.monitoring.endpoints import StackEndpoints

PROMETHEUS_UID = "prometheus"
LOKI_UID = "loki"
TEMPO_UID = "tempo"
AMP_UID = "amp"
# The Amazon Managed Service for Prometheus data source plugin (components/versions.py
# GRAFANA_PLUGINS): Grafana's core Prometheus data source deprecated SigV4 in favour of it.
AMP_TYPE = "grafana-amazonprometheus-datasource"
DASHBOARD_LABEL = "grafana_dashboard"  # the Grafana sidecar loads ConfigMaps carrying this label


def amp_datasource(url: Any, region: str) -> dict[str, Any]:
    """The AMP workspace as a Grafana datasource, signed with SigV4 from the AWS SDK default
    credential chain (the pod's Pod Identity credentials; components/aws/prometheus_query_access.py).

    ``url``: the workspace's ``prometheus_endpoint`` without its trailing ``/``. jsonData keys:
    ``sigV4Auth``, ``sigV4AuthType``, ``sigV4Region`` are read by grafana/grafana-plugin-sdk-go@v0.294.0
    backend/http_settings.go (the plugin v3.2.0's SDK, its go.mod); ``sigv4Service`` by the plugin
    (grafana/grafana-amazonprometheus-datasource@d2a53092 (v3.2.0) pkg/datasource.go, ``aps`` when
    empty); ``default`` is grafana/grafana-aws-sdk@v1.5.1 pkg/awsauth/authtype.go ``AuthTypeDefault``;
    the provisioning shape is the plugin's docs/sources/configure.md "Provision with a YAML file".
    """
    return {
        "name": "Amazon Managed Prometheus (long-term)", "uid": AMP_UID, "type": AMP_TYPE, "access": "proxy",
        "url": url, "isDefault": False,
        "jsonData": {"httpMethod": "POST", "sigV4Auth": True, "sigV4AuthType": "default",
                     "sigV4Region": region, "sigv4Service": "aps"},
    }


def datasources(endpoints: StackEndpoints, amp: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``datasources.yaml`` provisioning document (``amp``: ``amp_datasource``, appended)."""
    return {"apiVersion": 1, "datasources": [*_core_datasources(endpoints), *([amp] if amp is not None else [])]}


def _core_datasources(endpoints: StackEndpoints) -> list[dict[str, Any]]:
    return [
        {
            "name": "Prometheus", "uid": PROMETHEUS_UID, "type": "prometheus", "access": "proxy",
            "url": endpoints.prometheus_url, "isDefault": True,
            "jsonData": {
                "httpMethod": "POST",
                "exemplarTraceIdDestinations": [{"name": "trace_id", "datasourceUid": TEMPO_UID}],
            },
        },
        {
            "name": "Loki", "uid": LOKI_UID, "type": "loki", "access": "proxy", "url": endpoints.loki_url,
            "jsonData": {"derivedFields": [{
                "name": "TraceID", "datasourceUid": TEMPO_UID,
                "matcherRegex": "(?:trace_?[iI][dD])[=:\"\\s]+(\\w+)",
                "url": "$${__value.raw}",
            }]},
        },
        {
            "name": "Tempo", "uid": TEMPO_UID, "type": "tempo", "access": "proxy", "url": endpoints.tempo_url,
            "jsonData": {
                "tracesToLogsV2": {
                    "datasourceUid": LOKI_UID,
                    "spanStartTimeShift": "-5m", "spanEndTimeShift": "5m",
                    "filterByTraceID": True, "filterBySpanID": False,
                    "tags": [{"key": "service.name", "value": "service_name"}],
                },
                "tracesToMetrics": {
                    "datasourceUid": PROMETHEUS_UID,
                    "spanStartTimeShift": "-5m", "spanEndTimeShift": "5m",
                    "tags": [{"key": "service.name", "value": "service"}],
                    "queries": [
                        {"name": "Request rate", "query": f"sum(rate({signals.CALLS}{{$$__tags}}[5m]))"},
                        {"name": "p95 latency", "query": "histogram_quantile(0.95, sum by (le) "
                                                         f"(rate({signals.LATENCY_BUCKET}{{$$__tags}}[5m])))"},
                    ],
                },
                "serviceMap": {"datasourceUid": PROMETHEUS_UID},
                "nodeGraph": {"enabled": True},
                "lokiSearch": {"datasourceUid": LOKI_UID},
            },
        },
    ]


# -- dashboards ---------------------------------------------------------------------------

def _panel(pid: int, title: str, exprs: dict[str, str], unit: str, x: int, y: int, w: int = 12) -> dict[str, Any]:
    return {
        "id": pid, "type": "timeseries", "title": title,
        "datasource": {"type": "prometheus", "uid": PROMETHEUS_UID},
        "gridPos": {"x": x, "y": y, "w": w, "h": 8},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
        "targets": [
            {"refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend,
             "datasource": {"type": "prometheus", "uid": PROMETHEUS_UID}}
            for i, (legend, expr) in enumerate(exprs.items())
        ],
    }


def _variable(name: str, query: str) -> dict[str, Any]:
    return {
        "name": name, "type": "query", "label": name,
        "datasource": {"type": "prometheus", "uid": PROMETHEUS_UID},
        "query": {"query": query, "refId": name}, "definition": query,
        "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2,
        "current": {"selected": True, "text": "All", "value": "$__all"},
    }


def _dashboard(uid: str, title: str, panels: list[dict[str, Any]], variables: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "uid": uid, "title": title, "tags": ["twincloud"], "timezone": "utc", "editable": False,
        "schemaVersion": 39, "version": 1, "refresh": "30s",
        "time": {"from": "now-3h", "to": "now"},
        "templating": {"list": variables}, "panels": panels,
    }


def golden_signals_dashboard() -> dict[str, Any]:
    svc, ns, w = "$service", "$namespace", "$__rate_interval"
    return _dashboard("twincloud-golden-signals", "Golden signals (per service)", [
        _panel(1, "Latency (server spans)", {
            "p50 {{service}}": signals.latency_quantile(0.5, w, svc),
            "p95 {{service}}": signals.latency_quantile(0.95, w, svc),
            "p99 {{service}}": signals.latency_quantile(0.99, w, svc),
        }, "s", 0, 0),
        _panel(2, "Traffic (requests per second)", {"{{service}}": signals.request_rate(w, svc)}, "reqps", 12, 0),
        _panel(3, "Errors (5xx ratio)", {"{{service}}": signals.error_ratio_5xx(w, svc)}, "percentunit", 0, 8),
        _panel(4, "Saturation (pod CPU and memory / limit)", {
            "cpu {{namespace}}/{{pod}}": signals.pod_cpu_saturation(w, ns),
            "memory {{namespace}}/{{pod}}": signals.pod_memory_saturation(ns),
        }, "percentunit", 12, 8),
    ], [
        _variable("service", f"label_values({signals.CALLS}, service)"),
        _variable("namespace", "label_values(kube_pod_info, namespace)"),
    ])


def stack_dashboard(endpoints: StackEndpoints) -> dict[str, Any]:
    w = "$__rate_interval"
    up = {f"{c} {{{{instance}}}}": f'up{{namespace="{ns}", service=~"{svc}"}}'
          for c, (ns, svc) in monitored_components(endpoints).items()}
    namespaces = f"{endpoints.namespace}|{endpoints.agents_namespace}"
    return _dashboard("twincloud-monitoring-stack", "Monitoring stack", [
        _panel(1, "Targets up", up, "none", 0, 0),
        _panel(2, "Prometheus ingestion", {
            "samples/s appended": f"sum(rate(prometheus_tsdb_head_samples_appended_total[{w}]))",
            "remote-write requests/s": f'sum(rate(prometheus_http_requests_total{{handler="/api/v1/write"}}[{w}]))',
        }, "short", 12, 0),
        _panel(3, "Prometheus head series", {"series": "sum(prometheus_tsdb_head_series)"}, "short", 0, 8),
        _panel(4, "Loki ingestion", {
            "bytes/s": f"sum(rate(loki_distributor_bytes_received_total[{w}]))",
            "lines/s": f"sum(rate(loki_distributor_lines_received_total[{w}]))",
        }, "short", 12, 8),
        _panel(5, "Tempo ingestion", {
            "spans/s": f"sum(rate(tempo_distributor_spans_received_total[{w}]))",
            "live traces": "sum(tempo_ingester_live_traces)",
        }, "short", 0, 16),
        _panel(6, "Alloy spans accepted / refused", {
            "accepted/s": f"sum(rate(otelcol_receiver_accepted_spans_total[{w}]))",
            "refused/s": f"sum(rate(otelcol_receiver_refused_spans_total[{w}]))",
        }, "short", 12, 16),
        _panel(7, "Memory of monitoring pods", {
            "{{namespace}}/{{pod}}": f'sum by (namespace, pod) (container_memory_working_set_bytes'
                                     f'{{namespace=~"{namespaces}", container!=""}})',
        }, "bytes", 0, 24, w=24),
    ], [])


def dashboards(endpoints: StackEndpoints) -> dict[str, dict[str, Any]]:
    """File name -> dashboard JSON model."""
    return {
        "golden-signals.json": golden_signals_dashboard(),
        "monitoring-stack.json": stack_dashboard(endpoints),
    }


def dashboard_json(dashboard: dict[str, Any]) -> str:
    return json.dumps(dashboard, indent=1, sort_keys=True)


def dashboard_queries(dashboard: dict[str, Any]) -> list[str]:
    """Every PromQL expression of a dashboard (panels and variables)."""
    out = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    return out
