"""Policy rules for the Azure standby's registry and cluster (policies/azure_operations.py),
each tested by mutating a resource of the real prod plan."""

from __future__ import annotations

import pytest

from tests.policy_support import DELETE, messages, replaced, violations, with_value
from tests.support import plan

ACR = "azure-native:containerregistry:Registry"
AKS = "azure-native:containerservice:ManagedCluster"
MAINTENANCE = "azure-native:containerservice:MaintenanceConfiguration"
RULES = ["acr-untagged-retention", "acr-zone-redundant", "aks-run-command-disabled", "aks-maintenance-windows"]


def test_shipped_prod_plan_passes_every_rule():
    assert [v for v in plan("prod", policies=True).violations if v["policy"] in RULES] == []


def test_prod_registry_without_retention_is_reported(prod_plan):
    registry = with_value(prod_plan.one(ACR), ("policies", "retentionPolicy", "status"), "disabled")
    assert messages([registry], "acr-untagged-retention") == [
        "policies.retentionPolicy.status is 'disabled'; set it to 'enabled'"]


def test_prod_registry_without_zone_redundancy_is_reported(prod_plan):
    registry = with_value(prod_plan.one(ACR), ("zoneRedundancy",), "Disabled")
    assert messages([registry], "acr-zone-redundant") == ["zoneRedundancy is 'Disabled'; set it to 'Enabled'"]


def test_prod_cluster_with_run_command_is_reported(prod_plan):
    cluster = with_value(prod_plan.one(AKS), ("apiServerAccessProfile", "disableRunCommand"), DELETE)
    assert messages([cluster], "aks-run-command-disabled") == [
        "apiServerAccessProfile.disableRunCommand is unset; set it to True"]


def test_the_rows_apply_to_prod_only(prod_plan):
    registry = with_value(with_value(prod_plan.one(ACR), ("tags", "Environment"), "dev"), ("zoneRedundancy",),
                          "Disabled")
    assert messages([registry], "acr-zone-redundant") == []


@pytest.mark.parametrize("dropped", ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"])
def test_prod_cluster_missing_a_maintenance_window_is_reported(prod_plan, dropped):
    window = next(r for r in prod_plan.of_type(MAINTENANCE) if r.inputs["configName"] == dropped)
    found = violations(replaced(prod_plan, (window, None)), "aks-maintenance-windows")
    assert [v["message"] for v in found] == [
        f"no planned maintenance window {dropped}: cluster and node-OS upgrades would start at any time"]
