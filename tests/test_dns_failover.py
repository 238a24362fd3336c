"""DnsFailover (Route 53 failover pair and health checks) under the mock engine."""

from __future__ import annotations

import pytest

from components.aws.dns_failover import AliasTarget, DnsFailover, DnsFailoverArgs, HealthCheckSpec
from components.aws.failover_timing import CLOUDFRONT_HOSTED_ZONE_ID
from tests.dr_support import records
from tests.support import named, of_type, run_component

LB = "k8s-ingress-web-abc-123.eu-west-1.elb.amazonaws.com"
LB_ZONE = "Z32O12XQLNTSW2"
CDN = "d111111abcdef8.cloudfront.net"
HC = "aws:route53/healthCheck:HealthCheck"
built: dict = {}


def _failover(**overrides):
    args = dict(zone_id="Z0123456789ABCDEFGHIJ", domain="app.example.com",
                primary=AliasTarget(dns_name=LB, zone_id=LB_ZONE),
                health_check=HealthCheckSpec(path="/healthz", failure_threshold=3, request_interval=10),
                secondary_alias=AliasTarget(dns_name=CDN, zone_id=CLOUDFRONT_HOSTED_ZONE_ID))
    args.update(overrides)
    return run_component(lambda: built.__setitem__("dns", DnsFailover("dns", DnsFailoverArgs(**args))))


@pytest.fixture(scope="module")
def resources():
    return _failover()


def test_primary_health_check_is_https_on_the_configured_path(resources):
    check = named(resources, HC, "dns-primary")
    assert check.inputs["type"] == "HTTPS"
    assert check.inputs["fqdn"] == LB
    assert check.inputs["resourcePath"] == "/healthz"
    assert check.inputs["port"] == 443
    assert check.inputs["enableSni"] is True


def test_health_check_timing_comes_from_args(resources):
    check = named(resources, HC, "dns-primary")
    assert (check.inputs["failureThreshold"], check.inputs["requestInterval"]) == (3, 10)


def test_primary_is_an_alias_to_the_load_balancer_with_the_health_check(resources):
    (primary,) = records(resources, "PRIMARY")
    check = named(resources, HC, "dns-primary")
    assert primary.inputs["name"] == "app.example.com"
    assert primary.inputs["type"] == "A"
    assert primary.inputs["aliases"] == [{"name": LB, "zoneId": LB_ZONE, "evaluateTargetHealth": True}]
    assert check.urn in primary.dependencies and primary.inputs["healthCheckId"]


def test_secondary_is_an_alias_to_cloudfront_without_target_health(resources):
    (secondary,) = records(resources, "SECONDARY")
    assert secondary.inputs["name"] == "app.example.com"
    assert secondary.inputs["type"] == "A"
    assert secondary.inputs["aliases"] == [
        {"name": CDN, "zoneId": "Z2FDTNDATAQYW2", "evaluateTargetHealth": False}]


def test_secondary_has_its_own_health_check_on_the_dr_site(resources):
    (secondary,) = records(resources, "SECONDARY")
    check = named(resources, HC, "dns-secondary")
    assert check.inputs["fqdn"] == CDN
    assert check.urn in secondary.dependencies


def test_records_share_name_and_type_with_distinct_set_identifiers(resources):
    pair = records(resources, "PRIMARY") + records(resources, "SECONDARY")
    assert {(r.inputs["name"], r.inputs["type"]) for r in pair} == {("app.example.com", "A")}
    assert sorted(r.inputs["setIdentifier"] for r in pair) == ["primary", "secondary"]


def test_failover_detection_seconds_is_interval_times_threshold_plus_alias_ttl():
    _failover(health_check=HealthCheckSpec(failure_threshold=4, request_interval=30))
    assert built["dns"].failover_detection_seconds == 30 * 4 + 60


def test_explicit_health_check_fqdn_and_regions():
    resources = _failover(health_check=HealthCheckSpec(
        fqdn="origin.example.com", regions=["us-east-1", "eu-west-1", "ap-southeast-1"]))
    check = named(resources, HC, "dns-primary")
    assert check.inputs["fqdn"] == "origin.example.com"
    assert check.inputs["regions"] == ["us-east-1", "eu-west-1", "ap-southeast-1"]


def test_aks_ingress_secondary_is_an_a_record_with_ttl_and_ip_health_check():
    resources = _failover(secondary_alias=None, secondary_ip="20.50.60.70", record_ttl=30)
    (secondary,) = records(resources, "SECONDARY")
    check = named(resources, HC, "dns-secondary")
    assert secondary.inputs["records"] == ["20.50.60.70"]
    assert secondary.inputs["ttl"] == 30
    assert "aliases" not in secondary.inputs
    assert check.inputs["ipAddress"] == "20.50.60.70"
    assert check.inputs["fqdn"] == "app.example.com"  # Host header and SNI of the real site


def test_secondary_needs_exactly_one_target():
    with pytest.raises(Exception, match="exactly one of secondary_alias and secondary_ip"):
        _failover(secondary_ip="20.50.60.70")


def test_bad_request_interval_is_rejected():
    with pytest.raises(Exception, match="request_interval must be one of"):
        _failover(health_check=HealthCheckSpec(request_interval=20))


def test_no_secondary_health_check_when_disabled():
    resources = _failover(secondary_health_check=None)
    assert [c.name for c in of_type(resources, HC)] == ["dns-primary"]
    (secondary,) = records(resources, "SECONDARY")
    assert not secondary.inputs.get("healthCheckId")
