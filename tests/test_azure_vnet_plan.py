"""Pure VNet maths: subnet carving, generated NSG priorities and Azure's rule evaluation."""

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.azure.vnet_plan import (
    PRIORITY_MAX,
    PRIORITY_MIN,
    SENSITIVE_PORTS,
    SUBNET_TIERS,
    RuleSpec,
    assign_priorities,
    nsg_decision,
    plan_vnet,
    subnet_rules,
)

address_spaces = st.builds(
    lambda addr, prefix: str(ipaddress.ip_network(f"{ipaddress.IPv4Address(addr)}/{prefix}", strict=False)),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=16, max_value=24),
)
ingress = st.sets(st.integers(min_value=1, max_value=65535).filter(lambda p: p not in SENSITIVE_PORTS), max_size=6)


def host(cidr: str, n: int = 4) -> str:
    return str(ipaddress.ip_network(cidr)[n])


@given(address_spaces)
def test_subnets_lie_inside_the_space_and_never_overlap(space):
    layout = plan_vnet(space)
    nets = [ipaddress.ip_network(layout.cidr(t)) for t in SUBNET_TIERS]
    net = ipaddress.ip_network(space)
    assert all(n.subnet_of(net) for n in nets)
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1:])


@given(address_spaces)
def test_aks_subnet_is_half_the_space_and_the_others_an_eighth(space):
    layout = plan_vnet(space)
    prefix = ipaddress.ip_network(space).prefixlen
    assert ipaddress.ip_network(layout.aks).prefixlen == prefix + 1
    assert ipaddress.ip_network(layout.endpoints).prefixlen == prefix + 3
    assert ipaddress.ip_network(layout.database).prefixlen == prefix + 3


@given(address_spaces)
def test_layout_is_deterministic(space):
    assert plan_vnet(space) == plan_vnet(space)


@pytest.mark.parametrize("space", ["10.0.0.0/15", "10.0.0.0/25", "10.0.0.1/16"])
def test_out_of_range_or_host_bits_rejected(space):
    with pytest.raises(ValueError):
        plan_vnet(space)


@given(st.integers(min_value=0, max_value=300), st.integers(min_value=1, max_value=50))
def test_generated_priorities_are_unique_ordered_and_in_range(count, step):
    specs = [RuleSpec(name=f"r{i}", access="Allow", source="*", ports=("443",)) for i in range(count)]
    fits = count == 0 or PRIORITY_MIN + step * (count - 1) <= PRIORITY_MAX
    if not fits:
        with pytest.raises(ValueError, match="exceed priority"):
            assign_priorities(specs, step=step)
        return
    rules = assign_priorities(specs, step=step)
    priorities = [r.priority for r in rules]
    assert len(set(priorities)) == len(priorities)
    assert priorities == sorted(priorities)
    assert all(PRIORITY_MIN <= p <= PRIORITY_MAX for p in priorities)
    assert [r.spec.name for r in rules] == [s.name for s in specs]


def test_duplicate_rule_names_rejected():
    spec = RuleSpec(name="same", access="Deny", source="*", ports=("22",))
    with pytest.raises(ValueError, match="duplicate NSG rule names"):
        assign_priorities([spec, spec])


@settings(max_examples=50)
@given(address_spaces, ingress)
def test_no_tier_ever_admits_a_sensitive_port_from_the_internet(space, ports):
    rules = subnet_rules(plan_vnet(space), ports)
    for tier in SUBNET_TIERS:
        wire = [r.wire() for r in rules[tier]]
        for port in SENSITIVE_PORTS:
            for protocol in ("Tcp", "Udp"):
                access, _ = nsg_decision(wire, source="Internet", port=port, protocol=protocol, vnet_cidrs=[space])
                assert access == "Deny", (tier, port)


@settings(max_examples=50)
@given(address_spaces, ingress)
def test_priorities_are_unique_in_every_nsg(space, ports):
    for rules in subnet_rules(plan_vnet(space), ports).values():
        priorities = [r.priority for r in rules]
        assert len(set(priorities)) == len(priorities)


@settings(max_examples=50)
@given(address_spaces)
def test_database_admits_mysql_from_the_aks_subnet_only(space):
    layout = plan_vnet(space)
    db = [r.wire() for r in subnet_rules(layout)["database"]]
    decide = lambda src: nsg_decision(db, source=src, port=3306, vnet_cidrs=[space])[0]  # noqa: E731
    assert decide(host(layout.aks)) == "Allow"
    assert decide(host(layout.endpoints)) == "Deny"
    assert decide(host(layout.database)) == "Deny"
    assert decide("Internet") == "Deny"


def test_sensitive_ingress_port_rejected():
    with pytest.raises(ValueError, match="never be open to the internet"):
        subnet_rules(plan_vnet("10.40.0.0/16"), [443, 22])


def test_lowest_priority_number_wins():
    rules = [
        {"name": "allow", "priority": 200, "access": "Allow", "sourceAddressPrefix": "*", "destinationPortRange": "22"},
        {"name": "deny", "priority": 100, "access": "Deny", "sourceAddressPrefix": "*", "destinationPortRange": "22"},
    ]
    assert nsg_decision(rules, source="Internet", port=22) == ("Deny", "deny")


def test_azure_default_rules_deny_internet_and_allow_the_vnet():
    assert nsg_decision([], source="Internet", port=8080) == ("Deny", "DenyAllInBound")
    assert nsg_decision([], source="10.1.2.3", port=8080, vnet_cidrs=["10.1.0.0/16"]) == ("Allow", "AllowVnetInBound")


def test_port_ranges_are_matched():
    rule = {"name": "r", "priority": 100, "access": "Allow", "sourceAddressPrefix": "Internet",
            "destinationPortRanges": ["80", "8000-8100"]}
    assert nsg_decision([rule], source="Internet", port=8080)[0] == "Allow"
    assert nsg_decision([rule], source="Internet", port=8101)[0] == "Deny"
