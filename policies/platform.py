"""Platform services: autoscaling bounds, GitOps vs HPAs, and disruption budgets.

* A Karpenter NodePool without ``spec.limits`` can grow the bill without bound (a stuck
  pending pod, a runaway HPA): every NodePool must cap cpu and memory.
* A GitOps Application that owns ``replicas`` of an HPA-scaled workload fought the HPA on
  every sync: in prod, each workload an Application lists as autoscaled must be covered by
  an ``ignoreDifferences`` entry on ``/spec/replicas`` (or the HPA's field manager).
* A platform Deployment with more than one replica and no PodDisruptionBudget can lose every
  replica to one node drain (Karpenter consolidation, spot interruption): platform charts
  that run more than one replica must enable their PDB (one data row per chart), and plain
  Deployments need a PodDisruptionBudget selecting them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import Severity

from policies.common import MANDATORY, UNKNOWN, Res, ResourceRule, StackRule, as_int, environments_schema
from policies.versions import HELM_TYPES, chart_name_and_repo

NODEPOOL_TYPE = "kubernetes:karpenter.sh/v1:NodePool"
APPLICATION_TYPE = "kubernetes:argoproj.io/v1alpha1:Application"
DEPLOYMENT_TYPE = "kubernetes:apps/v1:Deployment"
PDB_TYPE = "kubernetes:policy/v1:PodDisruptionBudget"
AUTOSCALED_ANNOTATION = "twincloud.io/autoscaled"  # components/platform/manifests.py writes it
HPA_MANAGER = "kube-controller-manager"


def check_nodepool_limits(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    limits = res.get("spec", "limits", default=None)
    if limits is UNKNOWN:
        return
    missing = [k for k in cfg["requiredLimits"] if not isinstance(limits, Mapping) or limits.get(k) in (None, "")]
    if missing:
        yield (f"NodePool {res.get('metadata', 'name')!r} has no spec.limits.{'/'.join(missing)}: Karpenter would "
               "launch nodes without bound; set cpuLimit and memoryLimit")


def _covers(entry: Mapping[str, Any], kind: str, namespace: str, name: str) -> bool:
    if entry.get("kind") != kind or entry.get("name") not in (None, name):
        return False
    if entry.get("namespace") not in (None, namespace) or entry.get("group") not in (None, "apps"):
        return False
    pointers = entry.get("jsonPointers") or []
    managers = entry.get("managedFieldsManagers") or []
    return "/spec/replicas" in pointers or HPA_MANAGER in managers


def check_application_replicas(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    if res.environment not in cfg["environments"]:
        return
    listed = res.get("metadata", "annotations", AUTOSCALED_ANNOTATION, default="")
    ignored = res.get("spec", "ignoreDifferences", default=[])
    if listed is UNKNOWN or ignored is UNKNOWN or not isinstance(listed, str):
        return
    entries = [e for e in (ignored or []) if isinstance(e, Mapping)]
    for ref in filter(None, (x.strip() for x in listed.split(","))):
        kind, _, rest = ref.partition("/")
        namespace, _, name = rest.partition("/")
        if not any(_covers(e, kind, namespace, name) for e in entries):
            yield (f"Application {res.get('metadata', 'name')!r} deploys {ref}, which an HPA scales, but does not "
                   "ignore its /spec/replicas: every sync would reset the autoscaler's count")


@dataclass(frozen=True)
class ReplicatedChart:
    """A platform chart: where its values set a component's replicas and enable its PDB."""

    chart: str
    replicas: tuple[str, ...]
    pdb_enabled: tuple[str, ...] | None  # set (true, or a minAvailable) turns the PDB on; None: always rendered


def _value(values: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = values
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


# Keys from each chart's values.yaml at its pin (components/versions.py PLATFORM_CHARTS).
REPLICATED_CHARTS = (
    ReplicatedChart("karpenter", ("replicas",), None),  # podDisruptionBudget.maxUnavailable always rendered
    ReplicatedChart("metrics-server", ("replicas",), ("podDisruptionBudget", "enabled")),
    ReplicatedChart("external-secrets", ("replicaCount",), ("podDisruptionBudget", "enabled")),
    ReplicatedChart("external-secrets", ("webhook", "replicaCount"), ("webhook", "podDisruptionBudget", "enabled")),
    ReplicatedChart("argo-cd", ("server", "replicas"), ("server", "pdb", "enabled")),
    ReplicatedChart("argo-cd", ("repoServer", "replicas"), ("repoServer", "pdb", "enabled")),
    ReplicatedChart("argo-cd", ("applicationSet", "replicas"), ("applicationSet", "pdb", "enabled")),
    ReplicatedChart("argo-cd", ("controller", "replicas"), ("controller", "pdb", "enabled")),
    ReplicatedChart("argo-rollouts", ("controller", "replicas"), ("controller", "pdb", "enabled")),
    # The replicated monitoring components (components/monitoring/values.py).
    ReplicatedChart("kube-prometheus-stack", ("prometheus", "prometheusSpec", "replicas"),
                    ("prometheus", "podDisruptionBudget", "enabled")),
    ReplicatedChart("kube-prometheus-stack", ("alertmanager", "alertmanagerSpec", "replicas"),
                    ("alertmanager", "podDisruptionBudget", "enabled")),
    ReplicatedChart("grafana", ("replicas",), ("podDisruptionBudget", "minAvailable")),
)


def check_chart_pdbs(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    chart, values = res.get("chart"), res.get("values", default={})
    if not isinstance(chart, str) or not isinstance(values, Mapping):
        return
    name = chart_name_and_repo(chart, None)[0]
    for row in REPLICATED_CHARTS:
        if row.chart != name or row.pdb_enabled is None:
            continue
        replicas = as_int(_value(values, row.replicas))
        if replicas is not None and replicas > 1 and not _value(values, row.pdb_enabled):
            yield (f"{name}: values.{'.'.join(row.replicas)} is {replicas} but values.{'.'.join(row.pdb_enabled)} "
                   "is not set: one node drain could evict every replica")


# Where each monitoring chart takes its pods' PriorityClass (values.yaml / templates at the pins,
# components/monitoring/values.py): without it they run at priority 0 and a full node
# preempts them like any application pod.
PRIORITY_PATHS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("kube-prometheus-stack", ("prometheus", "prometheusSpec", "priorityClassName")),
    ("kube-prometheus-stack", ("alertmanager", "alertmanagerSpec", "priorityClassName")),
    ("kube-prometheus-stack", ("prometheusOperator", "priorityClassName")),
    ("kube-prometheus-stack", ("kube-state-metrics", "priorityClassName")),
    ("kube-prometheus-stack", ("prometheus-node-exporter", "priorityClassName")),
    ("loki", ("global", "priorityClassName")),
    ("tempo", ("priorityClassName",)),
    ("alloy", ("controller", "priorityClassName")),
    ("grafana", ("priorityClassName",)),
)
# Replicated monitoring workloads that must spread over zones (replicas path, spread path).
ZONE_SPREAD_PATHS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("kube-prometheus-stack", ("prometheus", "prometheusSpec", "replicas"),
     ("prometheus", "prometheusSpec", "topologySpreadConstraints")),
    ("kube-prometheus-stack", ("alertmanager", "alertmanagerSpec", "replicas"),
     ("alertmanager", "alertmanagerSpec", "topologySpreadConstraints")),
)


def check_monitoring_priority(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    chart, values = res.get("chart"), res.get("values", default={})
    if not isinstance(chart, str) or not isinstance(values, Mapping):
        return
    name = chart_name_and_repo(chart, None)[0]
    for row_chart, path in PRIORITY_PATHS:
        if row_chart != name:
            continue
        value = _value(values, path)
        if value is not UNKNOWN and value not in cfg["priorityClasses"]:
            yield (f"{name}: values.{'.'.join(path)} is {value!r}; set it to {cfg['priorityClasses'][0]!r} "
                   "so a full node never preempts monitoring")


def check_monitoring_zone_spread(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    chart, values = res.get("chart"), res.get("values", default={})
    if not isinstance(chart, str) or not isinstance(values, Mapping):
        return
    name = chart_name_and_repo(chart, None)[0]
    for row_chart, replicas_path, spread_path in ZONE_SPREAD_PATHS:
        if row_chart != name:
            continue
        replicas = as_int(_value(values, replicas_path))
        spread = _value(values, spread_path)
        if replicas is None or replicas <= 1 or spread is UNKNOWN:
            continue
        keys = [c.get("topologyKey") for c in spread] if isinstance(spread, list) else []
        if "topology.kubernetes.io/zone" not in keys:
            yield (f"{name}: values.{'.'.join(replicas_path)} is {replicas} but values.{'.'.join(spread_path)} has no "
                   "topology.kubernetes.io/zone constraint: one zone outage could take every replica")


def _selects(selector: Any, labels: Any) -> bool:
    if not isinstance(selector, Mapping) or not isinstance(labels, Mapping):
        return False
    match = selector.get("matchLabels") or {}
    return bool(match) and all(labels.get(k) == v for k, v in match.items())


def check_deployment_pdbs(graph: Any, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    pdbs = graph.of_type(PDB_TYPE)
    for d in graph.of_type(DEPLOYMENT_TYPE):
        replicas = as_int(d.get("spec", "replicas"))
        if replicas is None or replicas <= 1:
            continue
        ns = d.get("metadata", "namespace")
        labels = d.get("spec", "template", "metadata", "labels")
        if not any(p.get("metadata", "namespace") == ns and _selects(p.get("spec", "selector"), labels) for p in pdbs):
            yield d, (f"Deployment {d.get('metadata', 'name')!r} runs {replicas} replicas without a "
                      "PodDisruptionBudget selecting them: one drain could evict them all")


NODEPOOL_LIMITS = ResourceRule(
    name="karpenter-nodepool-limits",
    description="Every Karpenter NodePool caps the cpu and memory it may launch",
    check=check_nodepool_limits,
    resource_types=(NODEPOOL_TYPE,),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set cpuLimit and memoryLimit on every entry of twincloud:platform.karpenter.nodePools.",
    config={"requiredLimits": {"type": "array", "items": {"type": "string"}, "default": ["cpu", "memory"],
                               "description": "spec.limits keys every NodePool must set."}},
    tags=["kubernetes", "cost"],
)

APPLICATION_IGNORES_REPLICAS = ResourceRule(
    name="argocd-hpa-replicas-ignored",
    description="In prod, an Argo CD Application ignores replicas of every HPA-scaled workload it deploys",
    check=check_application_replicas,
    resource_types=(APPLICATION_TYPE,),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="List the workload under twincloud:platform.argocd.applications[].autoscaled (the component adds "
                "the ignoreDifferences entry), or add one with jsonPointers [/spec/replicas].",
    config={"environments": environments_schema(["prod"], "Environments the rule applies to.")},
    tags=["kubernetes", "gitops", "reliability"],
)

CHART_PDBS = ResourceRule(
    name="platform-chart-pdb",
    description="Platform charts running more than one replica enable their PodDisruptionBudget",
    check=check_chart_pdbs,
    resource_types=HELM_TYPES,
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Enable the chart's PDB in components/platform/values.py wherever replicas > 1.",
    tags=["kubernetes", "reliability"],
)

DEPLOYMENT_PDBS = StackRule(
    name="deployment-pdb",
    description="Deployments with more than one replica have a PodDisruptionBudget",
    check=check_deployment_pdbs,
    resource_types=(DEPLOYMENT_TYPE, PDB_TYPE),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Add a policy/v1 PodDisruptionBudget (minAvailable: 1) selecting the Deployment's pod labels.",
    tags=["kubernetes", "reliability"],
)

MONITORING_PRIORITY = ResourceRule(
    name="monitoring-priority-class",
    description="Monitoring charts run their pods at the platform PriorityClass",
    check=check_monitoring_priority,
    resource_types=HELM_TYPES,
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Pass priority_class to the monitoring values (MonitoringStackArgs.priority_class; "
                "stacks/monitoring.py passes twincloud-platform).",
    config={"priorityClasses": {"type": "array", "items": {"type": "string"},
                                "default": ["twincloud-platform", "system-cluster-critical", "system-node-critical"],
                                "description": "PriorityClasses monitoring pods may run at (first: the one to set)."}},
    tags=["kubernetes", "reliability", "monitoring"],
)

MONITORING_ZONE_SPREAD = ResourceRule(
    name="monitoring-zone-spread",
    description="Replicated Prometheus and Alertmanager spread over zones",
    check=check_monitoring_zone_spread,
    resource_types=HELM_TYPES,
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Keep the topologySpreadConstraints components/monitoring/values.py sets whenever "
                "twincloud:monitoring.prometheus.replicas or alertmanager.replicas is above 1.",
    tags=["kubernetes", "reliability", "monitoring"],
)

POLICIES = [NODEPOOL_LIMITS, APPLICATION_IGNORES_REPLICAS, CHART_PDBS, DEPLOYMENT_PDBS, MONITORING_PRIORITY,
            MONITORING_ZONE_SPREAD]
