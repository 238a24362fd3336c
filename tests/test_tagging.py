"""Tags come from one mechanism and land on every taggable resource."""

from components.tagging import base_tags
from tests.support import plan


def taggable(p):
    return [r for r in p.resources if r.custom and "tags" in r.inputs]


def test_every_taggable_resource_carries_the_platform_tags(dev_plan, prod_plan):
    for p, env in ((dev_plan, "dev"), (prod_plan, "prod")):
        resources = taggable(p)
        assert len(resources) > 30
        for r in resources:
            tags = r.inputs["tags"]
            assert tags["Environment"] == env, r.urn
            assert tags["Project"] == "twincloud" and tags["ManagedBy"] == "pulumi", r.urn
            assert tags["Owner"] and tags["CostCenter"], r.urn


def test_resources_that_take_tags_all_get_them(dev_plan):
    # Every AWS resource type whose schema has a tags input must appear in taggable().
    types_with_tags = {r.type for r in taggable(dev_plan)}
    for must in ("aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup",
                 "aws:kms/key:Key", "aws:ecr/repository:Repository", "aws:iam/role:Role"):
        assert must in types_with_tags


def test_resource_specific_tags_are_kept(dev_plan):
    subnet = dev_plan.one("aws:ec2/subnet:Subnet", "twincloud-dev-net-public-0")
    assert subnet.inputs["tags"]["Name"] == "twincloud-dev-net-public-0"
    assert subnet.inputs["tags"]["kubernetes.io/role/elb"] == "1"


def test_extra_tags_from_config_are_applied():
    p = plan("prod")
    assert p.one("aws:ec2/vpc:Vpc").inputs["tags"]["DataClassification"] == "internal"


def test_base_tags():
    assert base_tags("dev", "twincloud", {"Owner": "a"}) == {
        "Environment": "dev", "Project": "twincloud", "ManagedBy": "pulumi", "Owner": "a"}
