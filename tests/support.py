"""Test helpers: plans of the real program, and single components, under the mock engine.

Only the clouds' answers are mocked (``tools.mocks``); our code runs for real.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from tools.engine import Plan, PlannedResource, Secret, plan_stack, run_under_mocks


@lru_cache(maxsize=32)
def _plan(stack: str, overrides: tuple[str, ...], policies: bool, empty_account: bool) -> Plan:
    return plan_stack(stack, overrides, policies=policies, empty_account=empty_account)


def plan(stack: str, *overrides: str, policies: bool = False, empty_account: bool = True) -> Plan:
    """The offline plan of a shipped stack with optional ``KEY=VALUE`` overrides (cached), made
    as a new account answers lookups (``--empty-account``): what the first ``up`` would meet."""
    return _plan(stack, tuple(overrides), policies, empty_account)


def run_component(
    build: Callable[[], Any], *, config: dict[str, Any] | None = None, stack: str = "unit"
) -> list[PlannedResource]:
    """Run ``build`` (which declares resources) under the mock engine; return what it registered."""
    resources, _ = run_under_mocks(build, stack=stack, config={"aws:region": "eu-west-1", **(config or {})})
    return resources


def of_type(resources: list[PlannedResource], typ: str) -> list[PlannedResource]:
    return [r for r in resources if r.type == typ]


def named(resources: list[PlannedResource], typ: str, name: str) -> PlannedResource:
    found = [r for r in resources if r.type == typ and r.name == name]
    assert len(found) == 1, f"expected one {typ} {name!r}, got {[r.name for r in of_type(resources, typ)]}"
    return found[0]


def policy_json(value: Any) -> dict[str, Any]:
    """An IAM/bucket policy input (JSON text, possibly a secret) as a dict."""
    if isinstance(value, Secret):
        value = value.value
    return json.loads(value) if isinstance(value, str) else value


def config_with(stack: str, *overrides: str) -> dict[str, Any]:
    """The stack's config after ``--set KEY=VALUE`` overrides; an item ``"!KEY"`` is
    ``--unset KEY`` (``pulumi config rm --path``)."""
    from tools.engine import load_stack_config

    sets = [o for o in overrides if not o.startswith("!")]
    unset = [o[1:] for o in overrides if o.startswith("!")]
    return load_stack_config(stack, sets, unset=unset)


def creation_order(plan: Plan) -> dict[str, set[str]]:
    """URN -> every URN the engine creates before it, read from the plan JSON as a consumer would:
    ``dependencies`` plus the explicit ``provider`` (a provider is created before what uses it),
    transitively."""
    direct = {r["urn"]: set(r["dependencies"]) | ({r["provider"]} if r["provider"] else set())
              for r in plan.to_json()["resources"]}
    closure: dict[str, set[str]] = {}

    def walk(urn: str) -> set[str]:
        if urn not in closure:
            closure[urn] = set()
            for dep in direct.get(urn, ()):
                closure[urn] |= {dep} | walk(dep)
        return closure[urn]

    for urn in direct:
        walk(urn)
    return closure
