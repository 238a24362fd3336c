"""``PodIdentityBucket``: a private S3 bucket that one Kubernetes service account reaches
through EKS Pod Identity.

Builds the bucket (pulumi-aws v7 split resources: public access block, default encryption,
versioning, lifecycle, TLS-only bucket policy, ownership controls), an optional KMS key, an
IAM role that only EKS Pod Identity may assume, a policy scoped to this one bucket, the
``aws.eks.PodIdentityAssociation`` binding the role to ``namespace/serviceAccount``, and
(when asked, through the EKS Kubernetes provider) the Namespace and ServiceAccount.

Secure defaults, a sentence each:
* all four public-access-block flags are on, so no ACL or policy can ever make data public;
* objects are encrypted with the bucket's own rotating KMS key (``sse-kms``), which the
  workload role may use only through S3; ``sse-s3`` needs an explicit argument;
* versioning is on, so an overwrite or delete can be undone (noncurrent versions expire);
* a bucket policy denies any request not made over TLS;
* object ownership is ``BucketOwnerEnforced``: ACLs are disabled, the account owns every object;
* the role trusts only ``pods.eks.amazonaws.com`` (``sts:AssumeRole`` + ``sts:TagSession``):
  no IRSA, no static keys, and its policy names exactly this bucket and its objects;
* access is read-only unless ``read-write`` is asked for;
* the bucket and its key are protected and never force-destroyed unless told (dev only);
* with ``access_log_bucket``, S3 server access logs go there under ``<bucket name>/``;
* the ServiceAccount is created with the exact name the association binds, because a
  missing ServiceAccount once silently broke Tempo's access.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.aws.bucket_documents import (
    STORAGE_CLASSES,
    Access,
    bucket_access_policy,
    bucket_name_problems,
    pod_identity_trust_policy,
    tls_only_bucket_policy,
    workload_key_policy,
)
from components.naming import child_name

Encryption = Literal["sse-kms", "sse-s3"]


@dataclass
class LifecycleTransition:
    """Move objects to ``storage_class`` ``days`` after creation."""

    days: int
    storage_class: str


@dataclass
class LifecycleRule:
    """One lifecycle rule for objects under ``prefix`` (``""`` = the whole bucket)."""

    id: str
    prefix: str = ""
    expiration_days: int | None = None
    transitions: list[LifecycleTransition] = field(default_factory=list)
    noncurrent_expiration_days: int | None = None


@dataclass
class PodIdentityBucketArgs:
    """Arguments of :class:`PodIdentityBucket`."""

    bucket_name: str  # physical name, from components.naming.global_name
    region: str
    cluster_name: pulumi.Input[str]
    namespace: pulumi.Input[str]
    service_account: str
    access: Access = "read-only"
    encryption: Encryption = "sse-kms"
    versioning: bool = True
    lifecycle_rules: list[LifecycleRule] = field(default_factory=list)
    noncurrent_version_expiration_days: int = 30  # applies while versioning is on
    abort_incomplete_upload_days: int = 7
    purpose: str = ""
    create_namespace: bool = False
    create_service_account: bool = True  # needs a kubernetes provider in opts.providers
    protect: bool = True
    force_destroy: bool = False
    access_log_bucket: pulumi.Input[str] | None = None  # an AccessLogBucket listing this bucket as a source


def lifecycle_rules_for(args: PodIdentityBucketArgs) -> list[aws.s3.BucketLifecycleConfigurationRuleArgs]:
    """The bucket's lifecycle: housekeeping (aborted uploads, old versions) plus the caller's rules."""
    housekeeping = aws.s3.BucketLifecycleConfigurationRuleArgs(
        id="housekeeping",
        status="Enabled",
        filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
        abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
            days_after_initiation=args.abort_incomplete_upload_days,
        ),
        noncurrent_version_expiration=(
            aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                noncurrent_days=args.noncurrent_version_expiration_days,
            ) if args.versioning else None
        ),
    )
    rules = [housekeeping]
    for rule in args.lifecycle_rules:
        bad = [t.storage_class for t in rule.transitions if t.storage_class not in STORAGE_CLASSES]
        if bad:
            raise ValueError(f"lifecycle rule {rule.id!r}: unknown storage classes {bad}; allowed: {STORAGE_CLASSES}")
        rules.append(aws.s3.BucketLifecycleConfigurationRuleArgs(
            id=rule.id,
            status="Enabled",
            filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=rule.prefix),
            expiration=(aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=rule.expiration_days)
                        if rule.expiration_days else None),
            transitions=[aws.s3.BucketLifecycleConfigurationRuleTransitionArgs(
                days=t.days, storage_class=t.storage_class) for t in rule.transitions] or None,
            noncurrent_version_expiration=(
                aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                    noncurrent_days=rule.noncurrent_expiration_days,
                ) if rule.noncurrent_expiration_days else None
            ),
        ))
    return rules


class PodIdentityBucket(pulumi.ComponentResource):
    """Private S3 bucket bound to one service account through EKS Pod Identity; see the module docstring."""

    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    region: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    namespace: pulumi.Output[str]
    service_account: pulumi.Output[str]
    service_account_created: bool

    def __init__(self, name: str, args: PodIdentityBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:PodIdentityBucket", name, None, opts)
        problems = bucket_name_problems(args.bucket_name)
        if problems:
            raise ValueError(f"bucket name {args.bucket_name!r} {'; '.join(problems)}")
        if args.access not in ("read-only", "read-write"):
            raise ValueError(f"access must be 'read-only' or 'read-write', got {args.access!r}")
        if args.encryption not in ("sse-kms", "sse-s3"):
            raise ValueError(f"encryption must be 'sse-kms' or 'sse-s3', got {args.encryption!r}")
        k8s_provider = self.get_provider("kubernetes::")
        if (args.create_namespace or args.create_service_account) and k8s_provider is None:
            raise ValueError("creating the Namespace/ServiceAccount needs the cluster's Kubernetes provider: pass "
                             "opts=ResourceOptions(providers=[eks.provider]), or set create_service_account=False")
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect)
        invoke = pulumi.InvokeOptions(parent=self)
        partition = aws.get_partition(opts=invoke).partition
        account_id = aws.get_caller_identity(opts=invoke).account_id

        # -- the bucket and its settings ---------------------------------------------------
        self.bucket = aws.s3.Bucket(
            name,
            bucket=args.bucket_name,
            force_destroy=args.force_destroy,
            tags={"Purpose": args.purpose} if args.purpose else None,
            opts=stateful,
        )
        bucket_id = self.bucket.id
        public_access = aws.s3.BucketPublicAccessBlock(
            child_name(name, "public-access"),
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        aws.s3.BucketOwnershipControls(
            child_name(name, "ownership"),
            bucket=bucket_id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        aws.s3.BucketVersioning(
            child_name(name, "versioning"),
            bucket=bucket_id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
                status="Enabled" if args.versioning else "Suspended",
            ),
            opts=child,
        )
        aws.s3.BucketLifecycleConfiguration(
            child_name(name, "lifecycle"),
            bucket=bucket_id,
            rules=lifecycle_rules_for(args),
            opts=child,
        )
        if args.access_log_bucket is not None:
            aws.s3.BucketLogging(
                child_name(name, "access-logs"),
                bucket=bucket_id,
                target_bucket=args.access_log_bucket,
                target_prefix=f"{args.bucket_name}/",
                opts=child,
            )
        aws.s3.BucketPolicy(
            child_name(name, "tls-only"),
            bucket=bucket_id,
            policy=self.bucket.arn.apply(tls_only_bucket_policy),
            # S3 rejects policies while the public access block is being (re)applied.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access]),
        )

        # -- workload identity -----------------------------------------------------------
        self.role = aws.iam.Role(
            child_name(name, "role"),
            assume_role_policy=pod_identity_trust_policy(),
            description=f"EKS Pod Identity role for {args.service_account} ({args.access} on {args.bucket_name})",
            opts=child,
        )
        aws.iam.RolePolicy(
            child_name(name, "access"),
            role=self.role.id,
            policy=self.bucket.arn.apply(lambda arn: bucket_access_policy(arn, args.access)),
            opts=child,
        )

        # -- encryption --------------------------------------------------------------------
        self.key: aws.kms.Key | None = None
        if args.encryption == "sse-kms":
            self.key = aws.kms.Key(
                child_name(name, "key"),
                description=f"S3 default encryption for {args.bucket_name}",
                enable_key_rotation=True,
                deletion_window_in_days=30,
                policy=self.role.arn.apply(lambda role_arn: workload_key_policy(
                    partition=partition, account_id=account_id, region=args.region,
                    role_arn=role_arn, access=args.access,
                )),
                opts=stateful,
            )
            default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="aws:kms", kms_master_key_id=self.key.arn,
            )
        else:
            default = aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="AES256",
            )
        aws.s3.BucketServerSideEncryptionConfiguration(
            child_name(name, "encryption"),
            bucket=bucket_id,
            rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=default,
                bucket_key_enabled=args.encryption == "sse-kms",
            )],
            opts=child,
        )

        # -- Kubernetes side (through the EKS provider) ------------------------------------
        namespace: pulumi.Input[str] = args.namespace
        if args.create_namespace:
            ns = k8s.core.v1.Namespace(
                child_name(name, "namespace"),
                metadata=k8s.meta.v1.ObjectMetaArgs(name=args.namespace),
                opts=child,
            )
            namespace = ns.metadata.name
        self.service_account_created = args.create_service_account
        service_account: pulumi.Input[str] = args.service_account
        if args.create_service_account:
            sa = k8s.core.v1.ServiceAccount(
                child_name(name, "service-account"),
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=args.service_account,
                    namespace=namespace,
                    labels={"app.kubernetes.io/managed-by": "pulumi", "twincloud.io/bucket": name},
                ),
                opts=child,
            )
            service_account = sa.metadata.name
        association = self.association = aws.eks.PodIdentityAssociation(
            child_name(name, "pod-identity"),
            cluster_name=args.cluster_name,
            namespace=namespace,
            service_account=service_account,
            role_arn=self.role.arn,
            opts=child,
        )

        # -- outputs -------------------------------------------------------------------
        self.bucket_name = self.bucket.bucket
        self.bucket_arn = self.bucket.arn
        self.region = self.bucket.region
        self.role_arn = self.role.arn
        self.namespace = association.namespace
        self.service_account = association.service_account
        self.register_outputs({
            "bucketName": self.bucket_name,
            "bucketArn": self.bucket_arn,
            "region": self.region,
            "roleArn": self.role_arn,
            "namespace": self.namespace,
            "serviceAccount": self.service_account,
            "kmsKeyArn": self.key.arn if self.key else None,
        })
