"""Composes the DR failover layer from validated config (no resource details here).

Route 53 sends users to the primary load balancer while its health check passes, and to
the secondary otherwise: a CloudFront distribution in front of an Azure Storage static
site (``secondary: static-site``), or the AKS ingress (``secondary: aks-ingress``).

The layer is global: it must keep working when the primary AWS region is lost, and a
region rebuild (``prod-dr``) takes it over instead of building a second one (a domain's
failover records and CloudFront alias exist once). So:

* every AWS resource in it uses one explicit us-east-1 provider (CloudFront's certificate
  region; Route 53 and CloudFront are global) and never the default provider of
  ``aws:region``, so moving it to a stack in another region changes no provider;
* with ``dr.adoptFrom: prod`` the layer's top-level resources carry aliases to the names
  they had in ``prod``, so after ``pulumi state move`` (docs/runbooks/dr-rebuild.md) the
  rebuilt stack updates them in place; children inherit the aliases through their names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pulumi
import pulumi_aws as aws

from components.aws.cloudfront_site import GLOBAL_SERVICES_REGION, CloudFrontSite, CloudFrontSiteArgs
from components.aws.failover_alarm import FailoverAlarm, FailoverAlarmArgs, Receiver
from components.aws.dns_failover import AliasTarget, DnsFailover, DnsFailoverArgs, HealthCheckSpec
from components.aws.failover_timing import CLOUDFRONT_HOSTED_ZONE_ID
from components.naming import child_name, global_name
from stacks.preflight import stack_reference
from stacks.config import StackConfig

if TYPE_CHECKING:  # imported where used: the Azure SDK is loaded only by stacks with an Azure side
    from components.azure.static_site import StaticSite

SITE_DIR = Path(__file__).resolve().parent.parent / "components" / "dr" / "site"


@dataclass
class DrLayer:
    dns: DnsFailover
    cdn: CloudFrontSite | None
    site: StaticSite | None
    alarm: FailoverAlarm | None = None


def site_files(directory: Path = SITE_DIR) -> dict[str, Path]:
    """Every file of the DR site, keyed by its path relative to the site root."""
    return {p.relative_to(directory).as_posix(): p for p in sorted(directory.rglob("*")) if p.is_file()}


def dr_site_location(cfg: StackConfig) -> str | None:
    """``dr.azureLocation``, else the Azure platform's ``azure.location`` (when configured)."""
    azure = getattr(cfg, "azure", None)
    return cfg.dr.azure_location or (getattr(azure, "location", None) if azure is not None else None)


def build_dr(cfg: StackConfig, prefix: str, primary_ingress: AliasTarget | None = None) -> DrLayer | None:
    """The DR layer (None when ``dr.enabled`` is false). ``primary_ingress`` is the load balancer
    of the platform's shared ingress (``stacks/ingress.py``), taken from the Ingress status, for
    ``dr.primaryIngress``."""
    dr = cfg.dr
    if not dr.enabled:
        return None
    assert dr.domain is not None  # the schema requires it when enabled
    stack = pulumi.get_stack()

    def name(part: str) -> str:
        return child_name(prefix, "dr", part)

    def adopted(part: str) -> pulumi.ResourceOptions:
        """Aliases to the names this resource had in the stack the layer was moved from."""
        if not dr.adopt_from:
            return pulumi.ResourceOptions()
        return pulumi.ResourceOptions(aliases=[pulumi.Alias(name=child_name(
            f"{pulumi.get_project()}-{dr.adopt_from}", "dr", part))])

    global_provider = aws.Provider(name(GLOBAL_SERVICES_REGION), region=GLOBAL_SERVICES_REGION,
                                   opts=adopted(GLOBAL_SERVICES_REGION))
    in_global = pulumi.ResourceOptions(providers={"aws": global_provider})

    if dr.hosted_zone_id:
        zone_id: pulumi.Input[str] = dr.hosted_zone_id
    else:
        zone_id = aws.route53.get_zone_output(
            name=dr.hosted_zone_name, private_zone=False,
            opts=pulumi.InvokeOutputOptions(provider=global_provider),
        ).zone_id

    if dr.primary is not None:
        primary = AliasTarget(dns_name=dr.primary.dns_name, zone_id=dr.primary.zone_id)
    elif dr.primary_ingress is not None:
        if primary_ingress is None:
            raise ValueError("dr.primaryIngress needs the shared ingress's load balancer (stacks/ingress.py)")
        # The ALB the controller made for the platform's Ingress, as that Ingress's status reports it
        # (never a lookup by tags: on the first `up` no load balancer exists yet to be found).
        primary = primary_ingress
    else:
        ref_cfg = dr.primary_stack_reference
        assert ref_cfg is not None  # the schema requires one of the two
        ref = stack_reference(ref_cfg.stack)  # read (and its outputs checked) before the first resource
        primary = AliasTarget(dns_name=ref.require_output(ref_cfg.dns_name_output),
                              zone_id=ref.require_output(ref_cfg.zone_id_output))

    hc = dr.health_check
    health_check = HealthCheckSpec(
        path=hc.path, port=hc.port, failure_threshold=hc.failure_threshold,
        request_interval=hc.request_interval, regions=list(hc.regions), fqdn=hc.fqdn,
    )

    site = cdn = None
    if dr.secondary == "static-site":
        location = dr_site_location(cfg)
        assert location is not None  # required by the schema for static-site
        from components.azure.static_site import StaticSite, StaticSiteArgs

        site = StaticSite(name("site"), StaticSiteArgs(
            location=location,
            account_name=global_name("drsite", stack=stack, region=location,
                                     alphanumeric=True, max_length=24),
            files=site_files(),
            deployer_principal_type=dr.deployer_principal_type,
        ), opts=adopted("site"))
        cdn = CloudFrontSite(name("cdn"), CloudFrontSiteArgs(
            domain=dr.domain,
            zone_id=zone_id,
            origin_host=site.web_host,
            certificate_provider=global_provider,
            price_class=dr.price_class,
            geo_restriction_type=dr.geo_restriction.restriction_type,
            geo_locations=list(dr.geo_restriction.locations),
        ), opts=pulumi.ResourceOptions.merge(in_global, adopted("cdn")))
        secondary = {"secondary_alias": AliasTarget(dns_name=cdn.domain_name, zone_id=CLOUDFRONT_HOSTED_ZONE_ID)}
    else:
        assert dr.aks_ingress is not None  # required by the schema for aks-ingress
        secondary = {
            "secondary_ip": dr.aks_ingress.ip_address,
            "secondary_health_check": HealthCheckSpec(
                path=hc.path, port=hc.port, failure_threshold=hc.failure_threshold,
                request_interval=hc.request_interval, regions=list(hc.regions)),
        }

    dns = DnsFailover(name("dns"), DnsFailoverArgs(
        zone_id=zone_id,
        domain=dr.domain,
        primary=primary,
        health_check=health_check,
        record_ttl=dr.record_ttl,
        rto_target_seconds=dr.rto_target_seconds,
        **secondary,
    ), opts=pulumi.ResourceOptions.merge(in_global, adopted("dns")))

    alarm = None
    if dr.failover_alarm.enabled:
        # Route 53 health-check metrics exist only in us-east-1: the global provider's region.
        alarm = FailoverAlarm(name("failover-alarm"), FailoverAlarmArgs(
            health_check_id=dns.primary_health_check_id,
            domain=dr.domain,
            receivers=[Receiver(protocol=r.protocol, endpoint=pulumi.Output.secret(r.endpoint.get_secret_value()))
                       for r in dr.failover_alarm.receivers],
            protect=cfg.protect_stateful,
        ), opts=pulumi.ResourceOptions.merge(in_global, adopted("failover-alarm")))
        pulumi.export("drFailoverAlarmTopicArn", alarm.topic_arn)

    pulumi.export("drDomain", dr.domain)
    pulumi.export("failoverDetectionSeconds", dns.failover_detection_seconds)
    pulumi.export("rtoTargetSeconds", dr.rto_target_seconds)
    pulumi.export("primaryHealthCheckId", dns.primary_health_check_id)
    if cdn is not None and site is not None:
        pulumi.export("drCloudFrontDomain", cdn.domain_name)
        pulumi.export("drSiteWebEndpoint", site.web_endpoint)
    return DrLayer(dns=dns, cdn=cdn, site=site, alarm=alarm)
