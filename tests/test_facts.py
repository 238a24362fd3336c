"""Facts from elsewhere: every table entry names its source; the plan uses Microsoft's role ids."""

from __future__ import annotations

import pytest

from components.facts import tables
from tests.azure_support import ROLE, role_guid

# Written out from Microsoft's built-in roles reference (learn.microsoft.com/azure/
# role-based-access-control/built-in-roles/*), independently of components/facts/azure.py,
# so a wrong id in the table fails here. Assignment name -> role GUID.
GRANTS = [
    ("twincloud-prod-acr-kubelet-acrpull", "7f951dda-4ed3-4680-a7ca-43fe172d538d"),  # AcrPull
    ("twincloud-prod-sb-queue-orders-send-api", "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"),  # SB Data Sender
    ("twincloud-prod-sb-topic-events-send-api", "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"),
    ("twincloud-prod-sb-queue-orders-receive-worker", "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0"),  # SB Data Receiver
]


@pytest.mark.parametrize(("assignment", "guid"), GRANTS, ids=[g[0] for g in GRANTS])
def test_role_assignment_uses_the_built_in_role_id_from_microsofts_reference(prod_plan, assignment, guid):
    assert role_guid(prod_plan.one(ROLE, assignment)) == guid


def test_every_role_assignment_uses_a_role_from_the_built_in_roles_table(prod_plan):
    known = set(tables()["components.facts.azure.BUILT_IN_ROLES"].keys())
    from components.facts.azure import BUILT_IN_ROLES
    guids = {f.value for f in BUILT_IN_ROLES.values()}
    used = {role_guid(r) for r in prod_plan.of_type(ROLE)}
    assert known and used <= guids, used - guids


def test_every_fact_table_entry_names_its_source():
    missing = [f"{table}[{key}]" for table, entries in tables().items()
               for key, source in entries.items() if not (source or "").strip()]
    assert missing == [], "add the doc URL or owner/repo@commit:path the value was checked against"


def test_fact_tables_cover_every_kind_of_outside_value():
    names = set(tables())
    for kind in ("azure.BUILT_IN_ROLES", "azure.ENTRA_APPLICATIONS", "eks_calendar.CALENDAR",
                 "versions.CHARTS", "versions.IMAGES", "versions.EKS_ADDONS"):
        assert any(n.endswith(kind) for n in names), kind


def test_source_check_catches_an_entry_without_a_source(monkeypatch):
    from components.facts import Fact, azure

    monkeypatch.setitem(azure.ENTRA_APPLICATIONS, "x", Fact("00000000-0000-0000-0000-000000000000", ""))
    assert tables()["components.facts.azure.ENTRA_APPLICATIONS"]["x"] == ""
