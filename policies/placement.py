"""Where resources run and on what: allowed AWS regions / Azure locations (data residency)
and allowed instance families (cost and architecture control).

The defaults cover the regions and families the shipped stacks and their documented DR
rebuilds use; widen them in the pack config rather than in code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from policies.common import MANDATORY, UNKNOWN, Res, ResourceRule, as_list, get, string_list

DEFAULT_AWS_REGIONS = [
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
    "us-east-1", "us-east-2", "us-west-2",
]
DEFAULT_AZURE_LOCATIONS = [
    "westeurope", "northeurope", "germanywestcentral", "swedencentral", "francecentral", "uksouth",
    "eastus", "eastus2", "westus2", "westus3", "global",
]
DEFAULT_EC2_FAMILIES = [
    "t3", "t3a", "t4g", "m6i", "m6a", "m6g", "m7i", "m7a", "m7g",
    "c6i", "c6a", "c6g", "c7i", "c7g", "r6i", "r6a", "r6g", "r7i", "r7g",
]
DEFAULT_CACHE_FAMILIES = ["cache.t4g", "cache.t3", "cache.m6g", "cache.m7g", "cache.r6g", "cache.r7g"]
DEFAULT_AZURE_VM_SERIES = ["B", "D", "DS", "E", "ES", "F", "FS"]

_AZURE_SERIES = re.compile(r"^Standard_([A-Z]+)\d", re.IGNORECASE)


def _azure_location(value: Any) -> Any:
    return value.replace(" ", "").lower() if isinstance(value, str) else value


def check_region(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    if res.type.startswith("aws:"):
        region = res.get("region") or res.provider_props.get("region")
        allowed = list(cfg["allowedAwsRegions"])
        if isinstance(region, str) and region and region not in allowed:
            yield f"AWS region {region!r} is not allowed; allowed regions: {allowed}"
    elif res.type.startswith("azure-native:"):
        location = _azure_location(res.get("location") or res.provider_props.get("location"))
        allowed = [_azure_location(a) for a in cfg["allowedAzureLocations"]]
        if isinstance(location, str) and location and location not in allowed:
            yield f"Azure location {location!r} is not allowed; allowed locations: {allowed}"


def ec2_family(instance_type: str) -> str:
    return instance_type.split(".")[0]


def cache_family(node_type: str) -> str:
    return ".".join(node_type.split(".")[:2])


def azure_vm_series(vm_size: str) -> str | None:
    m = _AZURE_SERIES.match(vm_size)
    return m.group(1).upper() if m else None


def _instance_types(res: Res) -> Iterable[tuple[str, str]]:
    """(kind, size) pairs the resource asks for."""
    if res.type == "aws:eks/nodeGroup:NodeGroup":
        for t in as_list(res.get("instanceTypes")):
            yield "ec2", t
    elif res.type in ("aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"):
        yield "ec2", res.get("instanceType")
    elif res.type in ("aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster"):
        yield "cache", res.get("nodeType")
    elif res.type == "azure-native:containerservice:ManagedCluster":
        for pool in as_list(res.get("agentPoolProfiles")):
            yield "azure", get(pool, "vmSize")
    elif res.type == "azure-native:containerservice:AgentPool":
        yield "azure", res.get("vmSize")


def check_instance_family(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    for kind, size in _instance_types(res):
        if not isinstance(size, str) or not size or size is UNKNOWN:
            continue
        if kind == "ec2" and ec2_family(size) not in cfg["allowedEc2Families"]:
            yield f"instance type {size!r} (family {ec2_family(size)}) is not allowed; allowed: {list(cfg['allowedEc2Families'])}"
        elif kind == "cache" and cache_family(size) not in cfg["allowedCacheNodeFamilies"]:
            yield (f"cache node type {size!r} (family {cache_family(size)}) is not allowed; "
                   f"allowed: {list(cfg['allowedCacheNodeFamilies'])}")
        elif kind == "azure":
            series = azure_vm_series(size)
            allowed = [s.upper() for s in cfg["allowedAzureVmSeries"]]
            if series not in allowed:
                yield f"VM size {size!r} (series {series}) is not allowed; allowed series: {allowed}"


ALLOWED_REGIONS = ResourceRule(
    name="allowed-regions",
    description="AWS resources live in allowed regions and Azure resources in allowed locations (data residency)",
    check=check_region,
    resource_types=("aws:*", "azure-native:*"),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Set aws:region / the Azure location in the stack config to an allowed region, or extend "
                "allowedAwsRegions / allowedAzureLocations in the policy pack config after a data-residency review.",
    config={
        "allowedAwsRegions": string_list(DEFAULT_AWS_REGIONS, "AWS regions resources may be created in."),
        "allowedAzureLocations": string_list(DEFAULT_AZURE_LOCATIONS, "Azure locations resources may be created in."),
    },
    tags=["placement"],
)

ALLOWED_INSTANCE_FAMILIES = ResourceRule(
    name="allowed-instance-families",
    description="Compute and cache nodes use allowed, current-generation instance families",
    check=check_instance_family,
    resource_types=(
        "aws:eks/nodeGroup:NodeGroup", "aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate",
        "aws:elasticache/replicationGroup:ReplicationGroup", "aws:elasticache/cluster:Cluster",
        "azure-native:containerservice:ManagedCluster", "azure-native:containerservice:AgentPool",
    ),
    severity=Severity.LOW,
    enforcement=MANDATORY,
    remediation="Pick an instance type from an allowed family in the stack config (twincloud:eks.nodeGroups, "
                "the cache and AKS sections), or extend the allowed lists in the policy pack config.",
    config={
        "allowedEc2Families": string_list(DEFAULT_EC2_FAMILIES, "EC2 instance families (the part before the dot)."),
        "allowedCacheNodeFamilies": string_list(DEFAULT_CACHE_FAMILIES, "ElastiCache node families (cache.<family>)."),
        "allowedAzureVmSeries": string_list(DEFAULT_AZURE_VM_SERIES,
                                            "Azure VM series letters (Standard_<series><size>...)."),
    },
    tags=["placement", "cost"],
)

POLICIES = [ALLOWED_REGIONS, ALLOWED_INSTANCE_FAMILIES]
