"""Bad config fails before any resource, with one message per problem naming the key."""

import pytest

from stacks.config import ConfigError
from tests.support import config_with
from tools.engine import _wire_config, run_stack_program, run_under_mocks
from stacks.config import load_config


def problems(stack, *overrides):
    wire, _ = _wire_config(config_with(stack, *overrides))
    with pytest.raises(ConfigError) as e:
        load_config(wire, stack=stack)
    return e.value.problems


def one_problem(stack, *overrides):
    found = problems(stack, *overrides)
    assert len(found) == 1, found
    return found[0]


def test_shipped_configs_are_valid():
    for stack in ("dev", "prod"):
        wire, _ = _wire_config(config_with(stack))
        assert load_config(wire, stack=stack).environment == stack


def test_unknown_top_level_key_is_named():
    msg = one_problem("dev", "twincloud:vcp={}")
    assert msg.startswith("twincloud:vcp: unknown key; remove it or fix its spelling; allowed keys here: ")
    assert "vpc, eks, ecr" in msg


def test_unknown_nested_key_is_named():
    assert one_problem("dev", "twincloud:vpc.natStrateg=single").startswith("twincloud:vpc.natStrateg: unknown key")


def test_unknown_nested_key_lists_the_keys_allowed_there():
    msg = one_problem("dev", "twincloud:eks.nodeGroups[0].minSiz=1")
    assert msg.startswith("twincloud:eks.nodeGroups[0].minSiz: unknown key")
    assert msg.endswith("allowed keys here: name, instanceTypes, capacityType, minSize, maxSize, desiredSize, "
                        "diskSize, diskType, maxUnavailable, maxUnavailablePercentage, autoRepair, labels, taints")


def test_boolean_values_are_shown_as_yaml_writes_them():
    msg = one_problem("dev", "twincloud:redis.automaticFailover=true")
    assert msg.startswith("twincloud:redis.automaticFailover:") and msg.endswith("(got true)")


def test_number_where_a_version_string_belongs_says_to_quote_it():
    config = config_with("dev")
    config["twincloud:eks"] = {**config["twincloud:eks"], "version": 1.3}  # YAML's reading of `version: 1.30`
    wire, _ = _wire_config(config)
    with pytest.raises(ConfigError) as e:
        load_config(wire, stack="dev")
    (msg,) = e.value.problems
    assert msg.startswith("twincloud:eks.version: Input should be a valid string; write it in quotes in YAML")
    assert msg.endswith("(got 1.3)")


def test_subnet_room_problem_is_reported_at_the_vpc_cidr():
    msg = one_problem("dev", "twincloud:vpc.cidr=10.10.0.0/24", "twincloud:vpc.azCount=6")
    assert msg.startswith("twincloud:vpc.cidr: 10.10.0.0/24 is too small for 6 AZs") and msg.endswith("(got '10.10.0.0/24')")


def test_missing_section_names_the_keys_it_needs():
    found = problems("prod", "twincloud:azure.aks=null")
    assert found[0].startswith("twincloud:azure.aks: should be a map of keys (version, identity, ")
    found = problems("dev", "twincloud:eks.nodeGroups[1]={name: extra}")
    assert found == [f"twincloud:eks.nodeGroups[1].{key}: required key is missing"
                     for key in ("instanceTypes", "minSize", "maxSize")]


def test_missing_nested_section_lists_its_required_keys():
    config = config_with("prod")
    config["twincloud:azure"] = {k: v for k, v in config["twincloud:azure"].items() if k != "aks"}
    wire, _ = _wire_config(config)
    with pytest.raises(ConfigError) as e:
        load_config(wire, stack="prod")
    assert e.value.problems == ["twincloud:azure.aks: required key is missing; add it with at least: version, nodePools"]


def test_wrong_type_names_key_and_value():
    msg = one_problem("dev", "twincloud:vpc.azCount=two")
    assert msg.startswith("twincloud:vpc.azCount:") and "'two'" in msg


def test_invalid_cidr():
    msg = one_problem("dev", "twincloud:vpc.cidr=10.0.0.300/16")
    assert msg.startswith("twincloud:vpc.cidr:") and "not a valid IPv4 CIDR" in msg and "10.0.0.300/16" in msg


def test_cidr_with_host_bits():
    assert "not a valid IPv4 CIDR" in one_problem("dev", "twincloud:vpc.cidr=10.0.0.1/16")


def test_public_vpc_cidr_rejected():
    assert "inside the RFC 1918 private blocks" in one_problem("dev", "twincloud:vpc.cidr=8.8.0.0/16")


def test_vpc_prefix_bounds():
    assert "between /16 and /24" in one_problem("dev", "twincloud:vpc.cidr=10.0.0.0/8")


def test_overlapping_service_cidr():
    msg = one_problem("dev", "twincloud:eks.serviceCidr=10.10.0.0/20")
    assert msg.startswith("twincloud:eks.serviceCidr: 10.10.0.0/20 overlaps vpc.cidr 10.10.0.0/16")


def test_fewer_than_two_azs():
    msg = one_problem("dev", "twincloud:vpc.azCount=1")
    assert msg.startswith("twincloud:vpc.azCount:") and "greater than or equal to 2" in msg and "(got 1)" in msg


def test_prod_needs_three_azs():
    msg = one_problem("prod", "twincloud:vpc.azCount=2")
    assert msg == ("twincloud:vpc.azCount: prod needs at least 3 availability zones for high availability; "
                   "set azCount: 3 (got 2)")


def test_unknown_nat_strategy():
    msg = one_problem("dev", "twincloud:vpc.natStrategy=triple")
    assert msg.startswith("twincloud:vpc.natStrategy:") and "'single' or 'per_az'" in msg and "'triple'" in msg


def test_prod_rejects_single_nat():
    assert "single point of failure" in one_problem("prod", "twincloud:vpc.natStrategy=single")


def test_node_group_min_above_max():
    msg = one_problem("dev", "twincloud:eks.nodeGroups.0.minSize=5")
    assert msg == "twincloud:eks.nodeGroups[0].maxSize: minSize (5) must not exceed maxSize (3) (got 3)"


def test_node_group_desired_outside_bounds():
    msg = one_problem("dev", "twincloud:eks.nodeGroups.0.desiredSize=9")
    assert msg.startswith("twincloud:eks.nodeGroups[0].desiredSize: desiredSize (9) must lie between")


def test_node_group_bad_instance_type():
    assert "not EC2 instance types" in one_problem("dev", "twincloud:eks.nodeGroups.0.instanceTypes=[large]")


def test_unpinned_kubernetes_version():
    msg = one_problem("dev", "twincloud:eks.version='1.20'")
    assert msg.startswith("twincloud:eks.version:") and "allowed: 1.33, 1.35" in msg


def test_public_endpoint_needs_cidrs():
    assert "publicAccessCidrs is empty" in one_problem("dev", "twincloud:eks.endpointPublicAccess=true")


def test_public_endpoint_never_open_to_the_internet():
    msg = one_problem("dev", "twincloud:eks.endpointPublicAccess=true", "twincloud:eks.publicAccessCidrs=[0.0.0.0/0]")
    assert msg.startswith("twincloud:eks.publicAccessCidrs:") and "0.0.0.0/0" in msg


def test_all_spot_rejected():
    assert "at least one ON_DEMAND group" in one_problem("dev", "twincloud:eks.nodeGroups.0.capacityType=SPOT")


def test_duplicate_node_group_names():
    assert "duplicate names ['general']" in one_problem(
        "dev", "twincloud:eks.nodeGroups[1]={name: general, instanceTypes: [t3.large], minSize: 1, maxSize: 2}")


def test_required_tags():
    msg = one_problem("dev", "twincloud:tags={Owner: me}")
    assert msg.startswith("twincloud:tags:") and "['CostCenter']" in msg


def test_reserved_tags():
    assert "set by the platform itself" in one_problem("dev", "twincloud:tags.Environment=staging")


def test_bad_region():
    msg = one_problem("dev", "aws:region=mars-1")
    assert msg.startswith("aws:region:") and "'mars-1'" in msg


def test_environment_must_be_known():
    msg = problems("dev", "twincloud:environment=staging")[0]
    assert msg.startswith("twincloud:environment:") and "'dev' or 'prod'" in msg


def test_prod_cannot_turn_protection_off():
    assert "protect: false is not allowed in prod" in one_problem("prod", "twincloud:protect=false")


def test_bad_ecr_repository_name():
    assert "invalid repository names ['API!']" in one_problem("dev", "twincloud:ecr.repositories=[API!]")


def test_all_errors_are_collected_not_just_the_first():
    found = problems("dev", "twincloud:vpc.natStrategy=triple", "twincloud:eks.nodeGroups.0.minSize=5",
                     "twincloud:vcp={}")
    keys = sorted(p.split(":", 2)[0] + ":" + p.split(":", 2)[1] for p in found)
    assert len(found) == 3
    assert any(p.startswith("twincloud:vpc.natStrategy") for p in found)
    assert any(p.startswith("twincloud:eks.nodeGroups[0]") for p in found)
    assert any(p.startswith("twincloud:vcp") for p in found), keys


def test_bad_config_registers_nothing():
    registered: list[str] = []
    with pytest.raises(ConfigError, match="twincloud:vpc.natStrategy"):
        run_under_mocks(run_stack_program, stack="dev", config=config_with("dev", "twincloud:vpc.natStrategy=triple"),
                        registered=registered)
    assert registered == []


def test_good_config_registers_resources():
    registered: list[str] = []
    run_under_mocks(run_stack_program, stack="dev", config=config_with("dev"), registered=registered)
    assert len(registered) > 20


def test_region_with_too_few_azs_is_a_config_error():
    # us-west-1 offers two AZs to new accounts; prod needs three.
    config = config_with("prod", "aws:region=us-west-1")
    with pytest.raises(ConfigError, match=r"twincloud:vpc.azCount: region us-west-1 offers 2 availability zones"):
        run_under_mocks(run_stack_program, stack="prod", config=config)


def test_cross_section_problems_are_all_reported():
    found = problems("prod", "twincloud:eks.serviceCidr=10.20.0.0/20", "twincloud:protect=false")
    assert any(p.startswith("twincloud:eks.serviceCidr:") for p in found)
    assert any(p.startswith("twincloud:protect:") for p in found)


def test_monitoring_needs_its_buckets():
    found = problems("dev", "twincloud:buckets=[]")
    assert [p.split("(")[0] for p in found] == [
        "twincloud:buckets: the monitoring stack needs a bucket named 'loki-chunks' ",
        "twincloud:buckets: the monitoring stack needs a bucket named 'tempo-traces' "]


def test_monitoring_buckets_must_bind_the_monitoring_accounts():
    found = problems("dev", "twincloud:buckets.0.serviceAccount=other")
    assert any(p.startswith("twincloud:buckets[0]: bucket 'loki-chunks' must bind namespace 'monitoring' and "
                            "serviceAccount 'loki' (got monitoring/other)") for p in found), found


def test_monitoring_buckets_leave_the_accounts_to_the_monitoring_stack():
    found = problems("dev", "twincloud:buckets.1.createServiceAccount=true")
    assert found == ["twincloud:buckets[1]: set createNamespace: false and createServiceAccount: false for "
                     "'tempo-traces': the monitoring stack creates the namespace and the 'tempo' service account "
                     "itself (two owners of one object fail on create)"]
