"""``AccessLogBucket``: the bucket S3 server access logs of a stack's buckets are delivered to.

Builds a private bucket (all four public-access blocks, bucket-owner-enforced ownership,
versioning, a lifecycle that expires logs) whose policy lets only the S3 logging service
write, and only for the listed source buckets of this account, and refuses plain HTTP.

Secure defaults, a sentence each:
* default encryption is SSE-S3 (AES256): S3 server access log delivery does not support
  SSE-KMS default encryption on the target bucket (facts: ``S3_ACCESS_LOGS``);
* log delivery is granted through the bucket policy to ``logging.s3.amazonaws.com`` with
  ``aws:SourceArn`` (the source buckets) and ``aws:SourceAccount`` conditions, since ACLs
  are disabled;
* the log bucket does not log itself (S3: delivering logs to a logging bucket loops);
* logs expire after ``expiration_days``; the bucket is protected in prod.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.bucket_documents import bucket_name_problems
from components.facts.aws import S3_ACCESS_LOGS, service_principal
from components.naming import child_name


@dataclass
class AccessLogBucketArgs:
    """Arguments of :class:`AccessLogBucket`."""

    bucket_name: str  # physical name, from components.naming.global_name
    source_bucket_names: list[str] = field(default_factory=list)  # buckets whose access logs land here
    expiration_days: int = 365
    protect: bool = False
    force_destroy: bool = False


def log_delivery_policy(*, partition: str, account_id: str, bucket_arn: str, source_bucket_names: list[str]) -> str:
    """TLS only, and S3 log delivery for the listed source buckets of this account only."""
    objects = [bucket_arn, f"{bucket_arn}/*"]
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": objects, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow",
             "Principal": {"Service": service_principal(S3_ACCESS_LOGS["principal"].value)},
             "Action": "s3:PutObject", "Resource": f"{bucket_arn}/*",
             "Condition": {
                 "ArnLike": {"aws:SourceArn": [f"arn:{partition}:s3:::{b}" for b in source_bucket_names]},
                 "StringEquals": {"aws:SourceAccount": account_id},
             }},
        ],
    })


class AccessLogBucket(pulumi.ComponentResource):
    """Target bucket for S3 server access logs; see the module docstring."""

    bucket_name: pulumi.Output[str]

    def __init__(self, name: str, args: AccessLogBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = bucket_name_problems(args.bucket_name)
        if problems:
            raise ValueError(f"bucket name {args.bucket_name!r} {'; '.join(problems)}")
        super().__init__("twincloud:aws:AccessLogBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOptions(parent=self)
        partition = aws.get_partition(opts=invoke).partition
        account_id = aws.get_caller_identity(opts=invoke).account_id

        self.bucket = aws.s3.Bucket(name, bucket=args.bucket_name, force_destroy=args.force_destroy,
                                    tags={"Purpose": "S3 server access logs"},
                                    opts=pulumi.ResourceOptions(parent=self, protect=args.protect))
        bucket_id = self.bucket.id
        public_access = aws.s3.BucketPublicAccessBlock(
            child_name(name, "public-access"), bucket=bucket_id, block_public_acls=True, block_public_policy=True,
            ignore_public_acls=True, restrict_public_buckets=True, opts=child)
        aws.s3.BucketOwnershipControls(
            child_name(name, "ownership"), bucket=bucket_id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=child)
        aws.s3.BucketVersioning(
            child_name(name, "versioning"), bucket=bucket_id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"), opts=child)
        aws.s3.BucketServerSideEncryptionConfiguration(
            child_name(name, "encryption"), bucket=bucket_id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm=S3_ACCESS_LOGS["target_encryption"].value))],
            opts=child)
        aws.s3.BucketLifecycleConfiguration(
            child_name(name, "lifecycle"), bucket=bucket_id,
            rules=[aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="expire-access-logs", status="Enabled",
                filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=args.expiration_days),
                noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=30),
                abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                    days_after_initiation=7),
            )],
            opts=child)
        aws.s3.BucketPolicy(
            child_name(name, "policy"), bucket=bucket_id,
            policy=self.bucket.arn.apply(lambda arn: log_delivery_policy(
                partition=partition, account_id=account_id, bucket_arn=arn,
                source_bucket_names=list(args.source_bucket_names))),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access]))
        self.bucket_name = self.bucket.bucket
        self.register_outputs({"bucketName": self.bucket_name})
