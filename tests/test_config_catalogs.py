"""Hostile but realistic config is a config error naming key, value and what is allowed: values
are checked against the clouds' catalogs, and every problem is reported at once."""

import pytest

from components.facts import catalogs
from stacks.config import ConfigError, load_config
from tests.support import config_with
from tools.engine import PlanError, _wire_config, plan_stack

A = "twincloud:azure"


def problems(stack, *overrides):
    wire, _ = _wire_config(config_with(stack, *overrides))
    with pytest.raises(ConfigError) as e:
        load_config(wire, stack=stack)
    return e.value.problems


def one_problem(stack, *overrides):
    found = problems(stack, *overrides)
    assert len(found) == 1, found
    return found[0]


# -- catalogs ------------------------------------------------------------------------------

def test_unknown_instance_type_is_a_config_error():
    msg = one_problem("dev", "twincloud:eks.nodeGroups[0].instanceTypes=[m6i.huge]")
    assert msg.startswith("twincloud:eks.nodeGroups[0].instanceTypes: not EC2 instance types: ['m6i.huge']")


def test_node_group_mixing_arm64_and_x86_64_is_refused():
    msg = one_problem("dev", "twincloud:eks.nodeGroups[0].instanceTypes=[m6g.large, m6i.large]")
    assert "mixes arm64 and x86_64 types" in msg and "split it into two groups" in msg


def test_graviton_types_are_recognised_as_arm64():
    assert [catalogs.graviton(t) for t in ("m7g.large", "c7gn.large", "t4g.small", "a1.large", "r6gd.large",
                                          "m6i.large", "g4dn.xlarge", "t3a.large")] == [True] * 5 + [False] * 3


def test_unknown_elasticache_node_type_lists_the_catalog():
    msg = one_problem("dev", "twincloud:redis.nodeType=cache.t4g.huge")
    assert msg.startswith("twincloud:redis.nodeType: not an ElastiCache node type")
    assert "cache.t4g.{medium,micro,small}" in msg and msg.endswith("(got 'cache.t4g.huge')")


def test_previous_generation_node_type_cannot_create_a_cluster():
    assert "creation of new clusters is not supported" in one_problem("dev", "twincloud:redis.nodeType=cache.m3.large")


def test_unknown_aws_region_is_a_config_error():
    assert one_problem("dev", "aws:region=eu-moon-1").startswith("aws:region: not an AWS region; allowed: af-south-1")


def test_unknown_azure_vm_size_is_a_config_error():
    msg = one_problem("prod", f"{A}.aks.nodePools[0].vmSize=Standard_D5s_v5")
    assert msg.startswith("twincloud:azure.aks.nodePools[0].vmSize: not an Azure VM size in the catalog")


def test_unknown_azure_location_is_a_config_error():
    assert one_problem("prod", f"{A}.location=westeurope2").startswith(
        "twincloud:azure.location: not an Azure location; use the programmatic name")


def test_zones_in_a_location_without_zones_are_refused():
    msg = one_problem("prod", f"{A}.location=ukwest")
    assert msg.startswith("twincloud:azure.zones: location ukwest has no availability zones")


# -- ranges --------------------------------------------------------------------------------

@pytest.mark.parametrize("cidr", ["127.0.0.0/16", "169.254.0.0/16", "0.0.0.0/16", "100.64.0.0/16"])
def test_private_means_rfc1918(cidr):
    assert "inside the RFC 1918 private blocks" in one_problem("dev", f"twincloud:vpc.cidr={cidr}")


@pytest.mark.parametrize("key", ["serviceCidr", "podCidr"])
def test_aks_ranges_avoid_what_aks_reserves(key):
    msg = one_problem("prod", f"{A}.aks.{key}=172.31.0.0/16")
    assert f"twincloud:azure.aks.{key}:" in msg and "overlaps 172.31.0.0/16, which AKS reserves" in msg


def test_eks_service_cidr_follows_the_eks_api_rules():
    assert "/12 to /24 range inside the RFC 1918" in one_problem("dev", "twincloud:eks.serviceCidr=172.20.0.0/25")


def test_allow_list_may_not_cover_the_internet_in_pieces():
    msg = one_problem("dev", "twincloud:eks.endpointPublicAccess=true",
                      "twincloud:eks.publicAccessCidrs=[0.0.0.0/1, 128.0.0.0/1]")
    assert msg.startswith("twincloud:eks.publicAccessCidrs: together these ranges cover the whole internet")


# -- names ---------------------------------------------------------------------------------

def test_label_keys_and_values_follow_kubernetes_syntax():
    msg = one_problem("dev", 'twincloud:eks.nodeGroups[0].labels["bad key!"]=x')
    assert msg.startswith("twincloud:eks.nodeGroups[0].labels: invalid node labels: 'bad key!'")
    assert "label and taint values" in one_problem("dev", 'twincloud:eks.nodeGroups[0].labels["ok"]=-bad-')


def test_taint_key_follows_kubernetes_syntax():
    assert one_problem("dev", "twincloud:eks.nodeGroups[0].taints=[{key: Bad_/x, effect: NO_SCHEDULE}]").startswith(
        "twincloud:eks.nodeGroups[0].taints[0].key: not a taint key")


def test_aks_taint_value_follows_kubernetes_syntax():
    msg = one_problem("prod", f"{A}.aks.nodePools[1].taints=[dedicated=-x-:NoSchedule]")
    assert msg.startswith("twincloud:azure.aks.nodePools[1].taints: not a taint")


def test_azure_forbidden_characters_in_tag_names_are_refused():
    assert "contain characters Azure forbids" in one_problem("dev", 'twincloud:tags["Cost/Center"]=x')


def test_more_tags_than_a_resource_can_carry_are_refused():
    extra = [f'twincloud:tags["T{i}"]=v' for i in range(48)]
    assert "exceed the 50 tags a resource can carry" in one_problem("dev", *extra)


def test_trailing_newline_does_not_pass_a_name_pattern():
    assert one_problem("dev", "twincloud:eks.nodeGroups[0].name=general\n").startswith(
        "twincloud:eks.nodeGroups[0].name: node group names")


def test_stack_name_that_makes_an_invalid_cluster_name_is_refused():
    wire, _ = _wire_config(config_with("dev"))
    with pytest.raises(ConfigError, match=r"stack 'dev\.eu': the EKS cluster name 'twincloud-dev\.eu-eks'"):
        load_config(wire, stack="dev.eu")


def test_snake_case_impostor_never_stands_in_for_aws_region():
    found = problems("dev", "!aws:region", "twincloud:aws_region=us-east-1")
    assert "aws:region: required key is missing" in found
    assert any(p.startswith("twincloud:aws_region: unknown key; did you mean aws:region?") for p in found)


# -- values --------------------------------------------------------------------------------

def test_lock_duration_above_five_minutes_is_refused():
    assert "at most 5 minutes (PT5M)" in one_problem("prod", f"{A}.serviceBus.queues[0].lockDuration=PT6M")


def test_zero_prometheus_volume_is_refused():
    assert "must be more than 0" in one_problem("dev", "twincloud:monitoring.prometheus.storageSize=0Gi")


def test_receiver_url_must_be_an_http_url():
    msg = one_problem("dev", "twincloud:monitoring.alertmanager.receivers=[{name: oncall, url: not-a-url}]")
    assert msg.startswith("twincloud:monitoring.alertmanager.receivers[0].url: url is not an http(s) URL")
    assert "not-a-url" not in msg  # the value is secret


def test_lifecycle_transitions_follow_the_s3_waterfall():
    msg = one_problem("dev", "twincloud:buckets[0].lifecycle=[{id: a, transitions: "
                             "[{days: 30, storageClass: GLACIER}, {days: 60, storageClass: STANDARD_IA}]}]")
    assert "moves objects only down its storage-class waterfall" in msg


# -- every problem at once -----------------------------------------------------------------

def test_cross_section_overlap_is_reported_beside_a_field_error():
    found = problems("dev", "twincloud:vpc.natStrategy=triple", "twincloud:eks.serviceCidr=10.10.0.0/16")
    assert [p.split(":")[1] for p in found] == ["vpc.natStrategy", "eks.serviceCidr"], found


def test_vnet_overlap_is_reported_beside_an_aks_error():
    found = problems("prod", f"{A}.vnet.addressSpace=10.20.0.0/16", f"{A}.aks.nodePools[0].vmSize=Standard_X")
    assert {p.split(":")[1] for p in found} == {"azure.vnet.addressSpace", "azure.aks.nodePools[0].vmSize"}


def test_min_above_max_is_reported_beside_another_error_in_the_same_group():
    found = problems("dev", "twincloud:eks.nodeGroups[0].minSize=5", "twincloud:eks.nodeGroups[0].instanceTypes=[x]")
    assert {p.split(":")[1] for p in found} == {"eks.nodeGroups[0].maxSize", "eks.nodeGroups[0].instanceTypes"}


def test_az_count_against_the_region_is_reported_with_schema_errors():
    with pytest.raises(PlanError) as e:
        plan_stack("dev", ["aws:region=us-west-1", "twincloud:vpc.azCount=3", "twincloud:vpc.natStrategy=x"],
                   policies=False)
    assert "twincloud:vpc.natStrategy" in str(e.value)
    assert "twincloud:vpc.azCount: region us-west-1 offers 2 availability zones" in str(e.value)


def test_missing_stack_reference_output_fails_before_any_resource():
    from tools.engine import run_stack_program, run_under_mocks

    registered: list[str] = []
    config = config_with("prod", "!twincloud:dr.primaryIngress", "twincloud:dr.primaryStackReference.stack=acme/a/prod")
    with pytest.raises(ConfigError, match="dr.primaryStackReference.dnsNameOutput: stack 'acme/a/prod' has no output"):
        run_under_mocks(run_stack_program, stack="prod", config=config, registered=registered)
    assert registered == []


def test_eks_enums_in_the_schema_are_values_the_eks_api_accepts():
    from typing import get_args

    from stacks.config.aws import NodeGroupConfig, Taint

    assert set(get_args(NodeGroupConfig.model_fields["capacity_type"].annotation)) <= set(
        catalogs.eks_enum("CapacityTypes"))
    assert set(get_args(Taint.model_fields["effect"].annotation)) == set(catalogs.eks_enum("TaintEffect"))


def test_every_azure_vm_size_row_names_its_architecture_and_source():
    assert all(s.arch in ("x86_64", "arm64") and "@" in s.source for s in catalogs.AZURE_VM_SIZES.values())
