"""ElastiCache maintenance and snapshot windows (pure functions, plain and property tests).

A maintenance window is weekly, ``ddd:hh24:mi-ddd:hh24:mi`` in UTC (``sun:02:00-sun:03:00``, and
it may wrap the week: ``sat:23:30-sun:00:30``); a snapshot window is daily, ``hh24:mi-hh24:mi``
(it may wrap midnight). Both are at least 60 minutes (components/facts/aws.py ELASTICACHE).
Windows are compared as minute intervals of the week, so a daily snapshot window is seven of them.
"""

from __future__ import annotations

import re

from components.facts.aws import ELASTICACHE

DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
MIN_WINDOW_MINUTES: int = ELASTICACHE["min_window_minutes"].value
_TIME = r"([01]\d|2[0-3]):([0-5]\d)"
_WEEKLY = re.compile(rf"({'|'.join(DAYS)}):{_TIME}-({'|'.join(DAYS)}):{_TIME}")
_DAILY = re.compile(rf"{_TIME}-{_TIME}")

Interval = tuple[int, int]  # [start, end) in minutes of the week, end may pass MINUTES_PER_WEEK


def parse_weekly(window: str) -> Interval:
    """``sun:02:00-sun:03:00`` -> (120, 180); ValueError naming the format."""
    m = _WEEKLY.fullmatch(window)
    if not m:
        raise ValueError(f"{window!r} is not ddd:hh24:mi-ddd:hh24:mi (UTC; ddd one of {', '.join(DAYS)}), "
                         "e.g. sun:02:00-sun:03:00")
    start = DAYS.index(m[1]) * MINUTES_PER_DAY + int(m[2]) * 60 + int(m[3])
    end = DAYS.index(m[4]) * MINUTES_PER_DAY + int(m[5]) * 60 + int(m[6])
    return start, end if end > start else end + MINUTES_PER_WEEK


def parse_daily(window: str) -> Interval:
    """``00:00-01:00`` -> (0, 60), within one day (an end past midnight passes 1440)."""
    m = _DAILY.fullmatch(window)
    if not m:
        raise ValueError(f"{window!r} is not hh24:mi-hh24:mi (UTC), e.g. 00:00-01:00")
    start, end = int(m[1]) * 60 + int(m[2]), int(m[3]) * 60 + int(m[4])
    return start, end if end > start else end + MINUTES_PER_DAY


def minutes(interval: Interval) -> int:
    return interval[1] - interval[0]


def _weekly_occurrences(daily: Interval) -> list[Interval]:
    return [(daily[0] + d * MINUTES_PER_DAY, daily[1] + d * MINUTES_PER_DAY) for d in range(7)]


def _overlap(a: Interval, b: Interval) -> bool:
    """Do two week intervals overlap, either of them possibly wrapping the week?"""
    return any(a[0] < b[1] + shift and b[0] + shift < a[1] for shift in (-MINUTES_PER_WEEK, 0, MINUTES_PER_WEEK))


def _parsed(key: str, value: str, parse, problems: list[str]):
    """``parse(value)``, or None with the reason appended to ``problems``; a window shorter than
    ElastiCache accepts is reported but still returned (so overlaps are checked too)."""
    try:
        window = parse(value)
    except ValueError as e:
        problems.append(f"{key}: {e}")
        return None
    if minutes(window) < MIN_WINDOW_MINUTES:
        problems.append(f"{key} {value!r} is {minutes(window)} minutes; ElastiCache needs at least "
                        f"{MIN_WINDOW_MINUTES}")
    return window


def window_problems(maintenance: str, snapshot: str | None) -> list[str]:
    """Why the windows would be refused or collide (empty when they are fine)."""
    problems: list[str] = []
    weekly = _parsed("maintenanceWindow", maintenance, parse_weekly, problems)
    if snapshot is None:
        return problems
    daily = _parsed("snapshotWindow", snapshot, parse_daily, problems)
    if weekly is not None and daily is not None and any(_overlap(weekly, d) for d in _weekly_occurrences(daily)):
        problems.append(f"snapshotWindow {snapshot!r} overlaps maintenanceWindow {maintenance!r}; move one so a "
                        "snapshot never runs while nodes are patched or failed over")
    return problems
    try:
        daily = parse_daily(snapshot)
        if minutes(daily) < MIN_WINDOW_MINUTES:
            problems.append(f"snapshotWindow {snapshot!r} is {minutes(daily)} minutes; ElastiCache needs at least "
                            f"{MIN_WINDOW_MINUTES}")
    except ValueError as e:
        problems.append(f"snapshotWindow: {e}")
        daily = None
    if weekly is not None and daily is not None and any(_overlap(weekly, d) for d in _weekly_occurrences(daily)):
        problems.append(f"snapshotWindow {snapshot!r} overlaps maintenanceWindow {maintenance!r}; move one so a "
                        "snapshot never runs while nodes are patched or failed over")
    return problems
