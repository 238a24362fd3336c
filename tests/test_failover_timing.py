"""Failover timing maths (pure helpers)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.aws.failover_timing import (
    ALIAS_TARGET_TTL_SECONDS,
    REQUEST_INTERVALS,
    detection_seconds,
    failover_detection_seconds,
    settings_within_rto,
)

intervals = st.sampled_from(REQUEST_INTERVALS)
thresholds = st.integers(min_value=1, max_value=10)


@given(intervals, thresholds, st.integers(min_value=0, max_value=3600))
def test_failover_time_is_detection_plus_cached_ttl(interval, threshold, ttl):
    assert failover_detection_seconds(interval, threshold, ttl) == interval * threshold + ttl


def test_alias_records_add_the_fixed_60_second_ttl():
    assert ALIAS_TARGET_TTL_SECONDS == 60
    assert failover_detection_seconds(30, 3) == 150


@given(intervals, thresholds, thresholds)
def test_more_failures_never_fail_over_sooner(interval, a, b):
    low, high = sorted((a, b))
    assert failover_detection_seconds(interval, low) <= failover_detection_seconds(interval, high)


@pytest.mark.parametrize("interval", [0, 5, 15, 60])
def test_only_10_and_30_second_intervals_exist(interval):
    with pytest.raises(ValueError, match="request_interval must be one of"):
        detection_seconds(interval, 3)


@pytest.mark.parametrize("threshold", [0, 11])
def test_failure_threshold_outside_1_to_10_is_rejected(threshold):
    with pytest.raises(ValueError, match="failure_threshold must be between 1 and 10"):
        detection_seconds(30, threshold)


@given(st.integers(min_value=0, max_value=2000))
def test_suggested_settings_fit_the_rto_and_are_the_slowest_that_do(rto):
    found = settings_within_rto(rto)
    fitting = [(i, t) for i in REQUEST_INTERVALS for t in range(1, 11) if failover_detection_seconds(i, t) <= rto]
    if not fitting:
        assert found is None
        return
    assert found in fitting
    interval, threshold = found
    # prefers the standard 30 s interval, then the most tolerant threshold
    assert interval == max(i for i, _ in fitting)
    assert threshold == max(t for i, t in fitting if i == interval)


def test_route53_health_checker_regions_come_from_botocores_model():
    from components.aws.failover_timing import FAILURE_THRESHOLD_RANGE, HEALTH_CHECKER_REGIONS, MIN_HEALTH_CHECKER_REGIONS

    assert "eu-west-1" in HEALTH_CHECKER_REGIONS and "eu-central-1" not in HEALTH_CHECKER_REGIONS
    assert (MIN_HEALTH_CHECKER_REGIONS, FAILURE_THRESHOLD_RANGE) == (3, (1, 10))
