"""Karpenter on EKS: identity, controller policies, interruption queue and rules, nodes, NodePools."""

from __future__ import annotations

import json

import pytest

from components.platform.documents import INTERRUPTION_EVENTS, AwsScope, karpenter_controller_policies
from tests.support import policy_json

ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
RULE = "aws:cloudwatch/eventRule:EventRule"
TARGET = "aws:cloudwatch/eventTarget:EventTarget"
ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
RELEASE = "kubernetes:helm.sh/v3:Release"
NODEPOOL = "kubernetes:karpenter.sh/v1:NodePool"
NODECLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
NODEGROUP = "aws:eks/nodeGroup:NodeGroup"
SCOPE = AwsScope(partition="aws", region="eu-west-1", account="123456789012", cluster="c1")


def _by_urn(plan):
    return {r.urn: r for r in plan.resources}


def test_controller_role_is_assumable_only_through_pod_identity(prod_plan):
    trust = policy_json(prod_plan.one(ROLE, "twincloud-prod-karpenter-controller").inputs["assumeRolePolicy"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "pods.eks.amazonaws.com"}]
    assert sorted(trust["Statement"][0]["Action"]) == ["sts:AssumeRole", "sts:TagSession"]


def test_pod_identity_binds_the_controller_service_account(prod_plan):
    assoc = prod_plan.one(ASSOCIATION, "twincloud-prod-karpenter-pod-identity")
    assert (assoc.inputs["namespace"], assoc.inputs["serviceAccount"]) == ("kube-system", "karpenter")
    release = prod_plan.one(RELEASE, "twincloud-prod-karpenter-controller")
    assert release.inputs["values"]["serviceAccount"]["name"] == "karpenter"


def test_controller_gets_the_six_upstream_policies(prod_plan):
    names = sorted(p.name for p in prod_plan.of_type(POLICY) if p.name.startswith("twincloud-prod-karpenter-"))
    assert names == [f"twincloud-prod-karpenter-{k}" for k in sorted(
        ["node-lifecycle", "iam-integration", "eks-integration", "interruption", "zonal-shift", "resource-discovery"])]
    attached = [a for a in prod_plan.of_type(ATTACH) if a.inputs["role"].startswith("twincloud-prod-karpenter-controller")]
    assert len(attached) == 6


def test_controller_may_pass_only_the_karpenter_node_role():
    docs = karpenter_controller_policies(SCOPE, "arn:aws:iam::123456789012:role/node", "arn:aws:sqs:eu-west-1:1:q")
    passrole = [s for d in docs.values() for s in d["Statement"] if "iam:PassRole" in json.dumps(s["Action"])]
    assert [s["Resource"] for s in passrole] == ["arn:aws:iam::123456789012:role/node"]


def test_every_destructive_ec2_action_is_scoped_to_the_cluster_tag():
    docs = karpenter_controller_policies(SCOPE, "arn:aws:iam::1:role/n", "arn:aws:sqs:eu-west-1:1:q")
    for s in docs["node-lifecycle"]["Statement"]:
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        if {"ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"} & set(actions):
            assert s["Condition"]["StringEquals"] == {"aws:ResourceTag/kubernetes.io/cluster/c1": "owned"}


def test_interruption_queue_policy_resource_is_the_queue():
    docs = karpenter_controller_policies(SCOPE, "arn:aws:iam::1:role/n", "arn:aws:sqs:eu-west-1:1:q")
    (statement,) = docs["interruption"]["Statement"]
    assert statement["Resource"] == "arn:aws:sqs:eu-west-1:1:q"
    assert statement["Action"] == ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"]


def test_queue_keeps_messages_five_minutes_encrypted(prod_plan):
    queue = prod_plan.one(QUEUE, "twincloud-prod-karpenter-interruption")
    assert queue.inputs["messageRetentionSeconds"] == 300
    assert queue.inputs["sqsManagedSseEnabled"] is True
    assert queue.inputs["name"] == "twincloud-prod-eks"


def test_queue_accepts_eventbridge_and_refuses_plain_http(prod_plan):
    doc = policy_json(prod_plan.one(QUEUE_POLICY, "twincloud-prod-karpenter-interruption").inputs["policy"])
    allow, deny = doc["Statement"]
    assert allow["Principal"]["Service"] == ["events.amazonaws.com", "sqs.amazonaws.com"]
    assert allow["Action"] == "sqs:SendMessage"
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.mark.parametrize("key", sorted(INTERRUPTION_EVENTS))
def test_each_interruption_event_reaches_the_queue(prod_plan, key):
    rule = prod_plan.one(RULE, f"twincloud-prod-karpenter-{key}")
    source, detail_type = INTERRUPTION_EVENTS[key]
    assert json.loads(rule.inputs["eventPattern"]) == {"source": [source], "detail-type": [detail_type]}
    target = prod_plan.one(TARGET, f"twincloud-prod-karpenter-{key}")
    queue = prod_plan.one(QUEUE, "twincloud-prod-karpenter-interruption")
    assert target.inputs["arn"].endswith(f":sqs:eu-west-1:123456789012:{queue.inputs['name']}")


def test_rules_cover_spot_rebalance_state_change_and_health_events():
    detail_types = {d for _, d in INTERRUPTION_EVENTS.values()}
    assert {"EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation",
            "EC2 Instance State-change Notification", "AWS Health Event"} <= detail_types


def test_karpenter_nodes_join_through_their_own_ec2_linux_access_entry(prod_plan):
    entry = prod_plan.one(ACCESS_ENTRY, "twincloud-prod-karpenter-node")
    node_role = prod_plan.one(ROLE, "twincloud-prod-karpenter-node")
    assert entry.inputs["type"] == "EC2_LINUX"
    assert ":role/twincloud-prod-karpenter-node-" in entry.inputs["principalArn"]
    assert node_role.urn in entry.dependencies


def test_no_principal_has_two_access_entries(prod_plan):
    # EKS: an IAM principal can be in only one access entry, and managed node groups' roles get theirs from EKS.
    principals = [e.inputs["principalArn"] for e in prod_plan.of_type(ACCESS_ENTRY)]
    assert len(principals) == len(set(principals))
    managed_roles = {g.inputs["nodeRoleArn"] for g in prod_plan.of_type(NODEGROUP)}
    assert not managed_roles & set(principals)


def test_karpenter_node_role_has_the_upstream_node_policies(prod_plan):
    attached = sorted(a.inputs["policyArn"].rsplit("/", 1)[1] for a in prod_plan.of_type(ATTACH)
                      if a.inputs["role"].startswith("twincloud-prod-karpenter-node"))
    assert attached == ["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy"]


def test_controller_runs_on_the_system_node_group_only(prod_plan):
    values = prod_plan.one(RELEASE, "twincloud-prod-karpenter-controller").inputs["values"]
    (term,) = values["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    assert {"key": "twincloud.io/node-group", "operator": "In", "values": ["system"]} in term["matchExpressions"]
    assert {"key": "karpenter.sh/nodepool", "operator": "DoesNotExist"} in term["matchExpressions"]
    assert values["replicas"] == 2 and values["settings"]["interruptionQueue"] == "twincloud-prod-eks"


def test_crds_come_from_the_crd_chart_before_the_controller(prod_plan):
    crd = prod_plan.one(RELEASE, "twincloud-prod-karpenter-crd")
    controller = prod_plan.one(RELEASE, "twincloud-prod-karpenter-controller")
    assert crd.inputs["chart"] == "oci://public.ecr.aws/karpenter/karpenter-crd"
    assert controller.inputs["skipCrds"] is True
    assert crd.urn in controller.dependencies


def test_nodepools_wait_for_crds_controller_and_node_access(prod_plan):
    crd = prod_plan.one(RELEASE, "twincloud-prod-karpenter-crd")
    entry = prod_plan.one(ACCESS_ENTRY, "twincloud-prod-karpenter-node")
    for pool in prod_plan.of_type(NODEPOOL):
        assert {crd.urn, entry.urn} <= set(pool.dependencies), pool.name


def test_managed_node_groups_are_on_demand_only(dev_plan, prod_plan):
    # Spot and burst capacity come from Karpenter; node groups keep the controllers' nodes.
    for p in (dev_plan, prod_plan):
        assert {g.inputs["capacityType"] for g in p.of_type(NODEGROUP)} == {"ON_DEMAND"}
    assert [g.name for g in prod_plan.of_type(NODEGROUP)] == ["twincloud-prod-eks-system"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_nodepool_has_cpu_and_memory_limits(stack, dev_plan, prod_plan):
    p = {"dev": dev_plan, "prod": prod_plan}[stack]
    pools = p.of_type(NODEPOOL)
    assert len(pools) == 2
    for pool in pools:
        assert set(pool.inputs["spec"]["limits"]) == {"cpu", "memory"}, pool.name


def test_spot_pool_is_tainted_and_spread_over_architectures(prod_plan):
    spec = prod_plan.one(NODEPOOL, "twincloud-prod-karpenter-nodepool-spot").inputs["spec"]
    reqs = {r["key"]: r["values"] for r in spec["template"]["spec"]["requirements"]}
    assert reqs["karpenter.sh/capacity-type"] == ["spot"]
    assert reqs["kubernetes.io/arch"] == ["amd64", "arm64"]
    assert spec["template"]["spec"]["taints"] == [{"key": "twincloud.io/spot", "value": "true", "effect": "NoSchedule"}]


def test_prod_disruption_is_budgeted(prod_plan):
    budgets = {p.inputs["metadata"]["name"]: p.inputs["spec"]["disruption"] for p in prod_plan.of_type(NODEPOOL)}
    assert budgets["on-demand"] == {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "5m",
                                    "budgets": [{"nodes": "10%"}]}
    assert budgets["spot"]["budgets"] == [{"nodes": "20%"}]


def test_node_class_uses_private_subnets_cluster_group_and_imdsv2(prod_plan):
    spec = prod_plan.one(NODECLASS).inputs["spec"]
    assert sorted(t["id"] for t in spec["subnetSelectorTerms"]) == sorted(prod_plan.outputs["privateSubnetIds"])
    assert spec["metadataOptions"]["httpTokens"] == "required"
    assert spec["metadataOptions"]["httpPutResponseHopLimit"] == 1
    assert spec["blockDeviceMappings"][0]["ebs"]["encrypted"] is True
    assert spec["role"].startswith("twincloud-prod-karpenter-node-")
