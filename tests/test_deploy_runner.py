"""The in-network deploy path: CodeBuild-hosted runners in the private subnets, cluster access for
the CI roles on both clouds, and a first-up split that works before the runner exists."""

from __future__ import annotations

import re

import pytest

from components.aws.deploy_runner import runner_label
from tests.support import creation_order, policy_json

PROJECT = "aws:codebuild/project:Project"
# The cloud stage's `pulumi up --exclude` pattern (.github/workflows/deploy.yml).
CLOUD_STAGE_EXCLUDE = "**kubernetes:**"


def urn_glob(pattern: str) -> re.Pattern[str]:
    """A `pulumi up --target/--exclude` glob as the engine compiles it: ``**`` matches anything,
    ``*`` anything but ``:`` (pulumi/pulumi pkg/resource/deploy/deployment.go, UrnTargets.getMatcher)."""
    parts = ["[^:]*".join(re.escape(p) for p in seg.split("*")) for seg in pattern.split("**")]
    return re.compile("^" + ".*".join(parts) + "$")


def excluded(plan, pattern: str) -> set[str]:
    """What ``--exclude pattern --exclude-dependents`` leaves out: the matches, their children and
    everything that depends on them."""
    out = {r.urn for r in plan.resources if urn_glob(pattern).match(r.urn)}
    order = creation_order(plan)
    parents = {r.urn: r.parent for r in plan.resources}
    changed = True
    while changed:
        grown = {u for u in order if order[u] & out or parents.get(u) in out} | out
        changed, out = grown != out, grown
    return out


def test_the_glob_reading_matches_the_engines():
    assert urn_glob("urn:pulumi:*::*::**kubernetes:**").match(
        "urn:pulumi:prod::twincloud::twincloud:aws:EksCluster$kubernetes:storage.k8s.io/v1:StorageClass::gp3")
    assert not urn_glob("urn:pulumi:*::x").match("urn:pulumi:a:b::x")  # one * stops at ':'


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_each_stack_has_a_runner_in_its_private_subnets(stack, request):
    plan = request.getfixturevalue(f"{stack}_plan")
    project = plan.one(PROJECT)
    assert project.inputs["name"] == f"twincloud-{stack}-runner"
    vpc = project.inputs["vpcConfig"]
    assert vpc["subnets"] == plan.outputs["privateSubnetIds"] and vpc["vpcId"] == plan.outputs["vpcId"]
    assert plan.outputs["deployRunnerLabel"] == runner_label(f"twincloud-{stack}-runner") == (
        f"codebuild-twincloud-{stack}-runner-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}")
    assert project.inputs["source"]["auth"]["type"] == "CODECONNECTIONS"


def test_only_queued_jobs_of_the_delivery_workflows_start_a_runner(prod_plan):
    (hook,) = prod_plan.of_type("aws:codebuild/webhook:Webhook")
    (group,) = hook.inputs["filterGroups"]
    assert {(f["type"], f["pattern"]) for f in group["filters"]} == {
        ("EVENT", "WORKFLOW_JOB_QUEUED"), ("WORKFLOW_NAME", "^(deploy|preview)$")}


def test_the_runner_reaches_the_eks_api_and_nothing_reaches_the_runner(prod_plan):
    sg = prod_plan.one("aws:ec2/securityGroup:SecurityGroup", "twincloud-prod-runner-sg")
    assert not sg.inputs.get("ingress")
    rule = prod_plan.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "twincloud-prod-runner-to-eks-api")
    assert (rule.inputs["fromPort"], rule.inputs["toPort"], rule.inputs["ipProtocol"]) == (443, 443, "tcp")
    assert sg.urn in rule.property_dependencies["referencedSecurityGroupId"]
    assert prod_plan.one("aws:eks/cluster:Cluster").urn in rule.property_dependencies["securityGroupId"]


def test_the_runner_role_has_no_cloud_permissions_beyond_logs_connection_and_its_interfaces(prod_plan):
    policy = policy_json(prod_plan.one("aws:iam/rolePolicy:RolePolicy", "twincloud-prod-runner-policy").inputs["policy"])
    actions = {a for s in policy["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert {a.split(":")[0] for a in actions} == {"logs", "codeconnections", "ec2"}
    assert not any(a.endswith("*") for a in actions)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_ci_roles_get_eks_access_entries(stack, request):
    plan = request.getfixturevalue(f"{stack}_plan")
    grants = {r.inputs["principalArn"].rsplit("/", 1)[-1]: r.inputs["policyArn"].rsplit("/", 1)[-1]
              for r in plan.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")}
    assert grants[f"twincloud-deploy-{stack}"] == "AmazonEKSClusterAdminPolicy"
    assert grants["twincloud-preview"] == "AmazonEKSAdminViewPolicy"


def test_the_deployer_is_aks_cluster_admin(prod_plan):
    grant = prod_plan.one("azure-native:authorization:RoleAssignment", "twincloud-prod-aks-deployer-admin")
    assert grant.inputs["principalType"] == "ServicePrincipal"  # the identity running `pulumi up` in CI
    assert grant.inputs["scope"].endswith("/managedClusters/twincloud-prod-aks")


def test_the_aks_api_admits_the_runners_nat_addresses(prod_plan):
    ranges = prod_plan.one("azure-native:containerservice:ManagedCluster").inputs["apiServerAccessProfile"][
        "authorizedIPRanges"]
    assert len(prod_plan.outputs["natPublicIps"]) == 3
    assert {f"{ip}/32" for ip in prod_plan.outputs["natPublicIps"]} <= set(ranges)


def test_the_cloud_stage_leaves_out_everything_that_talks_to_a_cluster(prod_plan):
    out = excluded(prod_plan, CLOUD_STAGE_EXCLUDE)
    in_cluster = {r.urn for r in prod_plan.resources if r.type.startswith(("kubernetes:", "pulumi:providers:kubernetes"))}
    assert in_cluster and in_cluster <= out


def test_the_cloud_stage_creates_the_network_clusters_and_runner_the_second_stage_needs(prod_plan):
    out = excluded(prod_plan, CLOUD_STAGE_EXCLUDE)
    needed = [*prod_plan.descendants_of(prod_plan.one("twincloud:aws:DeployRunner").urn),
              prod_plan.one("aws:eks/cluster:Cluster"), prod_plan.one("azure-native:containerservice:ManagedCluster"),
              *prod_plan.of_type("aws:ec2/natGateway:NatGateway"), *prod_plan.of_type("aws:eks/accessEntry:AccessEntry")]
    assert [r.name for r in needed if r.urn in out] == []
