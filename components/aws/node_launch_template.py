"""The launch template of an EKS managed node group: instance metadata and the root volume.

EKS keeps managing the AMI (``amiType`` + ``releaseVersion`` on the node group), the instance
profile (the node role) and the subnets, so the template holds neither an image id, an
instance profile nor network interfaces, and the node group no ``diskSize`` (EKS refuses a
setting given in both places: awsdocs/amazon-eks-user-guide@4d52b4d05e34
latest/ug/nodes/launch-templates.adoc "Launch template configuration basics"; botocore eks
``LaunchTemplateSpecification`` and ``CreateNodegroupRequest.diskSize``).

Secure defaults, a sentence each:
* IMDSv2 only (``httpTokens: required``): no unauthenticated IMDSv1 requests;
* ``httpPutResponseHopLimit`` 1 (``METADATA_HOP_LIMIT``): an IMDSv2 token cannot cross the extra
  hop into a pod's network namespace, so pods cannot read the node role's credentials; see the
  constant for what runs on the nodes and why none of it needs hop 2;
* the root volume is encrypted with the cluster's node-volume key (a customer managed key
  that EC2 may use on this account's behalf: ``key_policies.ebs_key_policy``), deleted with
  the instance, and sized and typed from config.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

# The AL2023 EKS-optimised AMI's root device (aws/karpenter-provider-aws@bde00654cd31 (tag
# v1.14.1) pkg/providers/amifamily/al2023.go:107 and website/content/en/docs/concepts/
# nodeclasses.md "AL2023" default blockDeviceMappings: /dev/xvda).
ROOT_DEVICE = "/dev/xvda"

# Hop limit 1: the node's own processes (kubelet, nodeadm) and hostNetwork pods (aws-node, i.e.
# the VPC CNI, kube-proxy, the EBS CSI node plugin's host-network parts) reach IMDS in one hop;
# a pod in its own network namespace needs 2 to get an IMDSv2 token (awsdocs/amazon-eks-user-guide
# @4d52b4d05e34 latest/ug/nodes/launch-templates.adoc: "If any containers ... use the Instance
# Metadata Service Version 2, make sure to set the Metadata response hop limit to 2"; nodes/
# al2023.adoc: managed node groups default to 1 so "containers won't have access to the node's
# credentials", use EKS Pod Identity instead). What runs in pods here needs neither the node's
# credentials nor its metadata: every AWS-calling workload (EBS CSI controller, Karpenter, the
# load balancer controller, External Secrets, Loki/Tempo) gets its role through EKS Pod Identity,
# the load balancer controller is given its region and VPC id (components/aws/lb_controller.py),
# Karpenter is given AWS_REGION (components/platform/values.py; it asks IMDS for the region only
# when the SDK has none: aws/karpenter-provider-aws v1.14.1 (bde00654cd31) pkg/operator/operator.go:114
# NewOperator, and Pod Identity injects only the two credential variables: amazon-eks-user-guide
# latest/ug/manage-access/aws-access/service-accounts.adoc "How EKS Pod Identity Agent works"), and
# the EBS CSI node plugin reads its instance metadata from IMDS or, failing that, the Kubernetes API
# (kubernetes-sigs/aws-ebs-csi-driver pkg/cloud/metadata/metadata.go NewMetadataService: "Retrieving
# IMDS metadata failed, falling back to Kubernetes metadata"; read in a recent version found by
# content, not at the pinned add-on tag, so unverified there). At hop limit 1 it logs that error
# once per start and then uses the Node object; without IMDS it cannot refresh its ENI count
# (UpdateMetadata skips), so its attachable-volume count can be stale after ENIs change. This is the EKS best-practices guide's "Restrict access to the instance profile
# assigned to the worker node" (docs.aws.amazon.com/eks/latest/best-practices/
# identity-and-access-management.html) and what checkov CKV_AWS_341 requires (hop limit <= 1).
METADATA_HOP_LIMIT = 1


def metadata_options(hop_limit: int = METADATA_HOP_LIMIT) -> dict[str, Any]:
    """EC2 ``MetadataOptions`` of our nodes (pure; the Karpenter EC2NodeClass uses the same values)."""
    return {"http_endpoint": "enabled", "http_tokens": "required", "http_put_response_hop_limit": hop_limit,
            "http_protocol_ipv6": "disabled", "instance_metadata_tags": "disabled"}


@dataclass
class NodeLaunchTemplateArgs:
    """Arguments of :func:`node_launch_template`."""

    volume_key_arn: pulumi.Input[str]  # the cluster's node-volume KMS key
    volume_size: int = 50  # GiB
    volume_type: str = "gp3"


def node_launch_template(name: str, args: NodeLaunchTemplateArgs,
                         opts: pulumi.ResourceOptions | None = None) -> aws.ec2.LaunchTemplate:
    """A launch template for one managed node group (see the module docstring)."""
    md = metadata_options()
    return aws.ec2.LaunchTemplate(
        name,
        description=f"EKS managed node group {name}: IMDSv2, hop limit {md['http_put_response_hop_limit']}, "
                    "encrypted root volume",
        metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(**md),
        block_device_mappings=[aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
            device_name=ROOT_DEVICE,
            ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                volume_size=args.volume_size,
                volume_type=args.volume_type,
                encrypted="true",
                kms_key_id=args.volume_key_arn,
                delete_on_termination="true",
            ),
        )],
        # Node groups reference the version they were given; a changed template makes a new
        # version, which becomes the default, and the node group rolls to it.
        update_default_version=True,
        opts=opts,
    )
