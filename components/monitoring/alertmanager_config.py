"""The Alertmanager configuration file as data, from the configured receivers and routing.

The file holds webhook URLs, routing keys, API keys and the SMTP password, so the component
stores it in a Kubernetes Secret built from a Pulumi secret, never in Helm values.

Field names are the yaml tags of prometheus/alertmanager@085f0ef7 (tag v0.34.0, the pinned
image): config/config.go (``Receiver``: ``webhook_configs``, ``slack_configs``,
``pagerduty_configs``, ``opsgenie_configs``, ``email_configs``; ``GlobalConfig``: ``smtp_*``),
notify/pagerduty/config.go (``routing_key``), notify/opsgenie/config.go (``api_key``,
``api_url``), config/notifiers.go (``EmailConfig.to``; ``send_resolved`` on every notifier).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NULL_RECEIVER = "null"
RECEIVER_TYPES = ("webhook", "slack", "pagerduty", "opsgenie", "email")
SEVERITIES = ("critical", "warning")  # the severities routed by name; everything else is ``default``


@dataclass(frozen=True)
class Receiver:
    """One Alertmanager receiver. Secrets (already resolved): ``url`` (webhook URL, Slack
    incoming-webhook URL, or Opsgenie API URL), ``routing_key`` (PagerDuty Events API v2),
    ``api_key`` (Opsgenie). ``to``: e-mail address(es)."""

    name: str
    url: str | None = None
    type: str = "webhook"
    channel: str | None = None
    send_resolved: bool = True
    routing_key: str | None = None
    api_key: str | None = None
    to: str | None = None


@dataclass(frozen=True)
class SeverityRoutes:
    """Receiver names per severity; ``default`` gets every other alert (``info``, no severity)."""

    critical: tuple[str, ...] = ()
    warning: tuple[str, ...] = ()
    default: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {*self.critical, *self.warning, *self.default}


@dataclass(frozen=True)
class Routing(SeverityRoutes):
    """Routing by ``severity``, and by ``team`` label to that team's receivers (a severity the
    team does not set falls back to the platform's receivers for it)."""

    teams: dict[str, SeverityRoutes] = field(default_factory=dict)


@dataclass(frozen=True)
class Smtp:
    """Global SMTP settings (``smtp_*``), required by ``email`` receivers."""

    smarthost: str
    sender: str
    username: str | None = None
    password: str | None = None
    require_tls: bool = True


def _receiver(r: Receiver) -> dict[str, Any]:
    def need(value: str | None, key: str) -> str:
        if not value:
            raise ValueError(f"receiver {r.name!r} ({r.type}) needs {key}")
        return value

    if r.type == "webhook":
        return {"name": r.name, "webhook_configs": [{"url": need(r.url, "url"), "send_resolved": r.send_resolved}]}
    if r.type == "slack":
        cfg: dict[str, Any] = {"api_url": need(r.url, "url"), "send_resolved": r.send_resolved,
                               "title": '{{ template "slack.default.title" . }}',
                               "text": '{{ template "slack.default.text" . }}'}
        if r.channel:
            cfg["channel"] = r.channel
        return {"name": r.name, "slack_configs": [cfg]}
    if r.type == "pagerduty":
        return {"name": r.name, "pagerduty_configs": [{"routing_key": need(r.routing_key, "routing_key"),
                                                       "send_resolved": r.send_resolved}]}
    if r.type == "opsgenie":
        cfg = {"api_key": need(r.api_key, "api_key"), "send_resolved": r.send_resolved}
        if r.url:
            cfg["api_url"] = r.url
        return {"name": r.name, "opsgenie_configs": [cfg]}
    if r.type == "email":
        return {"name": r.name, "email_configs": [{"to": need(r.to, "to"), "send_resolved": r.send_resolved}]}
    raise ValueError(f"receiver type must be one of {RECEIVER_TYPES}, got {r.type!r}")


def _to(names: tuple[str, ...]) -> dict[str, Any]:
    """A route delivering to every receiver in ``names`` (one child each, all matching)."""
    if len(names) == 1:
        return {"receiver": names[0]}
    return {"receiver": NULL_RECEIVER, "routes": [{"receiver": n, "continue": True} for n in names]}


def _severity_routes(r: SeverityRoutes) -> list[dict[str, Any]]:
    routes = [{"matchers": [f'severity = "{sev}"'], **_to(getattr(r, sev))} for sev in SEVERITIES if getattr(r, sev)]
    if r.default:
        routes.append(_to(r.default))  # no matcher: every alert the severity routes left
    return routes


def _team(team: SeverityRoutes, platform: SeverityRoutes) -> SeverityRoutes:
    return SeverityRoutes(**{key: getattr(team, key) or getattr(platform, key) for key in (*SEVERITIES, "default")})


def _routes(receivers: list[Receiver], routing: Routing | None) -> list[dict[str, Any]]:
    if routing is None:  # every alert to every receiver (0.1.0 behaviour)
        return [{"receiver": r.name, "continue": True} for r in receivers]
    known = {r.name for r in receivers}
    unknown = sorted((routing.names() | {n for t in routing.teams.values() for n in t.names()}) - known)
    if unknown:
        raise ValueError(f"routing names receivers that do not exist: {unknown}; known: {sorted(known)}")
    teams = [{"matchers": [f'team = "{name}"'], "receiver": NULL_RECEIVER,
              "routes": _severity_routes(_team(team, routing))}
             for name, team in sorted(routing.teams.items())]
    return teams + _severity_routes(routing)


def _global(smtp: Smtp | None) -> dict[str, Any]:
    out: dict[str, Any] = {"resolve_timeout": "5m"}
    if smtp is not None:
        out.update({"smtp_smarthost": smtp.smarthost, "smtp_from": smtp.sender, "smtp_require_tls": smtp.require_tls})
        if smtp.username:
            out["smtp_auth_username"] = smtp.username
        if smtp.password:
            out["smtp_auth_password"] = smtp.password
    return out


def alertmanager_config(receivers: list[Receiver], routing: Routing | None = None,
                        smtp: Smtp | None = None) -> dict[str, Any]:
    """Without ``routing``, every alert goes to every configured receiver (one route each,
    ``continue``). With it, alerts carrying a configured ``team`` label go to that team's
    receivers, then ``severity: critical`` / ``warning`` to theirs, and the rest to ``default``;
    an alert no route takes is kept in Alertmanager's UI only (the ``null`` receiver). The
    Watchdog heartbeat and the InfoInhibitor go nowhere."""
    names = [r.name for r in receivers]
    if NULL_RECEIVER in names or len(set(names)) != len(names):
        raise ValueError(f"receiver names must be unique and not {NULL_RECEIVER!r}: {names}")
    if smtp is None and any(r.type == "email" for r in receivers):
        raise ValueError("email receivers need the SMTP settings (smarthost, from)")
    silenced = [{"receiver": NULL_RECEIVER, "matchers": [f'alertname = "{a}"']}
                for a in ("Watchdog", "InfoInhibitor")]
    return {
        "global": _global(smtp),
        "route": {
            "receiver": NULL_RECEIVER,
            "group_by": ["alertname", "namespace", "service"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "4h",
            "routes": silenced + _routes(receivers, routing),
        },
        "inhibit_rules": [{
            "source_matchers": ['severity = "critical"'],
            "target_matchers": ['severity = "warning"'],
            "equal": ["alertname", "namespace", "service"],
        }],
        "receivers": [{"name": NULL_RECEIVER}] + [_receiver(r) for r in receivers],
        "templates": ["/etc/alertmanager/config/*.tmpl"],
    }
