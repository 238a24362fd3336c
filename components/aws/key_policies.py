"""KMS key policies for the platform's keys (pure builders, no resources here).

Every key gets an explicit policy (checkov CKV2_AWS_64): the account administers it,
exactly as AWS's default key policy does, so IAM policies in the account decide who
manages the key; and one statement names who may *use* it, and only for what the
service using the key needs:

* ECR images and ElastiCache data: principals of this account, only through that service
  in this region (``kms:ViaService``), which is how those services reach the key (through
  grants the service creates when the repository or replication group is created);
* EKS secrets: the cluster role, which EKS uses to envelope-encrypt secrets;
* node root volumes: any principal of this account, only through EC2 in this region, so the
  EC2 Auto Scaling service-linked role (managed node groups) and Karpenter's controller
  (``CreateFleet``) can launch nodes with them; grants only for AWS resources (EBS volumes);
* CloudWatch Logs: the regional logs service principal, only for the one log group
  named in the encryption context CloudWatch Logs sends (``kms:EncryptionContext:aws:logs:arn``).

The facts each statement relies on sit in ``components.facts.aws.KMS_KEY_POLICIES`` with
where they were verified.
"""

from __future__ import annotations

import json
from typing import Any

from components.facts.aws import regional_name

# Actions a service needs on a key it reaches through grants (KMS_KEY_POLICIES['ecr_grants']).
SERVICE_USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                       "kms:CreateGrant", "kms:DescribeKey")
# The cluster role's use of the secrets key (KMS_KEY_POLICIES['eks_secrets']).
EKS_CLUSTER_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey")
# CloudWatch Logs' use of a log group's key (KMS_KEY_POLICIES['logs_principal']).
LOGS_ACTIONS = ("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*")


def account_root(partition: str, account_id: str) -> str:
    return f"arn:{partition}:iam::{account_id}:root"


def account_admin_statement(partition: str, account_id: str) -> dict[str, Any]:
    """AWS's default key policy statement: the account (through IAM) administers the key."""
    return {
        "Sid": "EnableIamUserPermissions",
        "Effect": "Allow",
        "Principal": {"AWS": account_root(partition, account_id)},
        "Action": "kms:*",
        "Resource": "*",
    }


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def service_key_policy(*, partition: str, account_id: str, region: str, service: str) -> str:
    """A key that principals of this account use only through ``service`` (``ecr``,
    ``elasticache``) in ``region``."""
    return _document(
        account_admin_statement(partition, account_id),
        {
            "Sid": f"UseThrough{service.capitalize()}",
            "Effect": "Allow",
            "Principal": {"AWS": account_root(partition, account_id)},
            "Action": list(SERVICE_USE_ACTIONS),
            "Resource": "*",
            "Condition": {"StringEquals": {
                "kms:ViaService": regional_name("kms:ViaService", service=service, region=region, partition=partition),
                "kms:CallerAccount": account_id,
            }},
        },
    )


def role_key_policy(*, partition: str, account_id: str, role_arn: str,
                    actions: tuple[str, ...] = EKS_CLUSTER_ACTIONS) -> str:
    """A key one role uses (the EKS cluster role for secrets envelope encryption)."""
    return _document(
        account_admin_statement(partition, account_id),
        {
            "Sid": "RoleUsesKey",
            "Effect": "Allow",
            "Principal": {"AWS": role_arn},
            "Action": list(actions),
            "Resource": "*",
        },
    )


# What EC2 needs to launch instances with volumes encrypted by a customer managed key
# (KMS_KEY_POLICIES['ebs_node_volumes']): use, and grants for the volumes it attaches.
EBS_USE_ACTIONS = ("kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey")
EBS_GRANT_ACTIONS = ("kms:CreateGrant",)


def ebs_key_policy(*, partition: str, account_id: str, region: str) -> str:
    """A key for node root volumes: principals of this account use it only through EC2 in
    ``region``, and create grants only for AWS resources.

    The principal is ``*`` narrowed by ``kms:CallerAccount`` and ``kms:ViaService`` (the AWS
    managed ``aws/ebs`` key's shape, which Karpenter's troubleshooting guide recommends) rather
    than the Auto Scaling service-linked role's ARN: KMS rejects a key policy naming a principal
    that does not exist yet, and a fresh account has no such role until its first Auto Scaling
    group, which EKS creates after this key.
    """
    via_ec2 = {
        "kms:ViaService": regional_name("kms:ViaService", service="ec2", region=region, partition=partition),
        "kms:CallerAccount": account_id,
    }
    return _document(
        account_admin_statement(partition, account_id),
        {
            "Sid": "UseThroughEc2ForNodeVolumes",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": list(EBS_USE_ACTIONS),
            "Resource": "*",
            "Condition": {"StringEquals": via_ec2},
        },
        {
            "Sid": "GrantsForAttachedVolumes",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": list(EBS_GRANT_ACTIONS),
            "Resource": "*",
            "Condition": {"StringEquals": via_ec2, "Bool": {"kms:GrantIsForAWSResource": True}},
        },
    )


def log_group_arn(*, partition: str, region: str, account_id: str, name: str) -> str:
    return f"arn:{partition}:logs:{region}:{account_id}:log-group:{name}"


def log_group_key_policy(*, partition: str, account_id: str, region: str, log_group_name: str) -> str:
    """A key CloudWatch Logs uses for one log group only (the encryption context names it)."""
    return _document(
        account_admin_statement(partition, account_id),
        {
            "Sid": "CloudWatchLogsEncryptsThisLogGroup",
            "Effect": "Allow",
            "Principal": {"Service": regional_name("logs service principal", region=region, partition=partition)},
            "Action": list(LOGS_ACTIONS),
            "Resource": "*",
            "Condition": {"ArnEquals": {
                "kms:EncryptionContext:aws:logs:arn": log_group_arn(
                    partition=partition, region=region, account_id=account_id, name=log_group_name),
            }},
        },
    )


# What an AWS service needs on a customer managed key to publish to a topic encrypted with it
# (SERVICE_PRINCIPALS['cloudwatch.amazonaws.com']).
TOPIC_PUBLISHER_ACTIONS = ("kms:GenerateDataKey*", "kms:Decrypt")


def topic_publisher_key_policy(*, partition: str, account_id: str, service_principal: str) -> str:
    """A key encrypting an SNS topic that an AWS service (CloudWatch alarms) publishes to; the
    service may use it only on behalf of this account (``aws:SourceAccount``)."""
    return _document(
        account_admin_statement(partition, account_id),
        {
            "Sid": "ServicePublishesToEncryptedTopic",
            "Effect": "Allow",
            "Principal": {"Service": service_principal},
            "Action": list(TOPIC_PUBLISHER_ACTIONS),
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
        },
    )
