"""Pure subnet maths: property tests over CIDRs and AZ counts."""

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.aws.subnet_plan import TIERS, nat_for_az, nat_gateway_azs, plan_subnets


@st.composite
def vpc_and_azs(draw):
    prefix = draw(st.integers(min_value=16, max_value=23))
    azs = draw(st.integers(min_value=1, max_value=6))
    base = draw(st.sampled_from(["10.0.0.0", "172.16.0.0", "192.168.0.0"]))
    net = ipaddress.ip_network(f"{base}/{prefix}", strict=False)
    return str(net), azs


@settings(max_examples=150, deadline=None)
@given(vpc_and_azs())
def test_subnets_are_inside_the_vpc_and_never_overlap(case):
    cidr, azs = case
    vpc = ipaddress.ip_network(cidr)
    try:
        specs = plan_subnets(cidr, azs)
    except ValueError as e:
        assert "too small" in str(e)
        return
    nets = [ipaddress.ip_network(s.cidr) for s in specs]
    assert all(n.subnet_of(vpc) for n in nets)
    for i, a in enumerate(nets):
        for b in nets[i + 1:]:
            assert not a.overlaps(b)
    assert all(n.prefixlen <= 28 for n in nets)


@settings(max_examples=100, deadline=None)
@given(vpc_and_azs())
def test_every_tier_has_one_subnet_per_az(case):
    cidr, azs = case
    try:
        specs = plan_subnets(cidr, azs)
    except ValueError:
        return
    for tier in TIERS:
        assert sorted(s.az_index for s in specs if s.tier == tier) == list(range(azs))


def test_private_subnets_are_the_largest():
    specs = {(s.tier, s.az_index): ipaddress.ip_network(s.cidr) for s in plan_subnets("10.0.0.0/16", 3)}
    assert specs[("private", 0)].num_addresses > specs[("public", 0)].num_addresses
    assert specs[("private", 0)].num_addresses > specs[("database", 0)].num_addresses


def test_adding_an_az_within_the_power_of_two_keeps_existing_subnets():
    three = {(s.tier, s.az_index): s.cidr for s in plan_subnets("10.0.0.0/16", 3)}
    four = {(s.tier, s.az_index): s.cidr for s in plan_subnets("10.0.0.0/16", 4)}
    assert all(four[k] == v for k, v in three.items())


def test_too_small_cidr_names_the_largest_usable_prefix():
    with pytest.raises(ValueError, match=r"too small for 6 AZs.*use a /23 or larger"):
        plan_subnets("10.0.0.0/24", 6)


def test_nat_strategies():
    assert nat_gateway_azs("single", 3) == [0]
    assert nat_gateway_azs("per_az", 3) == [0, 1, 2]
    assert [nat_for_az("single", i) for i in range(3)] == [0, 0, 0]
    assert [nat_for_az("per_az", i) for i in range(3)] == [0, 1, 2]
    with pytest.raises(ValueError, match="allowed: 'single', 'per_az'"):
        nat_gateway_azs("triple", 3)
