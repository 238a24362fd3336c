"""``--set KEY=VALUE`` reads keys and values as ``pulumi config set --path`` does."""

import pytest

from tools.engine import PlanError, load_stack_config, parse_key_path, parse_value


def test_bracket_index_addresses_a_list_item():
    config = load_stack_config("dev", ["twincloud:eks.nodeGroups[0].minSize=2"])
    assert config["twincloud:eks"]["nodeGroups"][0]["minSize"] == 2
    assert config["twincloud:eks"]["nodeGroups"][0]["name"] == "general"


def test_dotted_index_addresses_a_list_item_too():
    config = load_stack_config("dev", ["twincloud:eks.nodeGroups.1.maxSize=5"])
    assert config["twincloud:eks"]["nodeGroups"][1]["maxSize"] == 5


def test_quoted_key_may_contain_dots():
    assert parse_key_path('twincloud:eks.nodeGroups[1].labels["twincloud.io/capacity"]') == (
        "twincloud:eks", ["nodeGroups", 1, "labels", "twincloud.io/capacity"])


def test_key_without_namespace_is_a_twincloud_key():
    assert parse_key_path("vpc.cidr") == ("twincloud:vpc", ["cidr"])
    assert parse_key_path("aws:region") == ("aws:region", [])


def test_unparseable_key_path_is_a_clear_error():
    with pytest.raises(PlanError, match="cannot parse the key path"):
        parse_key_path("twincloud:vpc..cidr")


@pytest.mark.parametrize("raw, value", [
    ("true", True), ("false", False), ("3", 3), ("[a, b]", ["a", "b"]), ("{}", {}), ("null", None),
    ("1.35", "1.35"), ("7.0", "7.0"), ("yes", "yes"), ("2024-01-01", "2024-01-01"), ('"12"', "12"),
    ("10.0.0.0/16", "10.0.0.0/16"), ("", ""),
])
def test_values_are_typed_like_pulumi_config_set_path(raw, value):
    assert parse_value(raw) == value and type(parse_value(raw)) is type(value)


def test_kubernetes_version_override_stays_a_string():
    # YAML would read 1.35 as a float, which the schema (rightly) rejects for a version.
    assert load_stack_config("dev", ["twincloud:eks.version=1.35"])["twincloud:eks"]["version"] == "1.35"
