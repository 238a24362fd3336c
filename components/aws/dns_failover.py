"""``DnsFailover``: a Route 53 failover record pair with health checks.

Builds an HTTPS health check on the primary endpoint, a PRIMARY alias record to the
primary load balancer carrying that health check, and a SECONDARY record that answers
while the primary is unhealthy: either an alias to a CloudFront distribution (the static
DR site) or an A record with the AKS ingress's public IP (full warm standby), each with
its own health check so a broken DR path shows up before it is needed.

Secure and safe defaults, a sentence each:
* health checks use HTTPS with SNI, so they exercise the same TLS path as users do;
* the PRIMARY alias also evaluates the load balancer's own target health, so a load
  balancer with no healthy targets fails over even while its listener still answers;
* CloudFront aliases never evaluate target health (Route 53 does not support it for
  CloudFront), the secondary health check covers the DR site instead;
* if both sides are unhealthy Route 53 answers with the primary, so a broken DR site can
  never pull traffic away from a working primary.

Failover timing (``failover_detection_seconds``) comes from ``failover_timing``: the
health check's ``request_interval * failure_threshold`` plus the alias TTL resolvers may
have cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.failover_timing import (
    ALIAS_TARGET_TTL_SECONDS,
    CLOUDFRONT_HOSTED_ZONE_ID,
    HEALTH_CHECKER_REGIONS,
    MIN_HEALTH_CHECKER_REGIONS,
    failover_detection_seconds,
)
from components.naming import child_name


@dataclass
class AliasTarget:
    """An alias record target: a load balancer or CloudFront distribution."""

    dns_name: pulumi.Input[str]
    zone_id: pulumi.Input[str]


@dataclass
class HealthCheckSpec:
    """An HTTPS Route 53 health check."""

    path: str = "/healthz"
    port: int = 443
    failure_threshold: int = 3
    request_interval: int = 30
    regions: list[str] = field(default_factory=list)  # empty = every health checker region
    fqdn: pulumi.Input[str] | None = None  # default: the target's DNS name


@dataclass
class DnsFailoverArgs:
    """Arguments of :class:`DnsFailover`. Give exactly one of ``secondary_alias`` and
    ``secondary_ip``."""

    zone_id: pulumi.Input[str]
    domain: str
    primary: AliasTarget
    health_check: HealthCheckSpec = field(default_factory=HealthCheckSpec)
    secondary_alias: AliasTarget | None = None  # e.g. CloudFront (zone Z2FDTNDATAQYW2)
    secondary_ip: str | None = None  # e.g. the AKS ingress public IP
    secondary_health_check: HealthCheckSpec | None = field(
        default_factory=lambda: HealthCheckSpec(path="/", failure_threshold=3, request_interval=30))
    record_ttl: int = 60  # TTL of the non-alias secondary record
    # The RTO the failover must meet: tagged on the health checks, so the policy pack
    # (route53-detection-within-rto) checks the detection time against it.
    rto_target_seconds: int | None = None


RTO_TAG = "twincloud.io/rto-target-seconds"


class DnsFailover(pulumi.ComponentResource):
    """Route 53 failover pair; see the module docstring."""

    primary_health_check_id: pulumi.Output[str]
    fqdn: pulumi.Output[str]
    failover_detection_seconds: int

    def __init__(self, name: str, args: DnsFailoverArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:DnsFailover", name, None, opts)
        if (args.secondary_alias is None) == (args.secondary_ip is None):
            raise ValueError("give exactly one of secondary_alias and secondary_ip")
        for spec in filter(None, (args.health_check, args.secondary_health_check)):
            _check_spec(spec)
        child = pulumi.ResourceOptions(parent=self)
        self._rto = args.rto_target_seconds
        self.failover_detection_seconds = failover_detection_seconds(
            args.health_check.request_interval, args.health_check.failure_threshold, ALIAS_TARGET_TTL_SECONDS)

        primary_check = self._health_check(
            child_name(name, "primary"), args.health_check, default_fqdn=args.primary.dns_name, child=child)
        primary = aws.route53.Record(
            child_name(name, "primary"),
            zone_id=args.zone_id,
            name=args.domain,
            type="A",
            set_identifier="primary",
            failover_routing_policies=[aws.route53.RecordFailoverRoutingPolicyArgs(type="PRIMARY")],
            aliases=[aws.route53.RecordAliasArgs(
                name=args.primary.dns_name, zone_id=args.primary.zone_id, evaluate_target_health=True,
            )],
            health_check_id=primary_check.id,
            opts=child,
        )

        secondary_check = None
        if args.secondary_health_check is not None:
            if args.secondary_alias is not None:
                secondary_check = self._health_check(
                    child_name(name, "secondary"), args.secondary_health_check,
                    default_fqdn=args.secondary_alias.dns_name, child=child)
            else:
                secondary_check = self._health_check(
                    child_name(name, "secondary"), args.secondary_health_check,
                    default_fqdn=args.domain, ip_address=args.secondary_ip, child=child)
        if args.secondary_alias is not None:
            zone = pulumi.Output.from_input(args.secondary_alias.zone_id)
            secondary_target: dict = {"aliases": [aws.route53.RecordAliasArgs(
                name=args.secondary_alias.dns_name, zone_id=zone,
                evaluate_target_health=zone.apply(lambda z: z != CLOUDFRONT_HOSTED_ZONE_ID),
            )]}
        else:
            secondary_target = {"records": [args.secondary_ip], "ttl": args.record_ttl}
        aws.route53.Record(
            child_name(name, "secondary"),
            zone_id=args.zone_id,
            name=args.domain,
            type="A",
            set_identifier="secondary",
            failover_routing_policies=[aws.route53.RecordFailoverRoutingPolicyArgs(type="SECONDARY")],
            health_check_id=secondary_check.id if secondary_check is not None else None,
            opts=child,
            **secondary_target,
        )

        self.primary_health_check_id = primary_check.id
        self.fqdn = primary.fqdn
        self.register_outputs({
            "primaryHealthCheckId": self.primary_health_check_id,
            "fqdn": self.fqdn,
            "failoverDetectionSeconds": self.failover_detection_seconds,
        })

    def _health_check(self, name: str, spec: HealthCheckSpec, *, default_fqdn: pulumi.Input[str],
                      child: pulumi.ResourceOptions, ip_address: str | None = None) -> aws.route53.HealthCheck:
        return aws.route53.HealthCheck(
            name,
            type="HTTPS",
            fqdn=spec.fqdn if spec.fqdn is not None else default_fqdn,
            ip_address=ip_address,
            port=spec.port,
            resource_path=spec.path,
            enable_sni=True,
            failure_threshold=spec.failure_threshold,
            request_interval=spec.request_interval,
            regions=list(spec.regions) or None,
            tags={"Name": name, **({RTO_TAG: str(self._rto)} if self._rto else {})},
            opts=child,
        )


def _check_spec(spec: HealthCheckSpec) -> None:
    failover_detection_seconds(spec.request_interval, spec.failure_threshold)  # raises on bad values
    bad = [r for r in spec.regions if r not in HEALTH_CHECKER_REGIONS]
    if bad or (spec.regions and len(spec.regions) < MIN_HEALTH_CHECKER_REGIONS):
        raise ValueError(f"health checker regions must be {MIN_HEALTH_CHECKER_REGIONS}+ of "
                         f"{HEALTH_CHECKER_REGIONS}, got {spec.regions}")
    if not spec.path.startswith("/"):
        raise ValueError(f"health check path must start with '/', got {spec.path!r}")
