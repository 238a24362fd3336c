"""Shared helpers for the DR tests: config from the shipped stacks, edge resources."""

from __future__ import annotations

import pytest

from stacks.config import ConfigError, StackConfig, load_config
from tests.support import config_with
from tools.engine import Plan, PlannedResource, _wire_config



def edge_prefix(stack: str) -> str:
    """Logical names of the DR layer start with ``<project>-<stack>-dr-``."""
    return f"twincloud-{stack}-dr-"


def global_provider(stack: str) -> str:
    return edge_prefix(stack) + "us-east-1"


def stack_config(stack: str, *overrides: str) -> StackConfig:
    wire, _ = _wire_config(config_with(stack, *overrides))
    return load_config(wire, stack=stack)


def config_problems(stack: str, *overrides: str) -> list[str]:
    wire, _ = _wire_config(config_with(stack, *overrides))
    with pytest.raises(ConfigError) as e:
        load_config(wire, stack=stack)
    return e.value.problems


def edge_resources(plan: Plan) -> list[PlannedResource]:
    """The DR layer: the twincloud-<stack>-dr-* components, their children and their provider."""
    return [r for r in plan.resources if r.name.startswith(edge_prefix(plan.stack))]


def records(resources: list[PlannedResource], failover: str) -> list[PlannedResource]:
    return [r for r in resources if r.type == "aws:route53/record:Record"
            and [p.get("type") for p in r.inputs.get("failoverRoutingPolicies") or []] == [failover]]
