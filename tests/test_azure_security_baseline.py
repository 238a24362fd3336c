"""Azure findings of the scan (issue 13): encryption at host, control-plane logs to Log
Analytics, ACR quarantine as a named option; checked on the shipped prod plan."""

from __future__ import annotations

from components.facts.azure import AKS_LOG_CATEGORIES
from tests.support import plan

CLUSTER = "azure-native:containerservice:ManagedCluster"
WORKSPACE = "azure-native:operationalinsights:Workspace"
DIAGNOSTICS = "azure-native:monitor:DiagnosticSetting"
REGISTRY = "azure-native:containerregistry:Registry"


def test_every_node_pool_encrypts_at_host(prod_plan):
    pools = prod_plan.one(CLUSTER).inputs["agentPoolProfiles"]
    assert [p["enableEncryptionAtHost"] for p in pools] == [True] * len(pools)


def test_control_plane_logs_go_to_the_clusters_workspace(prod_plan):
    cluster, workspace = prod_plan.one(CLUSTER), prod_plan.one(WORKSPACE)
    setting = prod_plan.one(DIAGNOSTICS)
    assert cluster.urn in setting.dependencies and workspace.urn in setting.dependencies
    assert setting.inputs["resourceUri"].endswith("/managedClusters/twincloud-prod-aks")
    assert "/providers/Microsoft.OperationalInsights/workspaces/" in setting.inputs["workspaceId"]
    assert [entry["category"] for entry in setting.inputs["logs"]] == list(AKS_LOG_CATEGORIES)
    assert all(entry["enabled"] for entry in setting.inputs["logs"])


def test_admin_audit_and_guard_logs_are_collected(prod_plan):
    categories = {entry["category"] for entry in prod_plan.one(DIAGNOSTICS).inputs["logs"]}
    assert {"kube-audit-admin", "guard"} <= categories


def test_container_insights_writes_to_the_same_workspace_with_entra_auth(prod_plan):
    addon = prod_plan.one(CLUSTER).inputs["addonProfiles"]["omsagent"]
    assert addon["enabled"] is True
    assert addon["config"] == {"logAnalyticsWorkspaceResourceID": prod_plan.one(DIAGNOSTICS).inputs["workspaceId"],
                               "useAADAuth": "true"}


def test_workspace_keeps_logs_a_year_by_default(prod_plan):
    assert prod_plan.one(WORKSPACE).inputs["retentionInDays"] == 365


# One plan for both opt-outs/opt-ins keeps the suite cheap.
OPTED = ("twincloud:azure.aks.encryptionAtHost=false", "twincloud:azure.acr.quarantine=true")


def test_encryption_at_host_off_is_an_explicit_config_choice():
    pools = plan("prod", *OPTED).one(CLUSTER).inputs["agentPoolProfiles"]
    assert {p["enableEncryptionAtHost"] for p in pools} == {False}


def test_registry_quarantine_is_off_by_default(prod_plan):
    assert "quarantinePolicy" not in (prod_plan.one(REGISTRY).inputs.get("policies") or {})


def test_registry_quarantine_is_a_config_option():
    policies = plan("prod", *OPTED).one(REGISTRY).inputs["policies"]
    assert policies["quarantinePolicy"] == {"status": "enabled"}
