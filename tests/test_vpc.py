"""The Vpc component as registered by the real program and on its own."""

import pytest

from components.aws.vpc import Vpc, VpcArgs
from tests.support import of_type, plan, run_component

SUBNET = "aws:ec2/subnet:Subnet"
NAT = "aws:ec2/natGateway:NatGateway"
RT = "aws:ec2/routeTable:RouteTable"
ASSOC = "aws:ec2/routeTableAssociation:RouteTableAssociation"


def subnets(p, tier):
    return [r for r in p.of_type(SUBNET) if r.inputs["tags"]["Tier"] == tier]


@pytest.mark.parametrize("stack,azs", [("dev", 2), ("prod", 3)])
def test_every_tier_covers_every_az(stack, azs):
    p = plan(stack)
    region = p.config["aws:region"]
    for tier in ("public", "private", "database"):
        zones = sorted(r.inputs["availabilityZone"] for r in subnets(p, tier))
        assert len(zones) == azs and len(set(zones)) == azs
        assert all(z.startswith(region) for z in zones)


def test_prod_has_one_nat_gateway_per_az(prod_plan):
    nats = prod_plan.of_type(NAT)
    assert len(nats) == 3
    # each NAT sits in a different public subnet
    assert len({n.inputs["subnetId"] for n in nats}) == 3


def test_dev_has_exactly_one_nat_gateway(dev_plan):
    assert len(dev_plan.of_type(NAT)) == 1


def test_prod_private_route_tables_use_their_own_az_nat():
    resources = run_component(lambda: Vpc("t", VpcArgs(cidr="10.0.0.0/16", availability_zones=["x-1a", "x-1b", "x-1c"],
                                                         nat_strategy="per_az")))
    private_rts = sorted((r for r in of_type(resources, RT) if r.inputs["tags"]["Tier"] == "private"),
                         key=lambda r: r.name)
    targets = [rt.inputs["routes"][0]["natGatewayId"] for rt in private_rts]
    assert len(set(targets)) == 3


def test_database_route_tables_have_no_internet_route(dev_plan, prod_plan):
    for p in (dev_plan, prod_plan):
        db_tables = [r for r in p.of_type(RT) if r.inputs["tags"]["Tier"] == "database"]
        assert db_tables
        for rt in db_tables:
            routes = rt.inputs.get("routes") or []
            assert all(route.get("cidrBlock") != "0.0.0.0/0" for route in routes)
            assert routes == []


def test_database_subnets_are_associated_only_with_the_database_table(prod_plan):
    db_rt = [r for r in prod_plan.of_type(RT) if r.inputs["tags"]["Tier"] == "database"][0]
    db_assocs = [a for a in prod_plan.of_type(ASSOC) if "-database-" in a.name]
    assert len(db_assocs) == 3
    rt_id = [a.inputs["routeTableId"] for a in db_assocs]
    assert len(set(rt_id)) == 1


def test_subnets_carry_eks_load_balancer_discovery_tags(dev_plan):
    for s in subnets(dev_plan, "public"):
        assert s.inputs["tags"]["kubernetes.io/role/elb"] == "1"
        assert "kubernetes.io/role/internal-elb" not in s.inputs["tags"]
    for s in subnets(dev_plan, "private"):
        assert s.inputs["tags"]["kubernetes.io/role/internal-elb"] == "1"
    for s in subnets(dev_plan, "database"):
        assert not any(k.startswith("kubernetes.io/") for k in s.inputs["tags"])


def test_public_subnets_do_not_auto_assign_public_ips(dev_plan):
    assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in dev_plan.of_type(SUBNET))


def test_default_security_group_is_emptied(dev_plan):
    sg = dev_plan.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert sg.inputs.get("ingress", []) == [] and sg.inputs.get("egress", []) == []


def test_flow_logs_capture_all_traffic(dev_plan):
    fl = dev_plan.one("aws:ec2/flowLog:FlowLog")
    assert fl.inputs["trafficType"] == "ALL"
    assert fl.inputs["logDestinationType"] == "cloud-watch-logs"


def test_components_are_parents_of_their_resources(dev_plan):
    vpc_component = dev_plan.one("twincloud:aws:Vpc")
    kids = {r.type for r in dev_plan.children_of(vpc_component.urn)}
    assert {SUBNET, NAT, RT, "aws:ec2/vpc:Vpc"} <= kids
