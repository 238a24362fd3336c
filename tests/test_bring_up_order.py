"""Bring-up order on the first `up`, asserted from the plan JSON's dependencies: whatever talks to a
cluster API waits for nodes and CoreDNS, custom resources for their CRDs, workloads for their identities."""

from __future__ import annotations

import pytest

from tests.support import creation_order

RELEASE = "kubernetes:helm.sh/v3:Release"
EKS_PREFIX = "urn:pulumi:{stack}::twincloud::"


@pytest.fixture(scope="module")
def order(prod_plan):
    return creation_order(prod_plan)


def _eks_objects(plan):
    """Every Kubernetes object and Helm release created through the EKS provider."""
    provider = plan.one("pulumi:providers:kubernetes", f"twincloud-{plan.stack}-eks-k8s").urn
    return [r for r in plan.resources if r.type.startswith("kubernetes:") and (r.provider or "").startswith(provider)]


def test_everything_on_eks_waits_for_every_node_group_and_coredns(prod_plan, order):
    ready = {r.urn for r in prod_plan.of_type("aws:eks/nodeGroup:NodeGroup")}
    ready.add(prod_plan.one("aws:eks/addon:Addon", "twincloud-prod-eks-coredns").urn)
    objects = _eks_objects(prod_plan)
    assert len(objects) > 20 and any(r.type == RELEASE for r in objects)
    assert [r.name for r in objects if not ready <= order[r.urn]] == []


def test_everything_on_aks_waits_for_the_cluster_and_the_deployer_grant(prod_plan, order):
    provider = prod_plan.one("pulumi:providers:kubernetes", "twincloud-prod-aks-k8s").urn
    needed = {prod_plan.one("azure-native:containerservice:ManagedCluster").urn,
              prod_plan.one("azure-native:authorization:RoleAssignment", "twincloud-prod-aks-deployer-admin").urn}
    objects = [r for r in prod_plan.resources if (r.provider or "").startswith(provider)]
    assert objects and [r.name for r in objects if not needed <= order[r.urn]] == []


def test_ingress_class_params_wait_for_the_chart_that_installs_their_crd(prod_plan, order):
    params = prod_plan.one("kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams")
    release = prod_plan.one(RELEASE, "twincloud-prod-lb-controller-release")
    assert release.urn in order[params.urn]
    assert params.urn in order[prod_plan.one("kubernetes:networking.k8s.io/v1:IngressClass").urn]


def test_the_controller_starts_only_once_its_pod_identity_exists(prod_plan, order):
    release = prod_plan.one(RELEASE, "twincloud-prod-lb-controller-release")
    association = prod_plan.one("aws:eks/podIdentityAssociation:PodIdentityAssociation",
                                "twincloud-prod-lb-controller-pod-identity")
    policy = prod_plan.one("aws:iam/rolePolicy:RolePolicy", "twincloud-prod-lb-controller-policy")
    assert {association.urn, policy.urn} <= order[release.urn]


def test_monitoring_releases_start_only_once_their_bucket_identities_exist(prod_plan, order):
    associations = {r.inputs["serviceAccount"]: r.urn for r in prod_plan.of_type(
        "aws:eks/podIdentityAssociation:PodIdentityAssociation") if r.inputs["namespace"] == "monitoring"}
    releases = {r.inputs["name"]: r.urn for r in prod_plan.of_type(RELEASE) if "-monitoring-aws-" in r.name}
    # Loki and Tempo (their buckets), Prometheus (its AMP workspace, prod remote write) and
    # Grafana (its query role on that workspace).
    assert associations.keys() == {"loki", "tempo", "kube-prometheus-stack-prometheus", "grafana"}
    for account, release in (("loki", "loki"), ("tempo", "tempo"),
                             ("kube-prometheus-stack-prometheus", "kube-prometheus-stack"), ("grafana", "grafana")):
        assert associations[account] in order[releases[release]], account


def test_the_shared_ingress_waits_for_the_controller_its_class_and_its_backend(prod_plan, order):
    ingress = prod_plan.one("kubernetes:networking.k8s.io/v1:Ingress")
    needed = {prod_plan.one(RELEASE, "twincloud-prod-lb-controller-release").urn,
              prod_plan.one("kubernetes:networking.k8s.io/v1:IngressClass").urn,
              prod_plan.one("kubernetes:apps/v1:Deployment", "twincloud-prod-ingress-health").urn,
              prod_plan.one("kubernetes:core/v1:Service", "twincloud-prod-ingress-health").urn,
              prod_plan.one("aws:acm/certificateValidation:CertificateValidation", "twincloud-prod-ingress-cert").urn}
    assert needed <= order[ingress.urn]


def test_the_failover_record_waits_for_the_ingress_status(prod_plan, order):
    (primary,) = [r for r in prod_plan.of_type("aws:route53/record:Record")
                  if r.inputs.get("failoverRoutingPolicies") == [{"type": "PRIMARY"}]]
    assert prod_plan.one("kubernetes:networking.k8s.io/v1:Ingress").urn in order[primary.urn]
