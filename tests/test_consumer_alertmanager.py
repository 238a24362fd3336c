"""The Alertmanager configuration the stacks render passes ``amtool check-config`` (Debian
package ``prometheus-alertmanager``; ``make test`` installs it like promtool).

The Debian amtool is 0.25.0 while the pinned Alertmanager image is v0.34.0
(``components/versions.py``). The 0.26-0.34 entries of prometheus/alertmanager@085f0ef7 (tag
v0.34.0) CHANGELOG.md remove no configuration field, and every field the renderer writes is a
yaml tag in that tag's config/ package (config.go, notifiers.go, common/inhibitrule.go), so a
config amtool 0.25 accepts is read by 0.34 too. Fields added after 0.25 would be rejected here.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from components.monitoring.alertmanager_config import Receiver, alertmanager_config
from components.monitoring.stack import ALERTMANAGER_SECRET
from tests.monitoring_support import unwrap
from tools.engine import OFFLINE_SECRET

AMTOOL = shutil.which("amtool")
pytestmark = pytest.mark.skipif(
    AMTOOL is None,
    reason="amtool not installed (apt-get install prometheus-alertmanager, or run `make test`, which installs it)",
)
# Receiver URLs are stack secrets the offline plan cannot decrypt (tools.engine.OFFLINE_SECRET);
# amtool needs a URL there, so the check substitutes one of the same shape.
PLACEHOLDER_URL = "https://hooks.example.invalid/offline-placeholder"


def check_config(tmp_path, text: str) -> subprocess.CompletedProcess:
    path = tmp_path / "alertmanager.yaml"
    path.write_text(text)
    return subprocess.run([AMTOOL, "check-config", str(path)], capture_output=True, text=True, timeout=60)


def rendered(plan) -> list[str]:
    """Every ``alertmanager.yaml`` the plan puts in an Alertmanager config Secret."""
    secrets = [r for r in plan.of_type("kubernetes:core/v1:Secret")
               if r.inputs["metadata"]["name"] == ALERTMANAGER_SECRET]
    assert secrets
    return [unwrap(s.inputs["stringData"])["alertmanager.yaml"].replace(OFFLINE_SECRET, PLACEHOLDER_URL)
            for s in secrets]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_alertmanager_config_passes_amtool_check_config(stack, request, tmp_path):
    for text in rendered(request.getfixturevalue(f"{stack}_plan")):
        result = check_config(tmp_path, text)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "SUCCESS" in result.stdout


def test_webhook_and_slack_receivers_pass_amtool_check_config(tmp_path):
    config = alertmanager_config([
        Receiver("oncall", "https://hooks.example.invalid/a"),
        Receiver("chat", "https://hooks.slack.example.invalid/b", type="slack", channel="#alerts"),
    ])
    result = check_config(tmp_path, yaml.safe_dump(config, sort_keys=False))
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_receivers_passes_amtool_check_config(tmp_path):
    result = check_config(tmp_path, yaml.safe_dump(alertmanager_config([]), sort_keys=False))
    assert result.returncode == 0, result.stdout + result.stderr


def test_amtool_rejects_a_route_to_an_undefined_receiver(tmp_path):
    config = alertmanager_config([Receiver("oncall", "https://hooks.example.invalid/a")])
    config["route"]["routes"].append({"receiver": "nobody", "continue": True})
    result = check_config(tmp_path, yaml.safe_dump(config, sort_keys=False))
    assert result.returncode != 0 and "nobody" in result.stdout + result.stderr


def test_amtool_rejects_an_unknown_field(tmp_path):
    config = alertmanager_config([])
    config["route"]["group_waits"] = "30s"
    result = check_config(tmp_path, yaml.safe_dump(config, sort_keys=False))
    assert result.returncode != 0 and "group_waits" in result.stdout + result.stderr
