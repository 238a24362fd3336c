"""Azure facts: built-in role ids and first-party Entra application ids, each with its source.

Built-in roles have the same GUID in every tenant (the ``name`` of the role definition in
Microsoft's built-in roles reference). First-party Entra applications have the same
application id in every tenant.
"""

from __future__ import annotations

from components.facts import Fact

_ROLES_DOC = "https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/"
_AZURE_DOCS = "MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/"

# Role name (as Azure spells it) -> role definition GUID.
BUILT_IN_ROLES: dict[str, Fact] = {
    "AcrPull": Fact(
        "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        f"{_AZURE_DOCS}containers.md @0088bfa77543 (## AcrPull); {_ROLES_DOC}containers#acrpull"),
    "Azure Service Bus Data Sender": Fact(
        "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
        f"{_AZURE_DOCS}integration.md (## Azure Service Bus Data Sender); "
        f"{_ROLES_DOC}integration#azure-service-bus-data-sender"),
    "Azure Service Bus Data Receiver": Fact(
        "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
        f"{_AZURE_DOCS}integration.md (## Azure Service Bus Data Receiver); "
        f"{_ROLES_DOC}integration#azure-service-bus-data-receiver"),
    "Key Vault Secrets User": Fact(
        "4633458b-17de-408a-b874-0445c86b69e6",
        f"{_AZURE_DOCS}security.md (## Key Vault Secrets User); {_ROLES_DOC}security#key-vault-secrets-user"),
    "Network Contributor": Fact(
        "4d97b98b-1d4f-4787-a291-c67834d212e7",
        f"{_AZURE_DOCS}networking.md (## Network Contributor); {_ROLES_DOC}networking#network-contributor"),
    "Azure Kubernetes Service RBAC Cluster Admin": Fact(
        "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
        f"{_AZURE_DOCS}containers.md (## Azure Kubernetes Service RBAC Cluster Admin); "
        f"{_ROLES_DOC}containers#azure-kubernetes-service-rbac-cluster-admin"),
    "Storage Blob Data Contributor": Fact(
        "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        "MicrosoftDocs/azure-docs (zh-cn mirror) articles/role-based-access-control/built-in-roles.md "
        f"(\"roleName\": \"Storage Blob Data Contributor\"); {_ROLES_DOC}storage#storage-blob-data-contributor"),
}

# First-party Entra applications AKS uses for Entra-integrated clusters (kubelogin).
ENTRA_APPLICATIONS: dict[str, Fact] = {
    # The server side: tokens for AKS clusters are issued for this application (--server-id).
    "Azure Kubernetes Service AAD Server": Fact(
        "6dae42f8-4368-4678-94ff-3960e28e3630",
        "Azure/kubelogin@66784961ef44 docs/book/src/concepts/aks.md"),
    # The public client kubelogin logs in with in devicecode/interactive/ropc modes (--client-id).
    # It is the AKS Microsoft Entra client application (the Azure CLI has its own client id).
    "Azure Kubernetes Service AAD Client": Fact(
        "80faf920-1908-4b52-b5ef-a8e7bedfc67a",
        "Azure/kubelogin@66784961ef44 docs/book/src/concepts/aks.md"),
}

TABLES = ("BUILT_IN_ROLES", "ENTRA_APPLICATIONS")
