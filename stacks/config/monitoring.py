"""Config section ``twincloud:monitoring``: the monitoring stack's mode, retention and sizing.

Durations are whole hours, days or weeks (``12h``, ``14d``, ``2w``); sizes are Kubernetes
quantities in ``Mi``/``Gi``/``Ti``. Alertmanager receiver URLs embed tokens: set them as
secrets (``pulumi config set --secret --path 'twincloud:monitoring.alertmanager.receivers[0].url' ...``).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator

from components.monitoring.durations import DURATION, QUANTITY, hours, mebibytes
from stacks.config.base import Model, is_prod

K8S_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")  # fullmatch: `$` lets a trailing newline through
CPU = re.compile(r"(\d+m|\d+(\.\d+)?)")
# What the offline plan holds for a value set with --secret (it cannot decrypt it).
OFFLINE_SECRET = "offline-placeholder-secret"
PROD_MIN_PROMETHEUS_MEMORY = "1Gi"  # Prometheus was OOMKilled at 512Mi replaying its WAL


def _duration(v: str) -> str:
    if not DURATION.match(v):
        raise ValueError("use a whole number of hours, days or weeks, e.g. 12h, 14d or 2w")
    if hours(v) < 1:
        raise ValueError("must be at least 1h")
    return v


def _quantity(v: str) -> str:
    if not QUANTITY.match(v):
        raise ValueError("use a Kubernetes quantity in Mi, Gi or Ti, e.g. 512Mi or 20Gi")
    if mebibytes(v) == 0:
        raise ValueError("must be more than 0 (a volume or memory limit of 0 cannot hold anything)")
    return v


class RetentionConfig(Model):
    """``retention``: how long logs (Loki) and traces (Tempo) are kept in object storage."""

    logs: str = "31d"
    traces: str = "14d"

    @field_validator("logs")
    @classmethod
    def _logs(cls, v: str) -> str:
        _duration(v)
        if hours(v) % 24:
            raise ValueError("Loki deletes whole daily index periods; use whole days, e.g. 7d or 31d")
        return v

    @field_validator("traces")
    @classmethod
    def _traces(cls, v: str) -> str:
        return _duration(v)


class RemoteWriteConfig(Model):
    """``prometheus.remoteWrite``: long-term metrics in Amazon Managed Service for Prometheus
    (EKS only; docs/monitoring.md "Long-term metrics"). ``retentionDays``: the workspace's
    retention, 1..1095 (AMP's maximum)."""

    enabled: bool = False
    retention_days: Annotated[int, Field(ge=1, le=1095)] = 150


class PrometheusConfig(Model):
    """``prometheus``: TSDB retention, volume and memory, and long-term remote write."""

    retention: str = "15d"
    storage_size: str = "50Gi"
    memory_request: str = "2Gi"
    memory_limit: str = "4Gi"
    cpu_request: str = "500m"
    replicas: Annotated[int, Field(ge=1, le=5)] = 1
    remote_write: RemoteWriteConfig = Field(default_factory=dict)

    _retention = field_validator("retention")(classmethod(lambda cls, v: _duration(v)))
    _size = field_validator("storage_size")(classmethod(lambda cls, v: _quantity(v)))

    @field_validator("memory_request", "memory_limit")
    @classmethod
    def _memory(cls, v: str, info: ValidationInfo) -> str:
        _quantity(v)
        if is_prod(info) and mebibytes(v) < mebibytes(PROD_MIN_PROMETHEUS_MEMORY):
            raise ValueError(f"prod needs at least {PROD_MIN_PROMETHEUS_MEMORY}: Prometheus was OOMKilled at 512Mi "
                             "while replaying its WAL; set 2Gi or more")
        return v

    @field_validator("cpu_request")
    @classmethod
    def _cpu(cls, v: str) -> str:
        if not CPU.fullmatch(v) or float(v.rstrip('m')) == 0:
            raise ValueError("use a CPU quantity like 500m or 1")
        return v

    @field_validator("replicas")
    @classmethod
    def _replicas(cls, v: int, info: ValidationInfo) -> int:
        if is_prod(info) and v < 2:
            raise ValueError("prod needs at least 2 Prometheus replicas so a node loss keeps metrics and alerts")
        return v

    @model_validator(mode="after")
    def _limit(self) -> PrometheusConfig:
        if QUANTITY.match(self.memory_request) and QUANTITY.match(self.memory_limit) \
                and mebibytes(self.memory_limit) < mebibytes(self.memory_request):
            raise ValueError(f"memoryLimit ({self.memory_limit}) must not be below memoryRequest "
                             f"({self.memory_request})")
        return self


# Per receiver type: the keys it needs and the keys it may carry (besides name, type,
# sendResolved). Field names at the pinned Alertmanager: components/monitoring/alertmanager_config.py.
RECEIVER_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "webhook": (("url",), ("url",)),
    "slack": (("url",), ("url", "channel")),
    "pagerduty": (("routing_key",), ("routing_key",)),  # PagerDuty Events API v2 integration key
    "opsgenie": (("api_key",), ("api_key", "url")),  # url: the API URL (EU accounts: https://api.eu.opsgenie.com/)
    "email": (("to",), ("to",)),
}
SECRET_KEYS = ("url", "routing_key", "api_key")
EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")
LABEL_VALUE = re.compile(r"[a-z0-9]([-_a-z0-9]*[a-z0-9])?")


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(w.capitalize() for w in rest)


class ReceiverConfig(Model):
    """One Alertmanager receiver. ``url``, ``routingKey`` and ``apiKey`` are secrets (they embed
    or are tokens): set them with ``pulumi config set --secret --path``."""

    name: str
    type: Literal["webhook", "slack", "pagerduty", "opsgenie", "email"] = "webhook"
    url: SecretStr | None = None
    routing_key: SecretStr | None = None
    api_key: SecretStr | None = None
    to: str | None = None
    channel: str | None = None
    send_resolved: bool = True

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not K8S_NAME.fullmatch(v) or v == "null" or len(v) > 63:
            raise ValueError("receiver names are lower-case letters, digits and '-' (not 'null'), at most 63 chars")
        return v

    @field_validator("url")
    @classmethod
    def _url(cls, v: SecretStr | None) -> SecretStr | None:
        if v is None:
            return v
        url = v.get_secret_value()
        fix = ("set it with pulumi config set --secret --path "
               "'twincloud:monitoring.alertmanager.receivers[N].url' https://...")
        if not url.strip():
            raise ValueError(f"url is empty; {fix}")
        if url != OFFLINE_SECRET and not _http_url(url):
            # Alertmanager reads receiver URLs as absolute http(s) URLs with a host.
            raise ValueError(f"url is not an http(s) URL with a host (the value is secret, not shown); {fix}")
        return v

    @field_validator("routing_key", "api_key")
    @classmethod
    def _token(cls, v: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if v is not None and not v.get_secret_value().strip():
            raise ValueError(f"{_camel(info.field_name or '')} is empty; set it with pulumi config set --secret --path "
                             f"'twincloud:monitoring.alertmanager.receivers[N].{_camel(info.field_name or '')}' ...")
        return v

    @field_validator("to")
    @classmethod
    def _to(cls, v: str | None) -> str | None:
        if v is not None and not all(EMAIL.fullmatch(a.strip()) for a in v.split(",")):
            raise ValueError("to is one e-mail address or several separated by commas, e.g. oncall@example.com")
        return v

    @model_validator(mode="after")
    def _keys(self) -> ReceiverConfig:
        needed, allowed = RECEIVER_KEYS[self.type]
        missing = [_camel(k) for k in needed if getattr(self, k) is None]
        extra = [_camel(k) for k in ("url", "routing_key", "api_key", "to", "channel")
                 if k not in allowed and getattr(self, k) is not None]
        problems = []
        if missing:
            how = " (a secret: pulumi config set --secret --path ...)" if any(k in SECRET_KEYS for k in needed) else ""
            problems.append(f"a {self.type} receiver needs {', '.join(missing)}{how}")
        if extra:
            problems.append(f"a {self.type} receiver does not take {', '.join(extra)} "
                            f"(it takes {', '.join(_camel(k) for k in allowed)})")
        if problems:
            raise ValueError(f"receiver {self.name!r}: " + "; ".join(problems))
        return self


class SeverityRoutesConfig(Model):
    """Receiver names per alert severity; ``default``: every other alert (``info``, no severity)."""

    critical: list[str] = []
    warning: list[str] = []
    default: list[str] = []


class RoutingConfig(SeverityRoutesConfig):
    """``alertmanager.routing``: by ``severity``, and by ``team`` label (``teams.<team>``) to a
    team's own receivers; a severity a team does not set goes to the platform's receivers."""

    teams: dict[str, SeverityRoutesConfig] = {}

    @field_validator("teams")
    @classmethod
    def _teams(cls, v: dict[str, SeverityRoutesConfig]) -> dict[str, SeverityRoutesConfig]:
        bad = [t for t in v if not LABEL_VALUE.fullmatch(t) or len(t) > 63]
        if bad:
            raise ValueError(f"team names {bad} must be the value of the alerts' team label: lower-case letters, "
                             "digits, '-' and '_', at most 63 chars")
        return v


class SmtpConfig(Model):
    """``alertmanager.smtp``: the mail relay ``email`` receivers send through; ``password`` is secret."""

    smarthost: str
    from_: str = Field(alias="from")
    username: str | None = None
    password: SecretStr | None = None
    require_tls: bool = True

    @field_validator("smarthost")
    @classmethod
    def _smarthost(cls, v: str) -> str:
        host, _, port = v.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError("smarthost is host:port, e.g. email-smtp.eu-west-1.amazonaws.com:587")
        return v

    @field_validator("from_")
    @classmethod
    def _from(cls, v: str) -> str:
        if not EMAIL.fullmatch(v):
            raise ValueError("from is one e-mail address, e.g. alerts@example.com")
        return v


def _http_url(text: str) -> bool:
    """An absolute http(s) URL with a host, no whitespace, and a numeric port if any."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in text)


class AlertmanagerConfig(Model):
    """``alertmanager``: replicas and where alerts go."""

    replicas: Annotated[int, Field(ge=1, le=5)] = 1
    storage_size: str = "2Gi"
    receivers: list[ReceiverConfig] = []
    routing: RoutingConfig | None = None  # None: every alert to every receiver
    smtp: SmtpConfig | None = None

    _size = field_validator("storage_size")(classmethod(lambda cls, v: _quantity(v)))

    @field_validator("replicas")
    @classmethod
    def _replicas(cls, v: int, info: ValidationInfo) -> int:
        if is_prod(info) and v < 2:
            raise ValueError("prod needs at least 2 Alertmanager replicas (they deduplicate notifications as a cluster)")
        return v

    @field_validator("receivers")
    @classmethod
    def _receivers(cls, v: list[ReceiverConfig], info: ValidationInfo) -> list[ReceiverConfig]:
        names = [r.name for r in v]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate receiver names {dupes}")
        if is_prod(info) and not v:
            raise ValueError("prod needs at least one receiver, or alerts reach nobody; add one with a secret url")
        return v

    @model_validator(mode="after")
    def _routing(self, info: ValidationInfo) -> AlertmanagerConfig:
        known = {r.name for r in self.receivers}
        problems = []
        if is_prod(info) and self.routing is not None and not self.routing.critical:
            problems.append("prod routes critical alerts to nobody; list a paging receiver in routing.critical")
        if self.routing is not None:
            sections = [("routing", self.routing)] + [(f"routing.teams.{t}", r) for t, r in self.routing.teams.items()]
            for where, routes in sections:
                for severity in ("critical", "warning", "default"):
                    unknown = [n for n in getattr(routes, severity) if n not in known]
                    if unknown:
                        problems.append(f"{where}.{severity} names receivers {unknown} that are not in receivers "
                                        f"(known: {sorted(known)})")
        if self.smtp is None and any(r.type == "email" for r in self.receivers):
            problems.append("email receivers need smtp: {smarthost: host:port, from: address} "
                            "(and username/password if the relay asks)")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class LokiConfig(Model):
    """``loki``: replicas (single-binary pods, or write/backend pods), read autoscaling, volumes."""

    replicas: Annotated[int, Field(ge=1, le=20)] = 1
    read_min_replicas: Annotated[int, Field(ge=1, le=50)] = 2
    read_max_replicas: Annotated[int, Field(ge=1, le=50)] = 6
    storage_size: str = "10Gi"
    memory_limit: str = "2Gi"
    caches: bool = False

    _sizes = field_validator("storage_size", "memory_limit")(classmethod(lambda cls, v: _quantity(v)))

    @field_validator("replicas")
    @classmethod
    def _replicas(cls, v: int, info: ValidationInfo) -> int:
        if is_prod(info) and v < 3:
            raise ValueError("prod needs at least 3 Loki replicas (replication factor 3 keeps logs through a node loss)")
        return v

    @model_validator(mode="after")
    def _read(self) -> LokiConfig:
        if self.read_min_replicas > self.read_max_replicas:
            raise ValueError(f"readMinReplicas ({self.read_min_replicas}) must not exceed readMaxReplicas "
                             f"({self.read_max_replicas})")
        return self


class TempoConfig(Model):
    """``tempo``: the single binary's WAL volume and memory."""

    storage_size: str = "10Gi"
    memory_limit: str = "2Gi"

    _sizes = field_validator("storage_size", "memory_limit")(classmethod(lambda cls, v: _quantity(v)))


class GrafanaConfig(Model):
    """``grafana``: replicas and whether its SQLite state (users, annotations) gets a volume."""

    replicas: Annotated[int, Field(ge=1, le=5)] = 1
    persistence: bool = False
    storage_size: str = "5Gi"

    _size = field_validator("storage_size")(classmethod(lambda cls, v: _quantity(v)))

    @model_validator(mode="after")
    def _sqlite(self) -> GrafanaConfig:
        if self.persistence and self.replicas > 1:
            raise ValueError("persistence uses one ReadWriteOnce volume for SQLite; keep replicas: 1 with it")
        return self


class MonitoringConfig(Model):
    """``twincloud:monitoring``: the monitoring stack on the cluster."""

    enabled: bool = True
    loki_mode: Literal["single-binary", "simple-scalable"] = "single-binary"
    # Sections default to ``{}`` (not an instance) so an omitted section is still validated
    # with the stack's context: prod rules apply to defaults too.
    retention: RetentionConfig = Field(default_factory=dict)
    storage_class: str | None = None
    network_policies: bool = True
    prometheus: PrometheusConfig = Field(default_factory=dict)
    alertmanager: AlertmanagerConfig = Field(default_factory=dict)
    loki: LokiConfig = Field(default_factory=dict)
    tempo: TempoConfig = Field(default_factory=dict)
    grafana: GrafanaConfig = Field(default_factory=dict)

    @field_validator("storage_class")
    @classmethod
    def _storage_class(cls, v: str | None) -> str | None:
        if v is not None and (not K8S_NAME.fullmatch(v) or len(v) > 253):
            raise ValueError("not a StorageClass name; omit it to use the cluster's default StorageClass")
        return v
