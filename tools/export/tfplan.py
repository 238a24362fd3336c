"""The AWS part of an offline plan as a Terraform plan JSON, for scanners that read
``terraform show -json`` output (checkov ``--framework terraform_plan``).

pulumi-aws is bridged from the Terraform AWS provider, so each planned resource has a
Terraform twin: the type from ``tools.export.terraform_names``, attribute names from the
pinned SDK's name tables, nested single objects as one-element blocks. Inputs that are the
id or an attribute of another planned resource (per the engine's property dependencies) are
unknown until apply, exactly as in a Terraform plan of a new stack: they are left out of
``planned_values``, marked in ``after_unknown`` and written as ``references`` in
``configuration``, so graph checks can connect the resources.

Format: developer.hashicorp.com/terraform/internals/json-format (``format_version``,
``terraform_version``, ``planned_values``, ``resource_changes``, ``configuration``); checkov
reads ``planned_values.root_module.resources``, ``resource_changes`` and
``configuration.root_module.resources[].expressions[].references``
(checkov 3.3.30, checkov/terraform/plan_parser.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tools.engine import UNKNOWN, Plan, PlannedResource, Secret
from tools.export import sdk
from tools.export.terraform_names import TF_BLOCK_RENAMES, TF_PROVIDERS, tf_type

# "The output includes a format_version key, which as of Terraform 1.1.0 has value 1.0"
# (developer.hashicorp.com/terraform/internals/json-format); checkov requires both keys.
FORMAT_VERSION = "1.0"
TERRAFORM_VERSION = "1.1.0"

_NAME_BAD = re.compile(r"[^A-Za-z0-9_-]")


class ExportError(Exception):
    """A planned resource the export cannot express (e.g. a type missing from the names table)."""


def tf_name(pulumi_name: str, taken: set[str]) -> str:
    """A Terraform resource name (letters, digits, ``_``, ``-``; not starting with a digit)."""
    name = _NAME_BAD.sub("_", pulumi_name)
    if not name or name[0].isdigit() or name[0] == "-":
        name = f"r_{name}"
    base, n = name, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


@dataclass
class _Node:
    """One exported resource: its address and what other resources can reference."""

    resource: PlannedResource
    type: str
    name: str
    provider_key: str
    attrs: dict[str, str] = field(default_factory=dict)  # produced value -> Terraform attribute

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


def _output_attrs(r: PlannedResource) -> dict[str, str]:
    """Values the cloud produced for ``r`` (id, ARN, ...) -> their Terraform attribute names."""
    from pulumi import _types

    produced: dict[str, str] = {}
    try:
        py_names = _types.resource_pulumi_to_py_names(sdk.resource_class(r.type))
    except LookupError:
        py_names = {}
    for key, value in r.outputs.items():
        # Values the program passed in are not produced by the plan.
        if key in r.inputs or not isinstance(value, str) or len(value) < 8:
            continue
        produced.setdefault(value, py_names.get(key, key).rstrip("_"))
    if r.id and r.id != UNKNOWN:
        produced[r.id] = "id"  # id wins: it is what Terraform configurations reference
    return produced


@dataclass
class _Converted:
    values: Any
    expressions: Any
    unknown: Any
    sensitive: Any


class _Converter:
    def __init__(self, nodes: dict[str, _Node]) -> None:
        self.nodes = nodes

    def _ref(self, value: Any, deps: list[str]) -> list[str] | None:
        """References for a value that another planned resource produces (all items of a list)."""
        items = value if isinstance(value, list) else [value]
        if not items or not all(isinstance(v, str) for v in items):
            return None
        refs: list[str] = []
        for v in items:
            for urn in deps:
                node = self.nodes.get(urn)
                if node and v in node.attrs:
                    refs += [f"{node.address}.{node.attrs[v]}", node.address]
                    break
            else:
                return None
        return refs

    def scalar(self, value: Any, deps: list[str]) -> _Converted:
        if isinstance(value, Secret):
            inner = self.scalar(value.value, deps)
            return _Converted(inner.values, inner.expressions, inner.unknown, True)
        refs = self._ref(value, deps)
        if refs is not None:
            return _Converted(None, {"references": refs}, True, False)
        if value == UNKNOWN:
            return _Converted(None, {}, True, False)
        return _Converted(value, {"constant_value": value}, False, False)

    def obj(self, inputs: dict[str, Any], props: dict[str, sdk.Prop], tf_type_: str, path: str,
            deps: dict[str, list[str]], all_deps: list[str]) -> _Converted:
        values, exprs, unknown, sensitive = {}, {}, {}, {}
        for key, value in inputs.items():
            prop = props.get(key)
            py = prop.python_name.rstrip("_") if prop else _snake(key)
            here = f"{path}.{py}" if path else py
            name = TF_BLOCK_RENAMES.get((tf_type_, here), py)
            key_deps = deps.get(key, all_deps) if not path else all_deps
            c = self.value(value, prop, tf_type_, here, key_deps)
            if c.values is not None:
                values[name] = c.values
            if c.expressions not in (None, {}):
                exprs[name] = c.expressions
            if c.unknown not in (False, None, {}, []):
                unknown[name] = c.unknown
            if c.sensitive not in (False, None, {}, []):
                sensitive[name] = c.sensitive
        return _Converted(values, exprs, unknown, sensitive)

    def value(self, value: Any, prop: sdk.Prop | None, tf_type_: str, path: str, deps: list[str]) -> _Converted:
        secret = isinstance(value, Secret)
        raw = value.value if secret else value
        nested = prop.nested if prop else ()
        if nested and isinstance(raw, dict) and not (prop and prop.is_map):
            c = self.obj(raw, sdk.properties(sdk.best_nested(raw, nested)), tf_type_, path, {}, deps)
            # A single nested object is a block of one in Terraform.
            c = _Converted([c.values], [c.expressions], [c.unknown] if c.unknown else False,
                           True if secret else ([c.sensitive] if c.sensitive else False))
            return c
        if nested and isinstance(raw, list) and raw and all(isinstance(i, dict) for i in raw):
            parts = [self.obj(i, sdk.properties(sdk.best_nested(i, nested)), tf_type_, path, {}, deps) for i in raw]
            return _Converted([p.values for p in parts], [p.expressions for p in parts],
                              [p.unknown for p in parts] if any(p.unknown for p in parts) else False,
                              True if secret else False)
        if isinstance(raw, dict):  # maps (tags, parameters): values kept as they are
            c = self.scalar(raw, deps)
            return _Converted(c.values, c.expressions, c.unknown, secret or c.sensitive)
        c = self.scalar(value, deps)
        return c


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def _provider_keys(plan: Plan) -> dict[str | None, tuple[str, dict[str, Any]]]:
    """Pulumi provider reference -> (Terraform provider config key, expressions)."""
    keys: dict[str | None, tuple[str, dict[str, Any]]] = {}
    region = plan.config.get("aws:region")
    keys[None] = ("aws", {"region": {"constant_value": region}} if region else {})
    taken = {"aws"}
    for r in plan.resources:
        if r.type == "pulumi:providers:aws":
            alias = tf_name(r.name, taken)
            exprs = {"region": {"constant_value": r.inputs["region"]}} if r.inputs.get("region") else {}
            keys[f"{r.urn}::{r.id}"] = (f"aws.{alias}", {"alias": {"constant_value": alias}, **exprs})
    return keys


def export_tfplan(plan: Plan) -> dict[str, Any]:
    """The plan's AWS (and random) resources as a Terraform JSON plan document."""
    providers = _provider_keys(plan)
    nodes: dict[str, _Node] = {}
    taken: dict[str, set[str]] = {}
    missing = []
    for r in plan.resources:
        if not r.custom or r.type.split(":")[0] not in TF_PROVIDERS:
            continue
        typ = tf_type(r.type)
        if typ is None:
            missing.append(r.type)
            continue
        provider_key = providers.get(r.provider, providers[None])[0] if r.type.startswith("aws:") else "random"
        node = _Node(r, typ, tf_name(r.name, taken.setdefault(typ, set())), provider_key, _output_attrs(r))
        nodes[r.urn] = node
    if missing:
        raise ExportError("no Terraform type known for " + ", ".join(sorted(set(missing))) +
                          "; add it to TF_TYPES in tools/export/terraform_names.py with its source")
    conv = _Converter(nodes)
    planned, changes, config = [], [], []
    for node in nodes.values():
        r = node.resource
        deps = r.property_dependencies
        c = conv.obj(r.inputs, sdk.resource_properties(r.type), node.type, "", deps, list(r.dependencies))
        pkg = r.type.split(":")[0]
        common = {"address": node.address, "mode": "managed", "type": node.type, "name": node.name}
        planned.append({**common, "provider_name": TF_PROVIDERS[pkg], "schema_version": 0,
                        "values": c.values, "sensitive_values": c.sensitive or {}})
        changes.append({**common, "provider_name": TF_PROVIDERS[pkg],
                        "change": {"actions": ["create"], "before": None, "after": c.values,
                                   "after_unknown": c.unknown or {}, "before_sensitive": False,
                                   "after_sensitive": c.sensitive or {}}})
        config.append({**common, "provider_config_key": node.provider_key, "expressions": c.expressions,
                       "schema_version": 0})
    provider_config = {key: {"name": "aws", "full_name": TF_PROVIDERS["aws"], **({"alias": key.split(".", 1)[1]}
                             if "." in key else {}), "expressions": {k: v for k, v in exprs.items() if k != "alias"}}
                       for key, exprs in providers.values()}
    if any(n.provider_key == "random" for n in nodes.values()):
        provider_config["random"] = {"name": "random", "full_name": TF_PROVIDERS["random"]}
    return {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"provider_config": provider_config, "root_module": {"resources": config}},
        "applyable": True,
        "complete": True,
        "errored": False,
    }
