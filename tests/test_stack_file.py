"""Stack files are read as Pulumi reads them; a file Pulumi would refuse is a config error
(exit 2, one line per problem naming the file, line and key), never a traceback."""

from pathlib import Path

import pytest

from tools.engine import ROOT, PlanError, load_stack_config
from tools.stack_file import go_yaml_scalar

DEV = (ROOT / "Pulumi.dev.yaml").read_text()
PROD = (ROOT / "Pulumi.prod.yaml").read_text()


def load(tmp_path: Path, text: str) -> dict:
    (tmp_path / "Pulumi.t.yaml").write_text(text)
    return load_stack_config("t", root=tmp_path)


def error(tmp_path: Path, text: str) -> str:
    with pytest.raises(PlanError) as e:
        load(tmp_path, text)
    return str(e.value)


def test_a_tab_in_the_indentation_names_the_line_and_the_fix(tmp_path):
    msg = error(tmp_path, DEV.replace("    cidr: 10.10.0.0/16", "\tcidr: 10.10.0.0/16"))
    assert "Pulumi.t.yaml:9:1 (in twincloud:vpc): invalid YAML" in msg
    assert "indents with spaces only: replace the tab" in msg


def test_bad_indentation_names_the_line(tmp_path):
    msg = error(tmp_path, DEV.replace("    azCount: 2", "      azCount: 2"))
    assert "Pulumi.t.yaml:10:14 (in twincloud:vpc): invalid YAML: mapping values are not allowed here" in msg


@pytest.mark.parametrize("text, shown", [("- a\n- b\n", "list ['a', 'b']"), ("hello\n", "str 'hello'")])
def test_a_stack_file_that_is_not_a_map_is_a_config_error(tmp_path, text, shown):
    assert f"the stack file must be a map with a 'config:' key (got {shown})" in error(tmp_path, text)


@pytest.mark.parametrize("text", ["config:\n  - a\n", "config: 3\n", "config: text\n"])
def test_config_that_is_not_a_map_is_a_config_error(tmp_path, text):
    assert "Pulumi.t.yaml: config: must be a map of <namespace>:<name> keys" in error(tmp_path, text)


def test_a_duplicate_key_is_an_error_not_an_override(tmp_path):
    text = PROD.replace("  twincloud:environment: prod\n", "  twincloud:environment: prod\n  twincloud:environment: dev\n")
    msg = error(tmp_path, text)
    assert "Pulumi.t.yaml:6: twincloud:environment: duplicate key (first set at line 5)" in msg


def test_every_nested_duplicate_is_reported_at_once(tmp_path):
    text = DEV.replace("    azCount: 2\n", "    azCount: 2\n    azCount: 3\n").replace(
        "        minSize: 1\n", "        minSize: 1\n        minSize: 2\n")
    msg = error(tmp_path, text)
    assert "invalid stack config (2 problems)" in msg
    assert "twincloud:vpc.azCount: duplicate key" in msg and "twincloud:eks.nodeGroups[0].minSize: duplicate key" in msg


def test_a_key_without_a_namespace_is_refused_like_pulumi(tmp_path):
    msg = error(tmp_path, "config:\n  environment: dev\n")
    assert "environment: not a config key; Pulumi reads stack config keys as <namespace>:<name>" in msg


def test_the_old_config_module_form_of_a_key_is_read(tmp_path):
    assert load(tmp_path, "config:\n  aws:config:region: us-west-2\n") == {"aws:region": "us-west-2"}


def test_an_empty_stack_file_has_no_config(tmp_path):
    assert load(tmp_path, "# nothing yet\n") == {}


# go-yaml/yaml@v3.0.1:resolve.go: what Pulumi's YAML reader makes of plain scalars.
@pytest.mark.parametrize("text, value", [
    ("true", True), ("False", False), ("yes", "yes"), ("on", "on"), ("null", None), ("~", None),
    ("3", 3), ("010", 8), ("0x3", 3), ("1_000", 1000), ("0o17", 15), ("-2", -2), ("1.5", 1.5),
    ("1.35", 1.35), ("2024-01-01", "2024-01-01"), ("10.0.0.0/16", "10.0.0.0/16"), ("1:30", "1:30"),
])
def test_plain_scalars_are_typed_like_go_yaml_v3(text, value):
    assert go_yaml_scalar(text) == value and type(go_yaml_scalar(text)) is type(value)


def test_quoted_scalars_stay_text(tmp_path):
    config = load(tmp_path, 'config:\n  twincloud:tags: {Owner: "010", Backup: yes}\n')
    assert config["twincloud:tags"] == {"Owner": "010", "Backup": "yes"}
