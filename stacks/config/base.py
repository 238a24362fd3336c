"""Shared pieces of the config schema: the strict base model and error formatting."""

from __future__ import annotations

import ipaddress
import re
from typing import Any, get_args

import pulumi
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo
from pydantic.alias_generators import to_camel

NAMESPACE = "twincloud"


class ConfigError(pulumi.RunError):
    """Stack config does not match the schema. The message lists every problem found,
    each naming the config key, the bad value and what is allowed.

    A ``pulumi.RunError`` so that ``pulumi preview``/``up`` print the message without a
    Python traceback.
    """

    def __init__(self, problems: list[str], parsed: dict[str, Any] | None = None) -> None:
        self.problems = problems
        self.parsed = parsed or {}  # values that did validate (see ``published``), for the program's own checks
        body = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid stack config ({len(problems)} problem{'s' if len(problems) != 1 else ''}):\n{body}")


class Model(BaseModel):
    """Strict config model: camelCase keys in YAML, unknown keys rejected, immutable."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        validate_default=True,
    )


def environment(info: ValidationInfo) -> str:
    """The stack's environment (``dev``/``prod``), passed to validators as context."""
    return (info.context or {}).get("environment", "dev")


def is_prod(info: ValidationInfo) -> bool:
    return environment(info) == "prod"


def parse_cidr(value: str, *, what: str = "CIDR") -> ipaddress.IPv4Network:
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as e:
        raise ValueError(f"{value!r} is not a valid IPv4 {what} ({e}); use a network address like 10.10.0.0/16") from None
    if not isinstance(net, ipaddress.IPv4Network):
        raise ValueError(f"{value!r} is IPv6; an IPv4 {what} is required")
    return net


def published(info: ValidationInfo, key: str) -> Any:
    """A value another section already validated (``vpc.cidr``), or None when it did not
    parse. Sections validate in field order, so a rule about two sections sits on the later
    one and runs whenever the values it needs parsed, whatever else is wrong: every problem
    is reported at once."""
    return ((info.context or {}).get("parsed") or {}).get(key)


def publish(info: ValidationInfo, key: str, value: Any) -> Any:
    """Record a validated value for rules in later sections (see :func:`published`)."""
    if info.context is not None:
        info.context.setdefault("parsed", {})[key] = value
    return value


def is_rfc1918(net: ipaddress.IPv4Network) -> bool:
    from components.facts.catalogs import RFC1918

    return any(net.subnet_of(block) for block in RFC1918)


def private_range(value: str, *, label: str, shortest: int, longest: int, what: str = "CIDR",
                  reserved: tuple[ipaddress.IPv4Network, ...] = (), reserved_by: str = "") -> str:
    """``value`` if it is an RFC 1918 range from /``shortest`` to /``longest`` that does not
    overlap a range ``reserved_by`` reserves."""
    net = parse_cidr(value, what=what)
    if not shortest <= net.prefixlen <= longest or not is_rfc1918(net):
        raise ValueError(f"{label} must be a /{shortest} to /{longest} range inside the RFC 1918 private blocks "
                         "10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16")
    clash = [str(r) for r in reserved if net.overlaps(r)]
    if clash:
        raise ValueError(f"{label} overlaps {', '.join(clash)}, which {reserved_by} reserves; pick another range")
    return value


def _covers_everything(nets: list[ipaddress.IPv4Network]) -> bool:
    """Whether the union of ``nets`` is the whole IPv4 space (0.0.0.0/1 + 128.0.0.0/1 is)."""
    return list(ipaddress.collapse_addresses(nets)) == [ipaddress.ip_network("0.0.0.0/0")]


def api_allow_list(values: list[str], *, fix: str, what: str = "CIDR") -> list[str]:
    """``values`` if they do not open an API to the whole internet, alone or together."""
    nets = [parse_cidr(value, what=what) for value in values]
    if any(n.prefixlen == 0 for n in nets):
        raise ValueError(f"0.0.0.0/0 would open the Kubernetes API to the internet; {fix}")
    if nets and _covers_everything(nets):
        raise ValueError(f"together these ranges cover the whole internet (like 0.0.0.0/0); {fix}")
    return values


def _path(loc: tuple[Any, ...], *, as_written: bool = False) -> str:
    """The config key of ``loc``; ``as_written`` keeps the last part as the user wrote it
    (an unknown key is reported by its own spelling)."""
    parts = [str(p) for p in loc]
    if not parts:
        return f"{NAMESPACE}:"
    head, rest = parts[0], parts[1:]
    key = head if ":" in head else f"{NAMESPACE}:{head}"
    out = key
    for i, p in enumerate(rest):
        if not (as_written and i == len(rest) - 1) and re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", p):
            p = to_camel(p)  # pydantic reports a defaulted field by its Python name, not its alias
        out += f"[{p}]" if p.isdigit() else f".{p}"
    return out


def _shown(value: Any) -> str:
    """The bad value as the user wrote it in YAML (``true``, not ``True``)."""
    if isinstance(value, (dict, list)) or value is None:
        return ""
    if isinstance(value, bool):
        return f" (got {'true' if value else 'false'})"
    return f" (got {value!r})"


def _allowed_keys(model: type[BaseModel] | None, loc: tuple[Any, ...], *, required: bool = False) -> list[str] | None:
    """The keys the model at ``loc`` accepts (only the required ones with ``required``), by alias."""
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            continue  # list item: same model as the list
        field = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
        if field is None:
            return None
        model = _model_in(field.annotation)
    if model is None:
        return None
    return [f.alias or n for n, f in model.model_fields.items() if f.is_required() or not required]


def _meant(key: str, allowed: list[str]) -> str | None:
    """The allowed key a misspelt one stands for: ``az_count`` -> ``azCount``,
    ``aws_region`` -> ``aws:region`` (never accepted in its place)."""
    folded = re.sub(r"[^a-z0-9]", "", key.lower())
    return next((c for c in allowed if c != key and re.sub(r"[^a-z0-9]", "", c.lower()) == folded), None)


def _is_secret(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> bool:
    """Whether ``loc`` is a secret field (its value must never be printed)."""
    from pydantic import SecretStr

    annotation: Any = None
    for part in loc:
        if model is None:
            return False
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            continue
        field = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
        if field is None:
            return False
        annotation, model = field.annotation, _model_in(field.annotation)
    return annotation is not None and "SecretStr" in repr(annotation) or annotation is SecretStr


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


# A model-level rule may name the key it is about: "minSize: must not exceed maxSize".
_KEY_PREFIX = re.compile(r"^([a-z][A-Za-z0-9]*): (.+)$", re.S)


def format_errors(error: ValidationError, model: type[BaseModel] | None = None) -> list[str]:
    """One line per problem: ``twincloud:vpc.cidr: <what is wrong> (got <value>)``.

    ``model`` (the validated model) lets an unknown key's message list the keys allowed there.
    """
    problems = []
    for err in error.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = err["msg"]
        for prefix in ("Value error, ", "Assertion failed, "):
            if msg.startswith(prefix):
                msg = msg[len(prefix):]
        etype = err["type"]
        if not loc:
            # Cross-section rules (StackConfig's model validator) name their own keys,
            # one problem per line.
            problems.extend(line for line in msg.splitlines() if line.strip())
            continue
        if etype == "extra_forbidden":
            allowed = _allowed_keys(model, loc[:-1])
            hint = f"; allowed keys here: {', '.join(allowed)}" if allowed else ""
            meant = _meant(str(loc[-1]), allowed or [])
            fix = f"did you mean {_path((*loc[:-1], meant))}? " if meant else ""
            problems.append(f"{_path(loc, as_written=True)}: unknown key; {fix}remove it or fix its spelling{hint}")
            continue
        if etype == "missing":
            needs = _allowed_keys(model, loc, required=True)
            hint = f"; add it with at least: {', '.join(needs)}" if needs else ""
            problems.append(f"{_path(loc)}: required key is missing{hint}")
            continue
        if etype == "model_type":  # pydantic says "instance of VpcConfig": name the keys instead
            keys = _allowed_keys(model, loc)
            msg = "should be a map of keys" + (f" ({', '.join(keys)})" if keys else "")
        value = err.get("input")
        if isinstance(value, BaseModel):  # a rule on an already-validated section
            value = value.model_dump(mode="json", by_alias=True)
        keyed = _KEY_PREFIX.match(msg)
        if keyed and isinstance(value, dict) and keyed.group(1) in value:
            # A rule over the whole section about one of its keys: report it at that key.
            loc, msg, value = (*loc, keyed.group(1)), keyed.group(2), value[keyed.group(1)]
        if etype == "string_type" and isinstance(value, (int, float)) and not isinstance(value, bool):
            msg += "; write it in quotes in YAML (version: \"1.30\"): unquoted, 1.30 is read as the number 1.3"
        problems.append(f"{_path(loc)}: {msg}{'' if _is_secret(model, loc) else _shown(value)}")
    return problems
