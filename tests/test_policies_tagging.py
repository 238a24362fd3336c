"""Tagging, naming and placement rules: compliant and violating cases each."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure
import pytest

from components.aws.vpc import Vpc, VpcArgs
from policies.placement import azure_vm_series, cache_family, ec2_family
from tests.policy_support import PREFIX, check, declare, messages, named, with_unknown
from tests.support import plan


def _vpc():
    Vpc(f"{PREFIX}-net", VpcArgs(cidr="10.30.0.0/16", availability_zones=["eu-west-1a", "eu-west-1b"],
                                 nat_strategy="single"))


@pytest.fixture(scope="module")
def tagged_vpc():
    return declare(_vpc, env="dev")


@pytest.fixture(scope="module")
def untagged_vpc():
    return declare(_vpc, env=None)


# -- required-tags ----------------------------------------------------------------------------

def test_tagged_component_satisfies_required_tags(tagged_vpc):
    assert messages(tagged_vpc, "required-tags") == []


def test_resource_that_missed_the_tag_transformation_is_reported(untagged_vpc):
    vpc = named(untagged_vpc, f"{PREFIX}-net", "aws:ec2/vpc:Vpc")
    found = [v["message"] for v in _for(untagged_vpc, "required-tags", vpc.urn)]
    assert found == ["missing required tags ['CostCenter', 'Environment', 'ManagedBy', 'Owner', 'Project']; tags "
                     "come from the stack transformation (components/tagging.py) and twincloud:tags (Owner, CostCenter)"]


def test_every_taggable_resource_without_tags_is_reported(untagged_vpc):
    from policies.taggable import is_taggable
    from tests.policy_support import violations

    reported = {v["urn"] for v in violations(untagged_vpc, "required-tags")}
    assert reported == {r.urn for r in untagged_vpc if is_taggable(r.type)}


def test_resources_without_a_tag_map_are_not_reported(untagged_vpc):
    from tests.policy_support import violations

    reported = {v["urn"] for v in violations(untagged_vpc, "required-tags")}
    associations = [r for r in untagged_vpc if r.type == "aws:ec2/routeTableAssociation:RouteTableAssociation"]
    assert associations and not reported & {r.urn for r in associations}


def test_tag_value_outside_the_allowed_set_is_reported():
    found = check(lambda: aws.ec2.Vpc(f"{PREFIX}-vpc", cidr_block="10.0.0.0/16",
                                      tags={"Environment": "staging"}), "required-tags")
    assert found == ["tag Environment='staging' is not an allowed value; allowed: ['dev', 'prod']"]


def test_allowed_tag_values_come_from_the_pack_config():
    config = {"required-tags": {"requiredTags": {"Environment": ["dev", "prod", "staging"]}}}
    found = messages(declare(lambda: aws.ec2.Vpc(f"{PREFIX}-vpc", cidr_block="10.0.0.0/16",
                                                 tags={"Environment": "staging"})), "required-tags", config)
    assert found == []


def test_unknown_tags_are_not_reported(untagged_vpc):
    vpc = named(untagged_vpc, f"{PREFIX}-net", "aws:ec2/vpc:Vpc")
    assert messages([with_unknown(vpc, "tags")], "required-tags") == []


def test_azure_resources_need_the_tags_too():
    found = check(lambda: azure.resources.ResourceGroup(f"{PREFIX}-rg", location="westeurope"),
                  "required-tags", env=None)
    assert len(found) == 1 and found[0].startswith("missing required tags ['CostCenter', 'Environment'")


# -- resource-naming ------------------------------------------------------------------------------

def test_component_names_follow_the_project_pattern(tagged_vpc):
    assert messages(tagged_vpc, "resource-naming") == []


def test_shipped_stack_names_follow_the_project_pattern():
    assert [v for v in plan("prod", policies=True).violations if v["policy"] == "resource-naming"] == []


def test_name_without_the_stack_prefix_is_reported():
    found = check(lambda: aws.ec2.Vpc("main-vpc", cidr_block="10.0.0.0/16"), "resource-naming")
    assert found == [r"logical name 'main-vpc' does not follow the project pattern ^twincloud-unit(-[A-Za-z0-9_.]+)*$; "
                     "derive names from the '<project>-<stack>' prefix with components.naming.child_name"]


def test_name_of_another_stack_is_reported():
    found = check(lambda: aws.ec2.Vpc("twincloud-prod-vpc", cidr_block="10.0.0.0/16"), "resource-naming")
    assert len(found) == 1 and "'twincloud-prod-vpc'" in found[0]


# -- allowed-regions ----------------------------------------------------------------------------

def test_resources_in_the_stack_region_are_allowed(tagged_vpc):
    assert messages(tagged_vpc, "allowed-regions") == []


def test_resource_in_a_region_outside_the_list_is_reported():
    found = check(lambda: aws.ec2.Vpc(f"{PREFIX}-vpc", cidr_block="10.0.0.0/16", region="ap-south-1"),
                  "allowed-regions")
    assert found == ["AWS region 'ap-south-1' is not allowed; allowed regions: ['eu-west-1', 'eu-west-2', "
                     "'eu-west-3', 'eu-central-1', 'eu-north-1', 'us-east-1', 'us-east-2', 'us-west-2']"]


def test_explicit_provider_region_is_checked():
    def build():
        provider = aws.Provider(f"{PREFIX}-sa", region="sa-east-1")
        aws.ec2.Vpc(f"{PREFIX}-vpc", cidr_block="10.0.0.0/16", opts=pulumi.ResourceOptions(provider=provider))

    assert check(build, "allowed-regions") == [
        "AWS region 'sa-east-1' is not allowed; allowed regions: ['eu-west-1', 'eu-west-2', 'eu-west-3', "
        "'eu-central-1', 'eu-north-1', 'us-east-1', 'us-east-2', 'us-west-2']"]


def test_azure_location_outside_the_list_is_reported():
    found = check(lambda: azure.resources.ResourceGroup(f"{PREFIX}-rg", location="Brazil South"), "allowed-regions")
    assert len(found) == 1 and found[0].startswith("Azure location 'brazilsouth' is not allowed")


def test_azure_location_in_the_list_is_allowed():
    assert check(lambda: azure.resources.ResourceGroup(f"{PREFIX}-rg", location="West Europe"),
                 "allowed-regions") == []


# -- allowed-instance-families ----------------------------------------------------------------

def test_shipped_node_groups_use_allowed_families():
    found = [v for v in plan("dev", policies=True).violations if v["policy"] == "allowed-instance-families"]
    assert found == []


def _node_group(instance_type: str):
    return lambda: aws.eks.NodeGroup(
        f"{PREFIX}-ng", cluster_name="c", node_role_arn="arn:aws:iam::123456789012:role/n", subnet_ids=["s"],
        instance_types=[instance_type], scaling_config={"min_size": 1, "max_size": 1, "desired_size": 1})


def test_node_group_with_an_unlisted_family_is_reported():
    found = check(_node_group("p4d.24xlarge"), "allowed-instance-families")
    assert len(found) == 1 and found[0].startswith("instance type 'p4d.24xlarge' (family p4d) is not allowed")


def test_cache_node_with_an_unlisted_family_is_reported():
    found = check(lambda: aws.elasticache.ReplicationGroup(f"{PREFIX}-redis", description="d",
                                                            node_type="cache.t2.micro"), "allowed-instance-families")
    assert len(found) == 1 and found[0].startswith("cache node type 'cache.t2.micro' (family cache.t2) is not allowed")


def test_aks_pool_with_an_unlisted_series_is_reported():
    def build():
        azure.containerservice.ManagedCluster(
            f"{PREFIX}-aks", resource_group_name="rg", location="westeurope", dns_prefix="x",
            agent_pool_profiles=[{"name": "gpu", "vm_size": "Standard_NC6s_v3", "count": 1, "mode": "System"},
                                 {"name": "sys", "vm_size": "Standard_D4s_v5", "count": 1, "mode": "System"}])

    assert check(build, "allowed-instance-families") == [
        "VM size 'Standard_NC6s_v3' (series NC) is not allowed; allowed series: ['B', 'D', 'DS', 'E', 'ES', 'F', 'FS']"]


@pytest.mark.parametrize("size,family", [("m6i.large", "m6i"), ("t3a.xlarge", "t3a"), ("u-6tb1.metal", "u-6tb1")])
def test_ec2_family_is_the_part_before_the_dot(size, family):
    assert ec2_family(size) == family


def test_cache_family_keeps_the_cache_prefix():
    assert cache_family("cache.r7g.large") == "cache.r7g"


@pytest.mark.parametrize("size,series", [("Standard_D4s_v5", "D"), ("Standard_DS2_v2", "DS"), ("Standard_B2s", "B"),
                                         ("standard_e8ds_v5", "E"), ("Basic_A1", None)])
def test_azure_vm_series_is_the_letter_prefix(size, series):
    assert azure_vm_series(size) == series


def _for(resources, policy, urn):
    from tests.policy_support import violations

    return [v for v in violations(resources, policy) if v["urn"] == urn]
