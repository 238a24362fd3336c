"""Shared helpers for the monitoring tests: component runs on both clouds and plan lookups."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from tests.support import run_component
from tools.engine import Plan, PlannedResource, Secret

RELEASE = "kubernetes:helm.sh/v3:Release"
STACK = "twincloud:k8s:MonitoringStack"
RAW_KINDS = (
    "kubernetes:core/v1:Namespace",
    "kubernetes:core/v1:ServiceAccount",
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:core/v1:Secret",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
)
AZURE_ACCOUNT = "twcprdweumon1a2b3c"
AZURE_LOKI_CLIENT_ID = "11111111-1111-1111-1111-111111111111"
AZURE_TEMPO_CLIENT_ID = "22222222-2222-2222-2222-222222222222"


def unwrap(value: Any) -> Any:
    """Plan values with the ``Secret`` markers removed (for schema validation)."""
    if isinstance(value, Secret):
        return unwrap(value.value)
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def releases(resources: list[PlannedResource]) -> dict[str, dict[str, Any]]:
    """Chart name -> the Release inputs, for the monitoring stack's releases."""
    return {r.inputs["chart"]: r.inputs for r in resources
            if r.type == RELEASE and "twincloud:k8s:MonitoringStack$" in r.urn}


def values(resources: list[PlannedResource], chart: str) -> dict[str, Any]:
    return releases(resources)[chart]["values"]


def loki_config_of(resources: list[PlannedResource]) -> dict[str, Any]:
    return yaml.safe_load(values(resources, "loki")["loki"]["config"])


def tempo_config_of(resources: list[PlannedResource]) -> dict[str, Any]:
    return yaml.safe_load(values(resources, "tempo")["config"])


def stack_of(plan: Plan, cloud: str) -> list[PlannedResource]:
    """The resources of one MonitoringStack in a plan (prod runs one on EKS and one on AKS)."""
    [component] = [r for r in plan.of_type(STACK) if r.name.endswith(f"-monitoring-{cloud}")]
    return plan.descendants_of(component.urn)


def raw_objects(resources: list[PlannedResource]) -> list[PlannedResource]:
    return [r for r in resources if r.type in RAW_KINDS]


@lru_cache(maxsize=4)
def azure_run(loki_mode: str = "simple-scalable") -> tuple[PlannedResource, ...]:
    """A MonitoringStack on AKS-style bindings (component-level run under the mocks)."""
    import pulumi
    import pulumi_kubernetes as k8s

    from components.monitoring.stack import AlertReceiverSpec, MonitoringStack, MonitoringStackArgs
    from components.monitoring.storage import AzureObjectStorage
    from components.monitoring.values import LokiSizing

    def build() -> None:
        provider = k8s.Provider("aks", kubeconfig=pulumi.Output.secret("{}"))
        MonitoringStack("mon", MonitoringStackArgs(
            provider=provider,
            cloud="azure",
            loki_storage=AzureObjectStorage(storage_account=AZURE_ACCOUNT, container="loki-chunks",
                                            client_id=AZURE_LOKI_CLIENT_ID, service_account="loki-wi"),
            tempo_storage=AzureObjectStorage(storage_account=AZURE_ACCOUNT, container="tempo-traces",
                                             client_id=AZURE_TEMPO_CLIENT_ID, service_account="tempo-wi"),
            kubernetes_version="1.33",
            cluster_name="twincloud-prod-aks",
            loki_mode=loki_mode,
            loki=LokiSizing(replicas=3),
            receivers=[AlertReceiverSpec(name="oncall", url=pulumi.Output.secret("https://hooks.example/T0/B0/x"))],
            protect=True,
        ))

    return tuple(run_component(build, stack="unit-azure"))
