"""Alert routing by severity and team, and the PagerDuty, Opsgenie and e-mail receivers: the
rendered ``alertmanager.yaml`` passes ``amtool check-config`` and ``amtool config routes test``
delivers each alert where the config says; bad receiver and routing config is refused with the
key and the fix; receiver secrets stay Pulumi secrets outside every Helm value."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from components.monitoring.alertmanager_config import Receiver, Routing, SeverityRoutes, Smtp, alertmanager_config
from tests.monitoring_support import RELEASE
from tests.test_consumer_alertmanager import AMTOOL, check_config, rendered
from tests.test_monitoring_config import _problems
from tools.engine import OFFLINE_SECRET, Secret

pytestmark = pytest.mark.skipif(AMTOOL is None, reason="amtool not installed (run `make test`, which installs it)")

RECEIVERS = [
    Receiver("pager", type="pagerduty", routing_key="pd-key"),
    Receiver("chat", "https://hooks.slack.example.invalid/b", type="slack", channel="#alerts"),
    Receiver("mail", type="email", to="oncall@example.com"),
    Receiver("genie", type="opsgenie", api_key="og-key", url="https://api.eu.opsgenie.com/"),
    Receiver("payments-pager", type="pagerduty", routing_key="pd-key-2"),
]
ROUTING = Routing(critical=("pager", "chat"), warning=("chat",), default=("mail",),
                  teams={"payments": SeverityRoutes(critical=("payments-pager",), warning=("genie",))})
SMTP = Smtp(smarthost="email-smtp.eu-west-1.amazonaws.com:587", sender="alerts@example.com", username="user",
            password="smtp-password")


def routes_test(tmp_path, text: str, *labels: str) -> list[str]:
    path = tmp_path / "alertmanager.yaml"
    path.write_text(text)
    result = subprocess.run([AMTOOL, "config", "routes", "test", f"--config.file={path}", *labels],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().split(",")


@pytest.fixture(scope="module")
def routed() -> str:
    return yaml.safe_dump(alertmanager_config(RECEIVERS, ROUTING, SMTP), sort_keys=False)


def test_pagerduty_opsgenie_and_email_receivers_pass_amtool_check_config(tmp_path, routed):
    result = check_config(tmp_path, routed)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("labels", "receivers"), [
    (("severity=critical",), ["pager", "chat"]),
    (("severity=warning",), ["chat"]),
    (("severity=info",), ["mail"]),
    (("severity=critical", "team=payments"), ["payments-pager"]),
    (("severity=warning", "team=payments"), ["genie"]),
    (("severity=info", "team=payments"), ["mail"]),  # the team sets no default: the platform's
    (("severity=warning", "team=search"), ["chat"]),  # a team without routes: the platform's
    (("alertname=Watchdog", "severity=none"), ["null"]),
])
def test_alerts_route_by_severity_and_team(tmp_path, routed, labels, receivers):
    assert routes_test(tmp_path, routed, *labels) == receivers


def test_without_routing_every_alert_reaches_every_receiver(tmp_path):
    text = yaml.safe_dump(alertmanager_config(RECEIVERS[:2]), sort_keys=False)
    assert routes_test(tmp_path, text, "severity=info") == ["pager", "chat"]


def test_email_without_smtp_settings_is_refused_before_amtool():
    with pytest.raises(ValueError, match="SMTP"):
        alertmanager_config([Receiver("mail", type="email", to="a@example.com")])


def test_amtool_refuses_email_without_a_global_smarthost(tmp_path):
    config = alertmanager_config(RECEIVERS, ROUTING, SMTP)
    del config["global"]["smtp_smarthost"]
    result = check_config(tmp_path, yaml.safe_dump(config))
    assert result.returncode != 0 and "smarthost" in result.stdout + result.stderr


def test_routing_naming_an_unknown_receiver_is_refused_by_the_renderer():
    with pytest.raises(ValueError, match=r"\['nobody'\]"):
        alertmanager_config(RECEIVERS, Routing(critical=("nobody",)), SMTP)


def test_prod_plan_pages_on_critical_and_chats_on_warning(tmp_path, prod_plan):
    for text in rendered(prod_plan):
        assert routes_test(tmp_path, text, "severity=critical") == ["platform-pager", "platform-oncall"]
        assert routes_test(tmp_path, text, "severity=warning") == ["platform-oncall"]


def test_prod_plan_keeps_the_pagerduty_routing_key_a_secret_outside_helm_values(prod_plan):
    secrets = [r for r in prod_plan.of_type("kubernetes:core/v1:Secret")
               if r.inputs["metadata"]["name"] == "alertmanager-twincloud"]
    assert secrets and all(isinstance(s.inputs["stringData"], Secret) for s in secrets)
    text = rendered(prod_plan)[0]
    [pager] = [r for r in yaml.safe_load(text)["receivers"] if r["name"] == "platform-pager"]
    assert pager["pagerduty_configs"][0]["routing_key"]  # the placeholder the offline plan holds
    for release in prod_plan.of_type(RELEASE):
        assert OFFLINE_SECRET not in json.dumps(release.inputs, default=str), release.name


# -- config: the key and the fix ---------------------------------------------------------------

R = "twincloud:monitoring.alertmanager"


def test_a_pagerduty_receiver_without_a_routing_key_is_refused():
    problems = _problems("dev", f'{R}.receivers=[{{"name": "pager", "type": "pagerduty"}}]')
    assert problems == [f"{R}.receivers[0]: receiver 'pager': a pagerduty receiver needs routingKey "
                        "(a secret: pulumi config set --secret --path ...)"]


def test_a_key_another_receiver_type_takes_is_refused():
    problems = _problems("dev", f'{R}.receivers=[{{"name": "chat", "type": "slack", "url": "https://hooks.example.com/x", '
                                '"routingKey": "k"}]')
    assert len(problems) == 1 and "a slack receiver does not take routingKey (it takes url, channel)" in problems[0]


def test_an_unknown_receiver_type_is_refused_naming_the_allowed_ones():
    problems = _problems("dev", f'{R}.receivers=[{{"name": "t", "type": "msteams", "url": "https://x.example.com/"}}]')
    assert len(problems) == 1 and problems[0].startswith(f"{R}.receivers[0].type")
    assert "pagerduty" in problems[0] and "opsgenie" in problems[0] and "email" in problems[0]


def test_routing_to_a_receiver_that_does_not_exist_is_refused():
    problems = _problems("dev", f'{R}.receivers=[{{"name": "chat", "url": "https://hooks.example.com/x"}}]',
                         f'{R}.routing={{"critical": ["pager"], "teams": {{"payments": {{"warning": ["nobody"]}}}}}}')
    assert len(problems) == 1
    assert "routing.critical names receivers ['pager'] that are not in receivers (known: ['chat'])" in problems[0]
    assert "routing.teams.payments.warning names receivers ['nobody']" in problems[0]


def test_an_email_receiver_without_smtp_settings_is_refused():
    problems = _problems("dev", f'{R}.receivers=[{{"name": "mail", "type": "email", "to": "oncall@example.com"}}]')
    assert problems == [f"{R}: email receivers need smtp: {{smarthost: host:port, from: address}} "
                        "(and username/password if the relay asks)"]


def test_a_bad_email_address_is_refused():
    problems = _problems("dev", f'{R}.receivers=[{{"name": "mail", "type": "email", "to": "oncall"}}]',
                         f'{R}.smtp={{"smarthost": "smtp.example.com:587", "from": "alerts@example.com"}}')
    assert len(problems) == 1 and problems[0].startswith(f"{R}.receivers[0].to")


def test_a_team_name_that_is_no_label_value_is_refused():
    problems = _problems("dev", f'{R}.receivers=[{{"name": "chat", "url": "https://hooks.example.com/x"}}]',
                         f'{R}.routing={{"teams": {{"Pay Ments": {{"critical": ["chat"]}}}}}}')
    assert len(problems) == 1 and problems[0].startswith(f"{R}.routing.teams") and "Pay Ments" in problems[0]


def test_prod_routing_must_page_someone_on_critical():
    problems = _problems("prod", f'{R}.routing.critical=[]')
    assert problems == [f"{R}: prod routes critical alerts to nobody; list a paging receiver in routing.critical"]


def test_the_plan_cli_exits_2_naming_the_receiver_key_and_the_fix():
    from tests.test_plan_cli import run_plan

    result = run_plan("--stack", "dev", "--set", f'{R}.receivers=[{{"name": "pager", "type": "pagerduty"}}]')
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stdout == ""
    assert f"{R}.receivers[0]: receiver 'pager': a pagerduty receiver needs routingKey" in result.stderr
