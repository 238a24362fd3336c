"""The Alertmanager configuration file as data, from the configured receivers.

The file holds webhook URLs (which embed tokens), so the component stores it in a
Kubernetes Secret built from a Pulumi secret, never in Helm values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NULL_RECEIVER = "null"
RECEIVER_TYPES = ("webhook", "slack")


@dataclass(frozen=True)
class Receiver:
    """One Alertmanager receiver; ``url`` is the webhook URL (Slack: the incoming-webhook URL)."""

    name: str
    url: str
    type: str = "webhook"
    channel: str | None = None
    send_resolved: bool = True


def _receiver(r: Receiver) -> dict[str, Any]:
    if r.type == "webhook":
        return {"name": r.name, "webhook_configs": [{"url": r.url, "send_resolved": r.send_resolved}]}
    if r.type == "slack":
        cfg: dict[str, Any] = {"api_url": r.url, "send_resolved": r.send_resolved,
                               "title": '{{ template "slack.default.title" . }}',
                               "text": '{{ template "slack.default.text" . }}'}
        if r.channel:
            cfg["channel"] = r.channel
        return {"name": r.name, "slack_configs": [cfg]}
    raise ValueError(f"receiver type must be one of {RECEIVER_TYPES}, got {r.type!r}")


def alertmanager_config(receivers: list[Receiver]) -> dict[str, Any]:
    """Every alert goes to every configured receiver (one route each, ``continue``); the
    Watchdog heartbeat and the InfoInhibitor go nowhere. With no receivers, alerts are
    kept in Alertmanager's UI only (the ``null`` receiver)."""
    names = [r.name for r in receivers]
    if NULL_RECEIVER in names or len(set(names)) != len(names):
        raise ValueError(f"receiver names must be unique and not {NULL_RECEIVER!r}: {names}")
    silenced = [{"receiver": NULL_RECEIVER, "matchers": [f'alertname = "{a}"']}
                for a in ("Watchdog", "InfoInhibitor")]
    return {
        "global": {"resolve_timeout": "5m"},
        "route": {
            "receiver": NULL_RECEIVER,
            "group_by": ["alertname", "namespace", "service"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "4h",
            "routes": silenced + [{"receiver": r.name, "continue": True} for r in receivers],
        },
        "inhibit_rules": [{
            "source_matchers": ['severity = "critical"'],
            "target_matchers": ['severity = "warning"'],
            "equal": ["alertname", "namespace", "service"],
        }],
        "receivers": [{"name": NULL_RECEIVER}] + [_receiver(r) for r in receivers],
        "templates": ["/etc/alertmanager/config/*.tmpl"],
    }
