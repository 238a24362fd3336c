"""``twincloud:dr``: DNS failover from the primary load balancer to a DR site.

Example (prod)::

    twincloud:dr:
      enabled: true
      domain: app.example.com          # public host name users type
      hostedZoneName: example.com      # or hostedZoneId: Z0123456789ABCDEFGHIJ
      primaryIngress: {group: web}     # the primary load balancer: the one the AWS Load Balancer
                                       # Controller made for ingress group "web" on this stack's EKS
      # ... or give it:   primary: {dnsName: k8s-web-....eu-west-1.elb.amazonaws.com, zoneId: Z32O12XQLNTSW2}
      # ... or read it:   primaryStackReference: {stack: acme/twincloud-apps/prod,
      #                                           dnsNameOutput: ingressDnsName, zoneIdOutput: ingressZoneId}
      healthCheck: {path: /healthz, failureThreshold: 3, requestInterval: 10}
      rtoTargetSeconds: 120
      secondary: static-site           # or aks-ingress (full warm standby)
      azureLocation: westeurope        # where the static DR site lives
      priceClass: PriceClass_100
      deployerPrincipalType: ServicePrincipal   # the identity running `pulumi up` (User when a person does)
      # adoptFrom: prod                # set in a rebuilt stack after `pulumi state move` (runbook)

``azureLocation`` is the DR site's own Azure location; when unset it defaults to
``twincloud:azure.location`` (the Azure platform's), so a stack with both needs it only to
put the DR site somewhere else.
Field order matters: cross-field checks read the fields validated before them, so each
problem is reported once, on the key to fix.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator

from components.aws.failover_timing import (
    ALIAS_TARGET_TTL_SECONDS,
    HEALTH_CHECKER_REGIONS,
    MIN_HEALTH_CHECKER_REGIONS,
    failover_detection_seconds,
    settings_within_rto,
)
from stacks.config.base import Model, is_prod, publish

# Matched with fullmatch: `$` would let a trailing newline through.
HOSTNAME = re.compile(r"(?=.{1,253}\Z)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?")
ZONE_ID = re.compile(r"Z[A-Z0-9]{1,31}")
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+){0,2}")
OUTPUT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _hostname(v: str, what: str) -> str:
    if not HOSTNAME.fullmatch(v):
        raise ValueError(f"not a DNS host name; use a lower-case fully qualified {what} without a trailing dot, "
                         "e.g. app.example.com")
    return v


class PrimaryTarget(Model):
    """``dr.primary``: the primary load balancer as an alias target."""

    dns_name: str
    zone_id: str

    @field_validator("dns_name")
    @classmethod
    def _dns(cls, v: str) -> str:
        return _hostname(v, "load balancer DNS name")

    @field_validator("zone_id")
    @classmethod
    def _zone(cls, v: str) -> str:
        if not ZONE_ID.fullmatch(v):
            raise ValueError("not a Route 53 hosted zone id; use the load balancer's CanonicalHostedZoneId, "
                             "e.g. Z32O12XQLNTSW2")
        return v


class PrimaryStackReference(Model):
    """``dr.primaryStackReference``: read the primary load balancer from another stack."""

    stack: str
    dns_name_output: str = "ingressDnsName"
    zone_id_output: str = "ingressZoneId"

    @field_validator("stack")
    @classmethod
    def _stack(cls, v: str) -> str:
        if not STACK_NAME.fullmatch(v):
            raise ValueError("not a stack name; use <org>/<project>/<stack>, e.g. acme/twincloud-apps/prod")
        return v

    @field_validator("dns_name_output", "zone_id_output")
    @classmethod
    def _output(cls, v: str) -> str:
        if not OUTPUT_NAME.fullmatch(v):
            raise ValueError("not a stack output name; use the exported key, e.g. ingressDnsName")
        return v


class PrimaryIngress(Model):
    """``dr.primaryIngress``: find the primary load balancer the AWS Load Balancer Controller
    created for an ingress of this stack's EKS cluster (by its tags), in ``aws:region``."""

    group: str  # the ingress group name (alb.ingress.kubernetes.io/group.name) or <namespace>/<ingress>

    @field_validator("group")
    @classmethod
    def _group(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?(/[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?", v):
            raise ValueError("not an ingress group or <namespace>/<ingress> name, e.g. web or apps/storefront")
        return v


class HealthCheckConfig(Model):
    """``dr.healthCheck``: the Route 53 HTTPS health check on the primary."""

    path: str = "/healthz"
    port: Annotated[int, Field(ge=1, le=65535)] = 443
    fqdn: str | None = None  # host name checked (and sent as Host/SNI); default: the primary's DNS name
    failure_threshold: Annotated[int, Field(ge=1, le=10)] = 3
    request_interval: Literal[10, 30] = 30
    regions: list[str] = []  # health checker regions; empty = all of them

    @field_validator("path")
    @classmethod
    def _path(cls, v: str) -> str:
        if not v.startswith("/") or len(v) > 255 or " " in v:
            raise ValueError("health check path must start with '/', have no spaces and at most 255 characters")
        return v

    @field_validator("fqdn")
    @classmethod
    def _fqdn(cls, v: str | None) -> str | None:
        return None if v is None else _hostname(v, "host name")

    @field_validator("regions")
    @classmethod
    def _regions(cls, v: list[str]) -> list[str]:
        bad = [r for r in v if r not in HEALTH_CHECKER_REGIONS]
        if bad:
            raise ValueError(f"Route 53 has no health checkers in {bad}; allowed: {', '.join(HEALTH_CHECKER_REGIONS)}")
        if len(set(v)) != len(v):
            raise ValueError("regions must be unique")
        if v and len(v) < MIN_HEALTH_CHECKER_REGIONS:
            raise ValueError(f"list at least {MIN_HEALTH_CHECKER_REGIONS} health checker regions, or none for all")
        return v


class AksIngressConfig(Model):
    """``dr.aksIngress``: the AKS ingress's static public IP (secondary ``aks-ingress``)."""

    ip_address: str

    @field_validator("ip_address")
    @classmethod
    def _ip(cls, v: str) -> str:
        try:
            ip = ipaddress.ip_address(v)
        except ValueError:
            raise ValueError("not an IP address; use the ingress load balancer's static public IPv4") from None
        if ip.version != 4 or not ip.is_global:
            raise ValueError("must be a public IPv4 address (the failover records are type A)")
        return v


class AlarmReceiverConfig(Model):
    """``dr.failoverAlarm.receivers[]``: one on-call receiver of the failover alarm's SNS topic.
    ``endpoint`` is secret (a paging webhook URL embeds a token); set it with
    ``pulumi config set --secret --path 'twincloud:dr.failoverAlarm.receivers[0].endpoint' ...``."""

    protocol: Literal["email", "email-json", "http", "https", "sms", "sqs", "lambda", "firehose", "application"]
    endpoint: SecretStr

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, v: SecretStr) -> SecretStr:
        if not v.get_secret_value().strip():
            raise ValueError("endpoint is empty; set the address, URL or ARN the protocol delivers to")
        return v


class FailoverAlarmConfig(Model):
    """``dr.failoverAlarm``: a CloudWatch alarm (us-east-1) on the primary health check that
    notifies on-call through an encrypted SNS topic when DNS fails over and when it fails back."""

    enabled: bool = True
    receivers: list[AlarmReceiverConfig] = []


def _enabled(info: ValidationInfo) -> bool:
    return bool(info.data.get("enabled"))


class GeoRestrictionConfig(Model):
    """``twincloud:dr.geoRestriction``: CloudFront's country restriction (ISO 3166-1 alpha-2 codes)."""

    restriction_type: Literal["none", "whitelist", "blacklist"] = "none"
    locations: list[str] = []

    @field_validator("locations")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if not re.fullmatch(r"[A-Z]{2}", c)]
        if bad:
            raise ValueError(f"not ISO 3166-1 alpha-2 country codes: {bad}; use e.g. DE, FR")
        return v

    @model_validator(mode="after")
    def _needs_locations(self) -> GeoRestrictionConfig:
        if self.restriction_type != "none" and not self.locations:
            raise ValueError(f"locations: restrictionType {self.restriction_type} needs at least one country code")
        if self.restriction_type == "none" and self.locations:
            raise ValueError("locations: set restrictionType whitelist or blacklist to use them")
        return self


class DrConfig(Model):
    """``twincloud:dr``: the failover layer (Route 53 + CloudFront + Azure static site)."""

    enabled: bool = False
    domain: str | None = None
    hosted_zone_name: str | None = None
    hosted_zone_id: str | None = None
    primary: PrimaryTarget | None = None
    primary_stack_reference: PrimaryStackReference | None = None
    primary_ingress: PrimaryIngress | None = None
    health_check: HealthCheckConfig = HealthCheckConfig()
    record_ttl: Annotated[int, Field(ge=10, le=3600)] = 60
    rto_target_seconds: Annotated[int, Field(ge=30, le=86400)] = 300
    secondary: Literal["static-site", "aks-ingress"] = "static-site"
    azure_location: str | None = None
    aks_ingress: AksIngressConfig | None = None
    price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = "PriceClass_100"
    # Countries the DR page is served to (whitelist) or refused (blacklist); none by default: the
    # page tells every user of the primary that it is down (docs/security.md).
    geo_restriction: GeoRestrictionConfig = GeoRestrictionConfig()
    # Who runs `pulumi up`: CI signs in to Azure as a service principal; a person as User.
    deployer_principal_type: Literal["ServicePrincipal", "User", "Group"] = "ServicePrincipal"
    failover_alarm: FailoverAlarmConfig = FailoverAlarmConfig()
    # The stack this stack took the DR layer over from with `pulumi state move` (region rebuild).
    adopt_from: str | None = None

    @field_validator("adopt_from")
    @classmethod
    def _adopt(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            return v
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", v):
            raise ValueError("not a stack name of this project; use the plain stack name, e.g. prod")
        if v == (info.context or {}).get("stack"):
            raise ValueError("a stack cannot adopt the DR layer from itself; name the stack it was moved from")
        return v

    @field_validator("domain")
    @classmethod
    def _domain(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            if _enabled(info):
                raise ValueError("required when enabled is true; set the public host name, e.g. app.example.com")
            return v
        return _hostname(v, "host name")

    @field_validator("hosted_zone_name")
    @classmethod
    def _zone_name(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            return v
        v = _hostname(v.rstrip("."), "zone name")
        domain = info.data.get("domain")
        if domain and domain != v and not domain.endswith("." + v):
            raise ValueError(f"domain {domain!r} is not inside this zone; use the zone that holds it")
        return v

    @field_validator("hosted_zone_id")
    @classmethod
    def _zone_id(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is not None and not ZONE_ID.fullmatch(v):
            raise ValueError("not a Route 53 hosted zone id (Z followed by letters and digits)")
        if _enabled(info) and "hosted_zone_name" in info.data:
            if (v is None) == (info.data["hosted_zone_name"] is None):
                raise ValueError("set exactly one of hostedZoneName and hostedZoneId")
        return v

    @field_validator("primary_stack_reference")
    @classmethod
    def _reference(cls, v: PrimaryStackReference | None, info: ValidationInfo) -> PrimaryStackReference | None:
        # The program checks that the stack exports these outputs before the first resource.
        return publish(info, "dr.primaryStackReference", v) if _enabled(info) else v

    @field_validator("primary_ingress")
    @classmethod
    def _primary(cls, v: PrimaryIngress | None, info: ValidationInfo) -> PrimaryIngress | None:
        if not _enabled(info) or "primary" not in info.data or "primary_stack_reference" not in info.data:
            return v  # a failed primary option is reported on its own key
        given = [v, info.data["primary"], info.data["primary_stack_reference"]]
        if sum(g is not None for g in given) != 1:
            raise ValueError("set exactly one of primary {dnsName, zoneId}, primaryStackReference "
                             "{stack, dnsNameOutput, zoneIdOutput} and primaryIngress {group}")
        return v

    @field_validator("rto_target_seconds")
    @classmethod
    def _rto(cls, v: int, info: ValidationInfo) -> int:
        hc: HealthCheckConfig | None = info.data.get("health_check")
        if not _enabled(info) or hc is None:
            return v
        worst = failover_detection_seconds(hc.request_interval, hc.failure_threshold, ALIAS_TARGET_TTL_SECONDS)
        if worst > v:
            fix = settings_within_rto(v)
            hint = (f"use healthCheck.requestInterval {fix[0]} with failureThreshold {fix[1]}" if fix
                    else f"no health-check setting fits: the minimum is {failover_detection_seconds(10, 1)} s; "
                         "raise rtoTargetSeconds")
            raise ValueError(
                f"failover takes up to {worst} s (healthCheck.requestInterval {hc.request_interval} s x "
                f"failureThreshold {hc.failure_threshold} + {ALIAS_TARGET_TTL_SECONDS} s alias TTL), more than "
                f"rtoTargetSeconds {v}; {hint}")
        return v

    @field_validator("azure_location")
    @classmethod
    def _location(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            if (_enabled(info) and info.data.get("secondary") == "static-site"
                    and not (info.context or {}).get("azure_location")):
                raise ValueError("required for secondary 'static-site' (it defaults to twincloud:azure.location "
                                 "when that is set): the Azure location of the DR site, e.g. westeurope")
            return v
        from stacks.config.azure import azure_location_problem

        problem = azure_location_problem(v)
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("aks_ingress")
    @classmethod
    def _aks(cls, v: AksIngressConfig | None, info: ValidationInfo) -> AksIngressConfig | None:
        if v is None and _enabled(info) and info.data.get("secondary") == "aks-ingress":
            raise ValueError("required for secondary 'aks-ingress': set aksIngress.ipAddress to the AKS "
                             "ingress's static public IP")
        return v

    @field_validator("failover_alarm")
    @classmethod
    def _alarm(cls, v: FailoverAlarmConfig, info: ValidationInfo) -> FailoverAlarmConfig:
        if _enabled(info) and v.enabled and not v.receivers and is_prod(info):
            raise ValueError("prod needs at least one failoverAlarm receiver, or nobody hears of a failover; add "
                             "one, e.g. {protocol: https, endpoint: <secret paging URL>}, or set enabled: false")
        return v

    @property
    def failover_detection_seconds(self) -> int:
        """Worst-case seconds from primary failure to clients resolving the secondary."""
        return failover_detection_seconds(self.health_check.request_interval, self.health_check.failure_threshold)
