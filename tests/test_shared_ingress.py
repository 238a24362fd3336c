"""The platform's shared ingress: its health backend, and the PRIMARY record fed from its status."""

from __future__ import annotations

import pytest

from components.facts.aws import alb_zone_id
from components.aws.shared_ingress import nginx_config
from tests.dr_support import records

INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"


@pytest.fixture(scope="module")
def ingress(prod_plan):
    return prod_plan.one(INGRESS)


def test_primary_record_points_at_the_load_balancer_named_in_the_ingress_status(prod_plan, ingress):
    (primary,) = records(prod_plan.resources, "PRIMARY")
    alias = primary.inputs["aliases"][0]
    assert alias["name"] == prod_plan.outputs["ingressHostname"]
    assert alias["zoneId"] == alb_zone_id("eu-west-1")
    assert ingress.urn in primary.property_dependencies["aliases"]
    assert not prod_plan.of_type("aws:lb/loadBalancer:LoadBalancer")  # the controller makes it, not Pulumi


def test_the_health_path_route_53_checks_is_routed_to_the_platform_backend(prod_plan, ingress):
    path = prod_plan.config["dr"]["healthCheck"]["path"]
    (rule,) = ingress.inputs["spec"]["rules"]
    assert "host" not in rule  # Route 53 sends the load balancer's own name as Host/SNI
    (route,) = rule["http"]["paths"]
    assert (route["path"], route["pathType"]) == (path, "Exact")
    service = prod_plan.one("kubernetes:core/v1:Service", "twincloud-prod-ingress-health")
    assert route["backend"]["service"]["name"] == service.inputs["metadata"]["name"]
    config = prod_plan.one("kubernetes:core/v1:ConfigMap", "twincloud-prod-ingress-health-config")
    assert config.inputs["data"]["default.conf"] == nginx_config(path)
    assert f"location = {path} " in nginx_config(path) and "return 200" in nginx_config(path)


def test_the_ingress_uses_the_platform_class_https_and_its_certificate(prod_plan, ingress):
    assert ingress.inputs["spec"]["ingressClassName"] == "alb"
    annotations = ingress.inputs["metadata"]["annotations"]
    assert annotations["alb.ingress.kubernetes.io/listen-ports"] == '[{"HTTPS": 443}]'
    cert = prod_plan.one("aws:acm/certificate:Certificate", "twincloud-prod-ingress-cert")
    assert cert.inputs["domainName"] == prod_plan.config["dr"]["domain"]
    assert annotations["alb.ingress.kubernetes.io/certificate-arn"].startswith("arn:aws:acm:eu-west-1:")


def test_the_alb_certificate_validates_through_the_record_cloudfronts_certificate_uses(prod_plan):
    validation = [r for r in prod_plan.of_type("aws:route53/record:Record") if r.name.endswith("cert-validation")]
    assert {r.name for r in validation} == {"twincloud-prod-ingress-cert-validation", "twincloud-prod-dr-cdn-cert-validation"}
    assert len({r.inputs["name"] for r in validation}) == 1  # ACM: one CNAME per domain and account
    assert all(r.inputs["allowOverwrite"] is True for r in validation)


def test_the_health_backend_is_hardened_and_pinned(prod_plan):
    deployment = prod_plan.one("kubernetes:apps/v1:Deployment", "twincloud-prod-ingress-health")
    pod = deployment.inputs["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"] == "docker.io/nginxinc/nginx-unprivileged:1.31-alpine"
    assert container["securityContext"] == {"runAsNonRoot": True, "readOnlyRootFilesystem": True,
                                            "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert container["resources"]["limits"]["memory"]


def test_the_health_backend_restarts_when_wedged_and_holds_no_api_token(prod_plan):
    deployment = prod_plan.one("kubernetes:apps/v1:Deployment", "twincloud-prod-ingress-health")
    pod = deployment.inputs["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["livenessProbe"]["httpGet"] == container["readinessProbe"]["httpGet"]
    assert container["resources"]["limits"]["cpu"]
    assert pod["automountServiceAccountToken"] is False


def test_dev_has_the_controller_but_no_public_ingress(dev_plan):
    assert dev_plan.one("kubernetes:networking.k8s.io/v1:IngressClass")
    assert not dev_plan.of_type(INGRESS)
