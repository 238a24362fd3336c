"""The DR layer as the stacks compose it: the prod failover chain and its variants."""

from __future__ import annotations

from components.aws.dns_failover import AliasTarget
from stacks.dr import build_dr, dr_site_location
from tests.dr_support import edge_resources, global_provider, records, stack_config
from tests.support import named, of_type, plan, run_component
from tools.engine import run_under_mocks
from tools.plan import render_tree

DIST = "aws:cloudfront/distribution:Distribution"
ACCOUNT = "azure-native:storage:StorageAccount"


def test_prod_plan_shows_the_failover_chain(prod_plan):
    """app.example.com -> PRIMARY load balancer (health checked) | SECONDARY CloudFront -> Azure static site."""
    cfg = prod_plan.config["dr"]
    (primary,) = records(prod_plan.resources, "PRIMARY")
    (secondary,) = records(prod_plan.resources, "SECONDARY")
    distribution = prod_plan.one(DIST)
    account = prod_plan.one(ACCOUNT, "twincloud-prod-dr-site-account")
    lb = primary.inputs["aliases"][0]
    assert lb["name"].startswith(f"k8s-{cfg['primaryIngress']['group']}-")  # the ingress group's load balancer
    ingress = prod_plan.one("kubernetes:networking.k8s.io/v1:Ingress")
    assert ingress.urn in primary.dependencies  # its name comes from the shared Ingress's status
    assert lb["name"].endswith(".eu-west-1.elb.amazonaws.com") and lb["zoneId"] == "Z32O12XQLNTSW2"
    assert lb["evaluateTargetHealth"] is True
    assert primary.inputs["healthCheckId"]
    assert secondary.inputs["aliases"][0]["zoneId"] == "Z2FDTNDATAQYW2"
    assert distribution.urn in secondary.dependencies
    assert distribution.inputs["origins"][0]["domainName"] == f"{account.inputs['accountName']}.z6.web.core.windows.net"
    assert account.urn in distribution.dependencies
    assert distribution.inputs["aliases"] == [primary.inputs["name"]] == [cfg["domain"]]


def test_prod_exports_failover_detection_time(prod_plan):
    assert prod_plan.outputs["failoverDetectionSeconds"] == 90
    assert prod_plan.outputs["rtoTargetSeconds"] == 120


def test_plan_tree_footer_reports_failover_time(prod_plan):
    assert ("Failover: DNS moves users to the secondary within 90 s of the primary failing "
            "(10 s interval x 3 failures + alias TTL), RTO target 120 s.") in render_tree(prod_plan)


def test_every_dr_aws_resource_uses_the_us_east_1_provider(prod_plan):
    provider = prod_plan.one("pulumi:providers:aws", global_provider("prod"))
    assert provider.inputs["region"] == "us-east-1"
    aws_edge = [r for r in edge_resources(prod_plan) if r.custom and r.type.startswith("aws:")]
    assert aws_edge, "no DR resources in the prod plan"
    assert [r.name for r in aws_edge if not (r.provider or "").startswith(provider.urn + "::")] == []


def test_dr_static_site_lives_in_its_configured_azure_location(prod_plan):
    assert prod_plan.one(ACCOUNT, "twincloud-prod-dr-site-account").inputs["location"] == dr_site_location(stack_config("prod"))


def test_dev_has_no_dr_layer(dev_plan):
    assert edge_resources(dev_plan) == []
    assert "failoverDetectionSeconds" not in dev_plan.outputs


INGRESS_LB = AliasTarget(dns_name="k8s-web-0123456789-1234567890.eu-west-1.elb.amazonaws.com",
                         zone_id="Z32O12XQLNTSW2")


def _dr_only(*overrides, stack_outputs=None):
    cfg = stack_config("prod", *overrides)
    resources, _ = run_under_mocks(lambda: build_dr(cfg, "twincloud-prod", primary_ingress=INGRESS_LB),
                                   stack="prod", config={"aws:region": "eu-west-1"}, stack_outputs=stack_outputs)
    return resources


def test_aks_ingress_secondary_replaces_cloudfront_and_static_site():
    resources = _dr_only("twincloud:dr.secondary=aks-ingress", "twincloud:dr.aksIngress.ipAddress=20.50.60.70",
                         "twincloud:dr.recordTtl=30")
    (secondary,) = records(resources, "SECONDARY")
    assert secondary.inputs["records"] == ["20.50.60.70"] and secondary.inputs["ttl"] == 30
    assert of_type(resources, DIST) == [] and of_type(resources, ACCOUNT) == []


def test_hosted_zone_id_is_used_as_given():
    resources = _dr_only("!twincloud:dr.hostedZoneName", "twincloud:dr.hostedZoneId=Z0123456789ABCDEFGHIJ")
    zones = {r.inputs["zoneId"] for r in of_type(resources, "aws:route53/record:Record")}
    assert zones == {"Z0123456789ABCDEFGHIJ"}


def test_primary_can_come_from_another_stacks_outputs():
    outputs = {"acme/twincloud-apps/prod": {"lbDns": "k8s-apps-9f8e7d.eu-west-1.elb.amazonaws.com",
                                            "lbZone": "Z32O12XQLNTSW2"}}
    resources = _dr_only("!twincloud:dr.primaryIngress",
                         "twincloud:dr.primaryStackReference.stack=acme/twincloud-apps/prod",
                         "twincloud:dr.primaryStackReference.dnsNameOutput=lbDns",
                         "twincloud:dr.primaryStackReference.zoneIdOutput=lbZone",
                         stack_outputs=outputs)
    (primary,) = records(resources, "PRIMARY")
    assert primary.inputs["aliases"][0]["name"] == "k8s-apps-9f8e7d.eu-west-1.elb.amazonaws.com"
    assert primary.inputs["aliases"][0]["zoneId"] == "Z32O12XQLNTSW2"
    check = named(resources, "aws:route53/healthCheck:HealthCheck", "twincloud-prod-dr-dns-primary")
    assert check.inputs["fqdn"] == "k8s-apps-9f8e7d.eu-west-1.elb.amazonaws.com"


def test_explicit_primary_load_balancer_is_used_as_given():
    resources = _dr_only("!twincloud:dr.primaryIngress",
                         "twincloud:dr.primary={dnsName: k8s-web-77.eu-west-1.elb.amazonaws.com, zoneId: Z32O12XQLNTSW2}")
    (primary,) = records(resources, "PRIMARY")
    assert primary.inputs["aliases"][0]["name"] == "k8s-web-77.eu-west-1.elb.amazonaws.com"


def test_primary_load_balancer_follows_the_stack_region():
    (primary,) = records(plan("prod", "aws:region=us-west-2").resources, "PRIMARY")
    assert primary.inputs["aliases"][0]["name"].endswith(".us-west-2.elb.amazonaws.com")
    assert primary.inputs["aliases"][0]["zoneId"] == "Z1H1FL5HABSF5"  # ALBs in us-west-2 (elb.html)


def test_disabled_dr_builds_nothing():
    assert _dr_only("twincloud:dr.enabled=false") == []
