"""The render findings, checked on the values the plans pass (these run even where a chart is
still awaited in shared/charts; tests/test_monitoring_render.py checks the rendered objects)."""

from __future__ import annotations

import yaml

from tests.monitoring_support import RELEASE


def _releases(p, chart):
    found = [r.inputs for r in p.of_type(RELEASE) if r.inputs["chart"] == chart]
    assert found, chart
    return found


def test_loki_config_has_cache_clients_exactly_when_the_chart_runs_caches(dev_plan, prod_plan):
    seen = set()
    for p in (dev_plan, prod_plan):
        for release in _releases(p, "loki"):
            values = release["values"]
            config = yaml.safe_load(values["loki"]["config"])
            caches = values["chunksCache"]["enabled"]
            assert values["resultsCache"]["enabled"] == caches
            assert ("chunk_store_config" in config) == caches
            assert ("results_cache" in config["query_range"]) == caches
            assert config["query_range"]["cache_results"] == caches
            seen.add(caches)
    assert seen == {True, False}  # prod runs them, dev does not


def test_kube_prometheus_stack_helpers_have_requests(dev_plan, prod_plan):
    for p in (dev_plan, prod_plan):
        for release in _releases(p, "kube-prometheus-stack"):
            v = release["values"]
            for block in (v["kube-state-metrics"], v["prometheus-node-exporter"],
                          v["prometheusOperator"]["admissionWebhooks"]["patch"]):
                assert set(block["resources"]["requests"]) == {"cpu", "memory"}


def test_kube_state_metrics_does_not_list_secrets(dev_plan, prod_plan):
    for p in (dev_plan, prod_plan):
        for release in _releases(p, "kube-prometheus-stack"):
            collectors = release["values"]["kube-state-metrics"]["collectors"]
            assert "secrets" not in collectors and "pods" in collectors


def test_node_exporter_drops_every_capability_and_privilege(dev_plan, prod_plan):
    for p in (dev_plan, prod_plan):
        for release in _releases(p, "kube-prometheus-stack"):
            exporter = release["values"]["prometheus-node-exporter"]
            sc = exporter["containerSecurityContext"]
            assert sc["capabilities"] == {"drop": ["ALL"]}
            assert sc["allowPrivilegeEscalation"] is False and sc["readOnlyRootFilesystem"] is True
            assert exporter["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}


def test_loki_gateway_runs_no_access_log_exporter(dev_plan, prod_plan):
    for p in (dev_plan, prod_plan):
        for release in _releases(p, "loki"):
            assert release["values"]["gateway"]["metrics"] == {"enabled": False}


def test_grafana_uses_a_namespaced_role_and_recreate_with_a_volume(dev_plan, prod_plan):
    for p in (dev_plan, prod_plan):
        for release in _releases(p, "grafana"):
            v = release["values"]
            assert v["rbac"] == {"namespaced": True}
            assert v["sidecar"]["dashboards"]["resource"] == "configmap"
            if v["persistence"]["enabled"]:
                assert v["deploymentStrategy"] == {"type": "Recreate"}
            else:
                assert "deploymentStrategy" not in v
