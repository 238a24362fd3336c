"""The AWS Load Balancer Controller on EKS: pinned chart, upstream policy through Pod Identity, IngressClass."""

from __future__ import annotations

import json

import pytest

from components.aws.lb_controller import CONTROLLER, SERVICE_ACCOUNT, ingress_class_params_spec
from components.facts.lb_controller_policy import POLICY_VERSION, policy_document
from components.versions import CHARTS, IMAGES
from tests.support import policy_json

RELEASE = "kubernetes:helm.sh/v3:Release"


@pytest.fixture(scope="module")
def release(prod_plan):
    return prod_plan.one(RELEASE, "twincloud-prod-lb-controller-release")


def test_prod_installs_the_pinned_chart(release):
    pin = CHARTS["aws-load-balancer-controller"]
    assert (release.inputs["chart"], release.inputs["version"], release.inputs["repositoryOpts"]["repo"]) == (
        "aws-load-balancer-controller", pin.version, "https://aws.github.io/eks-charts")
    image = IMAGES["aws-load-balancer-controller"]
    assert release.inputs["values"]["image"] == {"repository": f"{image.registry}/{image.repository}", "tag": image.tag}
    assert image.tag == pin.app_version


def test_the_iam_policy_is_upstreams_for_the_pinned_release(prod_plan):
    assert POLICY_VERSION == CHARTS["aws-load-balancer-controller"].app_version
    policy = prod_plan.one("aws:iam/rolePolicy:RolePolicy", "twincloud-prod-lb-controller-policy")
    assert policy_json(policy.inputs["policy"]) == json.loads(policy_document("aws"))


def test_other_partitions_are_refused_until_their_policy_is_recorded():
    with pytest.raises(ValueError, match="aws-cn"):
        policy_document("aws-cn")


def test_credentials_come_from_pod_identity_for_the_charts_service_account(prod_plan, release):
    role = prod_plan.one("aws:iam/role:Role", "twincloud-prod-lb-controller-role")
    assert policy_json(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": "pods.eks.amazonaws.com"}
    association = prod_plan.one("aws:eks/podIdentityAssociation:PodIdentityAssociation",
                                "twincloud-prod-lb-controller-pod-identity")
    assert (association.inputs["namespace"], association.inputs["serviceAccount"]) == (
        release.inputs["namespace"], release.inputs["values"]["serviceAccount"]["name"]) == ("kube-system", SERVICE_ACCOUNT)
    assert role.urn in association.dependencies


def test_the_controller_needs_no_instance_metadata(prod_plan, release):
    values = release.inputs["values"]
    assert values["clusterName"] == prod_plan.one("aws:eks/cluster:Cluster").inputs["name"]
    assert values["region"] == "eu-west-1"
    assert values["vpcId"].startswith("vpc-")


def test_the_service_webhook_that_would_block_every_service_create_is_off(release):
    assert release.inputs["values"]["enableServiceMutatorWebhook"] is False


def test_the_ingress_class_is_ours_and_puts_every_ingress_in_the_shared_group(prod_plan, release):
    values = release.inputs["values"]
    assert values["createIngressClassResource"] is False and values["ingressClassParams"] == {"create": False}
    cls = prod_plan.one("kubernetes:networking.k8s.io/v1:IngressClass")
    params = prod_plan.one("kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams")
    assert cls.inputs["spec"]["controller"] == CONTROLLER == "ingress.k8s.aws/alb"
    assert cls.inputs["spec"]["parameters"] == {"apiGroup": "elbv2.k8s.aws", "kind": "IngressClassParams",
                                                "name": params.inputs["metadata"]["name"]}
    group = prod_plan.config["dr"]["primaryIngress"]["group"]
    assert params.inputs["spec"] == ingress_class_params_spec(group)
    assert params.inputs["spec"]["group"] == {"name": "web"} and params.inputs["spec"]["scheme"] == "internet-facing"


def test_dev_runs_one_controller_replica_and_prod_two(dev_plan, release):
    assert release.inputs["values"]["replicaCount"] == 2
    assert dev_plan.one(RELEASE, "twincloud-dev-lb-controller-release").inputs["values"]["replicaCount"] == 1
