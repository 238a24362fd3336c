"""The EKS release calendar picks upgradePolicy.supportType and refuses versions EKS cannot build."""

from __future__ import annotations

from datetime import date

import pytest

from components.facts.eks_calendar import CALENDAR, support_type, unbuildable
from components.versions import EKS_ADDONS
from tests.support import plan
from tests.test_aws_data_config import problems
from tests.test_eks import CLUSTER, build


def upgrade_policy(resources):
    return [r for r in resources if r.type == CLUSTER][0].inputs["upgradePolicy"]


def test_eks_1_33_cluster_is_extended_after_its_end_of_standard_support():
    # EKS 1.33 left standard support on 2026-07-29; STANDARD would be refused.
    assert upgrade_policy(build(version="1.33", calendar_date=date(2026, 12, 5))) == {"supportType": "EXTENDED"}


def test_eks_1_35_cluster_is_standard_while_in_standard_support():
    assert upgrade_policy(build(version="1.35", calendar_date=date(2026, 12, 5))) == {"supportType": "STANDARD"}


def test_support_type_turns_extended_on_the_end_of_standard_day():
    # Billing for extended support starts at the beginning of that day (UTC).
    assert support_type("1.33", date(2026, 7, 28)) == "STANDARD"
    assert support_type("1.33", date(2026, 7, 29)) == "EXTENDED"


def test_support_type_refuses_a_version_past_end_of_extended_support():
    with pytest.raises(ValueError, match="1.31 reached end of extended support on 2026-11-26"):
        support_type("1.31", date(2026, 12, 5))


def test_support_type_refuses_a_version_not_in_the_calendar():
    assert "not in the EKS release calendar" in unbuildable("1.20", date(2026, 12, 5))


def test_every_pinned_eks_version_is_in_the_calendar():
    assert set(EKS_ADDONS) <= set(CALENDAR)


def test_config_refuses_an_eks_version_at_its_end_of_extended_support():
    found = problems("dev", "twincloud:eks.version=1.33", "twincloud:eks.calendarDate=2027-07-29")
    assert any(p.startswith("twincloud:eks.version: Kubernetes 1.33 reached end of extended support on 2027-07-29")
               and "use one of: 1.34, 1.35" in p for p in found), found


def test_calendar_date_from_config_reaches_the_cluster():
    p = plan("dev", "twincloud:eks.calendarDate=2027-04-01")  # 1.35 past end of standard support
    assert p.one(CLUSTER).inputs["upgradePolicy"] == {"supportType": "EXTENDED"}

