"""VPC endpoints: what the dev and prod plans build, their policies, the config switch and the
prod-vpc-endpoints rule (run on the real planned resources, mutated)."""

from __future__ import annotations

import pytest

from components.aws.endpoint_policies import (ecr_layer_bucket_objects, interface_policy,
                                              registry_k8s_io_layer_objects, s3_gateway_policy)
from components.facts.aws import endpoint_service_name
from tests.policy_support import DELETE, messages, with_value
from tests.support import config_with, policy_json
from tests.test_config_schema import one_problem
from tools import cost
from tools.mocks import ACCOUNT_ID

ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ACCOUNT = ACCOUNT_ID  # what the mocked account answers


def _endpoints(plan) -> dict[str, object]:
    return {r.inputs["serviceName"].rsplit(".", 2)[-1] if r.inputs["serviceName"].endswith(".s3")
            else ".".join(r.inputs["serviceName"].split(".")[3:]): r for r in plan.of_type(ENDPOINT)}


# -- what the plans build -------------------------------------------------------------------

def test_prod_has_the_s3_gateway_and_four_interface_endpoints(prod_plan):
    eps = _endpoints(prod_plan)
    assert sorted(eps) == ["ecr.api", "ecr.dkr", "logs", "s3", "sts"]
    assert eps["s3"].inputs["serviceName"] == "com.amazonaws.eu-west-1.s3"
    assert eps["s3"].inputs["vpcEndpointType"] == "Gateway"
    assert {eps[s].inputs["vpcEndpointType"] for s in ("ecr.api", "ecr.dkr", "logs", "sts")} == {"Interface"}


def test_s3_gateway_is_on_every_private_route_table_and_no_other(prod_plan):
    private = {r.id for r in prod_plan.of_type(ROUTE_TABLE) if r.inputs["tags"]["Tier"] == "private"}
    assert len(private) == 3
    assert set(_endpoints(prod_plan)["s3"].inputs["routeTableIds"]) == private


def test_interface_endpoints_use_private_dns_in_the_private_subnets(prod_plan):
    private = set(prod_plan.outputs["privateSubnetIds"])
    for service in ("ecr.api", "ecr.dkr", "logs", "sts"):
        ep = _endpoints(prod_plan)[service]
        assert ep.inputs["privateDnsEnabled"] is True, service
        assert set(ep.inputs["subnetIds"]) == private, service


def test_interface_security_group_admits_https_from_the_vpc_cidr_only(prod_plan):
    rules = [r for r in prod_plan.of_type("aws:ec2/securityGroupRule:SecurityGroupRule")
             if r.name.startswith("twincloud-prod-endpoints-")]
    assert [(r.inputs["type"], r.inputs["protocol"], r.inputs["fromPort"], r.inputs["toPort"], r.inputs["cidrBlocks"])
            for r in rules] == [("ingress", "tcp", 443, 443, ["10.20.0.0/16"])]
    group = prod_plan.one("aws:ec2/securityGroup:SecurityGroup", "twincloud-prod-endpoints-interface")
    assert not group.inputs.get("ingress") and not group.inputs.get("egress")


def test_dev_keeps_only_the_free_s3_gateway(dev_plan):
    assert sorted(_endpoints(dev_plan)) == ["s3"]
    assert not [r for r in dev_plan.of_type("aws:ec2/securityGroup:SecurityGroup") if "endpoints" in r.name]


# -- names and policies (pure) ------------------------------------------------------------------

@pytest.mark.parametrize("region, partition, expected", [
    ("eu-west-1", "aws", "com.amazonaws.eu-west-1.ecr.dkr"),
    ("cn-north-1", "aws-cn", "cn.com.amazonaws.cn-north-1.ecr.dkr"),
])
def test_service_names_follow_the_partitions_dns_suffix(region, partition, expected):
    assert endpoint_service_name("ecr.dkr", region=region, partition=partition) == expected
    assert endpoint_service_name("ecr.dkr", region=region) == expected  # the partition found from the region


def test_s3_gateway_policy_lets_ecr_image_layers_through(prod_plan):
    doc = policy_json(_endpoints(prod_plan)["s3"].inputs["policy"])
    layers = [s for s in doc["Statement"] if s["Resource"] == "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"]
    assert layers == [{"Sid": "EcrImageLayers", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"}]


def test_s3_gateway_policy_lets_registry_k8s_io_layers_through(prod_plan):
    # metrics-server and kube-state-metrics are pulled from registry.k8s.io, which redirects a pull
    # from an eu-west-1 address to this bucket; the request is anonymous, so it needs its own statement.
    doc = policy_json(_endpoints(prod_plan)["s3"].inputs["policy"])
    layers = [s for s in doc["Statement"] if s["Resource"] == "arn:aws:s3:::prod-registry-k8s-io-eu-west-1/*"]
    assert layers == [{"Sid": "KubernetesRegistryLayers", "Effect": "Allow", "Principal": "*",
                       "Action": "s3:GetObject", "Resource": "arn:aws:s3:::prod-registry-k8s-io-eu-west-1/*"}]


@pytest.mark.parametrize("partition, region, expected", [
    ("aws", "eu-central-1", "arn:aws:s3:::prod-registry-k8s-io-eu-central-1/*"),
    ("aws", "eu-west-2", "arn:aws:s3:::767373bbdcb8270361b96548387bf2a9ad0d48758c35-eu-west-2/*"),
    ("aws-cn", "cn-north-1", None),
])
def test_registry_k8s_io_layer_bucket_is_the_one_its_redirect_names_for_the_region(partition, region, expected):
    assert registry_k8s_io_layer_objects(partition=partition, region=region) == expected


def test_s3_gateway_policy_admits_other_owners_only_for_the_layers_and_listed_buckets():
    doc = policy_json(s3_gateway_policy(partition="aws", region="eu-west-1", account_id=ACCOUNT,
                                        external_read_buckets=["al2023-repos-eu-west-1-de612dc2"]))
    unconditioned = [s for s in doc["Statement"] if "Condition" not in s]
    assert {r for s in unconditioned for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])} == {
        ecr_layer_bucket_objects(partition="aws", region="eu-west-1"),
        registry_k8s_io_layer_objects(partition="aws", region="eu-west-1"),
        "arn:aws:s3:::al2023-repos-eu-west-1-de612dc2", "arn:aws:s3:::al2023-repos-eu-west-1-de612dc2/*"}
    assert all(not str(s["Action"]).endswith("*") for s in unconditioned)
    own = [s for s in doc["Statement"] if "Condition" in s]
    assert own[0]["Condition"] == {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}


def test_ecr_and_logs_endpoints_admit_only_this_accounts_principals(prod_plan):
    for service in ("ecr.api", "ecr.dkr", "logs"):
        doc = policy_json(_endpoints(prod_plan)[service].inputs["policy"])
        assert [s["Condition"] for s in doc["Statement"]] == [
            {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}], service


def test_sts_keeps_the_default_policy_so_web_identity_federation_works(prod_plan):
    assert interface_policy("sts", account_id=ACCOUNT) is None
    assert not _endpoints(prod_plan)["sts"].inputs.get("policy")


# -- config -------------------------------------------------------------------------------------

def test_dev_defaults_interface_endpoints_off_and_prod_on():
    assert config_with("dev")["twincloud:vpc"].get("endpoints") is None  # nothing set: the defaults decide
    from stacks.config import load_config
    from tools.engine import _wire_config

    for stack, expected in (("dev", False), ("prod", True)):
        wire, _ = _wire_config(config_with(stack))
        assert load_config(wire, stack=stack).vpc.endpoints.interface is expected


def test_prod_refuses_to_switch_the_interface_endpoints_off():
    msg = one_problem("prod", "twincloud:vpc.endpoints.interface=false")
    assert msg.startswith("twincloud:vpc.endpoints.interface: ") and "prod must keep interface: true" in msg


def test_an_external_bucket_given_as_an_arn_is_refused():
    msg = one_problem("dev", 'twincloud:vpc.endpoints.s3ExternalReadBuckets=["arn:aws:s3:::repos"]')
    assert msg.startswith("twincloud:vpc.endpoints.s3ExternalReadBuckets: ") and "not ARNs or URLs" in msg


# -- the prod-vpc-endpoints rule ------------------------------------------------------------------

def _vpc_and_endpoints(plan):
    return [plan.one("aws:ec2/vpc:Vpc"), *plan.of_type(ENDPOINT)]


def test_shipped_prod_passes_the_vpc_endpoint_rule(prod_plan):
    assert messages(_vpc_and_endpoints(prod_plan), "prod-vpc-endpoints") == []


def test_prod_without_the_ecr_registry_endpoint_is_reported(prod_plan):
    kept = [r for r in _vpc_and_endpoints(prod_plan) if not r.name.endswith("-ecr-dkr")]
    assert messages(kept, "prod-vpc-endpoints") == [
        "prod: VPC twincloud-prod-net has no Interface endpoint for ecr.dkr with privateDnsEnabled (the registry "
        "API of image pulls cross the NAT gateways); set twincloud:vpc.endpoints interface: true"]


def test_an_ecr_endpoint_without_private_dns_does_not_count(prod_plan):
    resources = [with_value(r, ("privateDnsEnabled",), DELETE) if r.name.endswith("-ecr-api") else r
                 for r in _vpc_and_endpoints(prod_plan)]
    found = messages(resources, "prod-vpc-endpoints")
    assert len(found) == 1 and "for ecr.api with privateDnsEnabled" in found[0]


def test_dev_without_interface_endpoints_is_not_reported(dev_plan):
    assert messages(_vpc_and_endpoints(dev_plan), "prod-vpc-endpoints") == []


# -- cost -------------------------------------------------------------------------------------

def test_cost_report_prices_the_interface_endpoints_per_az_and_the_gateway_free(prod_plan):
    report = cost.estimate(prod_plan.to_json())
    lines = [ln for ln in report.lines if ln.type == ENDPOINT]
    hourly = [ln for ln in lines if ln.item == "vpce.interface.hour"]
    assert len(hourly) == 4 and all("3 AZs" in ln.note for ln in hourly)
    gateway = [ln for ln in lines if ln.resource.endswith("-s3")]
    assert [ln.monthly for ln in gateway] == [0.0]
    assert not [ln for ln in report.unpriced if ln.type == ENDPOINT]
    assert any(t.startswith("VPC endpoints:") for t in cost.tradeoffs(report))
