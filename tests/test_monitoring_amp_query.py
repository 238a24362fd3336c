"""Querying long-term metrics: with AMP remote write on (prod), Grafana gets an Amazon Managed
Service for Prometheus data source for the workspace (the pinned plugin, SigV4 from the AWS SDK
default chain) and a Pod Identity role for its service account that may only query that one
workspace; dev and the AKS standby's Grafana get neither."""

from __future__ import annotations

import json
import re

import yaml

from components.aws.prometheus_query_access import QUERY_ACTIONS, query_policy
from components.monitoring.grafana import AMP_TYPE, AMP_UID
from components.monitoring.values import GRAFANA_SERVICE_ACCOUNT
from components.versions import GRAFANA_PLUGINS
from tests import render_support as rs
from tests.monitoring_support import RELEASE, STACK
from tests.support import creation_order

COMPONENT = "twincloud:aws:PrometheusQueryAccess"
WORKSPACE = "aws:amp/workspace:Workspace"
PIA = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
PLUGIN = GRAFANA_PLUGINS["amazon-prometheus"]


def _children(plan, typ):
    [component] = plan.of_type(COMPONENT)
    return [r for r in plan.descendants_of(component.urn) if r.type == typ]


def _grafana(stack, cloud="aws"):
    [r] = [r for r in rs.rendered(stack) if r.chart == "grafana" and f"-{cloud}-" in r.resource]
    return r


def _object(r, kind, name):
    [found] = [o for o in r.objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


def _datasources(r):
    return yaml.safe_load(_object(r, "ConfigMap", "grafana")["data"]["datasources.yaml"])["datasources"]


def test_grafana_may_only_query_the_one_workspace(prod_plan):
    [ws] = prod_plan.of_type(WORKSPACE)
    [policy] = _children(prod_plan, "aws:iam/rolePolicy:RolePolicy")
    [statement] = json.loads(policy.inputs["policy"])["Statement"]
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == ["aps:GetLabels", "aps:GetMetricMetadata", "aps:GetSeries",
                                           "aps:QueryMetrics"]
    assert re.fullmatch(rf"arn:aws:aps:eu-west-1:\d{{12}}:workspace/{ws.id}", statement["Resource"])


def test_the_query_role_is_bound_to_grafanas_service_account_through_pod_identity(prod_plan):
    [association] = _children(prod_plan, PIA)
    [role] = _children(prod_plan, "aws:iam/role:Role")
    assert (association.inputs["namespace"], association.inputs["serviceAccount"]) == ("monitoring", "grafana")
    assert association.inputs["roleArn"].endswith(f":role/{role.id}")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "pods.eks.amazonaws.com"}


def test_rendered_grafana_runs_as_the_bound_service_account():
    r = _grafana("prod")
    assert _object(r, "ServiceAccount", GRAFANA_SERVICE_ACCOUNT)["metadata"]["namespace"] == "monitoring"
    deployment = _object(r, "Deployment", "grafana")
    assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == GRAFANA_SERVICE_ACCOUNT


def test_rendered_grafana_provisions_the_workspace_as_an_amp_datasource_signed_by_the_pod_identity(prod_plan):
    [ws] = prod_plan.of_type(WORKSPACE)
    [amp] = [d for d in _datasources(_grafana("prod")) if d["uid"] == AMP_UID]
    assert amp["type"] == AMP_TYPE == PLUGIN.plugin_id
    assert amp["url"] == f"https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/{ws.id}"
    assert amp["access"] == "proxy" and amp["isDefault"] is False
    assert amp["jsonData"] == {"httpMethod": "POST", "sigV4Auth": True, "sigV4AuthType": "default",
                               "sigV4Region": "eu-west-1", "sigv4Service": "aps"}
    assert "secureJsonData" not in amp  # no key: the default chain reads the Pod Identity credentials


def test_rendered_grafana_installs_the_pinned_plugin_at_start():
    r = _grafana("prod")
    assert _object(r, "ConfigMap", "grafana")["data"]["plugins"] == "grafana-amazonprometheus-datasource@3.2.0"
    [container] = [c for c in _object(r, "Deployment", "grafana")["spec"]["template"]["spec"]["containers"]
                   if c["name"] == "grafana"]
    [env] = [e for e in container["env"] if e["name"] == "GF_PLUGINS_PREINSTALL_SYNC"]
    assert env["valueFrom"]["configMapKeyRef"] == {"name": "grafana", "key": "plugins"}


def test_without_remote_write_grafana_has_no_amp_datasource_plugin_or_query_role(dev_plan):
    assert dev_plan.of_type(COMPONENT) == []
    r = _grafana("dev")
    assert [d["uid"] for d in _datasources(r)] == ["prometheus", "loki", "tempo"]
    assert "plugins" not in _object(r, "ConfigMap", "grafana")["data"]


def test_the_aks_standby_grafana_has_no_amp_datasource():
    r = _grafana("prod", "azure")
    assert AMP_UID not in [d["uid"] for d in _datasources(r)]
    assert "plugins" not in r.values


def test_grafana_starts_after_its_query_identity_and_permission_exist(prod_plan):
    before = creation_order(prod_plan)
    [release] = [r for r in prod_plan.of_type(RELEASE) if f"{STACK}$" in r.urn
                 and r.inputs["chart"] == "grafana" and "-aws-" in r.name]
    [association] = _children(prod_plan, PIA)
    [policy] = _children(prod_plan, "aws:iam/rolePolicy:RolePolicy")
    assert {association.urn, policy.urn} <= before[release.urn]


def test_the_query_policy_grants_reads_only():
    doc = json.loads(query_policy("arn:aws:aps:eu-west-1:111122223333:workspace/ws-1"))
    assert [s["Resource"] for s in doc["Statement"]] == ["arn:aws:aps:eu-west-1:111122223333:workspace/ws-1"]
    assert not any(a in ("aps:RemoteWrite", "aps:*") for a in QUERY_ACTIONS)
