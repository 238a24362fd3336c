"""prometheus-memory-floor, hpa-replicas-values and hpa-replicas-workloads, both ways."""

import pulumi_kubernetes as k8s

from policies.workloads import memory_bytes
from tests.policy_support import check
from tests.support import plan
from tools.policy_eval import evaluate


def prometheus_release(limit, request):
    return lambda: k8s.helm.v3.Release(
        "kps", chart="kube-prometheus-stack", version="88.5.3",
        repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo="https://prometheus-community.github.io/helm-charts"),
        values={"prometheus": {"prometheusSpec": {"resources": {
            "limits": {"memory": limit}, "requests": {"memory": request}}}}})


def test_memory_quantities():
    assert memory_bytes("1Gi") == 2**30
    assert memory_bytes("1536Mi") == 1536 * 2**20
    assert memory_bytes("1G") == 10**9
    assert memory_bytes(512) == 512
    assert memory_bytes("lots") is None


def test_prometheus_with_512mi_limit_is_rejected():
    assert check(prometheus_release("512Mi", "512Mi"), "prometheus-memory-floor") == [
        "Prometheus memory limit 512Mi is below 1Gi: it was OOMKilled at 512Mi replaying its WAL after a restart"]


def test_prometheus_request_floor_applies_in_prod_only():
    assert check(prometheus_release("2Gi", "768Mi"), "prometheus-memory-floor", env="dev") == []
    assert check(prometheus_release("2Gi", "768Mi"), "prometheus-memory-floor", env="prod") == [
        "Prometheus memory request 768Mi is below 1Gi in prod: the scheduler must reserve what WAL replay needs"]


def test_prometheus_without_a_limit_is_rejected():
    found = check(prometheus_release(None, "1Gi"), "prometheus-memory-floor")
    assert len(found) == 1 and found[0].startswith("Prometheus has no memory limit")


def test_shipped_prometheus_passes(dev_plan, prod_plan):
    for p in (dev_plan, prod_plan):
        assert [v for v in evaluate(p) if v["policy"] == "prometheus-memory-floor"] == []


def loki_release(read):
    return lambda: k8s.helm.v3.Release(
        "loki", chart="loki", version="18.11.0",
        repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo="https://grafana-community.github.io/helm-charts"),
        values={"read": read})


def test_helm_values_with_autoscaling_and_replicas_are_rejected():
    found = check(loki_release({"replicas": 3, "autoscaling": {"enabled": True, "minReplicas": 2}}),
                  "hpa-replicas-values")
    assert found == ["values.read enables autoscaling and also sets replicas: every sync would reset the count the "
                     "HPA chose; drop replicas where autoscaling is on"]


def test_helm_values_with_autoscaling_only_pass():
    assert check(loki_release({"autoscaling": {"enabled": True, "minReplicas": 2}}), "hpa-replicas-values") == []
    assert check(loki_release({"replicas": 3, "autoscaling": {"enabled": False}}), "hpa-replicas-values") == []


def deployment_with_hpa(replicas):
    def build():
        labels = {"app": "api"}
        k8s.apps.v1.Deployment(
            "api", metadata={"name": "api", "namespace": "apps"},
            spec={"replicas": replicas, "selector": {"matchLabels": labels},
                  "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "api", "image": "x"}]}}})
        k8s.autoscaling.v2.HorizontalPodAutoscaler(
            "api", metadata={"name": "api", "namespace": "apps"},
            spec={"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"},
                  "minReplicas": 2, "maxReplicas": 10})
    return build


def test_deployment_scaled_by_an_hpa_must_not_set_replicas():
    assert check(deployment_with_hpa(3), "hpa-replicas-workloads") == [
        "Deployment 'api' sets spec.replicas but HorizontalPodAutoscaler 'api' scales it: leave replicas unset so "
        "deploys do not fight the autoscaler"]


def test_deployment_scaled_by_an_hpa_without_replicas_passes():
    assert check(deployment_with_hpa(None), "hpa-replicas-workloads") == []


def test_shipped_stacks_have_no_hpa_conflicts():
    for p in (plan("dev"), plan("prod")):
        assert [v for v in evaluate(p) if v["policy"].startswith("hpa-replicas")] == []
