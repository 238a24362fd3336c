"""Building blocks shared by every twincloud policy: the rule classes, unknown-safe property
access, the resource graph stack rules walk, and small parsers (ports, CIDRs, IAM JSON).

Rules read the engine's property names (camelCase inputs, exactly what ``pulumi preview``
hands an analyzer). During a preview some inputs are still unknown (an id that only exists
after create); pulumi_policy raises ``UnknownValueError`` through its proxy when a rule touches
one. The rule classes here convert the properties once into plain values with an ``UNKNOWN``
marker, and every check skips what is unknown: a rule reports only what it can prove.
"""

from __future__ import annotations

import fnmatch
import functools
import ipaddress
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY

_UNKNOWN_SENTINELS = frozenset({
    UNKNOWN_BOOLEAN_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_STRING_VALUE, UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE, UNKNOWN_ARCHIVE_VALUE, UNKNOWN_OBJECT_VALUE,
})


class _Unknown:
    """A value the engine cannot know yet (preview). Falsy, equal only to itself."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown>"

    def __bool__(self) -> bool:
        return False


UNKNOWN: Any = _Unknown()


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


def plain(value: Any) -> Any:
    """Deep copy of analyzer properties as plain dicts/lists, unknowns replaced by ``UNKNOWN``.

    Works on pulumi_policy's proxies (which raise on unknown access) and on plain data alike.
    """
    if isinstance(value, str):
        return UNKNOWN if value in _UNKNOWN_SENTINELS else value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in list(value.keys()):
            try:
                out[key] = plain(value[key])
            except UnknownValueError:
                out[key] = UNKNOWN
        return out
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        items = []
        for i in range(len(value)):
            try:
                items.append(plain(value[i]))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    return value


def get(obj: Any, *path: str | int, default: Any = None) -> Any:
    """``obj[path[0]][path[1]]...`` on plain data; ``default`` when missing or None,
    ``UNKNOWN`` when any step is unknown."""
    cur = obj
    for key in path:
        if cur is UNKNOWN:
            return UNKNOWN
        if isinstance(key, int):
            if not isinstance(cur, list) or not -len(cur) <= key < len(cur):
                return default
        elif not isinstance(cur, Mapping) or key not in cur:
            return default
        cur = cur[key]
    if cur is UNKNOWN:
        return UNKNOWN
    return default if cur is None else cur


def as_list(value: Any) -> list[Any]:
    """A list input (None -> [], a single item -> [item], unknown -> [])."""
    if value is None or value is UNKNOWN:
        return []
    if isinstance(value, list):
        return value
    return [value]


def as_int(value: Any) -> int | None:
    if value is None or value is UNKNOWN or isinstance(value, bool):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def truthy(value: Any) -> bool | None:
    """Booleans as the providers accept them (True/"true"); None when unset, UNKNOWN passes through."""
    if value is UNKNOWN:
        return UNKNOWN
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def walk(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every (path, value) pair of a plain tree, depth first."""
    yield path, value
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from walk(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, (*path, i))


def parse_json_document(value: Any) -> Any:
    """An IAM/bucket policy input (JSON text or already a dict) as data; UNKNOWN/None pass through."""
    if value is None or value is UNKNOWN:
        return value
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def statements(document: Any) -> list[dict[str, Any]]:
    stmts = get(document, "Statement", default=[])
    return [s for s in as_list(stmts) if isinstance(s, Mapping)]


# -- URNs, tags, environment ---------------------------------------------------------

_URN = re.compile(r"^urn:pulumi:(?P<stack>[^:]*)::(?P<project>[^:]*)::(?P<type>.*)::(?P<name>[^:]*)$")


def urn_parts(urn: str) -> dict[str, str]:
    m = _URN.match(urn or "")
    return m.groupdict() if m else {"stack": "", "project": "", "type": "", "name": ""}


def tags_of(props: Mapping[str, Any]) -> dict[str, Any] | Any:
    """The resource's tag map (``tags`` input), UNKNOWN when not yet known, {} when absent."""
    tags = get(props, "tags", default={})
    if tags is UNKNOWN:
        return UNKNOWN
    return tags if isinstance(tags, Mapping) else {}


def environment_of(props: Mapping[str, Any], stack_tags: Mapping[str, str] | None = None) -> str | None:
    """The resource's environment: its ``Environment`` tag, else the stack's ``Environment`` tag.

    Never derived from the stack name: a stack called ``prod-eu`` or ``dr`` is still
    whatever its tags say.
    """
    tags = tags_of(props)
    if isinstance(tags, Mapping):
        env = tags.get("Environment")
        if isinstance(env, str) and env:
            return env
    env = (stack_tags or {}).get("Environment")
    return env or None


def matches_any(patterns: Iterable[str], *candidates: str) -> bool:
    return any(fnmatch.fnmatchcase(c, p) for p in patterns for c in candidates if c)


# -- network helpers -----------------------------------------------------------------------

INTERNET_SOURCES = frozenset({"*", "0.0.0.0/0", "::/0", "internet", "any", "0.0.0.0"})


def is_internet_cidr(cidr: Any) -> bool:
    """True for the whole IPv4/IPv6 internet (0.0.0.0/0, ::/0) and Azure's ``*``/``Internet``."""
    if not isinstance(cidr, str):
        return False
    text = cidr.strip().lower()
    if text in INTERNET_SOURCES:
        return True
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False


def port_ranges(spec: Any) -> list[tuple[int, int]] | Any:
    """Azure/AWS port specs (``"22"``, ``"1000-2000"``, ``"*"``, 22) as inclusive ranges."""
    if spec is UNKNOWN:
        return UNKNOWN
    out: list[tuple[int, int]] = []
    for item in as_list(spec):
        if item is UNKNOWN:
            return UNKNOWN
        text = str(item).strip()
        if text in ("*", "", "-1", "all"):
            out.append((0, 65535))
        elif "-" in text:
            lo, _, hi = text.partition("-")
            try:
                out.append((int(lo), int(hi)))
            except ValueError:
                continue
        else:
            try:
                out.append((int(float(text)), int(float(text))))
            except ValueError:
                continue
    return out


def exposed_ports(ranges: Iterable[tuple[int, int]], ports: Iterable[int]) -> list[int]:
    return sorted({p for p in ports for lo, hi in ranges if lo <= p <= hi})


# -- config schema helpers ----------------------------------------------------------------

EXEMPT_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {"type": "string"},
    "default": [],
    "description": "Logical names or URNs (glob patterns) this rule skips; every exemption needs a reason "
                   "in the change that adds it.",
}


def string_list(default: list[str], description: str) -> dict[str, Any]:
    """Config-schema entry for a list of strings with a default."""
    return {"type": "array", "items": {"type": "string"}, "default": default, "description": description}


def environments_schema(default: list[str], what: str) -> dict[str, Any]:
    return string_list(default, f"Environments (the resources' Environment tag) in which {what}.")


def _effective_config(defaults: Mapping[str, Any], given: Mapping[str, Any] | None) -> dict[str, Any]:
    cfg = dict(defaults)
    cfg.update(dict(given or {}))
    return cfg


def _checkov_text(checkov: Sequence[str]) -> str:
    return f" (checkov {', '.join(checkov)})" if checkov else ""


# -- the resource view rules work on --------------------------------------------------------

@dataclass
class Res:
    """One resource as a rule sees it: plain inputs (UNKNOWN marks preview unknowns)."""

    type: str
    name: str
    urn: str
    props: dict[str, Any]
    protect: bool = False
    parent: str | None = None
    provider_props: dict[str, Any] = field(default_factory=dict)
    provider_type: str | None = None
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    stack_tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def tags(self) -> dict[str, Any] | Any:
        return tags_of(self.props)

    @property
    def environment(self) -> str | None:
        return environment_of(self.props, self.stack_tags)

    def get(self, *path: str | int, default: Any = None) -> Any:
        return get(self.props, *path, default=default)


def _provider_of(args: Any) -> tuple[dict[str, Any], str | None]:
    provider = getattr(args, "provider", None)
    if provider is None:
        return {}, None
    return plain(provider.props), provider.resource_type


Check = Callable[[Res, Mapping[str, Any]], Iterable[str]]
StackCheck = Callable[["Graph", Mapping[str, Any]], Iterable[tuple[Res, str]]]


def _rule_setup(rule: Any, *, description: str, resource_types: Sequence[str], checkov: Sequence[str],
                enforcement: EnforcementLevel, config: Mapping[str, Mapping[str, Any]] | None,
                severity: Severity, remediation: str, tags: Sequence[str]) -> dict[str, Any]:
    """Our conventions shared by resource and stack rules: the type filter, checkov
    cross-references, config schema (defaults = the project's settings) with an exemption
    list. Sets them on ``rule`` and returns the keyword arguments for the SDK's constructor."""
    properties = {**(config or {}), "exemptResources": EXEMPT_SCHEMA}
    rule.resource_types = tuple(resource_types)
    rule.checkov = tuple(checkov)
    rule.defaults = {k: v["default"] for k, v in properties.items() if "default" in v}
    return dict(
        description=description + _checkov_text(rule.checkov),
        validate=rule._validate,
        enforcement_level=enforcement,
        config_schema=PolicyConfigSchema(properties={k: dict(v) for k, v in properties.items()}),
        severity=severity,
        remediation_steps=remediation,
        tags=[*tags, *(f"checkov:{c}" for c in rule.checkov)],
    )


class ResourceRule(ResourceValidationPolicy):
    """A resource policy with our conventions: a type filter, a config schema whose defaults
    are the project's settings, an exemption list, checkov cross-references, and unknown-safe
    properties. ``check(res, config)`` yields one message per problem."""

    def __init__(
        self,
        *,
        name: str,
        description: str,
        check: Check,
        resource_types: Sequence[str],
        severity: Severity,
        remediation: str,
        checkov: Sequence[str] = (),
        enforcement: EnforcementLevel = MANDATORY,
        config: Mapping[str, Mapping[str, Any]] | None = None,
        applies: Callable[[str], bool] | None = None,
        tags: Sequence[str] = (),
    ) -> None:
        self._check = check
        settings = _rule_setup(self, description=description, resource_types=resource_types, checkov=checkov,
                               enforcement=enforcement, config=config, severity=severity,
                               remediation=remediation, tags=tags)
        self._applies = applies or (lambda t: any(fnmatch.fnmatchcase(t, p) for p in self.resource_types))
        super().__init__(name=name, **settings)

    def applies_to(self, resource_type: str) -> bool:
        return self._applies(resource_type)

    def _validate(self, args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if not self._applies(args.resource_type):
            return
        cfg = _effective_config(self.defaults, args.get_config())
        if matches_any(cfg.get("exemptResources") or [], args.name, args.urn):
            return
        provider_props, provider_type = _provider_of(args)
        res = Res(
            type=args.resource_type, name=args.name, urn=args.urn, props=plain(args.props),
            protect=bool(getattr(args.opts, "protect", False)), parent=getattr(args.opts, "parent", None),
            provider_props=provider_props, provider_type=provider_type, stack_tags=args.stack_tags,
        )
        try:
            for message in self._check(res, cfg):
                report_violation(message, None)
        except UnknownValueError:
            return  # a value this rule needs is unknown until the update: nothing to prove yet


class StackRule(StackValidationPolicy):
    """A stack policy over the whole resource graph; ``check(graph, config)`` yields
    (offending resource, message) pairs."""

    def __init__(
        self,
        *,
        name: str,
        description: str,
        check: StackCheck,
        resource_types: Sequence[str],
        severity: Severity,
        remediation: str,
        checkov: Sequence[str] = (),
        enforcement: EnforcementLevel = MANDATORY,
        config: Mapping[str, Mapping[str, Any]] | None = None,
        tags: Sequence[str] = (),
    ) -> None:
        self._check = check
        super().__init__(name=name, **_rule_setup(
            self, description=description, resource_types=resource_types, checkov=checkov,
            enforcement=enforcement, config=config, severity=severity, remediation=remediation, tags=tags))

    def applies_to(self, resource_type: str) -> bool:
        return any(fnmatch.fnmatchcase(resource_type, p) for p in self.resource_types)

    def _validate(self, args: StackValidationArgs, report_violation: ReportViolation) -> None:
        cfg = _effective_config(self.defaults, args.get_config())
        graph = Graph.from_policy_resources(args.resources, args.stack_tags)
        exempt = cfg.get("exemptResources") or []
        try:
            for res, message in self._check(graph, cfg):
                if not matches_any(exempt, res.name, res.urn):
                    report_violation(message, res.urn)
        except UnknownValueError:
            return


# -- the stack graph -------------------------------------------------------------------

class _StackRes(Res):
    """A stack resource as a rule sees it, its inputs (and its provider's) made plain on first
    use: a stack rule reads a few types, and converting every resource's properties for each
    of the pack's stack rules was most of their time."""

    def __init__(self, r: Any, stack_tags: Mapping[str, str]) -> None:
        provider = getattr(r, "provider", None)
        self._source, self._provider = r, provider
        self.type, self.name, self.urn = r.resource_type, r.name, r.urn
        self.protect = bool(getattr(r.opts, "protect", False))
        self.parent = r.parent.urn if getattr(r, "parent", None) is not None else getattr(r.opts, "parent", None)
        self.provider_type = provider.resource_type if provider is not None else None
        self.dependencies = [d.urn for d in (r.dependencies or [])]
        self.property_dependencies = {k: [d.urn for d in v] for k, v in (r.property_dependencies or {}).items()}
        self.stack_tags = stack_tags

    @functools.cached_property
    def props(self) -> dict[str, Any]:  # type: ignore[override]
        return plain(self._source.props)

    @functools.cached_property
    def provider_props(self) -> dict[str, Any]:  # type: ignore[override]
        return plain(self._provider.props) if self._provider is not None else {}


class Graph:
    """Every resource of the stack, indexed by URN, with dependency look-ups.

    References between resources (a public-access block's ``bucket``, a node group's
    ``nodeRoleArn``) are resolved through the engine's property dependencies first -- they
    are known even in a preview, when ids are not -- and through known values second.
    """

    def __init__(self, resources: list[Res], stack_tags: Mapping[str, str] | None = None) -> None:
        self.resources = resources
        self.stack_tags = dict(stack_tags or {})
        self.by_urn = {r.urn: r for r in resources}
        self._env: str | None | _Unknown = UNKNOWN

    @classmethod
    def from_policy_resources(cls, resources: Iterable[Any], stack_tags: Mapping[str, str] | None) -> Graph:
        return cls([_StackRes(r, stack_tags or {}) for r in resources], stack_tags)

    def of_type(self, *types: str) -> list[Res]:
        return [r for r in self.resources if r.type in types]

    def deps(self, res: Res, prop: str, *types: str) -> list[Res]:
        """Resources that ``res``'s input ``prop`` was computed from (optionally of ``types``)."""
        found = [self.by_urn[u] for u in res.property_dependencies.get(prop, []) if u in self.by_urn]
        return [r for r in found if not types or r.type in types]

    def referrers(self, target: Res, prop: str, *types: str) -> list[Res]:
        """Resources of ``types`` whose input ``prop`` depends on ``target``."""
        return [r for r in self.of_type(*types) if target.urn in r.property_dependencies.get(prop, [])]

    def environment(self, res: Res | None = None) -> str | None:
        """``res``'s Environment tag, else the stack's: its Environment stack tag or the value
        most resources carry."""
        if res is not None:
            own = environment_of(res.props, {})
            if own:
                return own
        if self._env is UNKNOWN:
            env = self.stack_tags.get("Environment")
            if not env:
                seen = Counter(e for e in (environment_of(r.props, {}) for r in self.resources) if e)
                env = seen.most_common(1)[0][0] if seen else None
            self._env = env
        return self._env  # type: ignore[return-value]


def severity_name(severity: Severity | None) -> str:
    return severity.value if severity is not None else "unspecified"
