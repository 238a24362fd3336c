"""The VNet component as the prod program registers it: subnets, one NSG each, and what they admit."""

import ipaddress

import pytest

from components.azure.vnet import VNet, VNetArgs
from components.azure.vnet_plan import SENSITIVE_PORTS, nsg_decision
from tests.azure_support import NSG, RG, SUBNET, VNET
from tests.support import of_type, run_component

TIERS = ("aks", "endpoints", "database")


def subnet(p, tier):
    return p.one(SUBNET, f"twincloud-prod-az-net-{tier}")


def nsg(p, tier):
    return p.one(NSG, f"twincloud-prod-az-net-{tier}")


def address_space(p):
    return p.one(VNET).inputs["addressSpace"]["addressPrefixes"][0]


def ip_in(cidr, n=10):
    return str(ipaddress.ip_network(cidr)[n])


def test_vnet_uses_the_configured_address_space_and_location(prod_plan):
    vnet = prod_plan.one(VNET)
    assert vnet.inputs["addressSpace"]["addressPrefixes"] == [prod_plan.config["azure"]["vnet"]["addressSpace"]]
    assert vnet.inputs["location"] == prod_plan.config["azure"]["location"]


def test_resource_group_is_created_when_none_is_given(prod_plan):
    [vnet_component] = prod_plan.of_type("twincloud:azure:VNet")
    assert len([rg for rg in prod_plan.of_type(RG) if rg.parent == vnet_component.urn]) == 1


def test_three_subnets_inside_the_address_space(prod_plan):
    space = ipaddress.ip_network(address_space(prod_plan))
    for tier in TIERS:
        assert ipaddress.ip_network(subnet(prod_plan, tier).inputs["addressPrefix"]).subnet_of(space)


@pytest.mark.parametrize("tier", TIERS)
def test_every_subnet_is_associated_with_its_own_nsg(prod_plan, tier):
    s, n = subnet(prod_plan, tier), nsg(prod_plan, tier)
    assert n.urn in s.dependencies
    assert f"/networkSecurityGroups/{n.name}" in s.inputs["networkSecurityGroup"]["id"]


@pytest.mark.parametrize("tier", TIERS)
def test_nsg_priorities_are_unique(prod_plan, tier):
    priorities = [r["priority"] for r in nsg(prod_plan, tier).inputs["securityRules"]]
    assert len(priorities) == len(set(priorities))


@pytest.mark.parametrize("tier", TIERS)
def test_explicit_internet_deny_rule_for_every_sensitive_port(prod_plan, tier):
    rules = nsg(prod_plan, tier).inputs["securityRules"]
    for port in SENSITIVE_PORTS:
        denies = [r for r in rules if r["access"] == "Deny" and r["sourceAddressPrefix"] == "Internet"
                  and r.get("destinationPortRange") == str(port) and r["direction"] == "Inbound"]
        assert denies, f"no explicit internet deny for {port} on {tier}"


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("port", sorted(SENSITIVE_PORTS))
def test_nothing_admits_sensitive_ports_from_the_internet(prod_plan, tier, port):
    rules = nsg(prod_plan, tier).inputs["securityRules"]
    for protocol in ("Tcp", "Udp"):
        access, rule = nsg_decision(rules, source="Internet", port=port, protocol=protocol,
                                    vnet_cidrs=[address_space(prod_plan)])
        assert access == "Deny", rule


def test_only_allow_for_mysql_comes_from_the_aks_subnet(prod_plan):
    aks = subnet(prod_plan, "aks").inputs["addressPrefix"]
    allows = [r for r in nsg(prod_plan, "database").inputs["securityRules"]
              if r["access"] == "Allow" and r.get("destinationPortRange") in ("3306", "*")]
    assert [r["sourceAddressPrefix"] for r in allows] == [aks]
    assert allows[0]["protocol"] == "Tcp"


def test_database_admits_mysql_from_aks_nodes(prod_plan):
    rules = nsg(prod_plan, "database").inputs["securityRules"]
    aks = subnet(prod_plan, "aks").inputs["addressPrefix"]
    assert nsg_decision(rules, source=ip_in(aks), port=3306, vnet_cidrs=[address_space(prod_plan)])[0] == "Allow"


@pytest.mark.parametrize("source", ["endpoints", "database", "aws-vpc"])
def test_database_denies_mysql_from_anywhere_else_in_the_network(prod_plan, source):
    rules = nsg(prod_plan, "database").inputs["securityRules"]
    space = address_space(prod_plan)
    cidr = prod_plan.config["vpc"]["cidr"] if source == "aws-vpc" else \
        subnet(prod_plan, source).inputs["addressPrefix"]
    # A peered/VPN-connected AWS range counts as VirtualNetwork for Azure's default rules.
    vnet_cidrs = [space, prod_plan.config["vpc"]["cidr"]]
    assert nsg_decision(rules, source=ip_in(cidr), port=3306, vnet_cidrs=vnet_cidrs)[0] == "Deny"


def test_internet_ingress_is_only_the_configured_ports_to_the_aks_subnet(prod_plan):
    aks = subnet(prod_plan, "aks").inputs["addressPrefix"]
    ports = prod_plan.config["azure"]["vnet"]["ingressPorts"]
    for tier in TIERS:
        for r in nsg(prod_plan, tier).inputs["securityRules"]:
            if r["access"] == "Allow" and r["sourceAddressPrefix"] in ("Internet", "*"):
                assert tier == "aks" and r["destinationAddressPrefix"] == aks
                assert sorted(r.get("destinationPortRanges") or [r["destinationPortRange"]]) == \
                    sorted(str(p) for p in ports)


def test_aks_subnet_has_the_key_vault_service_endpoint(prod_plan):
    services = [e["service"] for e in subnet(prod_plan, "aks").inputs["serviceEndpoints"]]
    assert "Microsoft.KeyVault" in services


def test_endpoint_subnet_enforces_nsgs_on_private_endpoints(prod_plan):
    assert subnet(prod_plan, "endpoints").inputs["privateEndpointNetworkPolicies"] == "Enabled"


def test_subnets_have_no_default_outbound_access(prod_plan):
    assert all(subnet(prod_plan, t).inputs["defaultOutboundAccess"] is False for t in TIERS)


def test_an_existing_resource_group_is_used_not_created():
    resources = run_component(lambda: VNet("n", VNetArgs(location="westeurope", address_space="10.50.0.0/16",
                                                         resource_group_name="shared-network-rg")))
    assert of_type(resources, RG) == []
    assert {r.inputs["resourceGroupName"] for r in of_type(resources, NSG) + of_type(resources, SUBNET)} == \
        {"shared-network-rg"}


def test_sensitive_ingress_port_is_refused_by_the_component():
    with pytest.raises(Exception, match="must never be open to the internet"):
        run_component(lambda: VNet("n", VNetArgs(location="westeurope", address_space="10.50.0.0/16",
                                                 ingress_ports=[443, 3389])))
