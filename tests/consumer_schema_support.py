"""Check rendered Alloy, Loki and Tempo configs against the schemas derived from upstream source.

``tests/data/consumer_schemas/*.json`` is written by ``tools/consumer_schemas.py`` from the Go
struct tags at the pinned tags (each field keeps its ``path:line``). This module holds:

* ``parse_alloy``: a parser for the Alloy configuration syntax (blocks, attributes, and the
  expressions our renderer writes: literals, lists, objects, references, calls, ``+``), so the
  check sees the document's real structure, not the renderer's own data;
* ``check_alloy`` / ``check_yaml``: every block and attribute (and its kind) or YAML field must
  exist in the pinned version's schema; the problems come back as readable strings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).resolve().parent / "data" / "consumer_schemas"


@lru_cache(maxsize=None)
def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.json").read_text())


# -- Alloy syntax ------------------------------------------------------------------------

@dataclass
class Attr:
    name: str
    value: Any
    line: int


@dataclass
class AlloyBlock:
    name: str
    label: str | None
    line: int
    body: list["Attr | AlloyBlock"] = field(default_factory=list)


TOKEN = re.compile(r"""
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<newline>\n)
  | (?P<space>[ \t\r]+)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/%^<>!=])
  | (?P<punct>[{}\[\](),.])
""", re.X | re.S)


class AlloySyntaxError(ValueError):
    pass


def tokenize(text: str) -> list[tuple[str, str, int]]:
    out, pos, line = [], 0, 1
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise AlloySyntaxError(f"line {line}: unexpected character {text[pos]!r}")
        kind = m.lastgroup
        if kind not in ("space", "comment"):
            out.append((kind, m.group(), line))
        line += m.group().count("\n")
        pos = m.end()
    out.append(("eof", "", line))
    return out


class _Parser:
    def __init__(self, text: str):
        self.toks = tokenize(text)
        self.i = 0

    def peek(self, skip_newlines: bool = False) -> tuple[str, str, int]:
        j = self.i
        while skip_newlines and self.toks[j][0] == "newline":
            j += 1
        return self.toks[j]

    def take(self, kind: str | None = None, value: str | None = None, skip_newlines: bool = False):
        if skip_newlines:
            self.skip_newlines()
        tok = self.toks[self.i]
        if (kind and tok[0] != kind) or (value is not None and tok[1] != value):
            raise AlloySyntaxError(f"line {tok[2]}: expected {value or kind}, got {tok[1]!r}")
        self.i += 1
        return tok

    def skip_newlines(self) -> None:
        while self.toks[self.i][0] == "newline":
            self.i += 1

    # body := (attribute | block) separated by newlines
    def body(self, closing: str | None) -> list:
        items: list = []
        while True:
            self.skip_newlines()
            kind, value, line = self.peek()
            if closing is None and kind == "eof":
                return items
            if closing is not None and value == closing:
                self.i += 1
                return items
            items.append(self.statement())
            nxt = self.peek()
            if nxt[0] not in ("newline", "eof") and nxt[1] != closing:
                raise AlloySyntaxError(f"line {nxt[2]}: expected a newline after a statement, got {nxt[1]!r}")

    def statement(self):
        _, name, line = self.take("ident")
        parts = [name]
        while self.peek()[1] == ".":
            self.i += 1
            parts.append(self.take("ident")[1])
        dotted = ".".join(parts)
        nxt = self.peek()
        if nxt[1] == "=" and len(parts) == 1:
            self.i += 1
            return Attr(dotted, self.expr(), line)
        label = None
        if nxt[0] == "string":
            label = json.loads(self.take("string")[1])
        self.take("punct", "{")
        return AlloyBlock(dotted, label, line, self.body("}"))

    # expressions: enough of the grammar for literals, lists, objects, references, calls, binary ops
    def expr(self):
        left = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] not in ("!",):
            op = self.take("op")[1]
            left = ("binop", op, left, self.unary())
        return left

    def unary(self):
        if self.peek()[1] in ("!", "-"):
            op = self.take("op")[1]
            return ("unary", op, self.unary())
        return self.postfix(self.primary())

    def primary(self):
        kind, value, line = self.peek()
        if kind == "string":
            self.i += 1
            return json.loads(value)
        if kind == "number":
            self.i += 1
            return float(value) if "." in value or "e" in value.lower() else int(value)
        if kind == "ident":
            self.i += 1
            if value in ("true", "false"):
                return value == "true"
            if value == "null":
                return None
            return ("ref", value)
        if value == "[":
            self.i += 1
            items = []
            while self.peek(True)[1] != "]":
                self.skip_newlines()
                items.append(self.expr())
                self.skip_newlines()
                if self.peek()[1] == ",":
                    self.i += 1
                elif self.peek(True)[1] != "]":
                    raise AlloySyntaxError(f"line {self.peek()[2]}: expected ',' or ']' in a list")
            self.take(value="]", skip_newlines=True)
            return items
        if value == "{":
            self.i += 1
            obj = {}
            while self.peek(True)[1] != "}":
                self.skip_newlines()
                k_kind, key, k_line = self.take()
                if k_kind not in ("ident", "string"):
                    raise AlloySyntaxError(f"line {k_line}: object key must be a name or string, got {key!r}")
                self.take("op", "=")
                obj[json.loads(key) if k_kind == "string" else key] = self.expr()
                self.skip_newlines()
                if self.peek()[1] == ",":
                    self.i += 1
                elif self.peek(True)[1] != "}":
                    raise AlloySyntaxError(f"line {self.peek()[2]}: expected ',' or '}}' in an object")
            self.take(value="}", skip_newlines=True)
            return obj
        if value == "(":
            self.i += 1
            inner = self.expr()
            self.take(value=")")
            return inner
        raise AlloySyntaxError(f"line {line}: expected an expression, got {value!r}")

    def postfix(self, node):
        while True:
            value = self.peek()[1]
            if value == "." and isinstance(node, tuple) and node[0] == "ref":
                self.i += 1
                node = ("ref", f"{node[1]}.{self.take('ident')[1]}")
            elif value == "(":
                self.i += 1
                args = []
                while self.peek(True)[1] != ")":
                    self.skip_newlines()
                    args.append(self.expr())
                    if self.peek(True)[1] == ",":
                        self.take(value=",", skip_newlines=True)
                self.take(value=")", skip_newlines=True)
                node = ("call", node, args)
            elif value == "[":
                self.i += 1
                index = self.expr()
                self.take(value="]")
                node = ("index", node, index)
            else:
                return node


def parse_alloy(text: str) -> list[AlloyBlock]:
    """The top-level blocks of an Alloy document (attributes at the top level are an error)."""
    items = _Parser(text).body(None)
    for item in items:
        if isinstance(item, Attr):
            raise AlloySyntaxError(f"line {item.line}: attribute {item.name!r} outside any block")
    return items


def _check_alloy_body(items: list, type_key: str | None, where: str, types: dict) -> list[str]:
    if type_key is None:
        return [f"{where}: the schema has no fields for this block"] if items else []
    fields = types[type_key]["fields"]
    problems, seen = [], {}
    for item in items:
        spec = fields.get(item.name)
        is_block = isinstance(item, AlloyBlock)
        what = "block" if is_block else "attribute"
        here = f"{where} > {item.name}"
        if spec is None:
            problems.append(f"{here} (line {item.line}): no {what} {item.name!r} in {type_key} "
                            f"({types[type_key]['at']})")
            continue
        if is_block != (spec["kind"] == "block"):
            problems.append(f"{here} (line {item.line}): written as a {what} but {item.name!r} is "
                            f"{'a block' if spec['kind'] == 'block' else 'an attribute'} ({spec['at']})")
            continue
        seen[item.name] = seen.get(item.name, 0) + 1
        if is_block and spec["shape"] != "list" and seen[item.name] > 1:
            problems.append(f"{here} (line {item.line}): block {item.name!r} may appear once ({spec['at']})")
        if is_block:
            problems += _check_alloy_body(item.body, spec["type"], here, types)
    for name, spec in fields.items():
        if spec.get("required") and name not in seen:
            problems.append(f"{where}: required {'block' if spec['kind'] == 'block' else 'attribute'} "
                            f"{name!r} missing ({spec['at']})")
    return problems


def check_alloy(text: str) -> list[str]:
    """Problems of an Alloy document against the pinned Alloy's component argument schemas."""
    s = schema("alloy")
    problems = []
    for block in parse_alloy(text):
        component = s["components"].get(block.name)
        where = f"{block.name}{f' {json.dumps(block.label)}' if block.label else ''}"
        if component is None:
            problems.append(f"{where} (line {block.line}): no component or config block {block.name!r} in "
                            f"the schema ({s['source']}); add it to ALLOY_COMPONENTS in tools/consumer_schemas.py")
            continue
        if (block.label is None) != (component["registered"] == "config block"):
            problems.append(f"{where} (line {block.line}): "
                            f"{'a component needs a label' if block.label is None else 'a config block takes no label'}")
        problems += _check_alloy_body(block.body, component["type"], where, s["types"])
    return problems


# -- YAML (Loki, Tempo) ------------------------------------------------------------------

def _check_yaml(value: Any, type_key: str | None, where: str, s: dict) -> list[str]:
    if not isinstance(value, dict):
        if isinstance(value, list):
            return [p for i, v in enumerate(value) for p in _check_yaml(v, type_key, f"{where}[{i}]", s)]
        return []  # scalars: custom unmarshalers (durations, DayTime, CSV lists) decide their form
    open_map = s.get("open_maps", {}).get(where.lstrip("."))
    if open_map is not None:
        problems = []
        for key, inner in value.items():
            if key not in open_map:
                problems.append(f"{where}.{key}: not one of the known keys {sorted(open_map)}")
            else:
                problems += _check_yaml(inner, open_map[key], f"{where}.{key}", s)
        return problems
    if type_key is None or not s["types"][type_key]["fields"]:
        return [f"{where}: the schema knows no fields here (a scalar or an unresolved type), got a mapping"]
    t = s["types"][type_key]
    problems = []
    for key, inner in value.items():
        spec = t["fields"].get(key)
        if spec is None:
            problems.append(f"{where}.{key}: no field {key!r} in {type_key} ({t['at']})")
        elif f"{where}.{key}".lstrip(".") in s.get("open_maps", {}):
            problems += _check_yaml(inner, None, f"{where}.{key}", s)
        elif spec["shape"] == "map":
            continue  # map[string]X: any key
        else:
            problems += _check_yaml(inner, spec["type"], f"{where}.{key}", s)
    return problems


def check_yaml(name: str, config: dict) -> list[str]:
    """Problems of a Loki or Tempo config (as data) against the pinned version's struct tags."""
    s = schema(name)
    return _check_yaml(config, s["root"], "", s)
