"""The starter alert rules (a Prometheus rule file as data), checked with ``promtool check rules``.

* service p95 latency above 500 ms for 5 minutes, and a 5xx ratio above 5 % for 5 minutes
  (from Tempo span metrics, see ``signals``);
* node CPU above 90 % for 10 minutes;
* pods crash-looping;
* the stack's own targets (Prometheus, Alertmanager, Loki, Tempo, Alloy) down or missing,
  matched by the service names the stack itself gives them.
Every rule carries ``severity`` and a ``summary``/``description`` so receivers can route on it.
"""

from __future__ import annotations

from typing import Any

from components.monitoring import signals
from components.monitoring.endpoints import LOKI_RELEASE, StackEndpoints

LATENCY_P95_SECONDS = 0.5
ERROR_RATIO_5XX = 0.05
NODE_CPU_RATIO = 0.9


def _alert(name: str, expr: str, for_: str, severity: str, summary: str, description: str) -> dict[str, Any]:
    return {
        "alert": name,
        "expr": expr,
        "for": for_,
        "labels": {"severity": severity},
        "annotations": {"summary": summary, "description": description},
    }


def monitored_components(endpoints: StackEndpoints) -> dict[str, tuple[str, str]]:
    """Component -> (namespace, service regex) of its scrape targets."""
    return {
        "Prometheus": (endpoints.namespace, endpoints.prometheus_service),
        "Alertmanager": (endpoints.namespace, endpoints.alertmanager_service),
        "Loki": (endpoints.namespace, f"{LOKI_RELEASE}(-(write|read|backend))?"),
        "Tempo": (endpoints.namespace, endpoints.tempo_service),
        "Alloy": (endpoints.agents_namespace, endpoints.alloy_service),
    }


def alert_rules(endpoints: StackEndpoints) -> dict[str, Any]:
    """The rule file: ``{"groups": [...]}``."""
    services = [
        _alert("ServiceHighLatencyP95",
               f"{signals.latency_quantile(0.95)} > {LATENCY_P95_SECONDS}", "5m", "warning",
               "{{ $labels.service }} p95 latency above 500ms",
               "p95 server latency of {{ $labels.service }} is {{ $value | humanizeDuration }} (threshold 500ms) "
               "for 5 minutes."),
        _alert("ServiceHigh5xxRatio",
               f"{signals.error_ratio_5xx()} > {ERROR_RATIO_5XX}", "5m", "critical",
               "{{ $labels.service }} answers more than 5% of requests with 5xx",
               "{{ $value | humanizePercentage }} of {{ $labels.service }} requests failed with a 5xx status "
               "for 5 minutes."),
    ]
    nodes = [
        _alert("NodeHighCpu", f"{signals.node_cpu_utilisation()} > {NODE_CPU_RATIO}", "10m", "warning",
               "Node {{ $labels.instance }} CPU above 90%",
               "CPU utilisation of {{ $labels.instance }} is {{ $value | humanizePercentage }} for 10 minutes."),
    ]
    workloads = [
        _alert("PodCrashLooping",
               'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1',
               "10m", "warning",
               "{{ $labels.namespace }}/{{ $labels.pod }} is crash-looping",
               "Container {{ $labels.container }} of {{ $labels.namespace }}/{{ $labels.pod }} has been in "
               "CrashLoopBackOff for 10 minutes."),
    ]
    stack = []
    for component, (namespace, service) in monitored_components(endpoints).items():
        selector = f'up{{namespace="{namespace}", service=~"{service}"}}'
        stack.append(_alert(
            f"{component}TargetDown", f"{selector} == 0", "5m", "critical",
            f"{component} target {{{{ $labels.instance }}}} is down",
            f"Prometheus cannot scrape {component} at {{{{ $labels.instance }}}} ({namespace}) for 5 minutes."))
        stack.append(_alert(
            f"{component}TargetMissing", f"absent({selector})", "15m", "critical",
            f"{component} has no scrape target",
            f"No {component} target in {namespace} has been discovered for 15 minutes; "
            "the release or its ServiceMonitor is missing."))
    return {"groups": [
        {"name": "twincloud.services", "rules": services},
        {"name": "twincloud.nodes", "rules": nodes},
        {"name": "twincloud.workloads", "rules": workloads},
        {"name": "twincloud.monitoring-stack", "rules": stack},
    ]}
