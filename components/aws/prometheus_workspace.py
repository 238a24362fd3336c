"""``PrometheusWorkspace``: long-term, deduplicated metrics in Amazon Managed Service for
Prometheus (AMP), written by the cluster's own Prometheus (docs/monitoring.md "Long-term
metrics").

Builds an AMP workspace with its retention, an IAM role trusted only by EKS Pod Identity that
may ``aps:RemoteWrite`` to that one workspace, and the Pod Identity association for the
Prometheus service account. Prometheus signs its remote writes with SigV4 from the pod's
Pod Identity credentials: no key anywhere.

Facts, with where they were checked:
* ``aps:RemoteWrite`` on resource ``arn:${Partition}:aps:${Region}:${Account}:workspace/${WorkspaceId}``:
  parliament 1.6.4 iam_definition.json (service ``aps``); the AWS managed policy
  AmazonPrometheusRemoteWriteAccess grants the same action
  (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonPrometheusRemoteWriteAccess.html);
* remote-write path ``/workspaces/<id>/api/v1/remote_write`` below the workspace's
  ``prometheus_endpoint``: https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-APIReference-RemoteWrite.html;
* retention 1..1095 days: https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-workspace-configuration.html
  (maximum) and .../APIReference/API_WorkspaceConfigurationDescription.html (minimum 1);
* the pinned Prometheus (v3.14.0) signs with ``github.com/prometheus/sigv4`` v0.4.1 on
  aws-sdk-go v1.55.8 / aws-sdk-go-v2 v1.43.0 (prometheus/prometheus@v3.14.0 go.mod), above the
  Pod Identity minimums Go v1 1.47.11 / v2 release-2023-11-14
  (awsdocs/amazon-eks-user-guide@4d52b4d0 latest/ug/manage-access/aws-access/service-accounts.adoc).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.bucket_documents import pod_identity_trust_policy
from components.naming import child_name

RETENTION_DAYS_MAX = 1095


def remote_write_policy(workspace_arn: str) -> str:
    """Write-only access to exactly one workspace."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "RemoteWrite", "Effect": "Allow", "Action": ["aps:RemoteWrite"],
                       "Resource": workspace_arn}],
    })


@dataclass
class PrometheusWorkspaceArgs:
    cluster_name: pulumi.Input[str]
    namespace: str  # of the Prometheus pods
    service_account: str  # the Prometheus pods' service account
    retention_days: int = 150
    protect: bool = False


class PrometheusWorkspace(pulumi.ComponentResource):
    """An AMP workspace Prometheus remote-writes to through Pod Identity; see the module docstring."""

    remote_write_url: pulumi.Output[str]
    query_url: pulumi.Output[str]
    workspace_arn: pulumi.Output[str]

    def __init__(self, name: str, args: PrometheusWorkspaceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:PrometheusWorkspace", name, None, opts)
        if not 1 <= args.retention_days <= RETENTION_DAYS_MAX:
            raise ValueError(f"retention_days must be 1..{RETENTION_DAYS_MAX}, got {args.retention_days}")
        child = pulumi.ResourceOptions(parent=self)
        self.workspace = aws.amp.Workspace(
            child_name(name, "workspace"), alias=name,
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(protect=args.protect)))
        self.configuration = aws.amp.WorkspaceConfiguration(
            child_name(name, "retention"), workspace_id=self.workspace.id,
            retention_period_in_days=args.retention_days, opts=child)
        self.role = aws.iam.Role(child_name(name, "role"), assume_role_policy=pod_identity_trust_policy(), opts=child)
        self.policy = aws.iam.RolePolicy(child_name(name, "remote-write"), role=self.role.id,
                                         policy=self.workspace.arn.apply(remote_write_policy), opts=child)
        self.association = aws.eks.PodIdentityAssociation(
            child_name(name, "pod-identity"), cluster_name=args.cluster_name, namespace=args.namespace,
            service_account=args.service_account, role_arn=self.role.arn, opts=child)
        self.workspace_arn = self.workspace.arn
        # The Prometheus-compatible root (``.../workspaces/<id>``) queries go below
        # (https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-APIReference-QueryMetrics.html).
        self.query_url = self.workspace.prometheus_endpoint.apply(lambda endpoint: endpoint.rstrip("/"))
        self.remote_write_url = self.query_url.apply(lambda root: root + "/api/v1/remote_write")
        self.access: tuple[pulumi.Resource, ...] = (self.association, self.policy)
        self.register_outputs({"workspaceArn": self.workspace_arn, "remoteWriteUrl": self.remote_write_url,
                               "roleArn": self.role.arn})
