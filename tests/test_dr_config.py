"""The twincloud:dr schema: every rule fails with a message naming the key, before any resource."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stacks.config.base import format_errors
from stacks.config.dr import DrConfig
from tests.dr_support import config_problems, stack_config


def test_prod_dr_config_is_valid_and_reports_detection_time():
    cfg = stack_config("prod")
    assert cfg.dr.enabled
    assert cfg.dr.failover_detection_seconds == 10 * 3 + 60


def test_dev_has_dr_disabled_by_default():
    assert stack_config("dev").dr.enabled is False


def test_detection_time_above_rto_target_is_rejected_with_a_fix():
    problems = config_problems("prod", "twincloud:dr.healthCheck.requestInterval=30")
    assert problems == [
        "twincloud:dr.rtoTargetSeconds: failover takes up to 150 s (healthCheck.requestInterval 30 s x "
        "failureThreshold 3 + 60 s alias TTL), more than rtoTargetSeconds 120; use healthCheck.requestInterval "
        "30 with failureThreshold 2 (got 120)"
    ]


def test_rto_target_below_the_fastest_possible_failover_says_so():
    problems = config_problems("prod", "twincloud:dr.rtoTargetSeconds=60")
    assert len(problems) == 1
    assert "no health-check setting fits: the minimum is 70 s; raise rtoTargetSeconds" in problems[0]


def test_request_interval_must_be_10_or_30():
    problems = config_problems("prod", "twincloud:dr.healthCheck.requestInterval=15")
    assert problems[0].startswith("twincloud:dr.healthCheck.requestInterval: Input should be 10 or 30")


def test_failure_threshold_above_10_is_rejected():
    problems = config_problems("prod", "twincloud:dr.healthCheck.failureThreshold=11")
    assert problems[0].startswith("twincloud:dr.healthCheck.failureThreshold: Input should be less than or equal to 10")


def test_domain_is_required_when_enabled():
    problems = config_problems("prod", "!twincloud:dr.domain")
    assert "twincloud:dr.domain: required when enabled is true; set the public host name, e.g. app.example.com" in problems


def test_domain_must_be_a_host_name():
    problems = config_problems("prod", "twincloud:dr.domain=https://app.example.com/")
    assert problems[0].startswith("twincloud:dr.domain: not a DNS host name")
    assert "(got 'https://app.example.com/')" in problems[0]


def test_domain_outside_the_hosted_zone_is_rejected():
    problems = config_problems("prod", "twincloud:dr.hostedZoneName=example.org")
    assert problems == ["twincloud:dr.hostedZoneName: domain 'app.example.com' is not inside this zone; "
                        "use the zone that holds it (got 'example.org')"]


def test_exactly_one_of_zone_name_and_zone_id():
    both = config_problems("prod", "twincloud:dr.hostedZoneId=Z0123456789ABCDEFGHIJ")
    neither = config_problems("prod", "!twincloud:dr.hostedZoneName")
    expected = "twincloud:dr.hostedZoneId: set exactly one of hostedZoneName and hostedZoneId"
    assert any(p.startswith(expected) for p in both)
    assert any(p.startswith(expected) for p in neither)


PRIMARY_PROBLEM = ("twincloud:dr.primaryIngress: set exactly one of primary {dnsName, zoneId}, primaryStackReference "
                   "{stack, dnsNameOutput, zoneIdOutput} and primaryIngress {group}")


def test_exactly_one_way_to_name_the_primary():
    two = config_problems("prod", "twincloud:dr.primaryStackReference.stack=acme/twincloud-apps/prod")
    none = config_problems("prod", "!twincloud:dr.primaryIngress")
    assert two == [PRIMARY_PROBLEM] and none == [PRIMARY_PROBLEM]


def test_explicit_primary_is_valid_instead_of_the_ingress_lookup():
    cfg = stack_config("prod", "!twincloud:dr.primaryIngress",
                       "twincloud:dr.primary={dnsName: k8s-web-1.eu-west-1.elb.amazonaws.com, zoneId: Z32O12XQLNTSW2}")
    assert cfg.dr.primary is not None and cfg.dr.primary.zone_id == "Z32O12XQLNTSW2"


def test_primary_zone_id_must_look_like_a_hosted_zone_id():
    problems = config_problems("prod", "!twincloud:dr.primaryIngress",
                               "twincloud:dr.primary={dnsName: k8s-web-1.eu-west-1.elb.amazonaws.com, zoneId: eu-west-1}")
    assert problems[0].startswith("twincloud:dr.primary.zoneId: not a Route 53 hosted zone id")


def test_primary_ingress_group_must_be_an_ingress_name():
    problems = config_problems("prod", "twincloud:dr.primaryIngress.group=Web Shop")
    assert problems[0].startswith("twincloud:dr.primaryIngress.group: not an ingress group")


MINIMAL_DR = {"enabled": True, "domain": "app.example.com", "hostedZoneName": "example.com",
              "primaryIngress": {"group": "web"}}


def test_static_site_needs_an_azure_location_without_an_azure_platform():
    with pytest.raises(ValidationError) as e:
        DrConfig.model_validate(MINIMAL_DR, context={"azure_location": None})
    (problem,) = format_errors(e.value)
    assert problem.endswith(": required for secondary 'static-site' (it defaults to twincloud:azure.location "
                            "when that is set): the Azure location of the DR site, e.g. westeurope")
    assert e.value.errors()[0]["loc"] == ("azure_location",)


def test_azure_location_defaults_to_the_azure_platform_location():
    cfg = DrConfig.model_validate(MINIMAL_DR, context={"azure_location": "northeurope"})
    assert cfg.azure_location is None  # build_dr then uses twincloud:azure.location


def test_azure_location_must_be_a_location_name():
    problems = config_problems("prod", "twincloud:dr.azureLocation=West Europe")
    assert problems[0].startswith("twincloud:dr.azureLocation: not an Azure location; use the programmatic name")


def test_aks_ingress_secondary_needs_the_ingress_ip():
    problems = config_problems("prod", "twincloud:dr.secondary=aks-ingress")
    assert problems == ["twincloud:dr.aksIngress: required for secondary 'aks-ingress': set aksIngress.ipAddress "
                        "to the AKS ingress's static public IP"]


def test_aks_ingress_ip_must_be_public_ipv4():
    problems = config_problems("prod", "twincloud:dr.secondary=aks-ingress", "twincloud:dr.aksIngress.ipAddress=10.1.2.3")
    assert problems[0].startswith("twincloud:dr.aksIngress.ipAddress: must be a public IPv4 address")


def test_unknown_secondary_is_rejected():
    problems = config_problems("prod", "twincloud:dr.secondary=s3")
    assert problems[0].startswith("twincloud:dr.secondary: Input should be 'static-site' or 'aks-ingress'")


def test_health_checker_regions_must_exist_and_be_at_least_three():
    unknown = config_problems("prod", "twincloud:dr.healthCheck.regions=[eu-central-1, us-east-1, us-west-2]")
    too_few = config_problems("prod", "twincloud:dr.healthCheck.regions=[us-east-1, us-west-2]")
    assert unknown[0].startswith("twincloud:dr.healthCheck.regions: Route 53 has no health checkers in ['eu-central-1']")
    assert too_few[0].startswith("twincloud:dr.healthCheck.regions: list at least 3 health checker regions")


def test_health_check_path_must_start_with_a_slash():
    problems = config_problems("prod", "twincloud:dr.healthCheck.path=healthz")
    assert problems[0].startswith("twincloud:dr.healthCheck.path: health check path must start with '/'")


def test_unknown_dr_key_is_rejected():
    problems = config_problems("prod", "twincloud:dr.failoverTtl=30")
    assert problems[0].startswith("twincloud:dr.failoverTtl: unknown key; remove it or fix its spelling")


def test_every_dr_problem_is_reported_at_once():
    problems = config_problems("prod", "!twincloud:dr.domain", "twincloud:dr.priceClass=PriceClass_Cheap",
                               "twincloud:dr.healthCheck.requestInterval=30")
    keys = sorted(p.split(":", 2)[1].split(":")[0] for p in problems)
    assert keys == ["dr.domain", "dr.priceClass", "dr.rtoTargetSeconds"]


def test_disabled_dr_ignores_missing_fields():
    cfg = stack_config("prod", "twincloud:dr.enabled=false", "!twincloud:dr.domain",
                       "!twincloud:dr.primaryIngress")
    assert cfg.dr.enabled is False


def test_ecr_replication_to_the_stack_region_itself_is_rejected():
    problems = config_problems("prod", "twincloud:ecr.replicationRegions=[eu-west-1]")
    assert problems == ["twincloud:ecr: replicationRegions lists aws:region eu-west-1 itself; replicate to another "
                        "region (after a region rebuild, point it at a region other than the new aws:region)"]


def test_ecr_replication_regions_must_be_region_names():
    problems = config_problems("prod", "twincloud:ecr.replicationRegions=[frankfurt]")
    assert problems[0].startswith("twincloud:ecr.replicationRegions: not AWS regions: ['frankfurt']")


def test_adopt_from_must_be_a_stack_name():
    problems = config_problems("prod", "twincloud:dr.adoptFrom=acme/twincloud/prod")
    assert problems[0].startswith("twincloud:dr.adoptFrom: not a stack name of this project")


def test_a_stack_cannot_adopt_the_dr_layer_from_itself():
    problems = config_problems("prod", "twincloud:dr.adoptFrom=prod")
    assert problems[0].startswith("twincloud:dr.adoptFrom: a stack cannot adopt the DR layer from itself")
