"""Workload settings we learned the hard way.

* Prometheus was OOMKilled replaying its WAL with a 512 Mi limit: its memory limit must be at
  least 1 Gi everywhere, and the request too in prod (so the scheduler reserves it).
* An HPA and GitOps (``pulumi up``/Helm) fought over ``replicas``: every sync reset the
  count the autoscaler had chosen. An autoscaled workload must not also set ``replicas``,
  whether in Helm values (``autoscaling.enabled`` next to ``replicas``) or as a Deployment /
  StatefulSet that a HorizontalPodAutoscaler targets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from components.monitoring.checks import hpa_conflicts
from policies.common import MANDATORY, UNKNOWN, Res, ResourceRule, StackRule, string_list
from policies.versions import HELM_TYPES, chart_name_and_repo

_UNITS = {"": 1, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
          "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}


def memory_bytes(quantity: Any) -> int | None:
    """A Kubernetes memory quantity (``1536Mi``, ``1G``, ``1073741824``) in bytes."""
    if isinstance(quantity, (int, float)) and not isinstance(quantity, bool):
        return int(quantity)
    if not isinstance(quantity, str):
        return None
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(Ki|Mi|Gi|Ti|k|M|G|T)?\s*", quantity)
    if not m:
        return None
    return int(float(m.group(1)) * _UNITS[m.group(2) or ""])


def check_prometheus_memory(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    chart = res.get("chart")
    if not isinstance(chart, str) or chart_name_and_repo(chart, None)[0] not in cfg["prometheusCharts"]:
        return
    resources = res.get("values", "prometheus", "prometheusSpec", "resources", default={})
    if resources is UNKNOWN:
        return
    floor = memory_bytes(cfg["minMemory"]) or 0
    limit = (resources or {}).get("limits", {}).get("memory") if isinstance(resources, Mapping) else None
    request = (resources or {}).get("requests", {}).get("memory") if isinstance(resources, Mapping) else None
    if limit is UNKNOWN or request is UNKNOWN:
        return
    if limit is None:
        yield (f"Prometheus has no memory limit; set prometheus.prometheusSpec.resources.limits.memory to at "
               f"least {cfg['minMemory']} (it was OOMKilled at 512Mi replaying its WAL)")
    elif (memory_bytes(limit) or 0) < floor:
        yield (f"Prometheus memory limit {limit} is below {cfg['minMemory']}: it was OOMKilled at 512Mi "
               f"replaying its WAL after a restart")
    if res.environment in cfg["requestEnvironments"] and (memory_bytes(request) or 0) < floor:
        yield (f"Prometheus memory request {request} is below {cfg['minMemory']} in {res.environment}: the "
               f"scheduler must reserve what WAL replay needs")


def check_hpa_values(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    values = res.get("values", default={})
    if values is UNKNOWN or not isinstance(values, Mapping):
        return
    for path in hpa_conflicts(values):
        yield (f"values.{path} enables autoscaling and also sets replicas: every sync would reset the count the "
               f"HPA chose; drop replicas where autoscaling is on")


WORKLOAD_TYPES = ("kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet")
HPA_TYPES = ("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "kubernetes:autoscaling/v1:HorizontalPodAutoscaler")


def check_hpa_targets(graph: Any, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    targets: dict[tuple[Any, Any, Any], Res] = {}
    for hpa in graph.of_type(*HPA_TYPES):
        ref = hpa.get("spec", "scaleTargetRef", default={}) or {}
        if isinstance(ref, Mapping):
            targets[(hpa.get("metadata", "namespace"), ref.get("kind"), ref.get("name"))] = hpa
    for workload in graph.of_type(*WORKLOAD_TYPES):
        kind = workload.type.rsplit(":", 1)[-1]
        key = (workload.get("metadata", "namespace"), kind, workload.get("metadata", "name"))
        if key in targets and workload.get("spec", "replicas") not in (None, UNKNOWN):
            yield workload, (f"{kind} {key[2]!r} sets spec.replicas but HorizontalPodAutoscaler "
                             f"{targets[key].get('metadata', 'name')!r} scales it: leave replicas unset so "
                             f"deploys do not fight the autoscaler")


PROMETHEUS_MEMORY = ResourceRule(
    name="prometheus-memory-floor",
    description="Prometheus has a memory limit of at least 1Gi (and the request too in prod)",
    check=check_prometheus_memory,
    resource_types=HELM_TYPES,
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Raise twincloud:monitoring.prometheus.memoryLimit (and memoryRequest in prod) to 1Gi or more.",
    config={
        "prometheusCharts": string_list(["kube-prometheus-stack"],
                                        "Chart names that deploy Prometheus through prometheusSpec."),
        "minMemory": {"type": "string", "default": "1Gi", "description": "Smallest memory limit allowed."},
        "requestEnvironments": string_list(["prod"], "Environments where the memory request must meet the floor too."),
    },
    tags=["monitoring", "reliability"],
)

HPA_REPLICAS_VALUES = ResourceRule(
    name="hpa-replicas-values",
    description="Helm values never set replicas where autoscaling is enabled",
    check=check_hpa_values,
    resource_types=HELM_TYPES,
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Remove `replicas` from every values block whose `autoscaling.enabled` is true.",
    tags=["kubernetes", "reliability"],
)

HPA_REPLICAS_WORKLOADS = StackRule(
    name="hpa-replicas-workloads",
    description="Deployments and StatefulSets targeted by a HorizontalPodAutoscaler leave spec.replicas unset",
    check=check_hpa_targets,
    resource_types=(*WORKLOAD_TYPES, *HPA_TYPES),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Drop spec.replicas from the workload; the HPA's minReplicas sets the floor.",
    tags=["kubernetes", "reliability"],
)

POLICIES = [PROMETHEUS_MEMORY, HPA_REPLICAS_VALUES, HPA_REPLICAS_WORKLOADS]
