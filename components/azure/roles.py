"""Azure built-in role definitions the platform assigns (ids only; no resources here).

Built-in roles have the same GUID in every tenant; a role definition id is that GUID under
the subscription scope. Principals are assigned with ``principal_type`` set, so Azure does
not wait for Entra replication of a fresh managed identity before accepting them.
"""

from __future__ import annotations

import pulumi

from components.facts.azure import BUILT_IN_ROLES

# The GUIDs live, with their sources, in components/facts/azure.py (BUILT_IN_ROLES).
ACR_PULL = BUILT_IN_ROLES["AcrPull"].value
ACR_PUSH = BUILT_IN_ROLES["AcrPush"].value
SERVICE_BUS_DATA_SENDER = BUILT_IN_ROLES["Azure Service Bus Data Sender"].value
SERVICE_BUS_DATA_RECEIVER = BUILT_IN_ROLES["Azure Service Bus Data Receiver"].value
KEY_VAULT_SECRETS_USER = BUILT_IN_ROLES["Key Vault Secrets User"].value
NETWORK_CONTRIBUTOR = BUILT_IN_ROLES["Network Contributor"].value
AKS_RBAC_CLUSTER_ADMIN = BUILT_IN_ROLES["Azure Kubernetes Service RBAC Cluster Admin"].value
STORAGE_BLOB_DATA_CONTRIBUTOR = BUILT_IN_ROLES["Storage Blob Data Contributor"].value

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
