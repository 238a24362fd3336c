"""The pinned Pulumi SDKs as tables: resource class per type token, and per Args class the
Pulumi (camelCase) name, Python name and type of every input property.

The Python SDKs are generated from the providers' schemas; their ``@pulumi.input_type``
classes carry the name table (``pulumi._types.input_type_py_to_pulumi_names``) and the types
(``input_type_types``) that the exporters read instead of guessing names.
"""

from __future__ import annotations

import collections.abc
import importlib
import sys
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


def _register_sdks() -> None:
    import pulumi_aws  # noqa: F401  (importing registers the SDKs' resource modules)
    import pulumi_azure_native  # noqa: F401
    import pulumi_kubernetes  # noqa: F401
    import pulumi_random  # noqa: F401


@lru_cache(maxsize=None)
def resource_class(typ: str) -> type:
    """The SDK class registered for a resource type token (providers included)."""
    from pulumi.runtime import rpc

    _register_sdks()
    if typ.startswith("pulumi:providers:"):
        info = rpc._RESOURCE_PACKAGES[typ.split(":")[2]][0].pkg_info
        return getattr(importlib.import_module(info["fqn"]), info["class"])
    pkg = typ.split(":")[0]
    for key, modules in rpc._RESOURCE_MODULES.items():
        if key.startswith(f"{pkg}:"):
            for module in modules:
                name = module.mod_info["classes"].get(typ)
                if name:
                    return getattr(importlib.import_module(module.mod_info["fqn"]), name)
    raise LookupError(f"{typ} is not a resource type of the pinned SDKs")


def args_class(cls: type) -> type:
    """The ``@pulumi.input_type`` Args class of a resource class."""
    module = sys.modules[cls.__module__]
    for name in (f"{cls.__name__}InitArgs", f"{cls.__name__}Args"):
        if hasattr(module, name):
            return getattr(module, name)
    raise LookupError(f"no Args class for {cls.__name__}")


def input_types(annotation: Any) -> list[type]:
    """The input-type classes inside a property annotation (Optional/Input/Sequence/Union unwrapped)."""
    from pulumi import _types

    found, stack = [], [annotation]
    while stack:
        t = stack.pop()
        if isinstance(t, type) and _types.is_input_type(t):
            found.append(t)
        else:
            stack.extend(typing.get_args(t))
    return found


def _has_origin(annotation: Any, origins: tuple[Any, ...]) -> bool:
    """Whether the annotation is (outside any nested input type) one of ``origins``."""
    from pulumi import _types

    stack = [annotation]
    while stack:
        t = stack.pop()
        if typing.get_origin(t) in origins:
            return True
        if not (isinstance(t, type) and _types.is_input_type(t)):
            stack.extend(typing.get_args(t))
    return False


def is_mapping(annotation: Any) -> bool:
    return _has_origin(annotation, (collections.abc.Mapping, dict))


def is_sequence(annotation: Any) -> bool:
    return _has_origin(annotation, (collections.abc.Sequence, list))


@dataclass(frozen=True)
class Prop:
    """One input property of an SDK Args class."""

    pulumi_name: str      # camelCase, as the engine receives it
    python_name: str      # snake_case, the SDK's own name table
    annotation: Any
    nested: tuple[type, ...]  # input types of its value (objects), empty for scalars

    @property
    def is_list(self) -> bool:
        return is_sequence(self.annotation)

    @property
    def is_map(self) -> bool:
        return is_mapping(self.annotation)

    @property
    def is_single_object(self) -> bool:
        """A nested object that is not a list or a map (Terraform: a block of at most one)."""
        return bool(self.nested) and not self.is_list and not self.is_map


@lru_cache(maxsize=None)
def properties(args: type) -> dict[str, Prop]:
    """Pulumi name -> Prop for an Args (input type) class, from the SDK's own tables."""
    from pulumi import _types

    py_to_pulumi = _types.input_type_py_to_pulumi_names(args)
    types = _types.input_type_types(args)
    return {
        pulumi: Prop(pulumi, py, types[pulumi], tuple(input_types(types[pulumi])))
        for py, pulumi in py_to_pulumi.items() if pulumi in types
    }


def resource_properties(typ: str) -> dict[str, Prop]:
    """Pulumi name -> Prop for the inputs of a resource type token."""
    return properties(args_class(resource_class(typ)))


def best_nested(value: dict[str, Any], candidates: tuple[type, ...]) -> type | None:
    """For a union of input types, the member that defines the most of ``value``'s keys."""
    if not candidates:
        return None
    return max(candidates, key=lambda t: sum(1 for k in value if k in properties(t)))
