"""Run the real ``stacks/`` program (or any function declaring resources) under Pulumi's
mock engine and record every resource exactly as the engine would receive it.

This is the machinery behind the offline plan (``python -m tools.plan``) and the tests:
only the clouds' answers are mocked (see ``tools.mocks``); config loading, validation,
components and the stack program run for real.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import re
import runpy
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pulumi.runtime.rpc import UNKNOWN  # the wire protocol's markers, from the pinned SDK
from pulumi.runtime.rpc import _special_resource_sig as _RESOURCE_SIG
from pulumi.runtime.rpc import _special_secret_sig as _SECRET_SIG
from pulumi.runtime.rpc import _special_sig_key as _SIG_KEY

from tools.stack_file import coerce_value, read_stack_file, set_path, structured_value, unset_path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "twincloud"

# The Pulumi runtime keeps global state; one plan at a time per process.
_RUN_LOCK = threading.Lock()


class Secret:
    """A value the engine received as a Pulumi secret. Prints as ``[secret]``."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "[secret]"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other.value == self.value

    def __hash__(self) -> int:
        return hash(("secret", json.dumps(self.value, sort_keys=True, default=str)))


class PlanError(Exception):
    """Raised for bad stack config or a program failure, with a user-facing message."""


@dataclass
class PlannedResource:
    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    protect: bool
    retain_on_delete: bool
    inputs: dict[str, Any]
    provider: str | None = None
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    ignore_changes: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    request: Any = None  # the RegisterResourceRequest proto, for the policy analyzer
    id: str | None = None  # what the mock cloud answered on create (for the scanner exports)
    outputs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "protect": self.protect,
            "inputs": jsonable(self.inputs),
            "provider": self.provider.rsplit("::", 1)[0] if self.provider else None,
            "dependencies": list(self.dependencies),
            "propertyDependencies": {k: list(v) for k, v in self.property_dependencies.items()},
        }


@dataclass
class Plan:
    stack: str
    config: dict[str, Any]
    resources: list[PlannedResource]
    outputs: dict[str, Any] = field(default_factory=dict)
    violations: list[dict[str, Any]] = field(default_factory=list)
    # What must exist before the first `pulumi up` (stacks/prerequisites.py), and whether the
    # plan was made as a new, empty account answers (--empty-account).
    prerequisites: list[dict[str, Any]] = field(default_factory=list)
    empty_account: bool = False

    def of_type(self, typ: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == typ]

    def one(self, typ: str, name: str | None = None) -> PlannedResource:
        found = [r for r in self.of_type(typ) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(typ)]
            raise LookupError(f"expected one {typ} named {name!r}, found {len(found)} among {names}")
        return found[0]

    def by_urn(self, urn: str) -> PlannedResource:
        for r in self.resources:
            if r.urn == urn:
                return r
        raise LookupError(urn)

    def children_of(self, urn: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.parent == urn]

    def descendants_of(self, urn: str) -> list[PlannedResource]:
        out, frontier = [], [urn]
        while frontier:
            kids = [r for r in self.resources if r.parent in frontier]
            out.extend(kids)
            frontier = [k.urn for k in kids]
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "config": jsonable(self.config),
            "resources": [r.to_json() for r in self.resources],
            "outputs": jsonable(self.outputs),
            "violations": self.violations,
            "emptyAccount": self.empty_account,
            "prerequisites": self.prerequisites,
        }


def jsonable(value: Any) -> Any:
    """Plan values as JSON: secrets print as ``[secret]``, unknowns as ``[unknown]``."""
    if isinstance(value, Secret):
        return "[secret]"
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value == UNKNOWN:
        return "[unknown]"
    return value


def _decode(value: Any) -> Any:
    """Engine wire format (protobuf Struct as dict) -> plain values with ``Secret`` markers."""
    if isinstance(value, dict):
        sig = value.get(_SIG_KEY)
        if sig == _SECRET_SIG:
            return Secret(_decode(value.get("value")))
        if sig == _RESOURCE_SIG:
            return value.get("urn")
        if sig is not None and "value" in value:  # output value
            inner = _decode(value.get("value"))
            return Secret(inner) if value.get("secret") else inner
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# -- stack config ------------------------------------------------------------------------

def _qualify(key: str) -> str:
    return key if ":" in key else f"{PROJECT}:{key}"


_PATH_PART = re.compile(r'\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.\[\]]+)')


def parse_key_path(key: str) -> tuple[str, list[str | int]]:
    """``pulumi config set --path`` keys: ``twincloud:eks.nodeGroups[0].minSize`` ->
    (``twincloud:eks``, ``["nodeGroups", 0, "minSize"]``). ``a.0.b`` works as well (an index
    when the value there is a list), and ``["key.with.dots"]`` quotes a key."""
    ns, _, rest = _qualify(key).partition(":")
    parts: list[str | int] = []
    pos = 0
    while pos < len(rest):
        m = _PATH_PART.match(rest, pos)
        if not m or m.end() == pos:
            raise PlanError(f"--set {key!r}: cannot parse the key path at {rest[pos:]!r}; "
                            "use twincloud:section.key, section.list[0].key or section[\"key.with.dots\"]")
        index, quoted, plain = m.groups()
        parts.append(int(index) if index is not None else (quoted if quoted is not None else plain))
        pos = m.end()
    if not parts or not isinstance(parts[0], str):
        raise PlanError(f"--set {key!r}: the key needs a name after {ns}:")
    return f"{ns}:{parts[0]}", parts[1:]


def parse_value(raw: str) -> Any:
    """A ``--set`` value below a key path, typed as ``pulumi config set --path`` types it
    (``tools.stack_file.coerce_value``: ``true``/``false`` and decimal integers; ``010``,
    ``0x3``, ``1.35`` and ``null`` stay text), except that a YAML flow list or map
    (``[a, b]``, ``{}``) is read as that list or map."""
    structured, value = structured_value(raw)
    return value if structured else coerce_value(raw)


def load_stack_config(stack: str, overrides: Iterable[str] = (), root: Path = ROOT,
                      unset: Iterable[str] = ()) -> dict[str, Any]:
    """Read ``Pulumi.<stack>.yaml`` (as Pulumi reads it: ``tools.stack_file``) and apply
    ``KEY=VALUE`` overrides, then ``unset`` keys.

    Keys follow ``pulumi config set --path``: ``aws:region=us-west-2``,
    ``twincloud:vpc.cidr=10.1.0.0/16``, ``twincloud:eks.nodeGroups[0].minSize=2``; values
    are typed as that command types them (``parse_value``). ``unset`` keys are removed as
    ``pulumi config rm --path`` removes them.
    Returns qualified keys -> Python values (``{"secure": ...}`` for encrypted values).
    Raises ``PlanError`` (the config problems, one per line) for a file Pulumi would refuse.
    """
    path = root / f"Pulumi.{stack}.yaml"
    if not path.exists():
        stacks = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in root.glob("Pulumi.*.yaml"))
        raise PlanError(f"unknown stack {stack!r}: no {path.name}; known stacks: {', '.join(stacks)}")
    from stacks.config import ConfigError

    try:
        config = read_stack_file(path)
        for item in overrides:
            if "=" not in item:
                raise PlanError(f"--set expects KEY=VALUE, got {item!r}")
            key, raw = item.split("=", 1)
            full, path_parts = parse_key_path(key)
            if path_parts:
                config[full] = set_path(config.get(full), path_parts, parse_value(raw), key=key)
            else:  # a whole key: Pulumi stores the text as given
                structured, value = structured_value(raw)
                config[full] = value if structured else raw
        for key in unset:
            full, path_parts = parse_key_path(key)
            if path_parts:
                if full in config:
                    config[full] = unset_path(config[full], path_parts)
            else:
                config.pop(full, None)
    except ConfigError as e:
        raise PlanError(str(e)) from None
    return config


OFFLINE_SECRET = "offline-placeholder-secret"


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def _strip_secure(value: Any) -> tuple[Any, bool]:
    """Replace ``{secure: ...}`` (top-level or nested, as ``pulumi config set --path --secret``
    writes them) with a placeholder: encrypted values cannot be decrypted offline, and the
    placeholder keeps the program's code path. Returns (value, contained_a_secret)."""
    if _is_secure(value):
        return OFFLINE_SECRET, True
    if isinstance(value, dict):
        found = False
        out = {}
        for k, v in value.items():
            out[k], f = _strip_secure(v)
            found = found or f
        return out, found
    if isinstance(value, list):
        items = [_strip_secure(v) for v in value]
        return [v for v, _ in items], any(f for _, f in items)
    return value, False


def _mask_offline_secrets(value: Any) -> Any:
    if value == OFFLINE_SECRET:
        return Secret(value)
    if isinstance(value, dict):
        return {k: _mask_offline_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_offline_secrets(v) for v in value]
    return value


def _wire_config(config: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Config as the language host passes it: strings, structured values as JSON;
    keys holding encrypted values are listed as secret keys."""
    wire, secret_keys = {}, []
    for key, value in config.items():
        value, secret = _strip_secure(value)
        if secret:
            secret_keys.append(key)
        if isinstance(value, str):
            wire[key] = value
        elif isinstance(value, bool):
            wire[key] = "true" if value else "false"
        else:
            wire[key] = json.dumps(value)
    return wire, secret_keys


# -- running under mocks ---------------------------------------------------------------

@contextlib.contextmanager
def cyclic_gc_paused():
    """Pause Python's cyclic garbage collector for one plan (reference counting still frees
    almost everything). The SDK modules a plan imports leave about a million long-lived
    objects, and every full collection walks all of them; the registrations of one plan
    trigger enough of them to take about 40% of the plan's own CPU time (``make bench``,
    README "Tests and performance"). The garbage cycles of one plan (asyncio futures,
    tracebacks) cost a few MB of memory. The collector's earlier state is restored after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _recording_monitor(mocks, sink: list[str] | None = None):
    from pulumi.runtime.mocks import MockMonitor

    class RecordingMonitor(MockMonitor):
        def __init__(self, m):
            super().__init__(m)
            self.requests: list[tuple[str, Any]] = []
            self._req_lock = threading.Lock()

        def RegisterResource(self, request):
            response = super().RegisterResource(request)
            if request.type != "pulumi:pulumi:Stack":
                with self._req_lock:
                    self.requests.append((response.urn, request))
                    if sink is not None:
                        sink.append(response.urn)
            return response

    return RecordingMonitor(mocks)


def _to_planned(urn: str, request: Any, created: Any = None) -> PlannedResource:
    from google.protobuf import json_format

    inputs = _decode(json_format.MessageToDict(request.object)) if request.HasField("object") else {}
    provider = request.provider or None
    return PlannedResource(
        urn=urn,
        type=request.type,
        name=request.name,
        parent=request.parent or None,
        custom=bool(request.custom),
        protect=bool(request.protect) if request.HasField("protect") else False,
        retain_on_delete=bool(request.retainOnDelete) if request.HasField("retainOnDelete") else False,
        inputs=inputs,
        provider=provider,
        # What the engine orders creation by: ``dependsOn`` (components expanded to their
        # custom children, as the SDK sends them) and every resource whose outputs an input uses.
        dependencies=sorted(set(request.dependencies)),
        property_dependencies={key: sorted(set(deps.urns))
                               for key, deps in sorted(request.propertyDependencies.items()) if deps.urns},
        ignore_changes=list(request.ignoreChanges),
        aliases=[a.urn or a.spec.name for a in request.aliases] if request.aliases else [],
        request=request,
        id=getattr(created, "id", None) or None,
        outputs=_decode(dict(getattr(created, "state", None) or {})),
    )


def run_under_mocks(
    program: Callable[[], Any],
    *,
    stack: str,
    config: Mapping[str, Any],
    registered: list[str] | None = None,
    stack_outputs: Mapping[str, Mapping[str, Any]] | None = None,
    project: str = PROJECT,
    empty_account: Any = None,
) -> tuple[list[PlannedResource], dict[str, Any]]:
    """Run ``program`` with ``config`` under the mock engine. Returns resources and exports.

    ``registered``, when given, receives the URN of every resource registered, even when the
    program fails (used to prove that bad config registers nothing). ``stack_outputs`` is
    what the state backend holds for other stacks (``{"org/proj/stack": {"output": value}}``),
    answered to ``pulumi.StackReference`` reads. ``empty_account`` (a ``tools.mocks.Existing``)
    plans as a new account answers: lookups of anything neither created by the program nor
    listed there fail with ``tools.mocks.NotFound``, which this raises.
    """
    import pulumi
    from pulumi.runtime import settings as rt_settings
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    from tools.mocks import CloudMocks

    wire, secret_keys = _wire_config(config)
    region = str(config.get("aws:region") or "eu-west-1")
    azure_location = str(config.get("azure-native:location") or "westeurope")
    azure_cfg = config.get(f"{PROJECT}:azure")
    if isinstance(azure_cfg, dict) and azure_cfg.get("location"):
        azure_location = str(azure_cfg["location"])
    mocks = CloudMocks(aws_region=region, azure_location=azure_location,
                       stack_outputs={k: dict(v) for k, v in (stack_outputs or {}).items()},
                       empty_account=empty_account)
    with _RUN_LOCK, cyclic_gc_paused():
        saved_env = os.environ.pop("PULUMI_CONFIG", None)
        try:
            rt_settings.ROOT.set(None)
            pulumi.runtime.set_all_config(wire, secret_keys)
            monitor = _recording_monitor(mocks, registered)
            pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=monitor)
            rt_settings.SETTINGS.rpc_manager.clear()
            rt_settings.SETTINGS.outputs.clear()
            _sync_await(run_pulumi_func(program))
            outputs = _resolve_exports()
        finally:
            if saved_env is not None:
                os.environ["PULUMI_CONFIG"] = saved_env
        resources = [_to_planned(urn, req, monitor.resources.get(urn)) for urn, req in monitor.requests]
    # Registration order depends on thread scheduling; sort so plans diff cleanly.
    resources.sort(key=lambda r: r.urn)
    return resources, outputs


def _resolve_exports() -> dict[str, Any]:
    import pulumi
    from pulumi.runtime import settings as rt_settings
    from pulumi.runtime.sync_await import _sync_await

    root = rt_settings.get_root_resource()
    exports = getattr(root, "outputs", {}) or {}
    result: dict[str, Any] = {}
    for key, value in exports.items():
        out = pulumi.Output.from_input(value)
        resolved = _sync_await(out.future())
        secret = _sync_await(out.is_secret())
        result[key] = Secret(resolved) if secret else resolved
    return result


def run_stack_program() -> None:
    """Execute ``stacks/__main__.py`` exactly as the Pulumi language host would."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    runpy.run_path(str(ROOT / "stacks" / "__main__.py"), run_name="__main__")


def plan_stack(stack: str, overrides: Iterable[str] = (), *, policies: bool = True,
               unset: Iterable[str] = (), empty_account: bool = False) -> Plan:
    """The offline plan of a stack: config loaded and validated, program run under mocks
    (``empty_account``: as a new account answers, see ``plan_config``)."""
    return plan_config(stack, load_stack_config(stack, overrides, unset=unset), policies=policies,
                       empty_account=empty_account)


def declared_lookups(items: Iterable[Any]) -> Any:
    """What an empty-account plan may find: the prerequisites the program looks up."""
    from tools.mocks import Existing

    items = list(items)
    return Existing(
        hosted_zone_names=frozenset(p.name for p in items if p.config_key == "twincloud:dr.hostedZoneName"),
        hosted_zone_ids=frozenset(p.name for p in items if p.config_key == "twincloud:dr.hostedZoneId"),
        stacks=frozenset(p.name for p in items if p.kind == "pulumi-stack"),
    )


def copy_config(source: str, overrides: Iterable[str] = (), root: Path = ROOT) -> dict[str, Any]:
    """The config ``pulumi stack init <new> --copy-config-from <source>`` gives a new stack,
    followed by ``pulumi config set [--path]`` for each ``KEY=VALUE`` override."""
    return load_stack_config(source, overrides, root=root)


def plan_config(stack: str, config: Mapping[str, Any], *, policies: bool = True,
                empty_account: bool = False) -> Plan:
    """The offline plan of ``stack`` from an explicit config (qualified keys -> values), for
    stacks that have no ``Pulumi.<stack>.yaml`` yet (e.g. ``prod-dr`` copied from ``prod``).

    With ``empty_account`` the clouds answer as a new account and subscription would: every
    lookup of something the program does not create fails unless the config declares it
    (``stacks/prerequisites.py``), and the failure is a ``PlanError`` naming the lookup."""
    from stacks.config import ConfigError, load_config
    from stacks.prerequisites import prerequisites
    from tools.mocks import NotFound

    config = dict(config)
    wire, _ = _wire_config(config)
    try:
        effective = load_config(wire, stack=stack)
    except ConfigError:
        effective = None  # the program reports every problem, with those only the clouds' answers reveal
    needed = prerequisites(effective) if effective is not None else []
    try:
        resources, outputs = run_under_mocks(run_stack_program, stack=stack, config=config,
                                             empty_account=declared_lookups(needed) if empty_account else None)
    except ConfigError as e:
        raise PlanError(str(e)) from None
    except NotFound as e:
        raise PlanError(f"empty-account plan of {stack!r}: a lookup fails as it would before the first `up`: {e}") from None
    if effective is None:  # the program validates the same config: it cannot have run
        raise PlanError("the stack program ran on config the schema rejects")
    plan = Plan(stack=stack, config=_mask_offline_secrets(effective.model_dump(mode="json", by_alias=True)),
                resources=resources, outputs=outputs, prerequisites=[p.to_json() for p in needed],
                empty_account=empty_account)
    if policies:
        plan.violations = evaluate_policies(plan)
    return plan


def read_project(project_dir: Path) -> tuple[str, Path]:
    """The project name and program path a ``Pulumi.yaml`` declares (``main`` defaults to the
    directory itself, whose ``__main__.py`` the Python language host runs)."""
    manifest = project_dir / "Pulumi.yaml"
    if not manifest.is_file():
        raise PlanError(f"no Pulumi.yaml in {project_dir}: --project-dir must name a Pulumi project directory")
    try:
        doc = yaml.safe_load(manifest.read_text())
    except yaml.YAMLError as e:
        raise PlanError(f"{manifest}: not valid YAML ({e})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
        raise PlanError(f"{manifest}: needs a 'name' (the project name)")
    main = project_dir / str(doc.get("main") or ".")
    if main.is_dir():
        main = main / "__main__.py"
    if not main.is_file():
        raise PlanError(f"{manifest}: main {doc.get('main')!r} is not a Python program ({main} does not exist)")
    return doc["name"], main


def plan_project(project_dir: Path, stack: str, overrides: Iterable[str] = (), *, policies: bool = True,
                 unset: Iterable[str] = (), empty_account: bool = False) -> Plan:
    """The offline plan of another Pulumi project built from the twincloud package (for
    example ``examples/team-platform``): its own ``Pulumi.yaml`` and stack file, its program
    run under the same mocks, and the same policy pack. The project's config is its own, so
    twincloud's platform schema is not applied to it (so, with ``empty_account``, it declares
    nothing as existing beforehand)."""
    from tools.mocks import Existing

    project_dir = Path(project_dir).resolve()
    if project_dir == ROOT:
        return plan_stack(stack, overrides, policies=policies, unset=unset, empty_account=empty_account)
    project, main = read_project(project_dir)
    config = load_stack_config(stack, overrides, root=project_dir, unset=unset)

    def program() -> None:
        if str(project_dir) not in sys.path:
            sys.path.insert(0, str(project_dir))
        runpy.run_path(str(main), run_name="__main__")

    try:
        resources, outputs = run_under_mocks(program, stack=stack, config=config, project=project,
                                             empty_account=Existing() if empty_account else None)
    except Exception as e:  # the program's own error, reported like `pulumi preview` does
        raise PlanError(f"{project} program failed: {type(e).__name__}: {e}") from None
    plan = Plan(stack=stack, config=_mask_offline_secrets(config), resources=resources, outputs=outputs,
                empty_account=empty_account)
    if policies:
        plan.violations = evaluate_policies(plan)
    return plan


def evaluate_policies(plan: Plan) -> list[dict[str, Any]]:
    """Policy results for the plan: the policy pack run through its analyzer (``tools.policy_eval``)."""
    from tools import policy_eval

    return policy_eval.evaluate(plan)
