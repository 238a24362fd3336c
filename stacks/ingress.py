"""Composes the platform's shared ingress on EKS from validated config (no resource details here).

With ``dr.primaryIngress`` the platform owns the public entry point: an Ingress in the
controller's shared group, serving the health path Route 53 checks, whose load balancer the
DR layer's PRIMARY record points at (from the Ingress status, never a lookup).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.facts.aws import ALB_HOSTED_ZONES
from components.aws.shared_ingress import SharedIngress, SharedIngressArgs
from stacks.aws_platform import AwsPlatform
from stacks.config import ConfigError, StackConfig


def hosted_zone_id(cfg: StackConfig) -> pulumi.Input[str]:
    """``dr.hostedZoneId``, or the id of the public zone ``dr.hostedZoneName`` (which must exist)."""
    dr = cfg.dr
    if dr.hosted_zone_id:
        return dr.hosted_zone_id
    return aws.route53.get_zone_output(name=dr.hosted_zone_name, private_zone=False).zone_id


def build_shared_ingress(cfg: StackConfig, prefix: str, platform: AwsPlatform) -> SharedIngress | None:
    """The shared ingress, or None without ``dr.primaryIngress`` (then nothing public is needed)."""
    dr = cfg.dr
    if not dr.enabled or dr.primary_ingress is None:
        return None
    if cfg.aws_region not in ALB_HOSTED_ZONES:
        raise ConfigError([f"aws:region: {cfg.aws_region} has no recorded ALB hosted zone id, which the "
                           "dr.primaryIngress failover record needs; add it to ALB_HOSTED_ZONES in "
                           "components/facts/aws.py (source: docs.aws.amazon.com/general/latest/gr/elb.html)"])
    assert dr.domain is not None  # the schema requires it when enabled
    controller = platform.lb_controller
    ingress = SharedIngress(f"{prefix}-ingress", SharedIngressArgs(
        provider=platform.eks.provider,
        ingress_class_name=controller.ingress_class_name,
        controller_ready=controller.ready,
        domain=dr.domain,
        zone_id=hosted_zone_id(cfg),
        region=cfg.aws_region,
        health_path=dr.health_check.path,
        replicas=2 if cfg.is_prod else 1,
    ))
    pulumi.export("ingressHostname", ingress.hostname)
    return ingress
