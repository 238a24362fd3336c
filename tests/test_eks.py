"""EksCluster: node role, endpoint, encryption, logging, add-ons, kubeconfig."""

import json

import pytest

from components.aws.eks import EksCluster, EksClusterArgs, NodeGroupSpec, ami_type_for
from components.versions import EKS_ADDONS
from tests.support import named, of_type, plan, policy_json, run_component
from tools.engine import Secret

ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
NODEGROUP = "aws:eks/nodeGroup:NodeGroup"
CLUSTER = "aws:eks/cluster:Cluster"


def build(**overrides):
    args = dict(
        cluster_name="unit-eks", version="1.35", region="eu-west-1",
        private_subnet_ids=["subnet-a", "subnet-b", "subnet-c"],
        node_groups=[NodeGroupSpec(name="general", instance_types=["m6i.large"], min_size=1, max_size=3, desired_size=2)],
    )
    args.update(overrides)
    return run_component(lambda: EksCluster("unit", EksClusterArgs(**args)))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_node_role_carries_the_three_worker_policies(stack):
    p = plan(stack)
    node_role = p.one("aws:iam/role:Role", f"twincloud-{stack}-eks-node")
    attached = sorted(a.inputs["policyArn"].rsplit("/", 1)[1] for a in p.of_type(ATTACH)
                      if a.inputs["role"].startswith(f"twincloud-{stack}-eks-node"))
    assert attached == sorted(["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"])
    trust = policy_json(node_role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}


def test_node_groups_wait_for_the_node_role_policies(dev_plan):
    attachments = {a.urn for a in dev_plan.of_type(ATTACH) if "-eks-node-" in a.name}
    assert len(attachments) == 3
    for ng in dev_plan.of_type(NODEGROUP):
        assert attachments <= set(ng.dependencies), ng.name


def test_node_groups_use_every_private_subnet(prod_plan):
    private = sorted(prod_plan.outputs["privateSubnetIds"])
    assert len(private) == 3
    for ng in prod_plan.of_type(NODEGROUP):
        assert sorted(ng.inputs["subnetIds"]) == private


def test_spot_node_group_gets_labels_and_taints():
    resources = build(node_groups=[NodeGroupSpec(
        name="spot", instance_types=["t3.large"], capacity_type="SPOT", min_size=0, max_size=2, desired_size=0,
        labels={"twincloud.io/capacity": "spot"},
        taints=[{"key": "twincloud.io/spot", "value": "true", "effect": "NO_SCHEDULE"}])])
    spot = named(resources, NODEGROUP, "unit-spot")
    assert spot.inputs["capacityType"] == "SPOT"
    assert spot.inputs["taints"] == [{"key": "twincloud.io/spot", "value": "true", "effect": "NO_SCHEDULE"}]
    assert spot.inputs["labels"]["twincloud.io/capacity"] == "spot"


def test_node_groups_leave_desired_size_to_the_autoscaler(dev_plan):
    assert all("scalingConfig.desiredSize" in ng.ignore_changes for ng in dev_plan.of_type(NODEGROUP))


def test_endpoint_is_private_by_default(dev_plan, prod_plan):
    for p in (dev_plan, prod_plan):
        vpc_config = p.one(CLUSTER).inputs["vpcConfig"]
        assert vpc_config["endpointPrivateAccess"] is True
        assert vpc_config["endpointPublicAccess"] is False
        assert "publicAccessCidrs" not in vpc_config


def test_public_endpoint_is_limited_to_configured_cidrs():
    p = plan("dev", "twincloud:eks.endpointPublicAccess=true", "twincloud:eks.publicAccessCidrs=[203.0.113.0/24]")
    vpc_config = p.one(CLUSTER).inputs["vpcConfig"]
    assert vpc_config["endpointPublicAccess"] is True
    assert vpc_config["publicAccessCidrs"] == ["203.0.113.0/24"]


def test_secrets_are_envelope_encrypted_with_a_rotating_key(dev_plan):
    cluster = dev_plan.one(CLUSTER)
    key = dev_plan.one("aws:kms/key:Key", "twincloud-dev-eks-secrets")
    assert cluster.inputs["encryptionConfig"]["resources"] == ["secrets"]
    assert cluster.inputs["encryptionConfig"]["provider"]["keyArn"].startswith("arn:aws:kms:")
    assert key.inputs["enableKeyRotation"] is True


def test_all_control_plane_logs_are_enabled_with_retention(prod_plan):
    cluster = prod_plan.one(CLUSTER)
    assert sorted(cluster.inputs["enabledClusterLogTypes"]) == sorted(
        ["api", "audit", "authenticator", "controllerManager", "scheduler"])
    group = prod_plan.one("aws:cloudwatch/logGroup:LogGroup", "twincloud-prod-eks-control-plane")
    assert group.inputs["name"] == "/aws/eks/twincloud-prod-eks/cluster"
    assert group.inputs["retentionInDays"] == 365
    assert group.urn in cluster.dependencies


def test_api_authentication_with_admin_access_entry(dev_plan):
    cluster = dev_plan.one(CLUSTER)
    assert cluster.inputs["accessConfig"] == {"authenticationMode": "API",
                                              "bootstrapClusterCreatorAdminPermissions": False}
    entry = dev_plan.one("aws:eks/accessEntry:AccessEntry", "twincloud-dev-eks-admin-0")
    assert entry.inputs["principalArn"] == "arn:aws:iam::123456789012:role/platform-admin"
    assoc = dev_plan.one("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "twincloud-dev-eks-admin-0")
    assert assoc.inputs["policyArn"].endswith("cluster-access-policy/AmazonEKSClusterAdminPolicy")
    assert assoc.inputs["accessScope"] == {"type": "cluster"}


def test_addons_are_pinned_from_the_versions_table(prod_plan):
    addons = {a.inputs["addonName"]: a.inputs["addonVersion"] for a in prod_plan.of_type("aws:eks/addon:Addon")}
    assert addons == EKS_ADDONS["1.35"]


def test_coredns_waits_for_nodes_and_nodes_wait_for_cni(dev_plan):
    addons = {a.inputs["addonName"]: a for a in dev_plan.of_type("aws:eks/addon:Addon")}
    groups = {ng.urn for ng in dev_plan.of_type(NODEGROUP)}
    assert groups <= set(addons["coredns"].dependencies)
    for ng in dev_plan.of_type(NODEGROUP):
        assert addons["vpc-cni"].urn in ng.dependencies


def test_prod_cluster_has_deletion_protection(dev_plan, prod_plan):
    assert prod_plan.one(CLUSTER).inputs["deletionProtection"] is True
    assert dev_plan.one(CLUSTER).inputs["deletionProtection"] is False


def test_kubeconfig_is_a_secret_using_aws_eks_get_token(dev_plan):
    kubeconfig = dev_plan.outputs["kubeconfig"]
    assert isinstance(kubeconfig, Secret)
    doc = json.loads(kubeconfig.value)
    user = doc["users"][0]["user"]["exec"]
    assert user["command"] == "aws" and "get-token" in user["args"]
    assert "eu-west-1" in user["args"]
    provider = dev_plan.one("pulumi:providers:kubernetes")
    assert isinstance(provider.inputs["kubeconfig"], Secret)


def test_component_rejects_unpinned_version():
    with pytest.raises(ValueError, match="no pinned add-on versions for Kubernetes 1.20"):
        build(version="1.20")


def test_graviton_instances_get_the_arm_ami():
    assert ami_type_for(["m7g.large"]) == "AL2023_ARM_64_STANDARD"
    assert ami_type_for(["t4g.medium"]) == "AL2023_ARM_64_STANDARD"
    assert ami_type_for(["m6i.large"]) == "AL2023_x86_64_STANDARD"
    assert ami_type_for(["t3.large"]) == "AL2023_x86_64_STANDARD"


def test_component_alone_registers_under_its_parent():
    resources = build()
    component = named(resources, "twincloud:aws:EksCluster", "unit")
    for r in resources:
        if r is not component:
            assert r.parent == component.urn, r.name
    assert len(of_type(resources, NODEGROUP)) == 1


def test_cluster_role_may_use_only_its_secrets_key(dev_plan):
    key = dev_plan.one("aws:kms/key:Key", "twincloud-dev-eks-secrets")
    policy = dev_plan.one("aws:iam/rolePolicy:RolePolicy", "twincloud-dev-eks-cluster-kms")
    doc = policy_json(policy.inputs["policy"])
    (statement,) = doc["Statement"]
    assert statement["Resource"].startswith("arn:aws:kms:eu-west-1:123456789012:key/")
    assert set(statement["Action"]) == {"kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"}
    assert policy.urn in dev_plan.one(CLUSTER).dependencies
    assert key.custom


def test_ebs_csi_driver_reaches_its_role_through_pod_identity(prod_plan):
    addon = [a for a in prod_plan.of_type("aws:eks/addon:Addon") if a.inputs["addonName"] == "aws-ebs-csi-driver"][0]
    (association,) = addon.inputs["podIdentityAssociations"]
    assert association["serviceAccount"] == "ebs-csi-controller-sa"
    role = prod_plan.one("aws:iam/role:Role", "twincloud-prod-eks-ebs-csi")
    trust = policy_json(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(trust["Action"]) == ["sts:AssumeRole", "sts:TagSession"]
    assert association["roleArn"].endswith(role.inputs.get("name") or "")
    attached = prod_plan.one(ATTACH, "twincloud-prod-eks-ebs-csi")
    assert attached.inputs["policyArn"] == "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"


def test_default_storage_class_is_encrypted_gp3(dev_plan, prod_plan):
    for p, reclaim in ((dev_plan, "Delete"), (prod_plan, "Retain")):
        sc = p.one("kubernetes:storage.k8s.io/v1:StorageClass")
        assert sc.inputs["metadata"]["annotations"] == {"storageclass.kubernetes.io/is-default-class": "true"}
        assert sc.inputs["parameters"]["encrypted"] == "true" and sc.inputs["parameters"]["type"] == "gp3"
        assert sc.inputs["volumeBindingMode"] == "WaitForFirstConsumer"
        assert sc.inputs["reclaimPolicy"] == reclaim


def test_vpc_cni_enforces_network_policies(dev_plan):
    cni = [a for a in dev_plan.of_type("aws:eks/addon:Addon") if a.inputs["addonName"] == "vpc-cni"][0]
    assert json.loads(cni.inputs["configurationValues"]) == {"enableNetworkPolicy": "true"}


def test_prod_protects_the_cluster_and_its_secrets_key(dev_plan, prod_plan):
    assert prod_plan.one(CLUSTER).protect and prod_plan.one("aws:kms/key:Key", "twincloud-prod-eks-secrets").protect
    assert not dev_plan.one(CLUSTER).protect
    assert not dev_plan.one("aws:kms/key:Key", "twincloud-dev-eks-secrets").protect
