"""The state backend that survives the loss of the primary region (bootstrap resources).

Builds, for the twincloud stacks' Pulumi state and secrets:

* a multi-Region KMS key in the primary region and its replica in the DR region (same key
  id and key material), each with the alias ``alias/twincloud-pulumi-state``; stacks use it
  as secrets provider (``awskms://alias/twincloud-pulumi-state?region=<region>``), and
  because the replica decrypts what the primary encrypted, switching a stack to the DR
  region is a one-line change of its ``secretsprovider`` URL;
* an S3 state bucket in the primary region and a replica bucket in the DR region, each
  versioned, SSE-KMS encrypted with the local copy of the key (S3 bucket keys on), with all
  four public-access blocks, bucket-owner-enforced ownership (no ACLs) and a policy that
  refuses plain HTTP and TLS below 1.2;
* replication of every object version (and delete marker) from the state bucket to the
  replica, with Replication Time Control (15-minute SLA) and replication metrics, through
  a role that may read only the source, write only the replica and use only the two keys.

Secure defaults, a sentence each: versioning keeps every past state so a bad ``up`` or a
deleted checkpoint can be restored; KMS encryption with a rotating customer key keeps state
(and the secrets in it) unreadable without key access; the replica makes state readable
when the primary region is down; buckets and keys are protected against ``pulumi destroy``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.iam import service_trust_policy
from components.facts.aws import service_principal
from components.naming import global_name

NAMESPACE = "twincloud-bootstrap"
KEY_ALIAS = "alias/twincloud-pulumi-state"
REPLICATION_MINUTES = 15  # S3 Replication Time Control: the only (and SLA-backed) threshold


def tls_only_policy(bucket_arn: str) -> str:
    """Bucket policy refusing requests without TLS, or with TLS older than 1.2."""
    objects = [bucket_arn, f"{bucket_arn}/*"]
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": objects, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "DenyOutdatedTls", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": objects, "Condition": {"NumericLessThan": {"s3:TlsVersion": "1.2"}}},
        ],
    })


def replication_role_policy(source_arn: str, replica_arn: str, source_key_arn: str, replica_key_arn: str) -> str:
    """Least privilege for S3 replication of SSE-KMS objects from ``source`` to ``replica``."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "ReadReplicationConfig", "Effect": "Allow",
             "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": source_arn},
            {"Sid": "ReadSourceVersions", "Effect": "Allow",
             "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionTagging"],
             "Resource": f"{source_arn}/*"},
            {"Sid": "WriteReplica", "Effect": "Allow",
             "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
             "Resource": f"{replica_arn}/*"},
            {"Sid": "DecryptSource", "Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": source_key_arn},
            {"Sid": "EncryptReplica", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
             "Resource": replica_key_arn},
        ],
    })


def validate_regions(primary_region: str, dr_region: str) -> None:
    if not dr_region or dr_region == primary_region:
        raise pulumi.RunError(
            f"{NAMESPACE}:drRegion must name a region other than aws:region ({primary_region}), got {dr_region!r}; "
            "the state must survive the loss of the primary region")


@dataclass
class StateBackend:
    primary_region: str
    dr_region: str
    bucket: aws.s3.Bucket
    replica: aws.s3.Bucket
    key: aws.kms.Key
    replica_key: aws.kms.ReplicaKey

    def exports(self) -> dict[str, pulumi.Input]:
        return {
            "backendUrl": self.bucket.bucket.apply(lambda b: f"s3://{b}?region={self.primary_region}"),
            "drBackendUrl": self.replica.bucket.apply(lambda b: f"s3://{b}?region={self.dr_region}"),
            "secretsProvider": f"awskms://{KEY_ALIAS}?region={self.primary_region}",
            "drSecretsProvider": f"awskms://{KEY_ALIAS}?region={self.dr_region}",
            "keyId": self.key.key_id,
        }


def _secure_bucket(name: str, bucket_name: str, key: pulumi.Input[str], opts: pulumi.ResourceOptions,
                   protect: bool) -> tuple[aws.s3.Bucket, aws.s3.BucketVersioning]:
    bucket = aws.s3.Bucket(name, bucket=bucket_name, force_destroy=False,
                           opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=protect)))
    child = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(parent=bucket))
    aws.s3.BucketOwnershipControls(
        name, bucket=bucket.id,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"), opts=child)
    aws.s3.BucketPublicAccessBlock(
        name, bucket=bucket.id, block_public_acls=True, block_public_policy=True,
        ignore_public_acls=True, restrict_public_buckets=True, opts=child)
    versioning = aws.s3.BucketVersioning(
        name, bucket=bucket.id,
        versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"), opts=child)
    aws.s3.BucketServerSideEncryptionConfiguration(
        name, bucket=bucket.id,
        rules=[aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                sse_algorithm="aws:kms", kms_master_key_id=key),
            bucket_key_enabled=True,
        )],
        opts=child)
    aws.s3.BucketPolicy(name, bucket=bucket.id, policy=bucket.arn.apply(tls_only_policy), opts=child)
    return bucket, versioning


def build_state_backend(*, primary_region: str, dr_region: str, stack: str, protect: bool = True) -> StateBackend:
    validate_regions(primary_region, dr_region)
    dr_provider = aws.Provider(f"{NAMESPACE}-{dr_region}", region=dr_region)
    in_primary = pulumi.ResourceOptions()
    in_dr = pulumi.ResourceOptions(provider=dr_provider)
    protected = pulumi.ResourceOptions(protect=protect)

    key = aws.kms.Key(
        "state", description="twincloud Pulumi state and stack secrets (multi-Region)",
        multi_region=True, enable_key_rotation=True, deletion_window_in_days=30, opts=protected)
    aws.kms.Alias("state", name=KEY_ALIAS, target_key_id=key.key_id)
    replica_key = aws.kms.ReplicaKey(
        "state-replica", primary_key_arn=key.arn, deletion_window_in_days=30,
        description=f"replica of the twincloud state key in {dr_region}",
        opts=pulumi.ResourceOptions.merge(in_dr, protected))
    aws.kms.Alias("state-replica", name=KEY_ALIAS, target_key_id=replica_key.key_id, opts=in_dr)

    bucket, versioning = _secure_bucket(
        "state", global_name("pulumi-state", stack=stack, region=primary_region), key.arn, in_primary, protect)
    replica, replica_versioning = _secure_bucket(
        "state-replica", global_name("pulumi-state", stack=stack, region=dr_region), replica_key.arn, in_dr, protect)

    role = aws.iam.Role("state-replication", assume_role_policy=service_trust_policy(service_principal("s3.amazonaws.com")),
                        description="S3 replication of the Pulumi state bucket to the DR region")
    policy = aws.iam.RolePolicy(
        "state-replication", role=role.id,
        policy=pulumi.Output.all(bucket.arn, replica.arn, key.arn, replica_key.arn).apply(
            lambda a: replication_role_policy(*a)))
    aws.s3.BucketReplicationConfig(
        "state",
        bucket=bucket.id,
        role=role.arn,
        rules=[aws.s3.BucketReplicationConfigRuleArgs(
            id="state-to-dr",
            status="Enabled",
            priority=1,
            filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
            delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(status="Enabled"),
            source_selection_criteria=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                sse_kms_encrypted_objects=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                    status="Enabled")),
            destination=aws.s3.BucketReplicationConfigRuleDestinationArgs(
                bucket=replica.arn,
                storage_class="STANDARD",
                encryption_configuration=aws.s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(
                    replica_kms_key_id=replica_key.arn),
                replication_time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeArgs(
                    status="Enabled",
                    time=aws.s3.BucketReplicationConfigRuleDestinationReplicationTimeTimeArgs(minutes=REPLICATION_MINUTES)),
                metrics=aws.s3.BucketReplicationConfigRuleDestinationMetricsArgs(
                    status="Enabled",
                    event_threshold=aws.s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs(
                        minutes=REPLICATION_MINUTES)),
            ),
        )],
        # replication needs versioning on both sides and the role's permissions first
        opts=pulumi.ResourceOptions(depends_on=[versioning, replica_versioning, policy]),
    )
    return StateBackend(primary_region=primary_region, dr_region=dr_region, bucket=bucket, replica=replica,
                        key=key, replica_key=replica_key)
