"""Pure builders for the platform services' AWS documents: IAM policies, the SQS queue
policy and the EventBridge patterns (no resources here; tests read them directly).

Every document follows its upstream source at the pinned release, cited per builder:

* ``KARPENTER_CFN``: aws/karpenter-provider-aws@1d927085dd81
  website/content/en/v1.14/getting-started/getting-started-with-karpenter/cloudformation.yaml
  (the controller policies, the interruption queue, its policy and the EventBridge rules);
* ``ESO_POLICY``: external-secrets/external-secrets@cc5bfbc2234a (tag helm-chart-2.9.0)
  docs/provider/aws-access.md "EKS Pod Identity Setup" and docs/provider/aws-secrets-manager.md
  "IAM Policy" (read actions, scoped to a name prefix).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from components.facts import platform as facts
from components.facts.aws import managed_policy, service_principal

KARPENTER_CFN = ("aws/karpenter-provider-aws@1d927085dd81 website/content/en/v1.14/getting-started/"
                 "getting-started-with-karpenter/cloudformation.yaml")
ESO_POLICY = ("external-secrets/external-secrets@cc5bfbc2234a docs/provider/aws-access.md (EKS Pod Identity Setup); "
              "docs/provider/aws-secrets-manager.md (IAM Policy)")

# Values from components/facts/platform.py (each with its source there).
INTERRUPTION_EVENTS: dict[str, tuple[str, str]] = {k: f.value for k, f in facts.INTERRUPTION_EVENTS.items()}
INTERRUPTION_TARGET_ID: str = facts.KARPENTER["queue_target_id"].value
INTERRUPTION_QUEUE_RETENTION_SECONDS: int = facts.KARPENTER["queue_retention_seconds"].value
KARPENTER_NODE_POLICIES: tuple[str, ...] = tuple(managed_policy(p) for p in facts.KARPENTER["node_policies"].value)
PASSED_TO_SERVICE: tuple[str, ...] = facts.KARPENTER["passed_to_service"].value
QUEUE_SENDERS: tuple[str, ...] = tuple(service_principal(p) for p in facts.KARPENTER["queue_senders"].value)
ESO_READ_ACTIONS: tuple[str, ...] = facts.EXTERNAL_SECRETS["read_actions"].value  # read only: no PushSecret


@dataclass(frozen=True)
class AwsScope:
    """Where the documents apply: partition, region, account and the EKS cluster name."""

    partition: str
    region: str
    account: str
    cluster: str

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        return (f"arn:{self.partition}:{service}:{self.region if region else ''}:"
                f"{self.account if account else ''}:{resource}")


def interruption_event_pattern(source: str, detail_type: str) -> str:
    return json.dumps({"source": [source], "detail-type": [detail_type]})


def interruption_queue_policy(queue_arn: str) -> str:
    """KARPENTER_CFN KarpenterInterruptionQueuePolicy: EventBridge (and SQS) may send; plain HTTP is denied."""
    return json.dumps({
        "Version": "2012-10-17",
        "Id": "EC2InterruptionPolicy",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": list(QUEUE_SENDERS)},
             "Action": "sqs:SendMessage", "Resource": queue_arn},
            {"Sid": "DenyHTTP", "Effect": "Deny", "Action": "sqs:*", "Resource": queue_arn,
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}, "Principal": "*"},
        ],
    })


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def karpenter_controller_policies(s: AwsScope, node_role_arn: str, queue_arn: str) -> dict[str, dict[str, Any]]:
    """The six controller policies of KARPENTER_CFN (NodeLifecycle, IAMIntegration,
    EKSIntegration, Interruption, ZonalShift, ResourceDiscovery), keyed by a short name."""
    cluster_tag = f"aws:ResourceTag/kubernetes.io/cluster/{s.cluster}"
    request_tag = f"aws:RequestTag/kubernetes.io/cluster/{s.cluster}"
    ec2_any = lambda kind: f"arn:{s.partition}:ec2:{s.region}:*:{kind}/*"  # noqa: E731
    launched = [ec2_any(k) for k in ("fleet", "instance", "volume", "network-interface", "launch-template",
                                     "spot-instances-request")]
    nodepool_owned = {"StringEquals": {cluster_tag: "owned"}, "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"}}
    cluster_arn = s.arn("eks", f"cluster/{s.cluster}")
    profile = s.arn("iam", "instance-profile/*", region=False)
    return {
        "node-lifecycle": _doc(
            {"Sid": "AllowScopedEC2InstanceAccessActions", "Effect": "Allow",
             "Resource": [f"arn:{s.partition}:ec2:{s.region}::image/*", f"arn:{s.partition}:ec2:{s.region}::snapshot/*",
                          ec2_any("security-group"), ec2_any("subnet"), ec2_any("capacity-reservation"),
                          ec2_any("placement-group")],
             "Action": ["ec2:RunInstances", "ec2:CreateFleet"]},
            {"Sid": "AllowScopedEC2LaunchTemplateAccessActions", "Effect": "Allow",
             "Resource": ec2_any("launch-template"), "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
             "Condition": nodepool_owned},
            {"Sid": "AllowScopedEC2InstanceActionsWithTags", "Effect": "Allow", "Resource": launched,
             "Action": ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
             "Condition": {"StringEquals": {request_tag: "owned", "aws:RequestTag/eks:eks-cluster-name": s.cluster},
                           "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"}}},
            {"Sid": "AllowScopedResourceCreationTagging", "Effect": "Allow", "Resource": launched,
             "Action": "ec2:CreateTags",
             "Condition": {"StringEquals": {request_tag: "owned", "aws:RequestTag/eks:eks-cluster-name": s.cluster,
                                            "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"]},
                           "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"}}},
            {"Sid": "AllowScopedResourceTagging", "Effect": "Allow", "Resource": ec2_any("instance"),
             "Action": "ec2:CreateTags",
             "Condition": {**nodepool_owned,
                           "StringEqualsIfExists": {"aws:RequestTag/eks:eks-cluster-name": s.cluster},
                           "ForAllValues:StringEquals": {"aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim",
                                                                         "Name"]}}},
            {"Sid": "AllowScopedDeletion", "Effect": "Allow",
             "Resource": [ec2_any("instance"), ec2_any("launch-template")],
             "Action": ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"], "Condition": nodepool_owned},
        ),
        "iam-integration": _doc(
            {"Sid": "AllowPassingInstanceRole", "Effect": "Allow", "Resource": node_role_arn, "Action": "iam:PassRole",
             "Condition": {"StringEquals": {"iam:PassedToService": list(PASSED_TO_SERVICE)}}},
            {"Sid": "AllowScopedInstanceProfileCreationActions", "Effect": "Allow", "Resource": profile,
             "Action": ["iam:CreateInstanceProfile"],
             "Condition": {"StringEquals": {request_tag: "owned", "aws:RequestTag/eks:eks-cluster-name": s.cluster,
                                            "aws:RequestTag/topology.kubernetes.io/region": s.region},
                           "StringLike": {"aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*"}}},
            {"Sid": "AllowScopedInstanceProfileTagActions", "Effect": "Allow", "Resource": profile,
             "Action": ["iam:TagInstanceProfile"],
             "Condition": {"StringEquals": {cluster_tag: "owned", "aws:ResourceTag/topology.kubernetes.io/region": s.region,
                                            request_tag: "owned", "aws:RequestTag/eks:eks-cluster-name": s.cluster,
                                            "aws:RequestTag/topology.kubernetes.io/region": s.region},
                           "StringLike": {"aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                                          "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*"}}},
            {"Sid": "AllowScopedInstanceProfileActions", "Effect": "Allow", "Resource": profile,
             "Action": ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
             "Condition": {"StringEquals": {cluster_tag: "owned", "aws:ResourceTag/topology.kubernetes.io/region": s.region},
                           "StringLike": {"aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*"}}},
        ),
        "eks-integration": _doc(
            {"Sid": "AllowAPIServerEndpointDiscovery", "Effect": "Allow", "Resource": cluster_arn,
             "Action": "eks:DescribeCluster"},
        ),
        "interruption": _doc(
            {"Sid": "AllowInterruptionQueueActions", "Effect": "Allow", "Resource": queue_arn,
             "Action": ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"]},
        ),
        "zonal-shift": _doc(
            {"Sid": "AllowZonalShiftStatusReadOnly", "Effect": "Allow", "Resource": "*",
             "Action": ["arc-zonal-shift:GetManagedResource"],
             "Condition": {"StringEquals": {"arc-zonal-shift:ResourceIdentifier": cluster_arn}}},
        ),
        "resource-discovery": _doc(
            {"Sid": "AllowRegionalReadActions", "Effect": "Allow", "Resource": "*",
             "Action": ["ec2:DescribeCapacityReservations", "ec2:DescribeImages", "ec2:DescribeInstances",
                        "ec2:DescribeInstanceStatus", "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes",
                        "ec2:DescribeLaunchTemplates", "ec2:DescribePlacementGroups", "ec2:DescribeSecurityGroups",
                        "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets"],
             "Condition": {"StringEquals": {"aws:RequestedRegion": s.region}}},
            {"Sid": "AllowSSMReadActions", "Effect": "Allow",
             "Resource": f"arn:{s.partition}:ssm:{s.region}::parameter/aws/service/*", "Action": "ssm:GetParameter"},
            {"Sid": "AllowPricingReadActions", "Effect": "Allow", "Resource": "*", "Action": "pricing:GetProducts"},
            {"Sid": "AllowUnscopedInstanceProfileListAction", "Effect": "Allow", "Resource": "*",
             "Action": "iam:ListInstanceProfiles"},
            {"Sid": "AllowInstanceProfileReadActions", "Effect": "Allow", "Resource": profile,
             "Action": "iam:GetInstanceProfile"},
        ),
    }


def secrets_read_policy(s: AwsScope, prefix: str) -> str:
    """ESO_POLICY: read-only, and only secrets whose name starts with ``prefix``
    (Secrets Manager appends ``-`` and six random characters to every secret ARN)."""
    return json.dumps(_doc({
        "Sid": "ReadStackSecrets", "Effect": "Allow", "Action": list(ESO_READ_ACTIONS),
        "Resource": s.arn("secretsmanager", f"secret:{prefix}*"),
    }))
