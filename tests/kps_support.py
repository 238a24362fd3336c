"""kube-prometheus-stack's own templates rendered with the real Helm engine while the chart
cannot render whole.

The pinned chart in ``../shared/charts`` lacks its kube-state-metrics and node-exporter
subcharts (``render_support.AWAITING_CHARTS``), and several of its templates read their values
(``templates/prometheus/clusterrole.yaml`` indexes ``.Values."prometheus-node-exporter"``), so
the full render waits. The templates this module renders read only the chart's own values:
the Grafana dashboards (``templates/grafana/dashboards-1.14``), the ``Prometheus`` and the
``Alertmanager`` resources, with ``templates/_helpers.tpl``. They are copied unmodified, with the
chart's ``Chart.yaml`` and ``values.yaml``, and rendered with the values the plan passes.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from components.versions import CHARTS
from tests.monitoring_support import RELEASE, unwrap
from tests.support import plan
from tools import charts

TEMPLATES = ("_helpers.tpl", "grafana/dashboards-1.14", "prometheus/prometheus.yaml",
             "alertmanager/alertmanager.yaml")


@dataclass(frozen=True)
class KpsRender:
    resource: str  # the Release's Pulumi name
    namespace: str
    values: dict[str, Any]
    objects: tuple[dict[str, Any], ...]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o["kind"] == kind]


def chart_dir() -> Path:
    pin = CHARTS["kube-prometheus-stack"]
    return charts.locate(pin.chart, pin.version, pin.repo)


@lru_cache(maxsize=1)
def subset_chart() -> Path:
    """A copy of the pinned chart holding only ``TEMPLATES`` (unmodified)."""
    source = chart_dir()
    target = Path(tempfile.mkdtemp(prefix="twincloud-kps-")) / "kube-prometheus-stack"
    (target / "templates").mkdir(parents=True)
    for name in ("Chart.yaml", "values.yaml"):
        shutil.copyfile(source / name, target / name)
    for rel in TEMPLATES:
        src, dst = source / "templates" / rel, target / "templates" / rel
        if src.is_dir():
            shutil.copytree(src, dst, copy_function=shutil.copyfile)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
    return target


def render_values(values: dict[str, Any], *, name: str = "kube-prometheus-stack", namespace: str = "monitoring",
                  kube_version: str = "1.33") -> list[dict[str, Any]]:
    return [o for o in charts.render(subset_chart(), values, name=name, namespace=namespace,
                                     kube_version=kube_version) if o]


@lru_cache(maxsize=None)
def rendered(stack: str) -> tuple[KpsRender, ...]:
    """The kube-prometheus-stack releases of ``stack``'s plan (EKS, and AKS in prod), rendered."""
    from tests.render_support import kube_version

    p = plan(stack)
    out = []
    for r in p.of_type(RELEASE):
        inputs = unwrap(r.inputs)
        if inputs["chart"] != "kube-prometheus-stack":
            continue
        objects = render_values(inputs["values"], name=inputs["name"], namespace=inputs["namespace"],
                                kube_version=kube_version(p, r))
        out.append(KpsRender(resource=r.name, namespace=inputs["namespace"], values=inputs["values"],
                             objects=tuple(objects)))
    return tuple(out)


def grafana_values(stack: str, resource: str) -> dict[str, Any]:
    """The values of the Grafana release beside the kube-prometheus-stack release ``resource``."""
    p = plan(stack)
    [kps] = [r for r in p.of_type(RELEASE) if r.name == resource]
    [grafana] = [r for r in p.children_of(kps.parent or "") if r.type == RELEASE
                 and unwrap(r.inputs)["chart"] == "grafana"]
    return unwrap(grafana.inputs)
