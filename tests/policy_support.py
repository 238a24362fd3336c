"""Helpers for the policy tests: declare real resources under the mock engine, then run the
policy pack over them through pulumi_policy's analyzer (``tools.policy_eval``).

Resources go through ``run_component``, so their inputs are exactly what the engine (and
``pulumi preview --policy-pack``) would see: camelCase names, secrets, tags from the real
stack transformation when an environment is given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from google.protobuf import struct_pb2

from tests.support import run_component
from tools.engine import UNKNOWN, Plan, PlannedResource
from tools.policy_eval import evaluate

STACK = "unit"
PREFIX = f"twincloud-{STACK}"
EXTRA_TAGS = {"Owner": "platform-team", "CostCenter": "platform"}


def declare(build: Callable[[], Any], *, env: str | None = "dev", config: dict[str, Any] | None = None,
            stack: str = STACK) -> list[PlannedResource]:
    """Run ``build`` under the mock engine; with ``env``, the platform's tag transformation
    (components/tagging.py) tags every resource as the stacks do."""

    def program() -> None:
        if env is not None:
            from components.tagging import apply_default_tags, base_tags

            apply_default_tags(base_tags(env, "twincloud", EXTRA_TAGS))
        build()

    return run_component(program, config=config, stack=stack)


def as_plan(resources: Iterable[PlannedResource], *, stack: str = STACK, region: str = "eu-west-1",
            env: str | None = None) -> Plan:
    """A plan of ``resources``; ``env`` becomes the stack's Environment tag (as on our stacks)."""
    config: dict[str, Any] = {"aws:region": region}
    if env is not None:
        config["environment"] = env
    return Plan(stack=stack, config=config, resources=list(resources))


def violations(source: Plan | Iterable[PlannedResource], policy: str | None = None,
               policy_config: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    plan = source if isinstance(source, Plan) else as_plan(source)
    found = evaluate(plan, policy_config)
    return [v for v in found if policy is None or v["policy"] == policy]


def messages(source: Plan | Iterable[PlannedResource], policy: str,
             policy_config: dict[str, Any] | None = None) -> list[str]:
    return [v["message"] for v in violations(source, policy, policy_config)]


def check(build: Callable[[], Any], policy: str, *, env: str | None = "dev",
          policy_config: dict[str, Any] | None = None, config: dict[str, Any] | None = None) -> list[str]:
    """Messages ``policy`` reports for the resources ``build`` declares."""
    return messages(as_plan(declare(build, env=env, config=config), env=env), policy, policy_config)


def with_unknown(resource: PlannedResource, *path: str) -> PlannedResource:
    """A copy of ``resource`` whose input at ``path`` is unknown, as in a preview before
    the value's source exists."""
    request = type(resource.request)()
    request.CopyFrom(resource.request)
    target: struct_pb2.Struct = request.object
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = UNKNOWN
    return PlannedResource(**{**resource.__dict__, "request": request})


def named(resources: Iterable[PlannedResource], name: str, typ: str | None = None) -> PlannedResource:
    found = [r for r in resources if r.name == name and (typ is None or r.type == typ)]
    assert len(found) == 1, [(r.type, r.name) for r in resources if r.name == name]
    return found[0]


def with_value(resource: PlannedResource, path: tuple[str | int, ...], value: Any) -> PlannedResource:
    """A copy of ``resource`` whose input at ``path`` (keys and list indexes) holds ``value``,
    or is removed when ``value`` is ``DELETE``: a real planned resource, mutated."""
    request = type(resource.request)()
    request.CopyFrom(resource.request)
    target: Any = request.object
    for key in path[:-1]:
        target = target[key]
    last = path[-1]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return PlannedResource(**{**resource.__dict__, "request": request})


DELETE = object()


def replaced(plan: Plan, *pairs: tuple[PlannedResource, PlannedResource | None]) -> Plan:
    """``plan`` with resources swapped for mutated copies (or dropped, for ``None``)."""
    swap = {old.urn: new for old, new in pairs}
    resources = [swap.get(r.urn, r) for r in plan.resources if swap.get(r.urn, r) is not None]
    return Plan(stack=plan.stack, config=plan.config, resources=resources)
