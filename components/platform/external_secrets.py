"""``ExternalSecrets``: the External Secrets Operator on EKS, reading AWS Secrets Manager.

Builds the operator's IAM role (trusted only by EKS Pod Identity) with a read-only policy
scoped to the stack's secret-name prefix, its Pod Identity association, the pinned Helm
release and a ``ClusterSecretStore`` every namespace can reference.

Secure defaults, a sentence each:
* read only (GetSecretValue, DescribeSecret, GetResourcePolicy, ListSecretVersionIds) and
  only ``<prefix>*`` secrets: a team cannot pull another stack's secrets through the store;
* the store authenticates as the controller's Pod Identity: no access keys anywhere;
* CRDs are chart templates upgraded with every release, the conversion webhook is off and
  only ``v1`` is served (see ``external_secrets_values``), so an upgrade cannot leave a CRD
  whose conversion points at a webhook version that no longer exists;
* the store waits for the release (its CRD) and the association (its credentials).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.aws.bucket_documents import pod_identity_trust_policy
from components.naming import child_name
from components.platform.documents import AwsScope, secrets_read_policy
from components.platform.manifests import cluster_secret_store
from components.platform.release import custom_resource, pinned_release
from components.platform.values import external_secrets_values

NAMESPACE = "external-secrets"
SERVICE_ACCOUNT = "external-secrets"
STORE_NAME = "aws-secrets-manager"


@dataclass
class ExternalSecretsArgs:
    provider: pulumi.ProviderResource
    cluster_name: pulumi.Input[str]
    scope: AwsScope
    secret_prefix: str  # Secrets Manager names the store may read: <prefix>*
    replicas: int = 1
    depends_on: tuple[pulumi.Resource, ...] = ()


class ExternalSecrets(pulumi.ComponentResource):
    """External Secrets Operator with a Secrets Manager ClusterSecretStore; see the module docstring."""

    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: ExternalSecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:ExternalSecrets", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.role = aws.iam.Role(child_name(name, "role"), assume_role_policy=pod_identity_trust_policy(), opts=child)
        self.policy = aws.iam.RolePolicy(child_name(name, "read"), role=self.role.id,
                                         policy=secrets_read_policy(args.scope, args.secret_prefix), opts=child)
        self.association = aws.eks.PodIdentityAssociation(
            child_name(name, "pod-identity"), cluster_name=args.cluster_name, namespace=NAMESPACE,
            service_account=SERVICE_ACCOUNT, role_arn=self.role.arn, opts=child)
        in_cluster = pulumi.ResourceOptions(parent=self, provider=args.provider)
        self.namespace = k8s.core.v1.Namespace(
            child_name(name, "ns"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name=NAMESPACE, labels={
                "pod-security.kubernetes.io/enforce": "restricted", "app.kubernetes.io/part-of": "twincloud-platform"}),
            opts=pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(depends_on=list(args.depends_on))),
        )
        self.release = pinned_release(
            child_name(name, "release"), "external-secrets", release_name="external-secrets", namespace=NAMESPACE,
            values=external_secrets_values(replicas=args.replicas, service_account=SERVICE_ACCOUNT),
            opts=pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(
                depends_on=[self.namespace, self.association, self.policy])),
        )
        self.store = custom_resource(child_name(name, "store"), cluster_secret_store(STORE_NAME, args.scope.region),
                                     pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(
                                         depends_on=[self.release])))
        self.role_arn = self.role.arn
        self.register_outputs({"roleArn": self.role_arn, "store": STORE_NAME, "secretPrefix": args.secret_prefix})
