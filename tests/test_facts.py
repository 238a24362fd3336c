"""Facts from elsewhere: every table entry names its source; the plan uses Microsoft's role ids."""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

import pytest

from components.facts import tables
from tests.azure_support import ROLE, role_guid

ROOT = Path(__file__).resolve().parent.parent

# Written out from Microsoft's built-in roles reference (learn.microsoft.com/azure/
# role-based-access-control/built-in-roles/*), independently of components/facts/azure.py,
# so a wrong id in the table fails here. Assignment name -> role GUID.
GRANTS = [
    ("twincloud-prod-acr-kubelet-acrpull", "7f951dda-4ed3-4680-a7ca-43fe172d538d"),  # AcrPull
    ("twincloud-prod-acr-push-acrpush", "8311e382-0749-4cb8-b61a-304f252e45ec"),  # AcrPush
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


# -- no straggler: a cloud identifier written outside the facts tables ---------------------------

_IDENTIFIER = [re.compile(p) for p in (
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",  # role/app/policy GUIDs
    r"^arn:aws",                                                                   # ARNs
    r"^Z[0-9A-Z]{10,13}$",                                                         # Route 53 hosted zone ids
    r"^[\w.{}-]*amazonaws\.com(\.cn)?$",                                           # principals, endpoints
    r"^[\w.-]*privatelink\.[\w.-]+$",                                              # private-link DNS zones
)]
_SCANNED = ("components", "stacks", "policies", "tools", "twincloud")
# Mocks answer as the clouds would (fake ids and endpoint shapes): not facts the program uses.
_NOT_PROGRAM = ("components/facts/", "tools/mocks.py")


def _parse(text: str) -> ast.AST:
    """``ast.parse``, retried: CPython 3.11 keeps the AST-to-object recursion counter per
    interpreter, and its traceback module calls ``ast.parse`` to place carets
    (lib/python3.11/traceback.py:588), so a background thread of an earlier test printing a
    traceback at the same moment trips the counter's consistency check ("AST constructor
    recursion depth mismatch"), which says nothing about the file."""
    for _ in range(20):
        try:
            return ast.parse(text)
        except SystemError:
            time.sleep(0.25)
    return ast.parse(text)


def _string_constants(path: Path):
    tree = _parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def _table_keys() -> set[str]:
    return {key for entries in tables().values() for key in entries}


def stragglers(root: Path = ROOT) -> list[str]:
    """String literals that look like a cloud identifier and are neither in a facts table
    nor a key naming a table entry (``service_principal("eks.amazonaws.com")`` checks its key)."""
    keys = _table_keys()
    found = []
    for top in _SCANNED:
        for path in sorted((root / top).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if rel.startswith(_NOT_PROGRAM):
                continue
            for line, value in _string_constants(path):
                if value not in keys and any(p.search(value) for p in _IDENTIFIER):
                    found.append(f"{rel}:{line}: {value!r}")
    return found


def test_no_cloud_identifier_is_written_outside_the_facts_tables():
    assert stragglers() == [], "move each value into its table in components/facts/ with its source"


def test_straggler_check_finds_a_role_guid_typed_into_a_component(tmp_path):
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "x.py").write_text('ACR_PULL = "7f951dfd-4ed3-4f51-8e84-a3ae6f1ca7c6"\n')
    assert stragglers(tmp_path) == ["components/x.py:1: '7f951dfd-4ed3-4f51-8e84-a3ae6f1ca7c6'"]


@pytest.mark.parametrize("service, shape", [("ec2", "InstanceType"), ("route53", "HealthCheckRegion"),
                                            ("eks", "ClusterName"), ("elasticache", "CacheNode")])
def test_botocore_shape_read_alone_equals_the_shape_of_the_whole_model(service, shape):
    import json

    from components.facts import aws

    aws._MODELS.pop(service, None)  # the shape alone, as a plan reads it first
    alone = aws.botocore_shape(service, shape)
    assert alone == json.loads(aws._model_source(service))["shapes"][shape]
