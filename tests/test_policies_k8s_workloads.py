"""pod-resource-requests, pinned-workload-images and cluster-secret-access, both ways."""

import pulumi_kubernetes as k8s

from tests.policy_support import check

META = k8s.meta.v1.ObjectMetaArgs(name="web", namespace="apps")


def deployment(image="docker.io/library/nginx:1.27.3", requests=None):
    resources = k8s.core.v1.ResourceRequirementsArgs(requests=requests) if requests else None
    return lambda: k8s.apps.v1.Deployment("web", metadata=META, spec=k8s.apps.v1.DeploymentSpecArgs(
        selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"app": "web"}),
        template=k8s.core.v1.PodTemplateSpecArgs(
            metadata=k8s.meta.v1.ObjectMetaArgs(labels={"app": "web"}),
            spec=k8s.core.v1.PodSpecArgs(containers=[
                k8s.core.v1.ContainerArgs(name="web", image=image, resources=resources)]))))


REQUESTS = {"cpu": "100m", "memory": "128Mi"}


def test_a_container_without_requests_is_rejected():
    assert check(deployment(), "pod-resource-requests") == [
        "container 'web' has no CPU and memory requests: the scheduler reserves nothing for it and the node can "
        "be packed until the kubelet evicts"]


def test_a_container_with_requests_passes():
    assert check(deployment(requests=REQUESTS), "pod-resource-requests") == []


def test_an_untagged_or_floating_image_is_rejected():
    assert check(deployment("ghcr.io/jkroepke/access-log-exporter", REQUESTS), "pinned-workload-images") == [
        "image of web: ghcr.io/jkroepke/access-log-exporter has no tag (pulls :latest): pin an exact tag or "
        "digest (components/versions.py IMAGES)"]
    assert len(check(deployment("docker.io/grafana/grafana:latest", REQUESTS), "pinned-workload-images")) == 1


def test_a_tagged_or_digest_image_passes():
    assert check(deployment(requests=REQUESTS), "pinned-workload-images") == []
    digest = "docker.io/library/nginx@sha256:" + "0" * 64
    assert check(deployment(digest, REQUESTS), "pinned-workload-images") == []


def secret_reader(account_ns, account):
    def build():
        k8s.rbac.v1.ClusterRole("reader", metadata=k8s.meta.v1.ObjectMetaArgs(name="reader"), rules=[
            k8s.rbac.v1.PolicyRuleArgs(api_groups=[""], resources=["configmaps", "secrets"],
                                       verbs=["get", "list", "watch"])])
        k8s.rbac.v1.ClusterRoleBinding("reader", metadata=k8s.meta.v1.ObjectMetaArgs(name="reader"),
                                       role_ref=k8s.rbac.v1.RoleRefArgs(api_group="rbac.authorization.k8s.io",
                                                                        kind="ClusterRole", name="reader"),
                                       subjects=[k8s.rbac.v1.SubjectArgs(kind="ServiceAccount", name=account,
                                                                         namespace=account_ns)])
    return build


def test_cluster_wide_secret_read_is_rejected():
    assert check(secret_reader("monitoring", "grafana"), "cluster-secret-access") == [
        "service account monitoring/grafana can read Secrets in every namespace through ClusterRole 'reader': "
        "grant a Role in the namespaces it needs"]


def test_the_operator_may_read_secrets_cluster_wide():
    assert check(secret_reader("monitoring", "kube-prometheus-stack-operator"), "cluster-secret-access") == []
