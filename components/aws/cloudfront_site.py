"""``CloudFrontSite``: a CloudFront distribution serving a static HTTPS origin under our domain.

Builds an ACM certificate for the domain in us-east-1 (CloudFront only accepts
certificates from that region, so the caller passes a dedicated us-east-1 provider,
independent of ``aws:region``), its DNS validation record in the hosted zone, the
certificate validation, and the distribution with the domain as alternate name.

Why no Host-header rewrite (no Lambda@Edge) is needed for an Azure Blob origin: Azure
Storage routes a request to the account named in the ``Host`` header, so the origin must
receive ``<account>.z6.web.core.windows.net`` rather than our domain. CloudFront sends the
origin's own domain name as ``Host`` unless a cache or origin-request policy forwards the
viewer's ``Host``; the managed ``CachingOptimized`` cache policy keys on no headers and the
managed ``AllViewerExceptHostHeader`` origin-request policy forwards every viewer header
except ``Host``. So Azure sees its own host name (and the matching TLS SNI) and serves the
site, with no code running at the edge.

Secure defaults, a sentence each:
* viewers are redirected to HTTPS, and only TLS 1.2+ (``TLSv1.2_2021``) is offered, with SNI;
* CloudFront talks to the origin over HTTPS only, TLS 1.2 only;
* the managed ``SecurityHeadersPolicy`` adds HSTS, X-Content-Type-Options, X-Frame-Options,
  Referrer-Policy and X-XSS-Protection to every response;
* only GET and HEAD reach the origin (a static site needs nothing else);
* unknown paths answer ``503 Service Unavailable`` with the maintenance page, so clients,
  crawlers and monitors see an outage rather than a soft 404 or a 200;
* the certificate is issued only after DNS validation succeeds, and the distribution uses
  the validated certificate ARN, so it never serves an unvalidated certificate.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.facts.aws import CLOUDFRONT_MANAGED_POLICIES
from components.aws.certificate import dns_validated_certificate
from components.naming import child_name

# CloudFront reads viewer certificates from ACM in this region only; Route 53 and
# CloudFront are global services whose control planes live there as well.
GLOBAL_SERVICES_REGION = "us-east-1"

# AWS managed policies (ids are the same in every account; sources in components/facts/aws.py).
CACHING_OPTIMIZED_POLICY_ID = CLOUDFRONT_MANAGED_POLICIES["CachingOptimized"].value
ALL_VIEWER_EXCEPT_HOST_HEADER_POLICY_ID = CLOUDFRONT_MANAGED_POLICIES["AllViewerExceptHostHeader"].value
SECURITY_HEADERS_POLICY_ID = CLOUDFRONT_MANAGED_POLICIES["SecurityHeadersPolicy"].value

PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
ORIGIN_ID = "static-site"


@dataclass
class CloudFrontSiteArgs:
    """Arguments of :class:`CloudFrontSite`."""

    domain: str
    zone_id: pulumi.Input[str]  # hosted zone that holds ``domain`` (for certificate validation)
    origin_host: pulumi.Input[str]  # host name of the HTTPS origin, e.g. the Azure web endpoint host
    certificate_provider: aws.Provider  # must be an aws provider for us-east-1
    price_class: str = "PriceClass_100"
    default_root_object: str = "index.html"
    unavailable_page: str | None = "/index.html"  # served with 503 for unknown paths; None keeps 404
    web_acl_id: pulumi.Input[str] | None = None
    geo_restriction_type: str = "none"  # or whitelist / blacklist (with geo_locations)
    geo_locations: list[str] = field(default_factory=list)


class CloudFrontSite(pulumi.ComponentResource):
    """CloudFront distribution with an ACM certificate; see the module docstring."""

    domain_name: pulumi.Output[str]
    hosted_zone_id: pulumi.Output[str]
    distribution_id: pulumi.Output[str]
    certificate_arn: pulumi.Output[str]

    def __init__(self, name: str, args: CloudFrontSiteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:CloudFrontSite", name, None, opts)
        if args.price_class not in PRICE_CLASSES:
            raise ValueError(f"price_class must be one of {PRICE_CLASSES}, got {args.price_class!r}")
        child = pulumi.ResourceOptions(parent=self)
        in_us_east_1 = pulumi.ResourceOptions(parent=self, provider=args.certificate_provider)

        certificate_arn = dns_validated_certificate(
            name, args.domain, args.zone_id, certificate_opts=in_us_east_1, record_opts=child)

        custom_errors = []
        if args.unavailable_page:
            custom_errors.append(aws.cloudfront.DistributionCustomErrorResponseArgs(
                error_code=404, response_code=503, response_page_path=args.unavailable_page,
                error_caching_min_ttl=10,
            ))
        self.distribution = aws.cloudfront.Distribution(
            name,
            enabled=True,
            comment=f"{args.domain} static site",
            aliases=[args.domain],
            default_root_object=args.default_root_object,
            http_version="http2and3",
            price_class=args.price_class,
            origins=[aws.cloudfront.DistributionOriginArgs(
                origin_id=ORIGIN_ID,
                domain_name=args.origin_host,
                custom_origin_config=aws.cloudfront.DistributionOriginCustomOriginConfigArgs(
                    http_port=80,
                    https_port=443,
                    origin_protocol_policy="https-only",
                    origin_ssl_protocols=["TLSv1.2"],
                ),
            )],
            default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
                target_origin_id=ORIGIN_ID,
                viewer_protocol_policy="redirect-to-https",
                allowed_methods=["GET", "HEAD"],
                cached_methods=["GET", "HEAD"],
                compress=True,
                cache_policy_id=CACHING_OPTIMIZED_POLICY_ID,
                origin_request_policy_id=ALL_VIEWER_EXCEPT_HOST_HEADER_POLICY_ID,
                response_headers_policy_id=SECURITY_HEADERS_POLICY_ID,
            ),
            custom_error_responses=custom_errors or None,
            restrictions=aws.cloudfront.DistributionRestrictionsArgs(
                geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(
                    restriction_type=args.geo_restriction_type, locations=list(args.geo_locations) or None),
            ),
            viewer_certificate=aws.cloudfront.DistributionViewerCertificateArgs(
                acm_certificate_arn=certificate_arn,
                ssl_support_method="sni-only",
                minimum_protocol_version="TLSv1.2_2021",
            ),
            web_acl_id=args.web_acl_id,
            opts=child,
        )

        self.domain_name = self.distribution.domain_name
        self.hosted_zone_id = self.distribution.hosted_zone_id
        self.distribution_id = self.distribution.id
        self.certificate_arn = certificate_arn
        self.register_outputs({
            "domainName": self.domain_name,
            "hostedZoneId": self.hosted_zone_id,
            "distributionId": self.distribution_id,
            "certificateArn": self.certificate_arn,
        })
