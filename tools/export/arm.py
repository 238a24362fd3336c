"""The Azure part of an offline plan as an ARM template, for scanners that read ARM
(checkov ``--framework arm``).

azure-native is generated from the Azure REST API specs and flattens each resource's
``properties`` bag into top-level inputs; the template puts them back: ARM's envelope keys
(``name``, ``location``, ``tags``, ``sku``, ...) stay at the top, URL path parameters
(``resourceGroupName``, ``vaultName``, ...) become the resource name, everything else goes
into ``properties``. Nested sub-resources (objects with a ``name`` and an ``id``, e.g. NSG
security rules, subnets, private link connections) get the same ``{name, properties}``
shape. API versions are the ones the pinned SDK's resource tokens use ("Uses Azure REST
API version ..." in each class's docstring). Secret values become ``securestring``
parameters, never literals.

Template format: learn.microsoft.com/azure/azure-resource-manager/templates/syntax
(``$schema``, ``contentVersion``, ``parameters``, ``resources[]`` with ``type``,
``apiVersion``, ``name``).
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from tools.engine import UNKNOWN, Plan, PlannedResource, Secret
from tools.export import sdk

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"

# ARM's resource envelope: keys that sit beside ``properties``, not inside it.
ENVELOPE = ("location", "tags", "sku", "kind", "identity", "zones", "extendedLocation", "plan", "managedBy")

# Pulumi token -> (ARM resource type, name template over the inputs: its URL path parameters).
# ARM types: learn.microsoft.com/azure/templates/<namespace>/<type> (unverified here: from the
# REST API paths azure-native documents per resource; tools/mocks.py builds the same ids).
ARM_TYPES: dict[str, tuple[str, str]] = {
    "azure-native:resources:ResourceGroup": ("Microsoft.Resources/resourceGroups", "{resourceGroupName}"),
    "azure-native:authorization:RoleAssignment": ("Microsoft.Authorization/roleAssignments", "{roleAssignmentName}"),
    "azure-native:containerregistry:Registry": ("Microsoft.ContainerRegistry/registries", "{registryName}"),
    "azure-native:containerregistry:Replication": (
        "Microsoft.ContainerRegistry/registries/replications", "{registryName}/{replicationName}"),
    "azure-native:containerservice:ManagedCluster": ("Microsoft.ContainerService/managedClusters", "{resourceName}"),
    "azure-native:containerservice:MaintenanceConfiguration": (
        "Microsoft.ContainerService/managedClusters/maintenanceConfigurations", "{resourceName}/{configName}"),
    "azure-native:keyvault:Vault": ("Microsoft.KeyVault/vaults", "{vaultName}"),
    "azure-native:keyvault:Secret": ("Microsoft.KeyVault/vaults/secrets", "{vaultName}/{secretName}"),
    "azure-native:managedidentity:UserAssignedIdentity": (
        "Microsoft.ManagedIdentity/userAssignedIdentities", "{resourceName}"),
    "azure-native:managedidentity:FederatedIdentityCredential": (
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
        "{resourceName}/{federatedIdentityCredentialResourceName}"),
    "azure-native:network:NetworkSecurityGroup": (
        "Microsoft.Network/networkSecurityGroups", "{networkSecurityGroupName}"),
    "azure-native:network:VirtualNetwork": ("Microsoft.Network/virtualNetworks", "{virtualNetworkName}"),
    "azure-native:network:Subnet": ("Microsoft.Network/virtualNetworks/subnets", "{virtualNetworkName}/{subnetName}"),
    "azure-native:network:PrivateEndpoint": ("Microsoft.Network/privateEndpoints", "{privateEndpointName}"),
    "azure-native:network:PrivateDnsZoneGroup": (
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups", "{privateEndpointName}/{privateDnsZoneGroupName}"),
    "azure-native:privatedns:PrivateZone": ("Microsoft.Network/privateDnsZones", "{privateZoneName}"),
    "azure-native:privatedns:VirtualNetworkLink": (
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks", "{privateZoneName}/{virtualNetworkLinkName}"),
    "azure-native:redis:Redis": ("Microsoft.Cache/redis", "{name}"),
    "azure-native:redisenterprise:RedisEnterprise": ("Microsoft.Cache/redisEnterprise", "{clusterName}"),
    "azure-native:redisenterprise:Database": (
        "Microsoft.Cache/redisEnterprise/databases", "{clusterName}/{databaseName}"),
    "azure-native:redisenterprise:AccessPolicyAssignment": (
        "Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments",
        "{clusterName}/{databaseName}/{accessPolicyAssignmentName}"),
    "azure-native:servicebus:Namespace": ("Microsoft.ServiceBus/namespaces", "{namespaceName}"),
    "azure-native:servicebus:Queue": ("Microsoft.ServiceBus/namespaces/queues", "{namespaceName}/{queueName}"),
    "azure-native:servicebus:Topic": ("Microsoft.ServiceBus/namespaces/topics", "{namespaceName}/{topicName}"),
    "azure-native:servicebus:Subscription": (
        "Microsoft.ServiceBus/namespaces/topics/subscriptions", "{namespaceName}/{topicName}/{subscriptionName}"),
    "azure-native:storage:StorageAccount": ("Microsoft.Storage/storageAccounts", "{accountName}"),
    "azure-native:storage:BlobServiceProperties": (
        "Microsoft.Storage/storageAccounts/blobServices", "{accountName}/default"),
    "azure-native:storage:BlobContainer": (
        "Microsoft.Storage/storageAccounts/blobServices/containers", "{accountName}/default/{containerName}"),
    "azure-native:storage:ManagementPolicy": (
        "Microsoft.Storage/storageAccounts/managementPolicies", "{accountName}/default"),
    "azure-native:operationalinsights:Workspace": ("Microsoft.OperationalInsights/workspaces", "{workspaceName}"),
    # An extension resource: resourceUri becomes the template's scope.
    "azure-native:monitor:DiagnosticSetting": ("Microsoft.Insights/diagnosticSettings", "{name}"),
}

# Properties azure-native names differently from the ARM wire format (the SDK uses the
# specs' x-ms-client-name): (resource token or nested Args class, SDK name) -> wire name.
# Storage: networkAcls is what ARM and checkov read (checkov 3.3.30
# checkov/arm/checks/resource/StorageAccountDefaultNetworkAccessDeny.py reads
# properties.networkAcls.defaultAction); rule fields per the Storage REST API
# (learn.microsoft.com/rest/api/storagerp/storage-accounts/create, VirtualNetworkRule.id,
# IPRule.value; unverified here).
WIRE_NAMES: dict[tuple[str, str], str] = {
    ("azure-native:storage:StorageAccount", "networkRuleSet"): "networkAcls",
    ("pulumi_azure_native.storage.VirtualNetworkRuleArgs", "virtualNetworkResourceId"): "id",
    ("pulumi_azure_native.storage.IPRuleArgs", "iPAddressOrRange"): "value",
    # Key Vault secret attributes are exp/nbf on the wire; checkov 3.3.30 reads
    # properties.attributes.exp (checkov/arm/checks/resource/SecretExpirationDate.py, citing
    # docs.microsoft.com/azure/templates/microsoft.keyvault/vaults/secrets).
    ("pulumi_azure_native.keyvault.SecretAttributesArgs", "expires"): "exp",
    ("pulumi_azure_native.keyvault.SecretAttributesArgs", "notBefore"): "nbf",
}

# azure-native resources that are data-plane operations, not ARM resources: no template twin.
DATA_PLANE = {"azure-native:storage:Blob", "azure-native:storage:StorageAccountStaticWebsite"}

_API_VERSION = re.compile(r"Uses Azure REST API version (\d{4}-\d{2}-\d{2}(?:-preview)?)")
_PARAM = re.compile(r"\{(\w+)\}")


class ArmExportError(Exception):
    pass


def api_version(typ: str) -> str:
    """The REST API version the pinned SDK's resource token uses (from its docstring)."""
    cls = sdk.resource_class(typ)
    m = _API_VERSION.search(inspect.getsource(cls))
    if not m:
        raise ArmExportError(f"{typ}: the pinned SDK does not say which REST API version it uses")
    return m.group(1)


def _plain(value: Any, params: dict[str, Any], hint: str) -> Any:
    if isinstance(value, Secret):
        name = re.sub(r"\W", "_", hint)
        params[name] = {"type": "securestring"}
        return f"[parameters('{name}')]"
    if isinstance(value, dict):
        return {k: _plain(v, params, f"{hint}_{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, params, f"{hint}_{i}") for i, v in enumerate(value)]
    return None if value == UNKNOWN else value


def _is_subresource(t: type) -> bool:
    props = sdk.properties(t)
    return "name" in props and ("id" in props or t.__name__ == "PrivateDnsZoneConfigArgs")


def _nest(value: Any, prop: sdk.Prop | None) -> Any:
    """Nested values, with sub-resources in ARM's ``{id, name, properties}`` shape."""
    if not prop or not prop.nested or prop.is_map:
        return value
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if not isinstance(item, dict):
            out.append(item)
            continue
        t = sdk.best_nested(item, prop.nested)
        props = sdk.properties(t)
        owner = f"{t.__module__.rsplit('._', 1)[0]}.{t.__name__}"
        inner = {WIRE_NAMES.get((owner, k), k): _nest(v, props.get(k)) for k, v in item.items()}
        if _is_subresource(t):
            top = {k: inner.pop(k) for k in ("id", "name", "type", "etag") if k in inner}
            inner = {**top, "properties": inner} if inner else top
        out.append(inner)
    return out if isinstance(value, list) else out[0]


def arm_resource(r: PlannedResource, params: dict[str, Any]) -> dict[str, Any]:
    arm_type, template = ARM_TYPES[r.type]
    path_params = set(_PARAM.findall(template)) | {"resourceGroupName"}
    names = {p: r.inputs.get(p) or r.outputs.get(p) for p in _PARAM.findall(template)}
    leaf = template.rsplit("/", 1)[-1].strip("{}")
    if not names.get(leaf):
        names[leaf] = r.outputs.get("name") or r.name
    name = template.format(**{k: (v if v is not None else r.name) for k, v in names.items()})
    props = sdk.resource_properties(r.type)
    out: dict[str, Any] = {"type": arm_type, "apiVersion": api_version(r.type), "name": name}
    bag: dict[str, Any] = {}
    for key, value in r.inputs.items():
        if key in path_params:
            continue
        value = _plain(_nest(value, props.get(key)), params, f"{r.name}_{key}")
        key = WIRE_NAMES.get((r.type, key), key)
        if key == "identity" and isinstance(value, dict) and isinstance(value.get("userAssignedIdentities"), list):
            # azure-native takes a list of identity ids; ARM a map of id -> {} (as tools/mocks.py answers)
            value = {**value, "userAssignedIdentities": {i: {} for i in value["userAssignedIdentities"]}}
        if key in ENVELOPE:
            out[key] = value
        elif key == "properties" and isinstance(value, dict):
            bag.update(value)
        elif key == "scope" and r.type == "azure-native:authorization:RoleAssignment":
            out["scope"] = value  # extension resource: applied at this scope
        elif key == "resourceUri" and r.type == "azure-native:monitor:DiagnosticSetting":
            out["scope"] = value
        else:
            bag[key] = value
    if bag:
        out["properties"] = bag
    return out


def export_arm(plan: Plan) -> dict[str, Any]:
    """The plan's Azure resources as one ARM deployment template."""
    missing = sorted({r.type for r in plan.resources if r.custom and r.type.startswith("azure-native:")
                      and r.type not in ARM_TYPES and r.type not in DATA_PLANE})
    if missing:
        raise ArmExportError("no ARM type known for " + ", ".join(missing) + "; add it to ARM_TYPES in tools/export/arm.py")
    params: dict[str, Any] = {}
    resources = [arm_resource(r, params) for r in plan.resources if r.type in ARM_TYPES]
    return {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "parameters": params, "resources": resources}
