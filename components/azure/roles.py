"""Azure built-in role definitions the platform assigns (ids only; no resources here).

Built-in roles have the same GUID in every tenant; a role definition id is that GUID under
the subscription scope. Principals are assigned with ``principal_type`` set, so Azure does
not wait for Entra replication of a fresh managed identity before accepting them.
"""

from __future__ import annotations

import pulumi

ACR_PULL = "7f951dfd-4ed3-4f51-8e84-a3ae6f1ca7c6"
SERVICE_BUS_DATA_SENDER = "69a216fc-b8fb-44d8-bc22-1f3c2552a39a"
SERVICE_BUS_DATA_RECEIVER = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"
KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
AKS_RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"
STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"

SERVICE_PRINCIPAL = "ServicePrincipal"  # managed identities are service principals in Entra
GROUP = "Group"


def role_definition_id(subscription_id: str, role_guid: str) -> str:
    """``/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>``."""
    return f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}"


def subscription_role(role_guid: str) -> pulumi.Output[str]:
    """The role definition id of a built-in role in the deploying subscription."""
    import pulumi_azure_native.authorization as authorization

    return authorization.get_client_config_output().subscription_id.apply(
        lambda sub: role_definition_id(sub, role_guid)
    )
