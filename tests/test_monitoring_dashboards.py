"""kube-prometheus-stack's Kubernetes dashboards reach our Grafana: the chart renders them as
ConfigMaps (its bundled Grafana stays off) and our Grafana's dashboard sidecar loads them.
kube-prometheus-stack is rendered from its own templates (tests/kps_support.py), Grafana whole
(tests/render_support.py)."""

from __future__ import annotations

import pytest

from components.monitoring.values import KUBERNETES_DASHBOARD_FOLDER
from tests import kps_support as kps
from tests import render_support as rs
from tools import charts

STACKS = ("dev", "prod")
# Dashboards every cluster needs (file names in the chart's templates/grafana/dashboards-1.14).
CORE = ("k8s-resources-cluster.json", "k8s-resources-namespace.json", "k8s-resources-pod.json",
        "k8s-resources-workload.json", "k8s-resources-node.json", "nodes.json", "kubelet.json",
        "persistentvolumesusage.json", "prometheus.json", "alertmanager-overview.json", "apiserver.json")
# Dashboards of what a managed control plane hides or what we do not run (their toggles are off).
ABSENT = ("etcd.json", "controller-manager.json", "scheduler.json", "proxy.json", "k8s-resources-windows-cluster.json")


def _dashboards(r: kps.KpsRender) -> dict[str, dict]:
    return {file: cm for cm in r.of_kind("ConfigMap") for file in cm.get("data", {})}


@pytest.mark.parametrize("stack", STACKS)
def test_kubernetes_dashboards_are_rendered_although_the_bundled_grafana_is_off(stack):
    for r in kps.rendered(stack):
        assert r.values["grafana"]["enabled"] is False
        files = _dashboards(r)
        assert set(CORE) <= set(files), f"{r.resource}: missing {sorted(set(CORE) - set(files))}"
        assert not set(ABSENT) & set(files), r.resource


@pytest.mark.parametrize("stack", STACKS)
def test_dashboards_carry_the_label_and_namespace_our_grafana_sidecar_watches(stack):
    for r in kps.rendered(stack):
        grafana = kps.grafana_values(stack, r.resource)
        sidecar = grafana["values"]["sidecar"]["dashboards"]
        assert sidecar["enabled"] is True and sidecar["resource"] == "configmap"
        assert "searchNamespace" not in sidecar  # the sidecar watches its own namespace only
        for cm in r.of_kind("ConfigMap"):
            meta = cm["metadata"]
            assert meta["namespace"] == grafana["namespace"], meta["name"]
            assert meta["labels"][sidecar["label"]] == sidecar["labelValue"], meta["name"]
            assert meta["annotations"][sidecar["folderAnnotation"]] == KUBERNETES_DASHBOARD_FOLDER


def test_rendered_grafana_sidecar_loads_labelled_configmaps_of_its_namespace_into_folders():
    [grafana] = [r for r in rs.rendered("dev") if r.chart == "grafana"]
    [deployment] = [o for o in grafana.objects if o["kind"] == "Deployment"]
    [sidecar] = [c for c in deployment["spec"]["template"]["spec"]["containers"]
                 if c["name"] == "grafana-sc-dashboard"]
    env = {e["name"]: e.get("value") for e in sidecar["env"]}
    assert env["LABEL"] == "grafana_dashboard" and env["LABEL_VALUE"] == "1"
    assert env["RESOURCE"] == "configmap"
    assert env["FOLDER_ANNOTATION"] == "grafana_folder"
    assert "NAMESPACE" not in env  # unset: the sidecar reads only the pod's own namespace


def test_dashboard_values_are_keys_of_kube_prometheus_stack_itself():
    """The chart's generic key check skips ``grafana.*`` (the absent grafana subchart's keys);
    these keys are read by kube-prometheus-stack's own templates, so check them there."""
    [r] = kps.rendered("dev")
    defaults = charts.raw_defaults(kps.chart_dir())
    missing = [".".join(p) for p in charts.leaf_paths({"grafana": r.values["grafana"]})
               if not _has(defaults, p) and p[-1] != "grafana_folder"]
    assert missing == []


def _has(tree: dict, path: tuple[str, ...]) -> bool:
    for key in path:
        if not isinstance(tree, dict) or key not in tree:
            return False
        tree = tree[key]
    return True


def test_every_dashboard_value_changes_what_the_chart_renders():
    [r] = kps.rendered("dev")
    # grafana.enabled is the bundled subchart's condition (Chart.yaml dependencies), read by Helm
    # outside the templates.
    paths = [p for p in charts.leaf_paths({"grafana": r.values["grafana"]}) if p != ("grafana", "enabled")]
    ignored = charts.ignored_values(kps.subset_chart(), r.values, name="kube-prometheus-stack",
                                    namespace=r.namespace, kube_version="1.33", paths=paths)
    assert ignored == []


def test_without_force_deploy_the_chart_renders_no_dashboard():
    [r] = kps.rendered("dev")
    values = {**r.values, "grafana": {**r.values["grafana"], "forceDeployDashboards": False}}
    assert [o for o in kps.render_values(values) if o["kind"] == "ConfigMap"] == []
