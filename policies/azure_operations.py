"""Production rules for the Azure warm standby's registry and cluster (issue 19): what keeps
images and upgrades predictable.

The "key must hold this value" rules are rows (``ValueRow``, evaluated by
``policies.baseline.value_rules`` in the environments given); the maintenance-window rule
compares resources (a cluster and the configurations naming it), so it is a function.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from components.facts.azure import AKS_MAINTENANCE
from policies.baseline import ValueRow, value_rules
from policies.common import UNKNOWN, Graph, Res, StackRule, environments_schema

REGISTRY = "azure-native:containerregistry:Registry"
MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster"
MAINTENANCE = "azure-native:containerservice:MaintenanceConfiguration"
REQUIRED_WINDOWS = (AKS_MAINTENANCE["auto_upgrade_config"].value, AKS_MAINTENANCE["node_os_config"].value)

PROD_ROWS: tuple[ValueRow, ...] = (
    ValueRow("acr-untagged-retention", REGISTRY, ("policies", "retentionPolicy", "status"), ("enabled",),
             "Production registries delete untagged manifests (retention policy, Premium)",
             "Set twincloud:azure.acr.untaggedRetention true with sku Premium (days: untaggedRetentionDays).",
             ("CKV_AZURE_167",), tags=("azure", "acr")),
    ValueRow("acr-zone-redundant", REGISTRY, ("zoneRedundancy",), ("Enabled",),
             "Production registries are zone redundant",
             "Use twincloud:azure.acr.sku Premium and list twincloud:azure.zones (the registry follows them).",
             ("CKV_AZURE_233",), tags=("azure", "acr")),
    ValueRow("aks-run-command-disabled", MANAGED_CLUSTER, ("apiServerAccessProfile", "disableRunCommand"),
             (True, "true"), "Production AKS clusters have run command disabled",
             "Set twincloud:azure.aks.disableRunCommand true (the default): cluster access goes through Entra "
             "and the API server, not through run command pods.", tags=("azure", "aks")),
)


def check_maintenance_windows(graph: Graph, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    for cluster in graph.of_type(MANAGED_CLUSTER):
        if graph.environment(cluster) not in cfg["environments"]:
            continue
        names = set()
        for config in graph.referrers(cluster, "resourceName", MAINTENANCE):
            name = config.get("configName")
            if name is UNKNOWN:
                return
            names.add(name)
        missing = [n for n in REQUIRED_WINDOWS if n not in names]
        if missing:
            yield cluster, (f"no planned maintenance window {', '.join(missing)}: cluster and node-OS upgrades "
                            "would start at any time")


AKS_MAINTENANCE_WINDOWS = StackRule(
    name="aks-maintenance-windows",
    description="Production AKS clusters schedule auto-upgrades and node-OS upgrades in planned maintenance windows",
    check=check_maintenance_windows,
    resource_types=(MANAGED_CLUSTER, MAINTENANCE),
    severity=Severity.MEDIUM,
    remediation="Keep twincloud:azure.aks.maintenance.autoUpgrade and .nodeOs enabled (docs/azure.md).",
    config={"environments": environments_schema(["prod"], "AKS upgrades must run in maintenance windows")},
    tags=["azure", "aks"],
)

POLICIES = [*value_rules(PROD_ROWS, environments=("prod",)), AKS_MAINTENANCE_WINDOWS]
