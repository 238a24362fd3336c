"""Every resource in the plans uses a real type and real property names of the pinned SDKs.

The engine receives inputs by their Pulumi (camelCase) names, as ``pulumi preview`` and the
policy pack see them. A misspelt or removed property would be dropped or rejected by the
provider, so each input key (and each key of nested input objects) is checked against the
Args class of the resource in the installed SDK.
"""

from __future__ import annotations

import collections.abc
import typing
from typing import Any

import pulumi_aws  # noqa: F401  (registers the SDKs' resource modules)
import pulumi_azure_native  # noqa: F401
import pulumi_kubernetes  # noqa: F401
import pulumi_random  # noqa: F401
import pytest
from pulumi import _types

from components.custom_resources import CUSTOM_RESOURCE_KEYS, CUSTOM_RESOURCES
from tests.support import plan
from tools.export.sdk import args_class, resource_class
from tools.export.sdk import input_types as _input_types


def _is_mapping(annotation: Any) -> bool:
    stack = [annotation]
    while stack:
        t = stack.pop()
        if typing.get_origin(t) in (collections.abc.Mapping, dict):
            return True
        if not (isinstance(t, type) and _types.is_input_type(t)):
            stack.extend(typing.get_args(t))
    return False


def unknown_properties(inputs: dict[str, Any], args: type, path: str) -> list[str]:
    """Input keys (recursively, through nested input types) that ``args`` does not define."""
    types = _types.input_type_types(args)
    problems = []
    for key, value in inputs.items():
        if key not in types:
            problems.append(f"{path}.{key}: not a property of {args.__name__}")
            continue
        nested = _input_types(types[key])
        if not nested:
            continue
        if isinstance(value, list):
            items = value
        elif isinstance(value, dict) and _is_mapping(types[key]):
            items = list(value.values())
        else:
            items = [value]
        for item in items:
            if isinstance(item, dict):
                # Unions of input types: the member that fits best decides.
                problems += min((unknown_properties(item, t, f"{path}.{key}") for t in nested), key=len)
    return problems


def custom_resource_problems(typ: str, inputs: dict[str, Any], path: str) -> list[str]:
    """Keys of a CRD-defined resource that its CRD schema (``components/custom_resources.py``) lacks."""
    schema = CUSTOM_RESOURCES[typ]
    problems = [f"{path}.{k}: not a key of a custom resource" for k in sorted(set(inputs) - CUSTOM_RESOURCE_KEYS)]
    spec = inputs.get("spec") or {}
    problems += [f"{path}.spec.{k}: not a spec property of the CRD ({schema.verified})"
                 for k in sorted(set(spec) - schema.spec_fields)]
    return problems


def plan_problems(stack: str) -> list[str]:
    problems = []
    for r in plan(stack).resources:
        if r.custom and r.type in CUSTOM_RESOURCES:
            problems += custom_resource_problems(r.type, r.inputs, f"{r.type} {r.name}")
        elif r.custom:
            problems += unknown_properties(r.inputs, args_class(resource_class(r.type)), f"{r.type} {r.name}")
    return problems


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_input_is_a_property_of_the_pinned_sdk(stack):
    assert plan_problems(stack) == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_resource_type_exists_in_the_pinned_sdks(stack):
    for r in plan(stack).resources:
        if r.custom and r.type not in CUSTOM_RESOURCES:  # CRD types are checked against their CRD
            resource_class(r.type)  # raises for a type the SDKs do not define


def test_the_check_catches_a_spec_field_the_crd_does_not_define():
    typ = "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams"
    assert custom_resource_problems(typ, {"apiVersion": "x", "spec": {"group": {}, "schema": "internet-facing"}},
                                    "p") == [f"p.spec.schema: not a spec property of the CRD "
                                             f"({CUSTOM_RESOURCES[typ].verified})"]


def test_the_check_catches_a_misspelt_property_at_any_depth():
    import pulumi_aws.eks as eks

    args = args_class(eks.Cluster)
    assert unknown_properties({"vpcConfig": {"endpointPublicAcess": False}, "nmae": "x"}, args, "c") == [
        "c.vpcConfig.endpointPublicAcess: not a property of ClusterVpcConfigArgs",
        "c.nmae: not a property of ClusterArgs",
    ]


def test_the_check_reads_mapping_values_as_input_objects():
    import pulumi_azure_native.containerservice as cs

    args = args_class(cs.ManagedCluster)
    assert unknown_properties({"addonProfiles": {"azurepolicy": {"enabeld": True}}}, args, "aks") == [
        "aks.addonProfiles.enabeld: not a property of ManagedClusterAddonProfileArgs",
    ]


def test_an_unknown_resource_type_is_reported():
    with pytest.raises(LookupError):
        resource_class("aws:ec2/notAThing:NotAThing")
