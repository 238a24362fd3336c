"""Every Helm release of the dev and prod plans, rendered once per test session with the real
Helm engine from the exact pinned chart (``tools.charts``), with the values the plan passes.

``AWAITING_CHARTS`` lists the pins whose chart is not yet in ``../shared/charts`` (the lead
adds it there; see its README). Their releases are left out of the render tests, and the
suite says so at the end of every run; every other pin must render.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from components.versions import CHARTS
from tests.monitoring_support import RELEASE, unwrap
from tests.support import plan
from tools import charts
from tools.engine import Plan, PlannedResource

STACKS = ("dev", "prod")

# Pin key -> what ../shared/charts is missing for it (kept exact: a test fails when an entry
# is stale, i.e. the chart has arrived, so the list never hides a renderable chart).
AWAITING_CHARTS: dict[str, str] = {
    "aws-load-balancer-controller": "aws-load-balancer-controller-3.5.0/ "
                                    "(aws/eks-charts@5239609242f3 stable/aws-load-balancer-controller)",
    "kube-prometheus-stack": "its subcharts kube-state-metrics-8.4.0/ and prometheus-node-exporter-4.56.1/ "
                             "(prometheus-community/helm-charts@cf408a290aec charts/kube-state-metrics, "
                             "charts/prometheus-node-exporter)",
    "prometheus-operator-crds": "prometheus-operator-crds-31.0.1/ "
                                "(prometheus-community/helm-charts@cf408a290aec charts/prometheus-operator-crds)",
    # Platform services (components/platform/): sources in components/versions.py PLATFORM_CHARTS.
    "karpenter": "karpenter-1.14.1/ (aws/karpenter-provider-aws@1d927085dd81 charts/karpenter)",
    "karpenter-crd": "karpenter-crd-1.14.1/ (aws/karpenter-provider-aws@1d927085dd81 charts/karpenter-crd)",
    "metrics-server": "metrics-server-3.13.1/ (kubernetes-sigs/metrics-server@842dcc8c42f2 charts/metrics-server)",
    "external-secrets": "external-secrets-2.9.0/ (external-secrets/external-secrets@cc5bfbc2234a "
                        "deploy/charts/external-secrets, CRD templates generated at packaging: the released .tgz)",
    "argo-cd": "argo-cd-10.1.1/ with its redis-ha 4.38.0 dependency (argoproj/argo-helm@af0a9310bacb charts/argo-cd)",
    "argo-rollouts": "argo-rollouts-2.41.0/ (argoproj/argo-helm@8796aeaa8242 charts/argo-rollouts)",
    "opencost": "opencost-2.5.17/ (opencost/opencost-helm-chart@725bb939d6a6 charts/opencost)",
}

CHART_KEYS = {pin.chart: key for key, pin in CHARTS.items()}


@dataclass(frozen=True)
class Rendered:
    stack: str
    resource: str  # the Release's Pulumi name
    chart: str
    version: str
    name: str
    namespace: str
    kube_version: str
    values: dict[str, Any]
    path: Path
    objects: tuple[dict[str, Any], ...]

    @property
    def label(self) -> str:
        return f"{self.stack}/{self.resource}"


def helm_releases(p: Plan) -> list[PlannedResource]:
    return [r for r in p.resources if r.type == RELEASE]


def kube_version(p: Plan, release: PlannedResource) -> str:
    """The cluster version the release's MonitoringStack was built for (its namespaces carry it
    as the Pod Security ``enforce-version`` label)."""
    for r in p.children_of(release.parent or ""):
        labels = ((r.inputs.get("metadata") or {}).get("labels") or {}) if r.type.endswith(":Namespace") else {}
        version = labels.get("pod-security.kubernetes.io/enforce-version")
        if version:
            return str(version).lstrip("v")
    raise AssertionError(f"no namespace with a Pod Security version beside {release.name}")


def chart_available(key: str, values: dict[str, Any] | None = None) -> str | None:
    """``None`` when the pin's chart (with what it needs) can be loaded, else why not."""
    pin = CHARTS[key]
    try:
        charts.assemble(pin.chart, pin.version, values or {}, pin.repo)
    except charts.ChartUnavailable as exc:
        return str(exc)
    return None


@lru_cache(maxsize=None)
def crd_api_versions() -> tuple[str, ...]:
    """``group/version`` and ``group/version/Kind`` of every CRD the pinned charts ship, so
    charts that ask ``.Capabilities.APIVersions.Has`` see the CRDs installed before them."""
    out: set[str] = set()
    for crd in all_crds():
        spec = crd["spec"]
        for v in spec["versions"]:
            out.add(f"{spec['group']}/{v['name']}")
            out.add(f"{spec['group']}/{v['name']}/{spec['names']['kind']}")
    return tuple(sorted(out))


@lru_cache(maxsize=None)
def all_crds() -> tuple[dict[str, Any], ...]:
    """The CRDs of every available pinned chart: its crds/ directories, and the templates of
    charts that ship CRDs as templates (prometheus-operator-crds)."""
    found: dict[str, dict[str, Any]] = {}
    separate = chart_available("prometheus-operator-crds") is None
    for key, pin in CHARTS.items():
        if key == "kube-prometheus-stack" and separate:
            continue  # the same operator version's CRDs: read them once
        try:
            path = charts.locate(pin.chart, pin.version, pin.repo)  # crds/ needs no subchart assembled
            crds = charts.chart_crds(path)
            if key == "prometheus-operator-crds":
                assembled = charts.assemble(pin.chart, pin.version, {}, pin.repo)
                crds += charts.render(assembled.path, {}, name=key, namespace="default", kube_version="1.35")
        except charts.ChartUnavailable:
            continue
        for crd in crds:
            if crd.get("kind") == "CustomResourceDefinition":
                found.setdefault(crd["metadata"]["name"], crd)
    return tuple(found.values())


@lru_cache(maxsize=None)
def rendered(stack: str) -> tuple[Rendered, ...]:
    """Every release of ``stack``'s plan whose chart is available, rendered (cached per session)."""
    p = plan(stack)
    out = []
    for r in helm_releases(p):
        inputs = unwrap(r.inputs)
        key = CHART_KEYS.get(inputs["chart"].rsplit("/", 1)[-1])  # OCI charts: oci://registry/path/<chart>
        if key is None or chart_available(key, inputs["values"]) is not None:
            continue  # reported by the tests of where charts come from, not by every render test
        pin = CHARTS[key]
        assembled = charts.assemble(pin.chart, pin.version, inputs["values"], pin.repo)
        version = kube_version(p, r)
        objects = charts.render(assembled.path, inputs["values"], name=inputs["name"],
                                namespace=inputs["namespace"], kube_version=version,
                                api_versions=crd_api_versions())
        out.append(Rendered(stack=stack, resource=r.name, chart=pin.chart, version=pin.version,
                            name=inputs["name"], namespace=inputs["namespace"], kube_version=version,
                            values=inputs["values"], path=assembled.path, objects=tuple(objects)))
    return tuple(out)


def all_rendered() -> list[Rendered]:
    return [r for stack in STACKS for r in rendered(stack)]


def awaiting_report() -> list[str]:
    """One line per pin still waiting for its chart in ../shared/charts (empty when none)."""
    return [f"{key} {CHARTS[key].version}: needs {what}" for key, what in AWAITING_CHARTS.items()
            if chart_available(key) is not None]
