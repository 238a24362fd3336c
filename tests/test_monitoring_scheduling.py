"""Monitoring pods run at the platform PriorityClass, the class exists before them, and
replicated Prometheus and Alertmanager spread over zones. Charts rendered with the real Helm
engine (tests/render_support.py; kube-prometheus-stack from its own templates, tests/kps_support.py)."""

from __future__ import annotations

import pytest

from components.monitoring.workload_checks import pod_spec
from components.platform.values import PLATFORM_PRIORITY
from tests import kps_support as kps
from tests import render_support as rs
from tests.monitoring_support import RELEASE, STACK
from tests.support import creation_order
from tests.test_monitoring_render import _crd_schemas, validate

MONITORING_CHARTS = ("loki", "tempo", "alloy", "grafana")
PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_rendered_monitoring_pod_runs_at_the_platform_priority(stack):
    checked = 0
    for r in rs.rendered(stack):
        if r.chart not in MONITORING_CHARTS:
            continue
        for obj in (o for o in r.objects if pod_spec(o) is not None):
            assert pod_spec(obj).get("priorityClassName") == PLATFORM_PRIORITY, \
                f"{r.label} {obj['kind']} {obj['metadata']['name']}"
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_prometheus_and_alertmanager_run_at_the_platform_priority(stack):
    for r in kps.rendered(stack):
        for kind in ("Prometheus", "Alertmanager"):
            [cr] = r.of_kind(kind)
            assert cr["spec"]["priorityClassName"] == PLATFORM_PRIORITY, f"{r.resource} {kind}"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_kube_prometheus_stack_gives_its_other_pods_the_platform_priority(stack):
    """Operator, webhook jobs, kube-state-metrics and node-exporter: their templates are not
    renderable yet (subcharts awaited); the keys are the ones their templates read
    (prometheus-community/helm-charts@cf408a290aec: kube-prometheus-stack
    templates/prometheus-operator/deployment.yaml and admission-webhooks/job-patch/*.yaml,
    kube-state-metrics templates/deployment.yaml, prometheus-node-exporter templates/daemonset.yaml)."""
    for r in kps.rendered(stack):
        v = r.values
        assert v["prometheusOperator"]["priorityClassName"] == PLATFORM_PRIORITY
        assert v["prometheusOperator"]["admissionWebhooks"]["patch"]["priorityClassName"] == PLATFORM_PRIORITY
        assert v["kube-state-metrics"]["priorityClassName"] == PLATFORM_PRIORITY
        assert v["prometheus-node-exporter"]["priorityClassName"] == PLATFORM_PRIORITY


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_priority_class_is_created_before_every_monitoring_release(stack, request):
    plan = request.getfixturevalue(f"{stack}_plan")
    before = creation_order(plan)
    classes = {r.urn for r in plan.of_type(PRIORITY_CLASS)}
    releases = [r for r in plan.of_type(RELEASE) if f"{STACK}$" in r.urn]
    assert releases
    for release in releases:
        assert before[release.urn] & classes, release.name


def test_prod_spreads_prometheus_and_alertmanager_replicas_over_zones():
    for r in kps.rendered("prod"):
        for kind, selector in (("Prometheus", {"app.kubernetes.io/name": "prometheus",
                                               "app.kubernetes.io/instance": "kube-prometheus-stack-prometheus"}),
                               ("Alertmanager", {"app.kubernetes.io/name": "alertmanager",
                                                 "alertmanager": "kube-prometheus-stack-alertmanager"})):
            [cr] = r.of_kind(kind)
            assert cr["spec"]["replicas"] >= 2
            assert cr["spec"]["topologySpreadConstraints"] == [{
                "maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": selector}}], f"{r.resource} {kind}"


def test_dev_single_replicas_have_no_zone_spread():
    for r in kps.rendered("dev"):
        for kind in ("Prometheus", "Alertmanager"):
            [cr] = r.of_kind(kind)
            assert "topologySpreadConstraints" not in cr["spec"]


def test_the_spread_selects_the_labels_the_chart_gives_its_own_anti_affinity():
    """The spread counts the same pods as the chart's hard anti-affinity (one per node)."""
    for r in kps.rendered("prod"):
        for kind in ("Prometheus", "Alertmanager"):
            [cr] = r.of_kind(kind)
            terms = cr["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
            anti = {e["key"]: e["values"] for e in terms[0]["labelSelector"]["matchExpressions"]}
            spread = cr["spec"]["topologySpreadConstraints"][0]["labelSelector"]["matchLabels"]
            assert {k: [v] for k, v in spread.items()} == anti, f"{r.resource} {kind}"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_rendered_prometheus_and_alertmanager_validate_against_their_crds(stack):
    crds = _crd_schemas()
    for r in kps.rendered(stack):
        for obj in r.objects:
            if obj["kind"] in ("Prometheus", "Alertmanager"):
                validate(obj, "1.33", crds)
