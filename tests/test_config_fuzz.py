"""Property: any mutation of a shipped stack file (types, ranges, structure, duplicate keys, YAML
syntax) ends in exactly one of two ways: a config error (exit 2) whose every line names a key,
file line or stack, or a config the program builds without error. Never a traceback.

The loader and schema run in-process (fast); a mutated config the schema accepts also runs
through the real program under the mock engine, a few per test, as ``tools.plan`` would.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stacks.config import ConfigError, load_config
from tools.engine import ROOT, PlanError, _wire_config, load_stack_config, run_stack_program, run_under_mocks
from tools.stack_file import read_stack_file

STACKS = ("dev", "prod")
TEXT = {s: (ROOT / f"Pulumi.{s}.yaml").read_text() for s in STACKS}
CONFIG = {s: read_stack_file(ROOT / f"Pulumi.{s}.yaml") for s in STACKS}
# Each problem line names what to fix: a config key, a stack file line, the stack, or a --set.
NAMED = re.compile(r"  - (twincloud:[A-Za-z]|aws:[a-z]|[a-z-]+:[A-Za-z]|Pulumi\.\w+\.yaml|stack '|--set )")
HOSTILE = ["", " ", "0.0.0.0/0", "10.0.0.0/8", "169.254.0.0/16", "172.31.0.0/16", "-1", "0", "1e9", "null",
           "PT99H", "0Gi", "general\n", "a" * 300, "Standard_X", "m6i.huge", "x:y", "[", "{}", "yes", "010", "0x3"]
# TWINCLOUD_FUZZ_EXAMPLES=1000 for a longer hunt; the suite runs 40 per test.
SETTINGS = settings(max_examples=int(os.environ.get("TWINCLOUD_FUZZ_EXAMPLES", "40")), deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROGRAM_RUNS = {"budget": int(os.environ.get("TWINCLOUD_FUZZ_PROGRAM_RUNS", "4"))}  # mutated configs the schema accepts that also run the program (each ~1-3 s)

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False, width=32),
                    st.text(max_size=12), st.sampled_from(HOSTILE))
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=6), scalars, max_size=2))


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _mutate(node: Any, path: tuple, op: str, value: Any) -> Any:
    if len(path) == 1:
        if op == "delete":
            return [v for i, v in enumerate(node) if i != path[0]] if isinstance(node, list) else \
                {k: v for k, v in node.items() if k != path[0]}
        if op == "duplicate" and isinstance(node, list):
            return [*node, node[path[0]]]
        if op == "unknown-key" and isinstance(node[path[0]], dict):
            copy = dict(node) if isinstance(node, dict) else list(node)
            copy[path[0]] = {**node[path[0]], "unknownKey": value}
            return copy
        if op == "wrap":
            value = [node[path[0]]]
        copy = dict(node) if isinstance(node, dict) else list(node)
        copy[path[0]] = value
        return copy
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = _mutate(node[path[0]], path[1:], op, value)
    return copy


def _outcome(stack: str, text: str) -> None:
    """The property, for one stack file text."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / f"Pulumi.{stack}.yaml").write_text(text)
        try:
            config = load_stack_config(stack, root=Path(tmp))
            wire, _ = _wire_config(config)
            load_config(wire, stack=stack)
        except (PlanError, ConfigError) as e:
            _assert_names_keys(str(e))
            return
    if PROGRAM_RUNS["budget"] > 0:
        PROGRAM_RUNS["budget"] -= 1
        try:
            resources, _ = run_under_mocks(run_stack_program, stack=stack, config=config)
        except ConfigError as e:  # what only the clouds' answers reveal (AZ count, stack references)
            _assert_names_keys(str(e))
            return
        assert resources, "a config the schema accepts plans resources"


def _assert_names_keys(message: str) -> None:
    lines = message.splitlines()
    assert lines[0].startswith("invalid stack config ("), message
    assert len(lines) > 1 and all(NAMED.match(line) for line in lines[1:] if line.startswith("  - ")), message


@SETTINGS
@given(stack=st.sampled_from(STACKS), data=st.data())
def test_any_structural_mutation_is_a_named_config_error_or_a_valid_config(stack, data):
    config = CONFIG[stack]
    path = data.draw(st.sampled_from(_paths(config)))
    op = data.draw(st.sampled_from(["replace", "replace", "delete", "duplicate", "unknown-key", "wrap"]))
    mutated = _mutate(config, path, op, data.draw(values))
    _outcome(stack, yaml.safe_dump({"config": mutated}, sort_keys=False, allow_unicode=True))


@SETTINGS
@given(stack=st.sampled_from(STACKS), data=st.data())
def test_any_textual_mutation_is_a_named_config_error_or_a_valid_config(stack, data):
    lines = TEXT[stack].splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    op = data.draw(st.sampled_from(["tab", "indent", "dedent", "duplicate", "delete", "insert"]))
    line = lines[i]
    if op == "tab":
        lines[i] = "\t" + line.lstrip(" ")
    elif op == "indent":
        lines[i] = " " * data.draw(st.integers(1, 3)) + line
    elif op == "dedent":
        lines[i] = line[data.draw(st.integers(1, 4)):]
    elif op == "duplicate":
        lines.insert(i, line)  # a duplicate key, or a repeated list item
    elif op == "delete":
        del lines[i]
    else:
        at = data.draw(st.integers(0, len(line)))
        lines[i] = line[:at] + data.draw(st.sampled_from([":", "{", "[", "-", "'", '"', "#", "&a", "*a", "!!int "])) \
            + line[at:]
    _outcome(stack, "\n".join(lines) + "\n")
