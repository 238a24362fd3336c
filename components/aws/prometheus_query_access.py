"""``PrometheusQueryAccess``: read access for Grafana to one Amazon Managed Service for
Prometheus (AMP) workspace, through EKS Pod Identity (docs/monitoring.md "Querying AMP").

An IAM role trusted only by EKS Pod Identity that may run the four query actions on that one
workspace (and nothing else: no write, no other workspace), and the Pod Identity association
for Grafana's service account. Grafana's Amazon Managed Service for Prometheus data source signs
its queries with SigV4 from the AWS SDK default credential chain, which reads the Pod
Identity credentials: no key anywhere.

Facts, with where they were checked:
* ``aps:QueryMetrics``, ``aps:GetSeries``, ``aps:GetLabels``, ``aps:GetMetricMetadata``: access
  level Read, resource type ``workspace*`` (``arn:${Partition}:aps:${Region}:${Account}:workspace/${WorkspaceId}``):
  parliament 1.6.4 iam_definition.json (service ``aps``); the same four are the permissions the
  plugin's documentation asks for (grafana/grafana-amazonprometheus-datasource@d2a53092 (v3.2.0)
  docs/sources/configure.md "Before you begin") and AWS lists for Grafana
  (https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-onboard-query-grafana-7.3.html);
* the ``default`` SigV4 auth type is ``config.LoadDefaultConfig`` of aws-sdk-go-v2
  (grafana/grafana-aws-sdk@v1.5.1 pkg/awsauth/auth.go, ``AuthTypeDefault``), whose chain includes
  the container credentials provider Pod Identity uses; the plugin v3.2.0 builds on
  grafana-aws-sdk v1.5.1 and aws-sdk-go-v2/config v1.32.30 (its go.mod), above the Pod Identity
  minimum Go v2 release-2023-11-14 (awsdocs/amazon-eks-user-guide@4d52b4d0
  latest/ug/manage-access/aws-access/service-accounts.adoc). Not verified on a live cluster.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.bucket_documents import pod_identity_trust_policy
from components.naming import child_name

QUERY_ACTIONS = ("aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata")


def query_policy(workspace_arn: str) -> str:
    """Read-only (query) access to exactly one workspace."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "QueryWorkspace", "Effect": "Allow", "Action": list(QUERY_ACTIONS),
                       "Resource": workspace_arn}],
    })


@dataclass
class PrometheusQueryAccessArgs:
    cluster_name: pulumi.Input[str]
    workspace_arn: pulumi.Input[str]
    namespace: str  # of the Grafana pods
    service_account: str  # the Grafana pods' service account


class PrometheusQueryAccess(pulumi.ComponentResource):
    """A Pod Identity role that may only query one AMP workspace; see the module docstring."""

    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: PrometheusQueryAccessArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:PrometheusQueryAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.role = aws.iam.Role(child_name(name, "role"), assume_role_policy=pod_identity_trust_policy(), opts=child)
        self.policy = aws.iam.RolePolicy(child_name(name, "query"), role=self.role.id,
                                         policy=pulumi.Output.from_input(args.workspace_arn).apply(query_policy),
                                         opts=child)
        self.association = aws.eks.PodIdentityAssociation(
            child_name(name, "pod-identity"), cluster_name=args.cluster_name, namespace=args.namespace,
            service_account=args.service_account, role_arn=self.role.arn, opts=child)
        self.role_arn = self.role.arn
        self.access: tuple[pulumi.Resource, ...] = (self.association, self.policy)
        self.register_outputs({"roleArn": self.role_arn})
