"""``WorkloadIdentity``: an Entra identity for one Kubernetes service account on AKS.

Builds a user-assigned managed identity and a federated identity credential that trusts
tokens the AKS OIDC issuer signs for exactly ``system:serviceaccount:<namespace>:<name>``.
Pods of that service account then get Azure tokens without any stored secret. Used by
Service Bus and Key Vault consumers and by the monitoring stack (Loki/Tempo -> Blob).

Secure defaults, a sentence each:
* the credential's subject names one namespace and one service account, so no other
  workload (or cluster) can exchange its token for this identity;
* the audience is the fixed ``api://AzureADTokenExchange``, the only one Entra accepts
  for workload identity federation;
* the identity has no role of its own; callers grant it exactly what it needs (see
  ``ServiceBus`` and ``KeyVault``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native.managedidentity as managedidentity

from components.naming import child_name

TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"
CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
USE_LABEL = "azure.workload.identity/use"


def service_account_subject(namespace: str, service_account: str) -> str:
    """The OIDC ``sub`` claim of a Kubernetes service account token."""
    return f"system:serviceaccount:{namespace}:{service_account}"


@dataclass
class WorkloadIdentityArgs:
    """Arguments of :class:`WorkloadIdentity`."""

    resource_group_name: pulumi.Input[str]
    location: str
    oidc_issuer_url: pulumi.Input[str]
    namespace: str
    service_account: str


class WorkloadIdentity(pulumi.ComponentResource):
    """Managed identity federated to one service account; see the module docstring."""

    client_id: pulumi.Output[str]
    principal_id: pulumi.Output[str]
    identity_id: pulumi.Output[str]
    namespace: str
    service_account: str
    service_account_annotations: pulumi.Output[dict[str, str]]
    pod_labels: dict[str, str]

    def __init__(self, name: str, args: WorkloadIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:azure:WorkloadIdentity", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.identity = managedidentity.UserAssignedIdentity(
            name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            opts=child,
        )
        self.credential = managedidentity.FederatedIdentityCredential(
            child_name(name, "federation"),
            resource_group_name=args.resource_group_name,
            resource_name_=self.identity.name,
            issuer=args.oidc_issuer_url,
            subject=service_account_subject(args.namespace, args.service_account),
            audiences=[TOKEN_EXCHANGE_AUDIENCE],
            opts=child,
        )
        self.client_id = self.identity.client_id
        self.principal_id = self.identity.principal_id
        self.identity_id = self.identity.id
        self.namespace = args.namespace
        self.service_account = args.service_account
        # What the pod side needs: the annotation on the ServiceAccount, the label on the pod.
        self.service_account_annotations = self.client_id.apply(lambda cid: {CLIENT_ID_ANNOTATION: cid})
        self.pod_labels = {USE_LABEL: "true"}
        self.register_outputs({
            "clientId": self.client_id,
            "principalId": self.principal_id,
            "namespace": self.namespace,
            "serviceAccount": self.service_account,
            "serviceAccountAnnotations": self.service_account_annotations,
            "podLabels": self.pod_labels,
        })
