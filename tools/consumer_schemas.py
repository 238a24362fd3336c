"""Derive the config schemas of Alloy, Loki and Tempo from their Go source at the pinned tags.

No registry ships a parser for these configs (no PyPI/npm/Debian package of Alloy, Loki or
Tempo; Debian's ``loki`` is an unrelated genetics program), so the allowed fields come from
the struct tags that the programs decode their configuration with:

* Alloy: each component's ``Arguments`` struct (``alloy:"name,attr"`` / ``alloy:"name,block"``,
  ``,squash`` inlines a struct, ``,enum`` makes ``name.<sub>`` blocks), plus the top-level
  ``logging`` block;
* Loki and Tempo: the root ``Config`` struct and everything it reaches through ``yaml:"..."``
  tags (``,inline`` inlines), following imports into ``vendor/`` (dskit, OpenTelemetry);
  Tempo's receivers are OpenTelemetry collector configs read with ``mapstructure`` tags.

Every field keeps the ``path:line`` it was read from, at the tag. The result is committed as
``tests/data/consumer_schemas/{alloy,loki,tempo}.json`` and read by
``tests/test_consumer_schemas.py``. Refresh after bumping a pin in ``components/versions.py``:

    # fetch (or git clone) grafana/alloy, grafana/loki and grafana/tempo, then
    .venv/bin/python -m tools.consumer_schemas --alloy DIR --loki DIR --tempo DIR

(``DIR`` is a git directory or checkout holding the tag; the tags are read from the pins.)
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from components.versions import CHARTS

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "consumer_schemas"

# The Alloy components and top-level blocks the renderer (components/monitoring/alloy_config.py)
# may use; add a name here when the renderer starts using a new component.
ALLOY_COMPONENTS = (
    "discovery.kubernetes", "discovery.relabel", "local.file_match", "loki.source.file", "loki.process",
    "loki.write", "otelcol.receiver.otlp", "otelcol.processor.batch", "otelcol.exporter.otlp",
    "prometheus.scrape", "prometheus.remote_write",
)
ALLOY_CONFIG_BLOCKS = {"logging": ("internal/runtime/logging", "Options")}
LOKI_ROOT = ("pkg/loki", "Config")
TEMPO_ROOT = ("cmd/tempo/app", "Config")
# Tempo's distributor.receivers is map[string]interface{} handed to the OpenTelemetry
# collector's receiver factories; the OTLP receiver's config is read with mapstructure tags.
TEMPO_RECEIVERS = {"otlp": ("vendor/go.opentelemetry.io/collector/receiver/otlpreceiver", "Config")}

TYPE_DECL = re.compile(r"^type\s+(\w+)(?:\[[^\]]*\])?\s+(=\s*)?(.+?)\s*$")
FIELD = re.compile(r"^\s*(?:(\w+)\s+)?([^`/]+?)\s*`([^`]*)`")
UNTAGGED = re.compile(r"^\s*(\w+)\s+([\w.*\[\]]+)\s*(?://.*)?$")
IMPORT_LINE = re.compile(r'^\s*(?:(\w+|_|\.)\s+)?"([^"]+)"')
BUILTIN = {"string", "bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
           "uint64", "float32", "float64", "byte", "rune", "error", "any", "interface{}", "uintptr"}


@dataclass
class Repo:
    """A git directory at one tag, read with ``git show``."""

    gitdir: Path
    tag: str
    module: str = ""
    _files: dict[str, list[str]] = field(default_factory=dict)
    _dirs: dict[str, list[str]] = field(default_factory=dict)

    def git(self, *args: str) -> str:
        return subprocess.run(["git", "-C", str(self.gitdir), *args], check=True, capture_output=True,
                              text=True).stdout

    @property
    def commit(self) -> str:
        return self.git("rev-parse", f"{self.tag}^{{commit}}").strip()

    def lines(self, path: str) -> list[str]:
        if path not in self._files:
            self._files[path] = self.git("show", f"{self.tag}:{path}").splitlines()
        return self._files[path]

    def go_files(self, directory: str) -> list[str]:
        if directory not in self._dirs:
            try:
                names = self.git("ls-tree", "--name-only", f"{self.tag}:{directory}").split()
            except subprocess.CalledProcessError:
                names = []
            self._dirs[directory] = [f"{directory}/{n}" for n in names
                                     if n.endswith(".go") and not n.endswith("_test.go")]
        return self._dirs[directory]


@dataclass
class Extractor:
    """Walks Go struct types from a root, following struct tags of one kind (alloy/yaml/mapstructure)."""

    repo: Repo
    types: dict[str, dict] = field(default_factory=dict)

    # -- Go source lookup ------------------------------------------------------------------
    def imports(self, path: str) -> dict[str, str]:
        out, in_block = {}, False
        for line in self.repo.lines(path):
            s = line.strip()
            if s.startswith("import ("):
                in_block = True
                continue
            if in_block and s == ")":
                break
            if in_block or s.startswith("import "):
                m = IMPORT_LINE.match(s.removeprefix("import "))
                if m:
                    alias, ipath = m.groups()
                    name = alias or re.sub(r"^v\d+$", "", ipath.rsplit("/", 1)[-1]) or ipath.rsplit("/", 2)[-2]
                    out[name.replace("-", "_")] = ipath
                if not in_block:
                    continue
        return out

    def package_dir(self, import_path: str) -> str | None:
        if self.repo.module and (import_path == self.repo.module or import_path.startswith(self.repo.module + "/")):
            return import_path[len(self.repo.module):].lstrip("/")
        vendored = f"vendor/{import_path}"
        return vendored if self.repo.go_files(vendored) else None

    def find_type(self, directory: str, name: str) -> tuple[str, int, str, str] | None:
        """(path, line index, declaration kind 'struct'|'alias', rest) of ``type name`` in a package."""
        for path in self.repo.go_files(directory):
            grouped = False  # inside a `type ( ... )` group, declarations are indented one tab
            for i, line in enumerate(self.repo.lines(path)):
                grouped = (grouped or line.startswith("type (")) and line != ")"
                if grouped and line.startswith(f"\t{name} "):
                    line = "type " + line[1:]
                if line.startswith(f"type {name} ") or line.startswith(f"type {name}["):
                    m = TYPE_DECL.match(line)
                    if m and m.group(3).startswith("struct"):
                        return path, i, "struct", ""
                    if m:
                        return path, i, "alias", m.group(3)
        return None

    def resolve(self, type_expr: str, path: str) -> tuple[str, str] | None:
        """The (package dir, type name) a field type names, or None (builtin, map, external)."""
        t = type_expr.strip()
        while t.startswith(("*", "[]")) or re.match(r"^\[\d+\]", t):
            t = re.sub(r"^(\*|\[\]|\[\d+\])", "", t)
        if t.startswith(("map[", "func", "chan", "interface")) or t in BUILTIN:
            return None
        t = t.split("[", 1)[0]  # generic instantiation
        directory = path.rsplit("/", 1)[0]
        if "." in t:
            alias, name = t.split(".", 1)
            ipath = self.imports(path).get(alias)
            if ipath is None:
                return None
            directory = self.package_dir(ipath)
            if directory is None:
                return None
            return directory, name
        return directory, t

    @staticmethod
    def shape(type_expr: str) -> str:
        t = type_expr.strip().lstrip("*")
        if t.startswith("[]"):
            return "list"
        if t.startswith("map["):
            return "map"
        return "value"

    # -- tags ------------------------------------------------------------------------------
    def struct_fields(self, directory: str, name: str, tag: str, seen: tuple = ()) -> dict | None:
        """Fields of a struct type: {name: {at, kind, shape, type}}; None when not a struct here."""
        found = self.find_type(directory, name)
        if found is None:
            return None
        path, start, kind, rest = found
        if kind == "alias":
            target = self.resolve(rest, path)
            if target is None or (target in seen):
                return None
            return self.struct_fields(*target, tag, seen + ((directory, name),))
        fields: dict = {}
        lines = self.repo.lines(path)
        depth = 0
        for i in range(start, len(lines)):
            line = lines[i]
            code = line.split("//", 1)[0] if "`" not in line else line
            if i > start and depth == 1:
                self._field(line, path, i, tag, fields, seen + ((directory, name),))
            depth += code.count("{") - code.count("}")
            if i > start and depth <= 0:
                break
        return fields

    def _field(self, line: str, path: str, i: int, tag: str, fields: dict, seen: tuple) -> None:
        m = FIELD.match(line)
        if m:
            go_name, type_expr, tags = m.groups()
            if go_name is None:  # embedded: `Type `tag``
                go_name, type_expr = None, type_expr
        else:
            u = UNTAGGED.match(line)
            if not u or tag == "alloy" or u.group(1) in ("type", "return"):
                return
            go_name, type_expr, tags = u.group(1), u.group(2), ""
        tm = re.search(rf'(?:^|\s){tag}:"([^"]*)"', tags)
        parts = tm.group(1).split(",") if tm else None
        if parts is None:
            if tag == "alloy" or go_name is None:
                return  # alloy: untagged fields are not part of the syntax; embedded w/o tag skipped
            parts = [go_name.lower()]
        key, opts = parts[0], parts[1:]
        if key == "-":
            return
        inline = ("squash" in opts or "inline" in opts) or (tag == "alloy" and key == "" and "squash" in opts)
        target = self.resolve(type_expr, path)
        if inline:
            if target and target not in seen:
                inner = self.struct_fields(*target, tag, seen)
                if inner:
                    fields.update(inner)
            return
        if tag == "alloy":
            kind = next((o for o in opts if o in ("attr", "block", "enum", "label")), "attr")
            if kind == "label":
                return
        else:
            kind = "field"
        entry = {"at": f"{path}:{i + 1}", "kind": kind, "shape": self.shape(type_expr), "type": None}
        if tag == "alloy":
            entry["required"] = "optional" not in opts and kind != "enum"
        if target and target not in seen and kind != "attr":
            tkey = self.walk(*target, tag, seen)
            entry["type"] = tkey
        if kind == "enum":  # `stage` enum of `stage.cri` ... blocks: the element struct's blocks
            inner = self.types.get(entry["type"] or "", {}).get("fields", {})
            for sub, spec in inner.items():
                fields[f"{key}.{sub}"] = {**spec, "kind": "block", "shape": "list", "required": False}
            return
        fields[key] = entry

    def walk(self, directory: str, name: str, tag: str, seen: tuple = ()) -> str | None:
        """Record a struct type (and what it reaches) in ``types``; its key, or None."""
        key = f"{directory}#{name}"
        if key in self.types:
            return key
        found = self.find_type(directory, name)
        if found is None:
            return None
        self.types[key] = {"at": f"{found[0]}:{found[1] + 1}", "fields": {}}
        fields = self.struct_fields(directory, name, tag, seen + ((directory, name),))
        if fields is None:
            del self.types[key]
            return None
        self.types[key]["fields"] = fields
        return key


def alloy_schema(repo: Repo) -> dict:
    ex = Extractor(repo)
    components = {}
    for name in ALLOY_COMPONENTS:
        hit = repo.git("grep", "-n", f'Name: *"{name}"', repo.tag, "--", "internal/component").splitlines()
        if len(hit) != 1:
            raise SystemExit(f"alloy {repo.tag}: expected one registration of {name}, found {hit}")
        _, path, _ = hit[0].split(":", 2)
        text = "\n".join(repo.lines(path))
        args = re.search(rf'Name:\s*"{re.escape(name)}".*?Args:\s*(\w+)\{{\}}', text, re.S)
        if not args:
            raise SystemExit(f"alloy {repo.tag}: no Args type in {path}")
        key = ex.walk(path.rsplit("/", 1)[0], args.group(1), "alloy")
        components[name] = {"registered": f"{path}", "type": key}
    for name, (directory, type_name) in ALLOY_CONFIG_BLOCKS.items():
        components[name] = {"registered": "config block", "type": ex.walk(directory, type_name, "alloy")}
    return {"components": components, "types": ex.types}


def yaml_schema(repo: Repo, root: tuple[str, str], extra_maps: dict[str, dict[str, tuple[str, str]]]) -> dict:
    ex = Extractor(repo)
    root_key = ex.walk(*root, "yaml")
    extras = {}
    for at, entries in extra_maps.items():
        extras[at] = {name: ex.walk(d, t, "mapstructure") for name, (d, t) in entries.items()}
    return {"root": root_key, "open_maps": extras, "types": ex.types}


def module_of(repo: Repo) -> str:
    for line in repo.lines("go.mod"):
        if line.startswith("module "):
            return line.split()[1]
    raise SystemExit("no module line in go.mod")


def build(alloy: Path, loki: Path, tempo: Path) -> dict[str, dict]:
    pins = {"alloy": CHARTS["alloy"].app_version, "loki": "v" + CHARTS["loki"].app_version,
            "tempo": "v" + CHARTS["tempo"].app_version}
    out = {}
    for name, gitdir in (("alloy", alloy), ("loki", loki), ("tempo", tempo)):
        repo = Repo(gitdir, pins[name])
        repo.module = module_of(repo)
        if name == "alloy":
            body = alloy_schema(repo)
        elif name == "loki":
            body = yaml_schema(repo, LOKI_ROOT, {})
        else:
            body = yaml_schema(repo, TEMPO_ROOT, {"distributor.receivers": TEMPO_RECEIVERS})
        out[name] = {"source": f"grafana/{name}@{repo.commit} (tag {repo.tag})",
                     "generator": "tools/consumer_schemas.py", **body}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alloy", type=Path, required=True)
    parser.add_argument("--loki", type=Path, required=True)
    parser.add_argument("--tempo", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, schema in build(args.alloy, args.loki, args.tempo).items():
        target = args.out / f"{name}.json"
        target.write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
        print(f"{target}: {len(schema['types'])} types from {schema['source']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
