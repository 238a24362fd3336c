"""Every AWS enum value the dev and prod plans send is one the AWS API accepts, by botocore's
service models (PyPI ``botocore``, pinned in requirements.txt; the same JSON models the AWS SDKs
and CLI validate requests with).

One row per (resource type, input path) -> (service, botocore shape). The Pulumi input is the
provider's name for the API member the shape types (e.g. ``NodeGroup.capacityType`` is
``CreateNodegroup.capacityType``, shape ``CapacityTypes``). The config schema's own catalogs
(regions, instance and node types) are checked elsewhere; this checks what the plan emits.

Not in botocore as enums, so not checked here: EKS add-on names and access-entry types (plain
strings in the model; ``aws eks describe-addon-versions`` lists add-ons), ElastiCache node types.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from typing import Any

import botocore.session
import pytest

from tools.engine import ROOT, PlannedResource


@dataclass(frozen=True)
class EnumRow:
    resource_type: str
    path: str  # dotted input path; "[]" after a name walks a list
    service: str
    shape: str


ENUMS = (
    EnumRow("aws:eks/cluster:Cluster", "accessConfig.authenticationMode", "eks", "AuthenticationMode"),
    EnumRow("aws:eks/cluster:Cluster", "upgradePolicy.supportType", "eks", "SupportType"),
    EnumRow("aws:eks/cluster:Cluster", "enabledClusterLogTypes[]", "eks", "LogType"),
    EnumRow("aws:eks/cluster:Cluster", "kubernetesNetworkConfig.ipFamily", "eks", "IpFamily"),
    EnumRow("aws:eks/nodeGroup:NodeGroup", "capacityType", "eks", "CapacityTypes"),
    EnumRow("aws:eks/nodeGroup:NodeGroup", "amiType", "eks", "AMITypes"),
    EnumRow("aws:eks/nodeGroup:NodeGroup", "instanceTypes[]", "ec2", "InstanceType"),
    EnumRow("aws:eks/addon:Addon", "resolveConflictsOnCreate", "eks", "ResolveConflicts"),
    EnumRow("aws:eks/addon:Addon", "resolveConflictsOnUpdate", "eks", "ResolveConflicts"),
    EnumRow("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "accessScope.type", "eks", "AccessScopeType"),
    EnumRow("aws:ec2/flowLog:FlowLog", "trafficType", "ec2", "TrafficType"),
    EnumRow("aws:ec2/flowLog:FlowLog", "logDestinationType", "ec2", "LogDestinationType"),
    EnumRow("aws:ec2/natGateway:NatGateway", "connectivityType", "ec2", "ConnectivityType"),
    EnumRow("aws:ec2/eip:Eip", "domain", "ec2", "DomainType"),
)


@lru_cache(maxsize=None)
def allowed(service: str, shape: str) -> tuple[str, ...]:
    """The enum of a botocore shape (botocore/data/<service>/<api version>/service-2.json)."""
    return tuple(botocore.session.get_session().get_service_model(service).shape_for(shape).enum)


def values_at(inputs: dict[str, Any], path: str) -> list[Any]:
    nodes: list[Any] = [inputs]
    for part in path.split("."):
        many = part.endswith("[]")
        key = part.removesuffix("[]")
        nodes = [n.get(key) for n in nodes if isinstance(n, dict) and n.get(key) is not None]
        if many:
            nodes = [v for n in nodes for v in n]
    return nodes


def enum_problems(resources: list[PlannedResource]) -> list[str]:
    problems = []
    for row in ENUMS:
        for r in resources:
            if r.type != row.resource_type:
                continue
            for value in values_at(r.inputs, row.path):
                if value not in allowed(row.service, row.shape):
                    problems.append(f"{r.type} {r.name} {row.path} = {value!r}: not in botocore "
                                    f"{row.service} {row.shape}")
    return problems


# -- the plans --------------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_aws_enum_value_in_the_plan_is_in_botocore(stack, request):
    assert enum_problems(request.getfixturevalue(f"{stack}_plan").resources) == []


def test_every_enum_row_matches_a_value_in_the_plans(dev_plan, prod_plan):
    resources = dev_plan.resources + prod_plan.resources
    dead = [row for row in ENUMS
            if not [v for r in resources if r.type == row.resource_type for v in values_at(r.inputs, row.path)]]
    assert dead == []


@pytest.mark.parametrize("row", ENUMS, ids=lambda r: f"{r.service}.{r.shape}")
def test_every_enum_row_names_a_botocore_enum_shape(row):
    assert allowed(row.service, row.shape)


def test_botocore_is_the_pinned_version():
    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    assert version("botocore") == pins["botocore"]


# -- known-bad values -------------------------------------------------------------------

def _resource(typ: str, **inputs: Any) -> PlannedResource:
    return PlannedResource(urn=f"urn:pulumi:test::twincloud::{typ}::bad", type=typ, name="bad", parent=None,
                           custom=True, protect=False, retain_on_delete=False, inputs=inputs)


def _node_group(**inputs: Any) -> PlannedResource:
    return _resource("aws:eks/nodeGroup:NodeGroup", **inputs)


def test_botocore_rejects_an_instance_type_that_does_not_exist():
    assert "m6i.large" in allowed("ec2", "InstanceType")
    assert enum_problems([_node_group(instanceTypes=["m6i.large", "m6i.huge"])]) == [
        "aws:eks/nodeGroup:NodeGroup bad instanceTypes[] = 'm6i.huge': not in botocore ec2 InstanceType"]


def test_botocore_rejects_a_capacity_type_spelt_differently():
    assert len(enum_problems([_node_group(capacityType="ONDEMAND", amiType="AL2023_x86_64_STANDARD")])) == 1


def test_botocore_rejects_an_unknown_cluster_log_type():
    cluster = _resource("aws:eks/cluster:Cluster", enabledClusterLogTypes=["api", "kubelet"])
    assert [p for p in enum_problems([cluster]) if "'kubelet'" in p]
