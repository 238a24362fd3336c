"""Shared bits of the Azure tests: resource types, the alternative prod plan, config problems."""

from __future__ import annotations

import pytest

from stacks.config import ConfigError, load_config
from tests.support import config_with, plan
from tools.engine import Plan, PlannedResource, _wire_config

RG = "azure-native:resources:ResourceGroup"
VNET = "azure-native:network:VirtualNetwork"
SUBNET = "azure-native:network:Subnet"
NSG = "azure-native:network:NetworkSecurityGroup"
AKS = "azure-native:containerservice:ManagedCluster"
UAI = "azure-native:managedidentity:UserAssignedIdentity"
FIC = "azure-native:managedidentity:FederatedIdentityCredential"
ROLE = "azure-native:authorization:RoleAssignment"
ACR = "azure-native:containerregistry:Registry"
REDIS = "azure-native:redis:Redis"
MANAGED_REDIS = "azure-native:redisenterprise:RedisEnterprise"
MANAGED_REDIS_DB = "azure-native:redisenterprise:Database"
MANAGED_REDIS_USER = "azure-native:redisenterprise:AccessPolicyAssignment"
SB_NAMESPACE = "azure-native:servicebus:Namespace"
SB_QUEUE = "azure-native:servicebus:Queue"
SB_TOPIC = "azure-native:servicebus:Topic"
SB_SUBSCRIPTION = "azure-native:servicebus:Subscription"
VAULT = "azure-native:keyvault:Vault"
SECRET = "azure-native:keyvault:Secret"
PASSWORD = "random:index/randomPassword:RandomPassword"
K8S_PROVIDER = "pulumi:providers:kubernetes"
PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
DNS_ZONE = "azure-native:privatedns:PrivateZone"
DNS_LINK = "azure-native:privatedns:VirtualNetworkLink"
DNS_ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup"

# One more prod plan with the other choices switched on, shared by every test that needs them.
PROD_ALTERNATIVE = (
    "twincloud:azure.location=northeurope",
    "twincloud:azure.acr.replicationLocations=[]",
    "twincloud:azure.aks.privateCluster=true",
    "twincloud:azure.aks.apiServerAuthorizedIpRanges=[]",
    "twincloud:azure.aks.identity=systemAssigned",
    "twincloud:azure.aks.networkPolicy=calico",
    "twincloud:azure.keyVault.secrets.stripe-api-key={secure: v1:AAAAencrypted}",
    # An existing tenant keeping Azure Cache for Redis (Premium, zone-spread).
    "twincloud:azure.redis.legacyCacheForRedis=true",
    "twincloud:azure.redis.sku=Premium",
    "twincloud:azure.redis.capacity=1",
    "twincloud:azure.redis.users=[]",
    "twincloud:azure.acr.publicNetworkAccess=false",
    "twincloud:azure.keyVault.privateEndpoint=true",
)


def alternative_plan() -> Plan:
    return plan("prod", *PROD_ALTERNATIVE)


def role_guid(assignment: PlannedResource) -> str:
    return assignment.inputs["roleDefinitionId"].rsplit("/", 1)[-1]


def problems(stack: str, *overrides: str) -> list[str]:
    wire, _ = _wire_config(config_with(stack, *overrides))
    with pytest.raises(ConfigError) as e:
        load_config(wire, stack=stack)
    return e.value.problems


def one_problem(stack: str, *overrides: str) -> str:
    found = problems(stack, *overrides)
    assert len(found) == 1, found
    return found[0]
