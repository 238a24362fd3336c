"""Managed node groups' launch templates and AMI lifecycle, and the same choices on Karpenter's
nodes: IMDSv2 with one hop, root volumes encrypted with the node-volume key, the pinned AMI
release, rolling updates and auto repair (issue 19, "Nodes and network (AWS)")."""

from __future__ import annotations

import pytest

from components.aws.eks import EksCluster, EksClusterArgs, NodeGroupSpec
from components.versions import EKS_ADDONS, EKS_AMI_RELEASES, EKS_AMI_SSM_PARAMETER
from tests.policy_support import DELETE, messages, with_value
from tests.support import named, policy_json, run_component

NODEGROUP = "aws:eks/nodeGroup:NodeGroup"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
KEY = "aws:kms/key:Key"
NODECLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"


def _plans(dev_plan, prod_plan):
    return {"dev": dev_plan, "prod": prod_plan}


def _key_arn(plan, stack):
    return plan.one(KEY, f"twincloud-{stack}-eks-node-volumes").outputs["arn"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_each_node_group_runs_on_its_own_launch_template(dev_plan, prod_plan, stack):
    plan = _plans(dev_plan, prod_plan)[stack]
    groups = plan.of_type(NODEGROUP)
    assert groups
    for group in groups:
        template = plan.one(TEMPLATE, group.name)
        assert group.inputs["launchTemplate"] == {"id": template.id, "version": "1"}
        assert group.inputs.get("diskSize") is None  # EKS refuses diskSize next to a launch template


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_launch_templates_require_imdsv2_with_one_hop(dev_plan, prod_plan, stack):
    for template in _plans(dev_plan, prod_plan)[stack].of_type(TEMPLATE):
        options = template.inputs["metadataOptions"]
        assert options["httpTokens"] == "required"
        assert options["httpPutResponseHopLimit"] == 1
        assert options["httpEndpoint"] == "enabled"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_root_volumes_are_gp3_encrypted_with_the_node_volume_key(dev_plan, prod_plan, stack):
    plan = _plans(dev_plan, prod_plan)[stack]
    for template in plan.of_type(TEMPLATE):
        (root,) = template.inputs["blockDeviceMappings"]
        assert root["deviceName"] == "/dev/xvda"
        assert root["ebs"] == {"volumeType": "gp3", "volumeSize": 50, "encrypted": "true",
                               "kmsKeyId": _key_arn(plan, stack), "deleteOnTermination": "true"}


def test_launch_templates_leave_ami_profile_and_network_to_eks(prod_plan):
    for template in prod_plan.of_type(TEMPLATE):
        present = {k for k in ("imageId", "iamInstanceProfile", "networkInterfaces", "vpcSecurityGroupIds",
                               "instanceType", "userData", "hibernationOptions") if template.inputs.get(k)}
        assert present == set(), template.name


def test_node_volume_key_is_used_only_through_ec2_for_this_account(prod_plan):
    key = prod_plan.one(KEY, "twincloud-prod-eks-node-volumes")
    use, grants = policy_json(key.inputs["policy"])["Statement"][1:]
    via = {"kms:ViaService": "ec2.eu-west-1.amazonaws.com", "kms:CallerAccount": "123456789012"}
    assert use["Condition"] == {"StringEquals": via}
    assert set(use["Action"]) == {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                  "kms:DescribeKey"}
    assert grants["Action"] == ["kms:CreateGrant"]
    assert grants["Condition"] == {"StringEquals": via, "Bool": {"kms:GrantIsForAWSResource": True}}
    assert key.inputs["enableKeyRotation"] is True


def test_prod_protects_the_node_volume_key(dev_plan, prod_plan):
    assert prod_plan.one(KEY, "twincloud-prod-eks-node-volumes").protect is True
    assert dev_plan.one(KEY, "twincloud-dev-eks-node-volumes").protect is False


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_node_groups_pin_the_ami_release_of_their_kubernetes_version(dev_plan, prod_plan, stack):
    plan = _plans(dev_plan, prod_plan)[stack]
    for group in plan.of_type(NODEGROUP):
        assert group.inputs["releaseVersion"] == EKS_AMI_RELEASES[group.inputs["version"]].release_version


def test_node_groups_roll_a_third_at_a_time_and_repair_by_default(dev_plan):
    for group in dev_plan.of_type(NODEGROUP):
        assert group.inputs["updateConfig"] == {"maxUnavailablePercentage": 33}
        assert group.inputs["nodeRepairConfig"] == {"enabled": True}


def _group(**spec):
    resources = run_component(lambda: EksCluster("unit", EksClusterArgs(
        cluster_name="unit-eks", version="1.35", region="eu-west-1", private_subnet_ids=["subnet-a", "subnet-b"],
        node_groups=[NodeGroupSpec(name="general", instance_types=["m6i.large"], min_size=1, max_size=3,
                                   desired_size=2, **spec)])))
    return resources


def test_update_limit_repair_and_volume_come_from_the_group_spec():
    resources = _group(max_unavailable=2, auto_repair=False, disk_size=80, disk_type="gp2")
    group = named(resources, NODEGROUP, "unit-general")
    assert group.inputs["updateConfig"] == {"maxUnavailable": 2}
    assert group.inputs["nodeRepairConfig"] == {"enabled": False}
    ebs = named(resources, TEMPLATE, "unit-general").inputs["blockDeviceMappings"][0]["ebs"]
    assert (ebs["volumeSize"], ebs["volumeType"]) == (80, "gp2")


def test_every_pinned_kubernetes_version_has_an_ami_release_of_that_version():
    assert set(EKS_AMI_RELEASES) == set(EKS_ADDONS)
    for minor, pin in EKS_AMI_RELEASES.items():
        patch, date = pin.release_version.split("-")
        assert patch.startswith(f"{minor}.") and len(date) == 8 and date.isdigit(), pin
        assert pin.karpenter_alias == f"al2023@v{date}"
        assert "amazon-eks-ami" in pin.verified
    assert EKS_AMI_SSM_PARAMETER.format(version="1.35") == (
        "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version")


# -- Karpenter's nodes -------------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_karpenter_nodes_use_the_node_group_release_and_volume_key(dev_plan, prod_plan, stack):
    plan = _plans(dev_plan, prod_plan)[stack]
    spec = plan.one(NODECLASS, f"twincloud-{stack}-karpenter-nodeclass-default").inputs["spec"]
    assert spec["amiSelectorTerms"] == [{"alias": EKS_AMI_RELEASES["1.35"].karpenter_alias}]
    (root,) = spec["blockDeviceMappings"]
    assert root["ebs"]["kmsKeyID"] == _key_arn(plan, stack) and root["ebs"]["encrypted"] is True
    assert spec["metadataOptions"]["httpTokens"] == "required"
    assert spec["metadataOptions"]["httpPutResponseHopLimit"] == 1


def test_karpenter_controller_is_given_its_region(dev_plan):
    release = dev_plan.one("kubernetes:helm.sh/v3:Release", "twincloud-dev-karpenter-controller")
    assert {"name": "AWS_REGION", "value": "eu-west-1"} in release.inputs["values"]["controller"]["env"]


# -- the policy rules, on planned resources with one field changed ------------------------------

def test_launch_template_allowing_imdsv1_is_reported(dev_plan):
    template = dev_plan.one(TEMPLATE, "twincloud-dev-eks-general")
    mutated = with_value(template, ("metadataOptions", "httpTokens"), "optional")
    assert messages([mutated], "launch-template-imdsv2-only") == [
        "metadataOptions.httpTokens is 'optional'; set it to 'required'"]
    assert messages([template], "launch-template-imdsv2-only") == []


@pytest.mark.parametrize("hops", [2, 0])
def test_launch_template_hop_limit_outside_bounds_is_reported(dev_plan, hops):
    template = dev_plan.one(TEMPLATE, "twincloud-dev-eks-general")
    mutated = with_value(template, ("metadataOptions", "httpPutResponseHopLimit"), hops)
    (found,) = messages([mutated], "node-metadata-hop-limit")
    assert found.startswith(f"metadataOptions.httpPutResponseHopLimit is {hops}; keep it between 1 and 1")
    assert messages([template], "node-metadata-hop-limit") == []


def test_launch_template_without_a_hop_limit_is_reported(dev_plan):
    template = dev_plan.one(TEMPLATE, "twincloud-dev-eks-general")
    mutated = with_value(template, ("metadataOptions", "httpPutResponseHopLimit"), DELETE)
    assert len(messages([mutated], "node-metadata-hop-limit")) == 1


def test_hop_limit_bound_is_policy_config(dev_plan):
    template = dev_plan.one(TEMPLATE, "twincloud-dev-eks-general")
    mutated = with_value(template, ("metadataOptions", "httpPutResponseHopLimit"), 2)
    assert messages([mutated], "node-metadata-hop-limit", {"node-metadata-hop-limit": {"maxHopLimit": 2}}) == []


def test_karpenter_nodeclass_allowing_imdsv1_or_two_hops_is_reported(dev_plan):
    nodeclass = dev_plan.one(NODECLASS, "twincloud-dev-karpenter-nodeclass-default")
    imdsv1 = with_value(nodeclass, ("spec", "metadataOptions", "httpTokens"), "optional")
    assert len(messages([imdsv1], "karpenter-nodeclass-imdsv2-only")) == 1
    two_hops = with_value(nodeclass, ("spec", "metadataOptions", "httpPutResponseHopLimit"), 2)
    assert len(messages([two_hops], "node-metadata-hop-limit")) == 1
    assert messages([nodeclass], "node-metadata-hop-limit") == []


# -- bad config: one message naming the key, exit 2, before any resource ------------------------

def _problems(*overrides):
    from stacks.config import ConfigError, load_config
    from tests.support import config_with
    from tools.engine import _wire_config

    wire, _ = _wire_config(config_with("dev", *overrides))
    with pytest.raises(ConfigError) as e:
        load_config(wire, stack="dev")
    return e.value.problems


def test_unknown_root_volume_type_is_rejected_naming_the_key():
    (msg,) = _problems("twincloud:eks.nodeGroups[0].diskType=io9")
    assert msg.startswith("twincloud:eks.nodeGroups[0].diskType:") and "'gp3'" in msg


def test_both_update_limits_are_rejected_naming_the_key():
    (msg,) = _problems("twincloud:eks.nodeGroups[0].maxUnavailable=1",
                       "twincloud:eks.nodeGroups[0].maxUnavailablePercentage=50")
    assert msg.startswith("twincloud:eks.nodeGroups[0].maxUnavailablePercentage:")
    assert "set maxUnavailable or maxUnavailablePercentage, not both" in msg


def test_floating_karpenter_ami_alias_is_rejected_naming_the_key():
    (msg,) = _problems("twincloud:platform.karpenter.amiAlias=al2023@latest")
    assert msg.startswith("twincloud:platform.karpenter.amiAlias:") and "floats" in msg


def test_bad_node_config_exits_2_without_a_traceback():
    import subprocess
    import sys

    from tools.engine import ROOT

    result = subprocess.run([sys.executable, "-m", "tools.plan", "--stack", "dev", "--set",
                             "twincloud:eks.nodeGroups[0].maxUnavailable=0"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stdout == ""
    assert "twincloud:eks.nodeGroups[0].maxUnavailable" in result.stderr


def test_node_group_without_the_pinned_release_is_reported(dev_plan):
    group = dev_plan.one(NODEGROUP, "twincloud-dev-eks-general")
    assert messages([group], "eks-node-image-pinned") == []
    unset = messages([with_value(group, ("releaseVersion",), DELETE)], "eks-node-image-pinned")
    assert len(unset) == 1 and unset[0].startswith("no releaseVersion: EKS would boot the newest AMI of the day")
    other = messages([with_value(group, ("releaseVersion",), "1.35.6-20260709")], "eks-node-image-pinned")
    assert other == ["releaseVersion '1.35.6-20260709' is not the pinned AMI release for Kubernetes 1.35 "
                     "(1.35.6-20260714; components/versions.py EKS_AMI_RELEASES)"]


def test_karpenter_nodeclass_on_latest_is_reported(dev_plan):
    nodeclass = dev_plan.one(NODECLASS, "twincloud-dev-karpenter-nodeclass-default")
    assert messages([nodeclass], "eks-node-image-pinned") == []
    floating = with_value(nodeclass, ("spec", "amiSelectorTerms", 0, "alias"), "al2023@latest")
    (found,) = messages([floating], "eks-node-image-pinned")
    assert found.startswith("amiSelectorTerms alias 'al2023@latest' floats")
