"""Long-term metrics (``twincloud:monitoring.prometheus.remoteWrite``): the prod plan writes the
EKS Prometheus to an Amazon Managed Service for Prometheus workspace with SigV4 through Pod
Identity, labelled for AMP's replica deduplication; dev and the AKS standby keep local metrics only."""

from __future__ import annotations

import json
import re

import pytest

from components.aws.prometheus_workspace import remote_write_policy
from components.monitoring.values import PROMETHEUS_SERVICE_ACCOUNT, REPLICA_LABEL
from tests import kps_support as kps
from tests.monitoring_support import RELEASE, STACK
from tests.support import creation_order
from tests.test_monitoring_config import _problems
from tools import charts

WORKSPACE = "aws:amp/workspace:Workspace"
CONFIGURATION = "aws:amp/workspaceConfiguration:WorkspaceConfiguration"
PIA = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
COMPONENT = "twincloud:aws:PrometheusWorkspace"


def _workspace(plan):
    [ws] = plan.of_type(WORKSPACE)
    return ws


def _children(plan, typ):
    [component] = plan.of_type(COMPONENT)
    return [r for r in plan.descendants_of(component.urn) if r.type == typ]


def _eks_prometheus(stack):
    [r] = [r for r in kps.rendered(stack) if "-aws-" in r.resource]
    [prometheus] = r.of_kind("Prometheus")
    return prometheus["spec"]


def test_prod_has_one_protected_workspace_with_the_configured_retention(prod_plan):
    ws = _workspace(prod_plan)
    assert ws.protect
    [config] = _children(prod_plan, CONFIGURATION)
    assert ws.id.startswith("ws-") and config.inputs["workspaceId"] == ws.id
    assert config.inputs["retentionPeriodInDays"] == 150


def test_dev_writes_no_long_term_metrics(dev_plan):
    assert dev_plan.of_type(WORKSPACE) == []
    assert "remoteWrite" not in _eks_prometheus("dev")


def test_prometheus_may_only_remote_write_to_its_own_workspace(prod_plan):
    ws = _workspace(prod_plan)
    [policy] = [r for r in _children(prod_plan, "aws:iam/rolePolicy:RolePolicy")]
    doc = json.loads(policy.inputs["policy"])
    [statement] = doc["Statement"]
    assert statement["Action"] == ["aps:RemoteWrite"] and statement["Effect"] == "Allow"
    assert re.fullmatch(rf"arn:aws:aps:eu-west-1:\d{{12}}:workspace/{ws.id}", statement["Resource"])


def test_the_role_is_bound_to_the_prometheus_service_account_through_pod_identity(prod_plan):
    [association] = _children(prod_plan, PIA)
    [role] = _children(prod_plan, "aws:iam/role:Role")
    assert association.inputs["namespace"] == "monitoring"
    assert association.inputs["serviceAccount"] == PROMETHEUS_SERVICE_ACCOUNT
    assert association.inputs["roleArn"].endswith(f":role/{role.id}")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "pods.eks.amazonaws.com"}


def test_rendered_prometheus_remote_writes_to_the_workspace_with_sigv4_as_the_bound_account(prod_plan):
    ws = _workspace(prod_plan)
    spec = _eks_prometheus("prod")
    assert spec["remoteWrite"] == [{
        "url": f"https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/{ws.id}/api/v1/remote_write",
        "sigv4": {"region": "eu-west-1"}}]
    assert spec["serviceAccountName"] == PROMETHEUS_SERVICE_ACCOUNT


def test_rendered_prometheus_carries_the_labels_amp_deduplicates_replicas_on():
    spec = _eks_prometheus("prod")
    assert spec["replicas"] == 2
    assert spec["externalLabels"] == {"cluster": "twincloud-prod-eks"}
    assert spec["replicaExternalLabelName"] == REPLICA_LABEL == "__replica__"


def test_the_chart_renders_its_remote_write_dashboard_when_writing():
    [r] = [r for r in kps.rendered("prod") if "-aws-" in r.resource]
    assert any("prometheus-remote-write.json" in cm.get("data", {}) for cm in r.of_kind("ConfigMap"))


def test_the_aks_standby_keeps_local_metrics_only():
    [r] = [r for r in kps.rendered("prod") if "-azure-" in r.resource]
    [prometheus] = r.of_kind("Prometheus")
    assert "remoteWrite" not in prometheus["spec"]


def test_prometheus_starts_after_its_identity_and_permission_exist(prod_plan):
    before = creation_order(prod_plan)
    [release] = [r for r in prod_plan.of_type(RELEASE) if f"{STACK}$" in r.urn
                 and r.inputs["chart"] == "kube-prometheus-stack" and "-aws-" in r.name]
    [association] = _children(prod_plan, PIA)
    [policy] = _children(prod_plan, "aws:iam/rolePolicy:RolePolicy")
    assert {association.urn, policy.urn} <= before[release.urn]


def test_every_remote_write_value_changes_what_the_chart_renders():
    [r] = [r for r in kps.rendered("prod") if "-aws-" in r.resource]
    spec = ("prometheus", "prometheusSpec")
    paths = [p for p in charts.leaf_paths(r.values) if p[:2] == spec and p[2] in (
        "remoteWrite", "externalLabels", "replicaExternalLabelName", "remoteWriteDashboards",
        "priorityClassName", "topologySpreadConstraints")] + [("prometheus", "serviceAccount", "name")]
    assert len(paths) >= 6
    ignored = charts.ignored_values(kps.subset_chart(), r.values, name="kube-prometheus-stack",
                                    namespace=r.namespace, kube_version="1.33", paths=paths)
    assert ignored == []


def test_the_write_policy_names_one_workspace():
    doc = json.loads(remote_write_policy("arn:aws:aps:eu-west-1:111122223333:workspace/ws-1"))
    assert [s["Resource"] for s in doc["Statement"]] == ["arn:aws:aps:eu-west-1:111122223333:workspace/ws-1"]


@pytest.mark.parametrize("days", ["0", "1096"])
def test_a_retention_outside_amps_range_is_refused_naming_the_key(days):
    problems = _problems("prod", f"twincloud:monitoring.prometheus.remoteWrite.retentionDays={days}")
    assert len(problems) == 1 and problems[0].startswith("twincloud:monitoring.prometheus.remoteWrite.retentionDays")
