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


# pulumi/pulumi@1b5949891b:sdk/go/common/resource/config/object.go:566 (coerce): true/false, and
# decimal integers without a leading zero; all else is text. [..] and {..} are our one addition.
@pytest.mark.parametrize("raw, value", [
    ("true", True), ("false", False), ("3", 3), ("-3", -3), ("+3", 3), ("0", 0),
    ("010", "010"), ("0x3", "0x3"), ("1_000", "1_000"), ("True", "True"), ("null", "null"),
    ("1.35", "1.35"), ("7.0", "7.0"), ("yes", "yes"), ("2024-01-01", "2024-01-01"), ('"12"', '"12"'),
    ("10.0.0.0/16", "10.0.0.0/16"), ("", ""), ("[a, b]", ["a", "b"]), ("{}", {}),
])
def test_values_are_typed_like_pulumi_config_set_path(raw, value):
    assert parse_value(raw) == value and type(parse_value(raw)) is type(value)


def test_kubernetes_version_override_stays_a_string():
    # YAML would read 1.35 as a float, which the schema (rightly) rejects for a version.
    assert load_stack_config("dev", ["twincloud:eks.version=1.35"])["twincloud:eks"]["version"] == "1.35"


def test_index_one_past_the_end_appends_like_pulumi():
    config = load_stack_config("dev", ["twincloud:ecr.repositories[3]=jobs"])
    assert config["twincloud:ecr"]["repositories"] == ["api", "web", "worker", "jobs"]


def test_index_further_past_the_end_is_out_of_range_like_pulumi():
    # object.go Set: "array index out of range" when index > len
    with pytest.raises(PlanError, match=r"nodeGroups\[5\]: list index out of range \(the list has 1 items"):
        load_stack_config("dev", ["twincloud:eks.nodeGroups[5].minSize=1"])


def test_leading_zero_and_hex_values_stay_text():
    config = load_stack_config("dev", ["twincloud:redis.engineVersion=010", "twincloud:vpc.azCount=0x3"])
    assert config["twincloud:redis"]["engineVersion"] == "010"
    assert config["twincloud:vpc"]["azCount"] == "0x3"


def test_null_is_text_and_unset_removes_a_section():
    assert load_stack_config("dev", ["twincloud:redis.engine=null"])["twincloud:redis"]["engine"] == "null"
    config = load_stack_config("dev", unset=["twincloud:redis"])
    assert "twincloud:redis" not in config


def test_unset_path_removes_one_key_and_ignores_missing_ones():
    config = load_stack_config("dev", unset=["twincloud:redis.kubernetesSecret", "twincloud:vpc.nope",
                                             "twincloud:eks.nodeGroups[9]"])
    assert "kubernetesSecret" not in config["twincloud:redis"]
    assert len(config["twincloud:eks"]["nodeGroups"]) == 1


def test_map_where_a_list_is_expected_is_a_clear_error():
    with pytest.raises(PlanError, match=r"twincloud:vpc\[0\].*expected a list here, but the value is a map"):
        load_stack_config("dev", ["twincloud:vpc[0]=x"])
