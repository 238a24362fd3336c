"""ElastiCache parameter group and maintenance/snapshot windows: the window maths (plain and
property tests), the plans, bad config, and the prod-elasticache-backups-and-windows rule on
the real planned replication group."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import botocore
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.aws.cache_windows import DAYS, parse_daily, parse_weekly, window_problems
from components.aws.redis import parameter_group_family
from components.facts.aws import ELASTICACHE
from stacks.config.aws_data import ENGINE_VERSIONS
from tests.policy_support import DELETE, messages, with_value
from tests.test_config_schema import one_problem

GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
PARAMS = "aws:elasticache/parameterGroup:ParameterGroup"


# -- window maths ---------------------------------------------------------------------------------

def test_a_weekly_window_may_wrap_the_week():
    assert parse_weekly("sat:23:30-sun:00:30") == (6 * 1440 + 23 * 60 + 30, 7 * 1440 + 30)


def test_a_window_shorter_than_an_hour_is_refused():
    assert window_problems("sun:02:00-sun:02:59", None) == [
        "maintenanceWindow 'sun:02:00-sun:02:59' is 59 minutes; ElastiCache needs at least 60"]
    assert window_problems("sun:02:00-sun:03:00", "05:00-05:30") == [
        "snapshotWindow '05:00-05:30' is 30 minutes; ElastiCache needs at least 60"]


def test_a_snapshot_window_crossing_into_a_wrapped_maintenance_window_overlaps():
    assert "overlaps" in window_problems("sat:23:30-sun:00:30", "00:00-01:00")[0]
    assert window_problems("sat:22:00-sat:23:00", "23:00-00:00") == []  # back to back is fine


times = st.tuples(st.integers(0, 23), st.integers(0, 59))


@given(day=st.sampled_from(DAYS), start=times, length=st.integers(60, 600))
def test_a_snapshot_window_equal_to_the_maintenance_hours_always_overlaps(day, start, length):
    h, m = start
    end = (h * 60 + m + length) % 1440
    weekly_end_day = DAYS[(DAYS.index(day) + (h * 60 + m + length) // 1440) % 7]
    maintenance = f"{day}:{h:02d}:{m:02d}-{weekly_end_day}:{end // 60:02d}:{end % 60:02d}"
    snapshot = f"{h:02d}:{m:02d}-{end // 60:02d}:{end % 60:02d}"
    assert parse_daily(snapshot)[1] - parse_daily(snapshot)[0] == length
    assert any("overlaps" in p for p in window_problems(maintenance, snapshot))


# -- parameter group family -----------------------------------------------------------------------

def _botocore_families() -> set[str]:
    model = sorted((Path(botocore.__file__).parent / "data" / "elasticache").iterdir())[-1] / "service-2.json.gz"
    doc = json.loads(gzip.open(model).read())["shapes"]["CreateCacheParameterGroupMessage"]["members"][
        "CacheParameterGroupFamily"]["documentation"]
    return set(re.findall(r"[a-z]+\d[\w.]*", doc.split("Valid values are:")[1]))


def test_every_engine_version_config_allows_has_a_family_botocore_lists():
    families = _botocore_families()
    for engine, versions in ENGINE_VERSIONS.items():
        for version in versions:
            assert parameter_group_family(engine, version) in families, (engine, version)
    assert set(ELASTICACHE["parameter_group_families"].value) == set(ENGINE_VERSIONS)


def test_prod_group_uses_its_own_parameter_group_of_the_pinned_family(prod_plan):
    group = prod_plan.one(GROUP)
    params = prod_plan.one(PARAMS)
    assert params.inputs["family"] == "redis7" and group.inputs["engineVersion"] == "7.1"
    assert group.inputs["parameterGroupName"] == params.outputs.get("name", params.inputs.get("name"))


def test_prod_group_has_its_windows_and_keeps_two_weeks_of_snapshots(prod_plan):
    group = prod_plan.one(GROUP)
    assert (group.inputs["maintenanceWindow"], group.inputs["snapshotWindow"],
            group.inputs["snapshotRetentionLimit"]) == ("sun:02:00-sun:03:00", "00:00-01:00", 14)


def test_config_parameters_reach_the_parameter_group():
    from tests.support import plan

    p = plan("dev", "twincloud:redis.parameters={\"maxmemory-policy\": \"allkeys-lru\"}")
    assert p.one(PARAMS).inputs["parameters"] == [{"name": "maxmemory-policy", "value": "allkeys-lru"}]


# -- bad config -----------------------------------------------------------------------------------

def test_a_malformed_maintenance_window_names_the_key_and_format():
    msg = one_problem("dev", "twincloud:redis.maintenanceWindow=sunday 2am")
    assert msg.startswith("twincloud:redis.maintenanceWindow: ") and "ddd:hh24:mi-ddd:hh24:mi" in msg


def test_overlapping_windows_are_refused_on_the_snapshot_window():
    msg = one_problem("prod", "twincloud:redis.snapshotWindow=01:30-02:30")
    assert msg.startswith("twincloud:redis.snapshotWindow: ") and "overlaps maintenanceWindow" in msg


def test_cluster_enabled_cannot_be_set_as_a_parameter():
    msg = one_problem("dev", "twincloud:redis.parameters={\"cluster-enabled\": \"yes\"}")
    assert msg.startswith("twincloud:redis.parameters: ") and "cluster mode disabled" in msg


# -- the rule ------------------------------------------------------------------------------------------

def test_shipped_prod_group_passes_the_backup_rule(prod_plan):
    assert messages([prod_plan.one(GROUP)], "prod-elasticache-backups-and-windows") == []


@pytest.mark.parametrize("path, value, expected", [
    (("snapshotRetentionLimit",), 0, "prod: snapshotRetentionLimit is 0: automatic backups are off or kept under "
                                     "1 days; set twincloud:redis.snapshotRetentionDays"),
    (("maintenanceWindow",), DELETE, "prod: no maintenanceWindow: ElastiCache patches at a random hour; set "
                                     "twincloud:redis.maintenanceWindow"),
])
def test_prod_group_without_backups_or_windows_is_reported(prod_plan, path, value, expected):
    mutated = with_value(prod_plan.one(GROUP), path, value)
    assert messages([mutated], "prod-elasticache-backups-and-windows") == [expected]


def test_dev_group_is_not_held_to_the_prod_rule(dev_plan):
    mutated = with_value(dev_plan.one(GROUP), ("snapshotRetentionLimit",), 0)
    assert messages([mutated], "prod-elasticache-backups-and-windows") == []
