"""CloudFrontSite under the mock engine (stack region eu-west-1, certificate in us-east-1)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest

from components.aws.cloudfront_site import (
    ALL_VIEWER_EXCEPT_HOST_HEADER_POLICY_ID,
    CACHING_OPTIMIZED_POLICY_ID,
    GLOBAL_SERVICES_REGION,
    SECURITY_HEADERS_POLICY_ID,
    CloudFrontSite,
    CloudFrontSiteArgs,
)
from tests.support import named, of_type, run_component

ORIGIN = "twincloudunitweudrsite01.z6.web.core.windows.net"
DIST = "aws:cloudfront/distribution:Distribution"


def _cdn(**overrides):
    def build():
        provider = aws.Provider("global", region=GLOBAL_SERVICES_REGION)
        args = dict(domain="app.example.com", zone_id="Z0123456789ABCDEFGHIJ", origin_host=ORIGIN,
                    certificate_provider=provider)
        args.update(overrides)
        CloudFrontSite("cdn", CloudFrontSiteArgs(**args), opts=pulumi.ResourceOptions(providers={"aws": provider}))
    return run_component(build, config={"aws:region": "eu-west-1"})


@pytest.fixture(scope="module")
def resources():
    return _cdn()


@pytest.fixture(scope="module")
def distribution(resources):
    return named(resources, DIST, "cdn")


def test_origin_is_the_azure_web_endpoint_over_https_only_tls12(distribution):
    (origin,) = distribution.inputs["origins"]
    assert origin["domainName"] == ORIGIN
    assert origin["customOriginConfig"]["originProtocolPolicy"] == "https-only"
    assert origin["customOriginConfig"]["originSslProtocols"] == ["TLSv1.2"]


def test_viewers_are_redirected_to_https(distribution):
    assert distribution.inputs["defaultCacheBehavior"]["viewerProtocolPolicy"] == "redirect-to-https"


def test_domain_is_an_alias_with_sni_and_tls12_2021(distribution):
    assert distribution.inputs["aliases"] == ["app.example.com"]
    cert = distribution.inputs["viewerCertificate"]
    assert cert["sslSupportMethod"] == "sni-only"
    assert cert["minimumProtocolVersion"] == "TLSv1.2_2021"
    assert not cert.get("cloudfrontDefaultCertificate")


def test_certificate_is_issued_in_us_east_1_whatever_the_stack_region(resources, distribution):
    cert = named(resources, "aws:acm/certificate:Certificate", "cdn-cert")
    provider = named(resources, "pulumi:providers:aws", "global")
    assert cert.provider.startswith(provider.urn + "::")
    assert provider.inputs["region"] == "us-east-1"
    arn = distribution.inputs["viewerCertificate"]["acmCertificateArn"]
    assert arn.startswith("arn:aws:acm:us-east-1:")


def test_distribution_uses_the_validated_certificate(resources, distribution):
    validation = named(resources, "aws:acm/certificateValidation:CertificateValidation", "cdn-cert")
    record = named(resources, "aws:route53/record:Record", "cdn-cert-validation")
    assert validation.urn in distribution.dependencies
    assert record.inputs["zoneId"] == "Z0123456789ABCDEFGHIJ"
    assert record.inputs["type"] == "CNAME"
    assert validation.inputs["validationRecordFqdns"] == [record.inputs["name"].rstrip(".")]


def test_dns_validated_certificate_for_the_domain(resources):
    cert = named(resources, "aws:acm/certificate:Certificate", "cdn-cert")
    assert cert.inputs["domainName"] == "app.example.com"
    assert cert.inputs["validationMethod"] == "DNS"


def test_host_header_is_not_forwarded_to_azure(distribution):
    behavior = distribution.inputs["defaultCacheBehavior"]
    assert behavior["cachePolicyId"] == CACHING_OPTIMIZED_POLICY_ID
    assert behavior["originRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER_POLICY_ID
    assert "forwardedValues" not in behavior  # legacy settings could forward Host
    assert not behavior.get("lambdaFunctionAssociations") and not behavior.get("functionAssociations")


def test_security_headers_are_added(distribution):
    assert distribution.inputs["defaultCacheBehavior"]["responseHeadersPolicyId"] == SECURITY_HEADERS_POLICY_ID


def test_only_get_and_head_reach_the_origin(distribution):
    assert distribution.inputs["defaultCacheBehavior"]["allowedMethods"] == ["GET", "HEAD"]


def test_unknown_paths_answer_503_with_the_maintenance_page(distribution):
    assert distribution.inputs["customErrorResponses"] == [
        {"errorCode": 404, "responseCode": 503, "responsePagePath": "/index.html", "errorCachingMinTtl": 10}]


def test_price_class_comes_from_args():
    distribution = named(_cdn(price_class="PriceClass_All"), DIST, "cdn")
    assert distribution.inputs["priceClass"] == "PriceClass_All"


def test_unknown_price_class_is_rejected():
    with pytest.raises(Exception, match="price_class must be one of"):
        _cdn(price_class="PriceClass_Cheap")


def test_one_distribution_one_certificate(resources):
    assert len(of_type(resources, DIST)) == 1
    assert len(of_type(resources, "aws:acm/certificate:Certificate")) == 1
