"""``AcrPushIdentity``: the Entra identity CI uses to copy images from ECR into ACR.

Builds a user-assigned managed identity, one federated identity credential per GitHub Actions
job allowed to push (``subjects``), and an ``AcrPush`` role assignment scoped to the registry.
The warm standby on AKS pulls only from ACR, and ECR replicates to AWS regions only, so the
job that pushes an image to ECR copies the same digest into ACR with this identity
(``.github/workflows/mirror-image.yml``; the choice is argued in docs/dr.md).

Secure defaults, a sentence each:
* no secret exists: a job signs in with its GitHub OIDC token, and only tokens whose ``sub``
  is one of the listed subjects (the calling repository's environment, matched exactly) are
  exchanged;
* the audience is ``api://AzureADTokenExchange``, the one Entra accepts for federation;
* ``AcrPush`` (pull and push, no delete) is granted on this registry only, never on the
  resource group or subscription.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.managedidentity as managedidentity

from components.azure import roles
from components.azure.workload_identity import TOKEN_EXCHANGE_AUDIENCE
from components.facts.azure import GITHUB_OIDC
from components.naming import child_name

GITHUB_ISSUER = GITHUB_OIDC["issuer"].value


def mirror_repositories(namespace: str, services: list[str]) -> list[str]:
    """The repositories kept in step: ECR's ``<namespace>/<service>`` names, the same in ACR."""
    return [f"{namespace}/{s}" for s in services]


@dataclass
class AcrPushIdentityArgs:
    """Arguments of :class:`AcrPushIdentity`."""

    resource_group_name: pulumi.Input[str]
    location: str
    registry_id: pulumi.Input[str]
    subjects: dict[str, str] = field(default_factory=dict)  # credential name -> GitHub OIDC subject


class AcrPushIdentity(pulumi.ComponentResource):
    """Managed identity federated to GitHub Actions jobs, with AcrPush on one registry."""

    client_id: pulumi.Output[str]
    principal_id: pulumi.Output[str]

    def __init__(self, name: str, args: AcrPushIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:azure:AcrPushIdentity", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.identity = managedidentity.UserAssignedIdentity(
            name, resource_group_name=args.resource_group_name, location=args.location, opts=child)
        # One credential at a time: concurrent writes of credentials on one identity are refused
        # (cwe1ss/microservices-template@650565fb github-identity-resources.bicep; unverified at Microsoft).
        self.credentials: list[managedidentity.FederatedIdentityCredential] = []
        for label, subject in args.subjects.items():
            self.credentials.append(managedidentity.FederatedIdentityCredential(
                child_name(name, "github", label),
                resource_group_name=args.resource_group_name,
                resource_name_=self.identity.name,
                federated_identity_credential_resource_name=label,
                issuer=GITHUB_ISSUER,
                subject=subject,
                audiences=[TOKEN_EXCHANGE_AUDIENCE],
                opts=pulumi.ResourceOptions(parent=self, depends_on=self.credentials[-1:]),
            ))
        self.acr_push = authorization.RoleAssignment(
            child_name(name, "acrpush"),
            scope=args.registry_id,
            role_definition_id=roles.subscription_role(roles.ACR_PUSH),
            principal_id=self.identity.principal_id,
            principal_type=roles.SERVICE_PRINCIPAL,
            opts=child,
        )
        self.client_id = self.identity.client_id
        self.principal_id = self.identity.principal_id
        self.register_outputs({"clientId": self.client_id, "principalId": self.principal_id})
