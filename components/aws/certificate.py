"""A DNS-validated ACM certificate: one helper for every component that serves HTTPS on our domain.

Not a component of its own: the certificate, its validation record and the validation are
children of the caller (``opts``), so the callers' resource names and state are unchanged.
Secure defaults: RSA 2048 (the key ACM and CloudFront both accept), certificate transparency
logging on, and the ARN handed out only after DNS validation succeeds.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.naming import child_name


def dns_validated_certificate(
    name: str,
    domain: pulumi.Input[str],
    zone_id: pulumi.Input[str],
    *,
    certificate_opts: pulumi.ResourceOptions,
    record_opts: pulumi.ResourceOptions,
) -> pulumi.Output[str]:
    """Certificate ``<name>-cert`` for ``domain``, validated through a CNAME in ``zone_id``; returns
    the validated certificate's ARN. ``certificate_opts`` carries the certificate's provider (us-east-1
    for CloudFront); the record is a Route 53 (global) resource."""
    certificate = aws.acm.Certificate(
        child_name(name, "cert"),
        domain_name=domain,
        validation_method="DNS",
        key_algorithm="RSA_2048",
        options=aws.acm.CertificateOptionsArgs(certificate_transparency_logging_preference="ENABLED"),
        opts=certificate_opts,
    )
    dvo = certificate.domain_validation_options.apply(lambda options: options[0])
    record = aws.route53.Record(
        child_name(name, "cert-validation"),
        zone_id=zone_id,
        name=dvo.apply(lambda o: o.resource_record_name),
        type=dvo.apply(lambda o: o.resource_record_type),
        records=[dvo.apply(lambda o: o.resource_record_value)],
        ttl=60,
        allow_overwrite=True,  # ACM reuses one validation CNAME per domain and account across certificates
        opts=record_opts,
    )
    validation = aws.acm.CertificateValidation(
        child_name(name, "cert"),
        certificate_arn=certificate.arn,
        validation_record_fqdns=[record.fqdn],
        opts=certificate_opts,
    )
    return validation.certificate_arn
