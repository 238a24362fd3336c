"""``VNet``: the Azure network of the DR platform.

Builds a resource group (or uses the one named in the args), a virtual network over the
configured address space, three subnets carved by ``vnet_plan`` (AKS nodes, private
endpoints, hybrid/database) and one network security group per subnet, associated to it.

Secure defaults, a sentence each:
* every NSG starts with explicit denies of SSH, RDP, MySQL and Redis (22/3389/3306/6379)
  from the internet, so a later allow can never open them by accident;
* the database subnet admits MySQL (3306) from the AKS node subnet only and denies it from
  everywhere else, peered networks and the endpoint subnet included;
* rule priorities are generated from rule order by a pure helper, so they are unique and
  the denies always win;
* only the ingress ports given (default 443) are open from the internet, to the AKS subnet;
* subnets have no default outbound access (egress goes through AKS's load balancer), and
  the endpoint subnet enforces NSGs on private endpoints;
* with ``api_server_subnet``, a /28 delegated to ``Microsoft.ContainerService/managedClusters``
  takes AKS's API server (VNet Integration), behind an NSG with the same internet denies; the
  default rules admit the node subnet (443, 4443) and Azure Load Balancer (9988) AKS needs;
* the AKS subnet carries service endpoints for Key Vault, Storage, Service Bus and ACR, so
  those services can allow it by network rule instead of the whole internet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native.network as network
import pulumi_azure_native.resources as resources

from components.azure.vnet_plan import (
    API_SERVER_TIER,
    SUBNET_TIERS,
    SecurityRule,
    assign_priorities,
    internet_deny_rules,
    plan_vnet,
    subnet_rules,
)
from components.facts.azure import AKS_API_SERVER
from components.naming import child_name

AKS_SERVICE_ENDPOINTS = (
    "Microsoft.KeyVault", "Microsoft.Storage", "Microsoft.ServiceBus", "Microsoft.ContainerRegistry",
)


@dataclass
class VNetArgs:
    """Arguments of :class:`VNet`."""

    location: str
    address_space: str
    resource_group_name: str | None = None  # an existing group; created when None
    ingress_ports: list[int] = field(default_factory=lambda: [443])
    api_server_subnet: bool = False  # a delegated /28 for AKS API Server VNet Integration


def _rule_args(rule: SecurityRule) -> network.SecurityRuleArgs:
    s = rule.spec
    single = len(s.ports) == 1
    return network.SecurityRuleArgs(
        name=s.name,
        priority=rule.priority,
        direction=s.direction,
        access=s.access,
        protocol=s.protocol,
        source_address_prefix=s.source,
        source_port_range="*",
        destination_address_prefix=s.destination,
        destination_port_range=s.ports[0] if single else None,
        destination_port_ranges=None if single else list(s.ports),
        description=s.description or None,
    )


class VNet(pulumi.ComponentResource):
    """Azure virtual network with one NSG per subnet; see the module docstring."""

    resource_group_name: pulumi.Output[str]
    vnet_id: pulumi.Output[str]
    vnet_name: pulumi.Output[str]
    aks_subnet_id: pulumi.Output[str]
    endpoints_subnet_id: pulumi.Output[str]
    database_subnet_id: pulumi.Output[str]
    api_server_subnet_id: pulumi.Output[str] | None

    def __init__(self, name: str, args: VNetArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        layout = plan_vnet(args.address_space)  # both raise on bad args, before any resource
        rules = subnet_rules(layout, args.ingress_ports)
        tiers = list(SUBNET_TIERS)
        if args.api_server_subnet:
            rules[API_SERVER_TIER] = assign_priorities(internet_deny_rules())
            tiers.append(API_SERVER_TIER)
        super().__init__("twincloud:azure:VNet", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        if args.resource_group_name:
            self.resource_group_name = pulumi.Output.from_input(args.resource_group_name)
        else:
            group = resources.ResourceGroup(name, location=args.location, opts=child)
            self.resource_group_name = group.name
        rg = self.resource_group_name

        self.vnet = network.VirtualNetwork(
            name,
            resource_group_name=rg,
            location=args.location,
            address_space=network.AddressSpaceArgs(address_prefixes=[layout.address_space]),
            opts=child,
        )
        self.nsgs: dict[str, network.NetworkSecurityGroup] = {}
        self.subnets: dict[str, network.Subnet] = {}
        previous: list[pulumi.Resource] = []
        delegated_to, _ = AKS_API_SERVER["vnet_integration_subnet"].value
        for tier in tiers:
            nsg = network.NetworkSecurityGroup(
                child_name(name, tier),
                resource_group_name=rg,
                location=args.location,
                security_rules=[_rule_args(r) for r in rules[tier]],
                opts=child,
            )
            # Subnets of one VNet are created one at a time: Azure rejects concurrent
            # subnet writes on the same network (AnotherOperationInProgress).
            subnet = network.Subnet(
                child_name(name, tier),
                subnet_name=tier,
                resource_group_name=rg,
                virtual_network_name=self.vnet.name,
                address_prefix=layout.cidr(tier),
                network_security_group=network.NetworkSecurityGroupArgs(id=nsg.id),
                default_outbound_access=False,
                service_endpoints=[network.ServiceEndpointPropertiesFormatArgs(service=s)
                                   for s in AKS_SERVICE_ENDPOINTS] if tier == "aks" else None,
                private_endpoint_network_policies="Enabled" if tier == "endpoints" else None,
                delegations=[network.DelegationArgs(name="aks-apiserver", service_name=delegated_to)]
                if tier == API_SERVER_TIER else None,
                opts=pulumi.ResourceOptions(parent=self, depends_on=previous),
            )
            previous = [subnet]
            self.nsgs[tier] = nsg
            self.subnets[tier] = subnet

        self.layout = layout
        self.address_space = layout.address_space
        self.vnet_id = self.vnet.id
        self.vnet_name = self.vnet.name
        self.aks_subnet_id = self.subnets["aks"].id
        self.endpoints_subnet_id = self.subnets["endpoints"].id
        self.database_subnet_id = self.subnets["database"].id
        self.api_server_subnet_id = self.subnets[API_SERVER_TIER].id if args.api_server_subnet else None
        self.register_outputs({
            "resourceGroupName": self.resource_group_name,
            "vnetId": self.vnet_id,
            "aksSubnetId": self.aks_subnet_id,
            "endpointsSubnetId": self.endpoints_subnet_id,
            "databaseSubnetId": self.database_subnet_id,
        })
