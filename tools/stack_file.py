"""Stack files and ``--set``/``--unset`` overrides, read the way Pulumi reads them.

Pulumi reads ``Pulumi.<stack>.yaml`` with go-yaml v3 (``gopkg.in/yaml.v3 v3.0.1`` in
pulumi/pulumi@1b5949891b:sdk/go.mod) and ``pulumi config set --path`` types values with its
own rules. The offline plan must read the same file the same way, so:

- a duplicate mapping key is an error, never a silent override: the YAML spec requires keys
  to be unique, and go-yaml v3 refuses them ("mapping key ... already defined at line N",
  go-yaml/yaml@v3.0.1:decode.go:776);
- plain scalars are typed as go-yaml v3 types them (go-yaml/yaml@v3.0.1:resolve.go:36-60,
  160-260): only ``true/True/TRUE`` and ``false/False/FALSE`` are booleans (``yes``/``on``
  stay text, unlike PyYAML's YAML 1.1), only ``~/null/Null/NULL``/empty are null, integers
  as Go's ``strconv.ParseInt(s, 0, 64)`` after removing ``_`` (``010`` is octal 8, ``0x3``
  is 3), and date-like values stay text;
- config keys are ``<namespace>:<name>`` (pulumi/pulumi@1b5949891b:sdk/go/common/resource/
  config/key.go:45 ``ParseKey``; ``<namespace>:config:<name>`` is the old form of the same);
- ``--set KEY=VALUE`` is ``pulumi config set --path KEY VALUE`` and ``--unset KEY`` is
  ``pulumi config rm --path KEY`` (see :func:`set_path`, :func:`unset_path`).

Every problem is reported as one line naming the file and line (for YAML syntax) or the
config key, through :class:`~stacks.config.base.ConfigError`: exit 2, never a traceback.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import yaml

from stacks.config.base import ConfigError

# -- YAML as go-yaml v3 reads it -----------------------------------------------------------

_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NULL = {"", "~", "null", "Null", "NULL"}
_SPECIAL_FLOATS = {".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
                   ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf,
                   "+.inf": math.inf, "+.Inf": math.inf, "+.INF": math.inf,
                   "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf}
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")  # resolve.go yamlStyleFloat
_TIMESTAMP_START = re.compile(r"[0-9]{4}-")
_GO_INT = re.compile(r"[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)")


def _go_parse_int(text: str) -> int | None:
    """``strconv.ParseInt(text, 0, 64)``: sign, then 0x/0o/0b/leading-0 (octal) or decimal."""
    if not _GO_INT.fullmatch(text):
        return None
    sign = -1 if text[0] == "-" else 1
    digits = text.lstrip("+-")
    if digits[:2].lower() == "0x":
        value = int(digits[2:], 16)
    elif digits[:2].lower() == "0b":
        value = int(digits[2:], 2)
    elif digits[:2].lower() == "0o":
        value = int(digits[2:], 8)
    elif len(digits) > 1 and digits[0] == "0":
        value = int(digits[1:], 8)
    else:
        value = int(digits)
    value *= sign
    return value if -(2**63) <= value < 2**64 else None


def go_yaml_scalar(text: str) -> Any:
    """A plain (unquoted) scalar as go-yaml v3 resolves it for an untyped target."""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text in _NULL:
        return None
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    hint = text[:1]
    if hint == ".":
        try:
            return float(text)
        except ValueError:
            return text
    if hint.isdigit() or hint in "+-":
        if _TIMESTAMP_START.match(text):
            return text  # date-like: kept as written (the schema has no date fields)
        plain = text.replace("_", "")
        number = _go_parse_int(plain)
        if number is not None:
            return number
        if _YAML_STYLE_FLOAT.fullmatch(plain):
            return float(plain)
    return text


class _GoYamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader with go-yaml v3's typing of plain scalars (see module docstring)."""


_GoYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:merge"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_str(loader: _GoYamlLoader, node: yaml.ScalarNode) -> Any:
    value = loader.construct_scalar(node)
    return go_yaml_scalar(value) if node.style is None else value


_GoYamlLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def _key_text(node: yaml.Node) -> str:
    return node.value if isinstance(node, yaml.ScalarNode) else f"<{node.id}>"


def _duplicates(node: yaml.Node, path: str = "") -> list[tuple[int, str, int]]:
    """(line, key path, first line) of every repeated key in every mapping under ``node``."""
    found: list[tuple[int, str, int]] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[tuple[str, str], int] = {}
        for key_node, value_node in node.value:
            key = _key_text(key_node)
            child = f"{path}.{key}" if path else key
            if key_node.tag != "tag:yaml.org,2002:merge":
                ident = (key_node.tag, key)
                if ident in seen:
                    found.append((key_node.start_mark.line + 1, child, seen[ident]))
                else:
                    seen[ident] = key_node.start_mark.line + 1
            found += _duplicates(value_node, child)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += _duplicates(item, f"{path}[{i}]")
    return found


def _enclosing_key(text: str, line: int) -> str:
    """The config key whose block holds ``line`` (1-based), for a syntax error's message."""
    for candidate in reversed(text.splitlines()[: line]):
        m = re.match(r"^ {1,4}([A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+)\s*:", candidate)
        if m:
            return f" (in {m.group(1)})"
    return ""


_TAB_HINT = "; YAML indents with spaces only: replace the tab"


def _syntax_problem(name: str, text: str, error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    what = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    if context:
        what = f"{what} ({context})"
    where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark is not None else name
    hint = _TAB_HINT if "\t" in what or "'\\t'" in what else "; check the indentation and quoting on this line"
    inside = _enclosing_key(text, mark.line + 1) if mark is not None else ""
    return f"{where}{inside}: invalid YAML: {what}{hint}"


def parse_yaml(text: str, name: str) -> Any:
    """YAML text read as Pulumi reads a stack file; ``ConfigError`` for syntax errors and
    duplicate keys (every duplicate at once, each with its line)."""
    try:
        node = yaml.compose(text, Loader=_GoYamlLoader)
    except yaml.YAMLError as e:
        raise ConfigError([_syntax_problem(name, text, e)]) from None
    if node is None:
        return None
    dupes = _duplicates(node)
    if dupes:
        raise ConfigError([f"{name}:{line}: {key.removeprefix('config.')}: duplicate key (first set at line {first}); YAML keys must be "
                           "unique and Pulumi refuses the file: keep one" for line, key, first in dupes])
    try:
        return yaml.load(text, Loader=_GoYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, TypeError, ValueError) as e:  # e.g. an unhashable key ({[a]: 1})
        raise ConfigError([f"{name}: invalid YAML: {e}"]) from None


def qualify(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def config_key_problem(key: Any) -> str | None:
    """Why ``key`` is not a Pulumi config key (``ParseKey``), or None."""
    if not isinstance(key, str):
        return f"{key!r}: config keys are text of the form <namespace>:<name>, e.g. twincloud:vpc"
    parts = key.split(":")
    if len(parts) == 2 and all(parts):
        return None
    if len(parts) == 3 and parts[1] == "config" and parts[0] and parts[2]:
        return None
    return (f"{key}: not a config key; Pulumi reads stack config keys as <namespace>:<name>, "
            "e.g. twincloud:vpc or aws:region")


def read_stack_file(path: Path) -> dict[str, Any]:
    """The ``config:`` of a stack file as ``{qualified key: value}``; ``ConfigError`` listing
    every problem with the file's structure."""
    name = path.name
    doc = parse_yaml(path.read_text(encoding="utf-8"), name)
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ConfigError([f"{name}: the stack file must be a map with a 'config:' key (got {type(doc).__name__} "
                           f"{_preview(doc)}); see Pulumi.dev.yaml"])
    config = doc.get("config")
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise ConfigError([f"{name}: config: must be a map of <namespace>:<name> keys to values (got "
                           f"{type(config).__name__} {_preview(config)}); write 'config:' then indented "
                           "'twincloud:...: ...' lines"])
    problems = [p for p in (config_key_problem(k) for k in config) if p]
    if problems:
        raise ConfigError([f"{name}: config: {p}" for p in problems])
    out: dict[str, Any] = {}
    for key, value in config.items():
        parts = key.split(":")
        out[f"{parts[0]}:{parts[-1]}"] = value
    return out


def _preview(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- pulumi config set --path / rm --path ------------------------------------------------------

def coerce_value(raw: str) -> Any:
    """A value as ``pulumi config set --path`` stores it below a key path: ``true``/``false``
    are booleans; decimal integers without a leading zero are numbers; everything else
    (``010``, ``0x3``, ``1.35``, ``null``, ``yes``) is text
    (pulumi/pulumi@1b5949891b:sdk/go/common/resource/config/object.go:566 ``coerce``)."""
    if raw == "true":
        return True
    if raw == "false":
        return False
    if len(raw) > 1 and raw[0] == "0":
        return raw
    if re.fullmatch(r"[+-]?[0-9]+", raw):
        number = int(raw)
        if -(2**63) <= number < 2**64:  # ParseInt, then ParseUint
            return number
    return raw


def structured_value(raw: str) -> tuple[bool, Any]:
    """Our one addition to ``pulumi config set``: a value written as a YAML flow list or map
    (``[a, b]``, ``{k: v}``, ``[]``, ``{}``) is that list or map (Pulumi would store the text;
    with Pulumi set the items one by one, ``key[0]=a``). Returns (is_structured, value)."""
    text = raw.strip()
    if not (text.startswith("[") and text.endswith("]") or text.startswith("{") and text.endswith("}")):
        return False, raw
    value = parse_yaml(text, f"--set value {raw!r}")
    return True, value


def _path_text(path: list[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def _new_container(accessor: str | int) -> Any:
    # object.go newContainer: an int accessor makes a list of accessor+1 empty items.
    return [None] * (accessor + 1) if isinstance(accessor, int) else {}


def set_path(root: Any, path: list[str | int], value: Any, *, key: str) -> Any:
    """``root`` with ``value`` set at ``path`` as ``object.Set`` does (object.go:278-340): an
    absent container is created from the accessor's kind; at the top level a scalar is
    replaced; deeper, a list where a map is needed (or the reverse) is an error; a list index
    may be at most the list's length (that appends); further is out of range."""
    def walk(obj: Any, rest: list[str | int], prefix: list[str | int]) -> Any:
        if not rest:
            return value
        head = rest[0]
        if obj is None or (not prefix and not isinstance(obj, (list, dict))):
            obj = _new_container(head)
        here = [*prefix, head]
        if isinstance(obj, list):
            if not isinstance(head, int):
                if head.isdigit():  # our shorthand: a.0.b addresses a list item
                    head = int(head)
                else:
                    raise ConfigError([f"--set {key}: {_path_text(here)}: key for a list must be an index, "
                                       f"e.g. [0]"])
            if head > len(obj):
                raise ConfigError([f"--set {key}: {_path_text(here)}: list index out of range (the list has "
                                   f"{len(obj)} items; [{len(obj)}] appends one, as with pulumi config set --path)"])
            obj = list(obj)
            if head == len(obj):
                obj.append(None)
            obj[head] = walk(obj[head], rest[1:], here)
            return obj
        if isinstance(obj, dict):
            if isinstance(head, int):
                raise ConfigError([f"--set {key}: {_path_text(here)}: expected a list here, but the value is a map"])
            obj = dict(obj)
            obj[head] = walk(obj.get(head), rest[1:], here)
            return obj
        kind = "list" if isinstance(head, int) else "map"
        raise ConfigError([f"--set {key}: {_path_text(prefix)}: expected a {kind} here, but the value is "
                           f"{obj!r}"])

    return walk(root, path, [])


def unset_path(root: Any, path: list[str | int]) -> Any:
    """``root`` without the value at ``path``, as ``object.Delete`` does (object.go:210-265):
    a missing key or index is not an error."""
    if not path or root is None:
        return root
    head, rest = path[0], path[1:]
    if isinstance(root, list):
        index = int(head) if isinstance(head, str) and head.isdigit() else head
        if not isinstance(index, int) or not 0 <= index < len(root):
            return root
        out = list(root)
        if rest:
            out[index] = unset_path(out[index], rest)
        else:
            del out[index]
        return out
    if isinstance(root, dict):
        if not isinstance(head, str) or head not in root:
            return root
        out = dict(root)
        if rest:
            out[head] = unset_path(out[head], rest)
        else:
            del out[head]
        return out
    return root
