"""``PrivateEndpoint``: a PaaS service reachable from the VNet on a private address.

Builds a private endpoint for one service (registry, cache, managed Redis, namespace or vault) in the
endpoint subnet, the service's ``privatelink`` DNS zone linked to the VNet, and the zone
group that keeps the zone's A record pointing at the endpoint, so the service's public name
resolves to its private address from inside the network.

Secure defaults, a sentence each:
* the endpoint sits in the endpoint subnet, whose NSG applies to private endpoints;
* the DNS zone is linked without auto-registration, so only the zone group writes records;
* callers turn the service's public network access off once the endpoint exists, so traffic
  never crosses the internet.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native.network as network
import pulumi_azure_native.privatedns as privatedns

from components.facts.azure import PRIVATE_DNS_ZONES as _FACT_ZONES
from components.naming import child_name

# Private-link sub-resource (group id) -> the DNS zone Azure resolves it through
# (sources in components/facts/azure.py).
PRIVATE_DNS_ZONES = {group: fact.value for group, fact in _FACT_ZONES.items()}
DNS_ZONE_LOCATION = "global"  # private DNS zones are global resources, not regional


@dataclass
class PrivateEndpointArgs:
    """Arguments of :class:`PrivateEndpoint`."""

    resource_group_name: pulumi.Input[str]
    location: str
    subnet_id: pulumi.Input[str]
    vnet_id: pulumi.Input[str]
    target_id: pulumi.Input[str]
    group_id: str  # a key of PRIVATE_DNS_ZONES


class PrivateEndpoint(pulumi.ComponentResource):
    """Private endpoint plus private DNS for one service; see the module docstring."""

    endpoint_id: pulumi.Output[str]

    def __init__(self, name: str, args: PrivateEndpointArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        if args.group_id not in PRIVATE_DNS_ZONES:
            raise ValueError(f"group_id must be one of {sorted(PRIVATE_DNS_ZONES)}, got {args.group_id!r}")
        super().__init__("twincloud:azure:PrivateEndpoint", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        rg = args.resource_group_name

        zone = privatedns.PrivateZone(
            name,
            private_zone_name=PRIVATE_DNS_ZONES[args.group_id],
            resource_group_name=rg,
            location=DNS_ZONE_LOCATION,
            opts=child,
        )
        privatedns.VirtualNetworkLink(
            name,
            private_zone_name=zone.name,
            resource_group_name=rg,
            location=DNS_ZONE_LOCATION,
            virtual_network=privatedns.SubResourceArgs(id=args.vnet_id),
            registration_enabled=False,
            opts=child,
        )
        self.endpoint = network.PrivateEndpoint(
            name,
            resource_group_name=rg,
            location=args.location,
            subnet=network.SubnetArgs(id=args.subnet_id),
            private_link_service_connections=[network.PrivateLinkServiceConnectionArgs(
                name=args.group_id,
                private_link_service_id=args.target_id,
                group_ids=[args.group_id],
            )],
            opts=child,
        )
        network.PrivateDnsZoneGroup(
            child_name(name, "dns"),
            private_endpoint_name=self.endpoint.name,
            resource_group_name=rg,
            private_dns_zone_group_name="default",
            private_dns_zone_configs=[network.PrivateDnsZoneConfigArgs(
                name=args.group_id, private_dns_zone_id=zone.id,
            )],
            opts=child,
        )
        self.endpoint_id = self.endpoint.id
        self.register_outputs({"endpointId": self.endpoint_id})
