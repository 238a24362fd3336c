"""The Amazon EKS Kubernetes release calendar: end of standard and of extended support.

EKS support per minor version (AWS, "Understand the Kubernetes version lifecycle on EKS"):
standard support for 14 months after the EKS release, then extended support for 12 more.
Extended-support billing starts "at the beginning of the day that the version reaches end
of standard support, in the UTC+0 timezone"; "on the end of extended support date, you can
no longer create new Amazon EKS clusters with the unsupported version". A cluster's
``upgradePolicy.supportType`` is ``STANDARD`` (auto-upgrade at the end of standard support)
or ``EXTENDED``; a version already past standard support can only be ``EXTENDED``.

``support_type(version, on)`` answers for a given day; the stack reads the day from
``twincloud:eks.calendarDate`` (default: today, UTC), so a plan can be reproduced later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

_AWSDOCS = ("awsdocs/amazon-eks-user-guide@013856044148 latest/ug/versioning/kubernetes-versions.adoc "
            "(Amazon EKS Kubernetes release calendar)")
_SECONDARY_135 = ("unverified at AWS: the AWS calendar in the corpus predates 1.35; dates from "
                  "https://endoflife.date/amazon-eks and aws-samples/sample-apex-skills "
                  "eks-operation-review/references/cluster-lifecycle (both: 2027-03-27 / 2028-03-27); "
                  "confirm with `aws eks describe-cluster-versions`")


@dataclass(frozen=True)
class EksVersion:
    """One row of the EKS calendar (dates are UTC days)."""

    end_of_standard: date
    end_of_extended: date
    source: str


CALENDAR: dict[str, EksVersion] = {
    "1.29": EksVersion(date(2025, 3, 23), date(2026, 3, 23), _AWSDOCS),
    "1.30": EksVersion(date(2025, 7, 23), date(2026, 7, 23), _AWSDOCS),
    "1.31": EksVersion(date(2025, 11, 26), date(2026, 11, 26), _AWSDOCS),
    "1.32": EksVersion(date(2026, 3, 23), date(2027, 3, 23), _AWSDOCS),
    "1.33": EksVersion(date(2026, 7, 29), date(2027, 7, 29), _AWSDOCS),
    "1.34": EksVersion(date(2026, 12, 2), date(2027, 12, 2), _AWSDOCS),
    "1.35": EksVersion(date(2027, 3, 27), date(2028, 3, 27), _SECONDARY_135),
}
TABLES = ("CALENDAR",)

STANDARD = "STANDARD"
EXTENDED = "EXTENDED"


def today_utc() -> date:
    """The current UTC day (the calendar's dates are UTC+0)."""
    return datetime.now(timezone.utc).date()


def unbuildable(version: str, on: date) -> str | None:
    """Why EKS will not create a ``version`` cluster on ``on``, or None when it will."""
    row = CALENDAR.get(version)
    if row is None:
        return (f"Kubernetes {version} is not in the EKS release calendar "
                f"(components/facts/eks_calendar.py); known: {', '.join(CALENDAR)}")
    if on >= row.end_of_extended:
        live = [v for v, r in CALENDAR.items() if on < r.end_of_extended]
        return (f"Kubernetes {version} reached end of extended support on {row.end_of_extended.isoformat()}; "
                f"EKS creates no clusters on it; use one of: {', '.join(live) or '(none in the calendar)'}")
    return None


def support_type(version: str, on: date) -> str:
    """``STANDARD`` while ``version`` is in standard support on ``on``, else ``EXTENDED``.

    Raises ValueError when EKS cannot build ``version`` on that day.
    """
    problem = unbuildable(version, on)
    if problem:
        raise ValueError(problem)
    return STANDARD if on < CALENDAR[version].end_of_standard else EXTENDED
