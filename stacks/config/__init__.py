"""Stack config schema: every key is parsed and validated before any resource exists.

``load_config()`` reads the ``twincloud:`` namespace (plus ``aws:region``) from the Pulumi
runtime, or from a given mapping, and returns a :class:`StackConfig` or raises
:class:`ConfigError` listing every problem with its key path, bad value and fix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from stacks.config.base import NAMESPACE, ConfigError, format_errors
from stacks.config.root import StackConfig

__all__ = ["ConfigError", "StackConfig", "load_config", "runtime_config"]

# Keys outside our namespace that the schema reads.
PROVIDER_KEYS = ("aws:region",)


def runtime_config() -> dict[str, str]:
    """Every config key the Pulumi runtime holds (explicitly set or from PULUMI_CONFIG)."""
    from pulumi.runtime import config as rt

    merged: dict[str, Any] = dict(rt.get_config_env())
    merged.update(rt.CONFIG.get())
    return merged


def _value(raw: Any) -> Any:
    # Structured values arrive as JSON text; scalars stay strings (pydantic coerces them),
    # so a version like "1.33" is never turned into a float.
    if isinstance(raw, str) and raw[:1] in ("{", "["):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


def load_config(raw: Mapping[str, Any] | None = None, *, stack: str | None = None) -> StackConfig:
    """Parse and validate the stack config; raise ``ConfigError`` with all problems."""
    raw = runtime_config() if raw is None else raw
    data: dict[str, Any] = {}
    for key, value in raw.items():
        ns, _, name = key.partition(":")
        if ns == NAMESPACE:
            data[name] = _value(value)
        elif key in PROVIDER_KEYS:
            data[key] = value
    environment = data.get("environment") if data.get("environment") in ("dev", "prod") else "dev"
    context: dict[str, Any] = {}
    try:
        azure = data.get("azure")
        azure_location = azure.get("location") if isinstance(azure, dict) else None  # dr.azureLocation's default
        # by_name=False: only the documented camelCase keys count; `twincloud:aws_region` or
        # `az_count` would otherwise stand in for `aws:region` / `azCount` through pydantic's field names.
        context.update({"environment": environment, "stack": stack, "region": data.get("aws:region"),
                        "azure_location": azure_location})
        cfg = StackConfig.model_validate(data, by_alias=True, by_name=False, context=context)
    except ValidationError as e:
        raise ConfigError(format_errors(e, StackConfig) + stack_name_problems(stack, data),
                          parsed=context.get("parsed")) from None
    problems = stack_name_problems(stack, data)
    if problems:
        raise ConfigError(problems, parsed=context.get("parsed"))
    return cfg


def stack_name_problems(stack: str | None, data: Mapping[str, Any]) -> list[str]:
    """The stack name is part of every physical name (``twincloud-<stack>-eks``): a name the
    clouds refuse must fail here, not minutes into ``pulumi up``."""
    if not stack:
        return []
    from components.facts import catalogs

    problems = []
    eks = f"{NAMESPACE}-{stack}-eks"
    low, high = catalogs.eks_length("ClusterName")
    if not (low <= len(eks) <= high and re.fullmatch(catalogs.eks_cluster_name_pattern().lstrip("^"), eks)):
        problems.append(f"stack {stack!r}: the EKS cluster name {eks!r} would be invalid (EKS cluster names are "
                        f"{low}-{high} letters, digits, '-' and '_', starting with a letter or digit; "
                        f"{catalogs.BOTOCORE} eks ClusterName); rename the stack with letters, digits and '-'")
    if data.get("azure") is not None:
        rule = catalogs.ARM_NAMING["Microsoft.ContainerService/managedClusters"]
        aks = f"{NAMESPACE}-{stack}-aks"
        if not (rule.min <= len(aks) <= rule.max and re.fullmatch(rule.pattern, aks)):
            problems.append(f"stack {stack!r}: the AKS cluster name {aks!r} would be invalid ({rule.says}); rename "
                            "the stack with letters, digits and '-'")
    return problems
