"""Alert rules and dashboard queries parse with promtool (Debian package ``prometheus``).

``make test`` installs promtool when it is missing; the tests skip with a reason only when
it cannot be found at all.
"""

import shutil
import subprocess

import pytest
import yaml

from components.monitoring.alert_rules import alert_rules
from components.monitoring.endpoints import StackEndpoints
from components.monitoring.grafana import dashboard_queries, dashboards

PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None,
    reason="promtool not installed (apt-get install prometheus, or run `make test`, which installs it)",
)
EP = StackEndpoints()


def _check_rules(tmp_path, document) -> subprocess.CompletedProcess:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return subprocess.run([PROMTOOL, "check", "rules", str(path)], capture_output=True, text=True, timeout=60)


@needs_promtool
def test_alert_rules_pass_promtool_check_rules(tmp_path):
    rules = alert_rules(EP)
    result = _check_rules(tmp_path, rules)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {sum(len(g['rules']) for g in rules['groups'])} rules found" in result.stdout


@needs_promtool
def test_promtool_check_catches_a_broken_rule(tmp_path):
    rules = alert_rules(EP)
    rules["groups"][0]["rules"][0]["expr"] = "sum by (service (rate(x[5m]))"
    assert _check_rules(tmp_path, rules).returncode != 0


@needs_promtool
def test_dashboard_queries_parse_as_promql(tmp_path):
    substitutions = {"$__rate_interval": "5m", "$service": ".*", "$namespace": ".*"}
    records = []
    for file, model in dashboards(EP).items():
        for i, query in enumerate(dashboard_queries(model)):
            for var, value in substitutions.items():
                query = query.replace(var, value)
            records.append({"record": f"dashboard:{file.removesuffix('.json').replace('-', '_')}:{i}", "expr": query})
    result = _check_rules(tmp_path, {"groups": [{"name": "dashboards", "rules": records}]})
    assert result.returncode == 0, result.stdout + result.stderr


def test_starter_alerts_cover_the_issue():
    rules = {r["alert"]: r for g in alert_rules(EP)["groups"] for r in g["rules"]}
    assert "> 0.5" in rules["ServiceHighLatencyP95"]["expr"] and rules["ServiceHighLatencyP95"]["for"] == "5m"
    assert "5.." in rules["ServiceHigh5xxRatio"]["expr"]
    assert "> 0.9" in rules["NodeHighCpu"]["expr"] and rules["NodeHighCpu"]["for"] == "10m"
    assert "CrashLoopBackOff" in rules["PodCrashLooping"]["expr"]
    for component in ("Prometheus", "Loki", "Tempo"):
        assert f"{component}TargetDown" in rules and f"{component}TargetMissing" in rules
    assert all(r["labels"]["severity"] in ("warning", "critical") for r in rules.values())


def test_target_down_alerts_follow_the_stacks_service_names():
    rules = {r["alert"]: r for g in alert_rules(StackEndpoints(namespace="obs"))["groups"] for r in g["rules"]}
    assert rules["TempoTargetDown"]["expr"] == 'up{namespace="obs", service=~"tempo"} == 0'
