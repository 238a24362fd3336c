"""Config checks only the program can make (they ask the clouds), run before the first resource.

The schema (``stacks/config``) checks everything it can by itself. Two facts need an answer
from outside: how many availability zones ``aws:region`` offers this account, and whether the
stack named in ``twincloud:dr.primaryStackReference`` exports the outputs it names. Both are
reads (an invoke, a stack reference read), never registrations, so :func:`validated_config`
asks them before anything is registered, and reports their problems together with the
schema's (for the values that parsed): every problem at once, nothing half built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from stacks.config import ConfigError, StackConfig, load_config

# Stack references read in this program run: {stack name: (the run's root resource, reference)}.
_REFS: dict[str, tuple[Any, pulumi.StackReference]] = {}


def stack_reference(name: str) -> pulumi.StackReference:
    """The one read of stack ``name`` in this program run (a second read of the same stack
    would be a duplicate URN); a new run (new root resource) reads it afresh."""
    from pulumi.runtime.settings import get_root_resource

    root = get_root_resource()
    cached = _REFS.get(name)
    if cached is None or cached[0] is not root:
        _REFS[name] = (root, pulumi.StackReference(name))
    return _REFS[name][1]


def _await(awaitable: Any) -> Any:
    # How the Pulumi SDK itself resolves plain (non-Output) invokes at the top of a program.
    from pulumi.runtime.sync_await import _sync_await

    return _sync_await(awaitable)


def region_zones() -> list[str]:
    """The available AZs of ``aws:region`` (the default provider's region), sorted."""
    return sorted(aws.get_availability_zones(state="available").names)


def _az_problems(region: str, az_count: int) -> list[str]:
    names = region_zones()
    if len(names) >= az_count:
        return []
    return [f"twincloud:vpc.azCount: region {region} offers {len(names)} availability zones ({', '.join(names)}), "
            f"but azCount is {az_count}; lower azCount or pick another region"]


def _stack_reference_problems(ref: Any) -> list[str]:
    stack = stack_reference(ref.stack)
    problems = []
    for key, output in (("dnsNameOutput", ref.dns_name_output), ("zoneIdOutput", ref.zone_id_output)):
        try:
            details = _await(stack.get_output_details(output))
        except Exception as e:  # noqa: BLE001 - e.g. the backend has no such stack, or no access to it
            return [f"twincloud:dr.primaryStackReference.stack: cannot read stack {ref.stack!r} ({e}); check the "
                    "name (<org>/<project>/<stack>) and that this backend and identity can read it"]
        if details.value is None and details.secret_value is None:
            problems.append(
                f"twincloud:dr.primaryStackReference.{key}: stack {ref.stack!r} has no output {output!r} (got "
                f"{output!r}); deploy that stack first, export the load balancer there, or use dr.primaryIngress "
                "or dr.primary instead")
    return problems


def cloud_problems(parsed: Mapping[str, Any]) -> list[str]:
    """Problems the clouds' answers reveal, for the values in ``parsed`` (key -> validated value)."""
    problems = []
    if parsed.get("aws:region") and parsed.get("vpc.azCount"):
        problems += _az_problems(parsed["aws:region"], parsed["vpc.azCount"])
    if parsed.get("dr.primaryStackReference") is not None:
        problems += _stack_reference_problems(parsed["dr.primaryStackReference"])
    return problems


def validated_config(stack: str) -> StackConfig:
    """The stack config, or ``ConfigError`` with every problem: the schema's and the clouds'."""
    try:
        cfg = load_config(stack=stack)
    except ConfigError as e:
        raise ConfigError(e.problems + cloud_problems(e.parsed)) from None
    parsed = {"aws:region": cfg.aws_region, "vpc.azCount": cfg.vpc.az_count,
              "dr.primaryStackReference": cfg.dr.primary_stack_reference if cfg.dr.enabled else None}
    problems = cloud_problems(parsed)
    if problems:
        raise ConfigError(problems)
    return cfg
