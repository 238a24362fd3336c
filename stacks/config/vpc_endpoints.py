"""``twincloud:vpc.endpoints``: the VPC endpoints of the AWS network (docs/cost.md says what they cost).

* ``s3Gateway`` (default true): the S3 gateway endpoint on the private route tables. It is free
  and takes Loki/Tempo writes and image layers off the NAT gateways, so it is on everywhere.
* ``interface`` (default: true in prod, false in dev): ECR API, ECR registry, STS and CloudWatch
  Logs interface endpoints. Each bills per AZ-hour whether used or not; in dev (two AZs, a
  few GB of pulls a month) that fixed charge is far above the NAT processing it saves, so dev
  leaves them off unless set.
* ``s3ExternalReadBuckets``: buckets of other owners the workloads read through the gateway
  (its policy admits this account's principals and the image layer buckets of ECR and
  registry.k8s.io only).
"""

from __future__ import annotations

import re

from pydantic import ValidationInfo, field_validator

from stacks.config.base import Model, is_prod

# S3 general purpose bucket names (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html,
# unverified here): 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit.
# Other owners' buckets may use dots, so this is wider than the rule for our own buckets.
S3_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


class VpcEndpointsConfig(Model):
    """``twincloud:vpc.endpoints``."""

    s3_gateway: bool = True
    interface: bool | None = None  # None: on in prod, off in dev
    s3_external_read_buckets: list[str] = []

    @field_validator("s3_gateway")
    @classmethod
    def _gateway(cls, v: bool, info: ValidationInfo) -> bool:
        if is_prod(info) and not v:
            raise ValueError("prod must keep s3Gateway: true; without it image layers and Loki/Tempo writes "
                             "cross the NAT gateways (and the prod-vpc-endpoints rule fails)")
        return v

    @field_validator("interface")
    @classmethod
    def _interface(cls, v: bool | None, info: ValidationInfo) -> bool:
        if v is None:
            return is_prod(info)
        if is_prod(info) and not v:
            raise ValueError("prod must keep interface: true; the ECR endpoints keep image pulls off the NAT "
                             "gateways and working when they are lost (the prod-vpc-endpoints rule)")
        return v

    @field_validator("s3_external_read_buckets")
    @classmethod
    def _buckets(cls, v: list[str]) -> list[str]:
        bad = [b for b in v if not S3_BUCKET_NAME.fullmatch(b)]
        if bad:
            raise ValueError(f"not S3 bucket names: {bad}; give bare names (3-63 lower-case letters, digits, '.' "
                             "and '-'), not ARNs or URLs")
        if len(set(v)) != len(v):
            raise ValueError("bucket names must be unique")
        return v
