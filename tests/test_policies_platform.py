"""Platform policy rules: NodePool limits, Argo CD vs HPA replicas, PDBs for replicated platform workloads."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from components.platform.manifests import Autoscaled, NodePoolSpec, application, node_pool
from components.platform.release import custom_resource
from tests.policy_support import check


def _pool(cpu: str | None, memory: str | None):
    def build():
        custom_resource("pool", node_pool(NodePoolSpec(name="p", capacity_types=["spot"], architectures=["amd64"],
                                                       cpu_limit=cpu, memory_limit=memory), "default"),
                        pulumi.ResourceOptions())
    return build


def test_nodepool_without_limits_is_rejected():
    found = check(_pool(None, None), "karpenter-nodepool-limits")
    assert found == ["NodePool 'p' has no spec.limits.cpu/memory: Karpenter would launch nodes without bound; "
                     "set cpuLimit and memoryLimit"]


def test_nodepool_with_limits_passes():
    assert check(_pool("16", "64Gi"), "karpenter-nodepool-limits") == []


def _app(ignored: bool):
    def build():
        manifest = application("api", namespace="argocd", project="default", repo_url="https://x/y.git", path="p",
                               target_revision="main", destination_namespace="apps", sync_wave=0,
                               autoscaled=[Autoscaled("Deployment", "apps", "api")])
        if not ignored:
            manifest["spec"]["ignoreDifferences"] = [d for d in manifest["spec"]["ignoreDifferences"]
                                                     if d["kind"] != "Deployment"]
        custom_resource("app", manifest, pulumi.ResourceOptions())
    return build


def test_prod_application_that_owns_hpa_replicas_is_rejected():
    (message,) = check(_app(False), "argocd-hpa-replicas-ignored", env="prod")
    assert "Deployment/apps/api" in message and "/spec/replicas" in message


def test_prod_application_ignoring_hpa_replicas_passes():
    assert check(_app(True), "argocd-hpa-replicas-ignored", env="prod") == []


def test_replicas_rule_applies_to_prod_only():
    assert check(_app(False), "argocd-hpa-replicas-ignored", env="dev") == []


def _release(values):
    def build():
        k8s.helm.v3.Release("eso", chart="external-secrets", version="2.9.0",
                            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo="https://charts.external-secrets.io"),
                            values=values)
    return build


def test_replicated_platform_chart_without_pdb_is_rejected():
    (message,) = check(_release({"replicaCount": 2, "podDisruptionBudget": {"enabled": False}}), "platform-chart-pdb")
    assert message.startswith("external-secrets: values.replicaCount is 2 but values.podDisruptionBudget.enabled is not set")


def test_single_replica_chart_needs_no_pdb():
    assert check(_release({"replicaCount": 1}), "platform-chart-pdb") == []


def _deployment(with_pdb: bool):
    def build():
        labels = {"app": "web"}
        k8s.apps.v1.Deployment("web", metadata={"name": "web", "namespace": "platform"}, spec={
            "replicas": 2, "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "web", "image": "x:1"}]}}})
        if with_pdb:
            k8s.policy.v1.PodDisruptionBudget("web", metadata={"name": "web", "namespace": "platform"},
                                              spec={"minAvailable": 1, "selector": {"matchLabels": labels}})
    return build


def test_replicated_deployment_without_pdb_is_rejected():
    (message,) = check(_deployment(False), "deployment-pdb")
    assert message.startswith("Deployment 'web' runs 2 replicas without a PodDisruptionBudget")


def test_replicated_deployment_with_pdb_passes():
    assert check(_deployment(True), "deployment-pdb") == []


def test_shipped_plans_pass_the_platform_rules():
    from tests.support import plan

    for stack in ("dev", "prod"):
        found = [v for v in plan(stack, policies=True).violations
                 if v["policy"] in {"karpenter-nodepool-limits", "argocd-hpa-replicas-ignored", "platform-chart-pdb",
                                    "deployment-pdb", "monitoring-priority-class", "monitoring-zone-spread"}]
        assert found == [], stack


def _monitoring_release(chart, values):
    def build():
        k8s.helm.v3.Release(chart, chart=chart, version="1.0.0",
                            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo="https://charts.example.com"),
                            values=values)
    return build


def test_monitoring_chart_without_a_priority_class_is_rejected():
    (message,) = check(_monitoring_release("tempo", {"replicas": 1}), "monitoring-priority-class")
    assert message == ("tempo: values.priorityClassName is None; set it to 'twincloud-platform' so a full node "
                       "never preempts monitoring")


def test_monitoring_chart_at_the_platform_priority_passes():
    assert check(_monitoring_release("tempo", {"priorityClassName": "twincloud-platform"}),
                 "monitoring-priority-class") == []


def test_replicated_prometheus_without_zone_spread_is_rejected():
    values = {"prometheus": {"prometheusSpec": {"replicas": 2, "topologySpreadConstraints": [
        {"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "DoNotSchedule"}]}}}
    (message,) = check(_monitoring_release("kube-prometheus-stack", values), "monitoring-zone-spread")
    assert message.startswith("kube-prometheus-stack: values.prometheus.prometheusSpec.replicas is 2 but "
                              "values.prometheus.prometheusSpec.topologySpreadConstraints has no "
                              "topology.kubernetes.io/zone constraint")


def test_a_single_prometheus_needs_no_zone_spread():
    values = {"prometheus": {"prometheusSpec": {"replicas": 1}}}
    assert check(_monitoring_release("kube-prometheus-stack", values), "monitoring-zone-spread") == []
