"""Scan the offline plans with checkov, the way a security team's gate would.

    python -m tools.export.scan                 # dev and prod
    python -m tools.export.scan --stack prod --out scan-out

Each stack's plan is exported (Terraform plan JSON, ARM template, Kubernetes manifests;
``tools.export``) and checkov runs once over all of them, from its own virtualenv
(``make checkov``: .venv-checkov, pinned in requirements-checkov.txt). Any failed check not
listed in ``policies/checkov-skips.yaml`` (check id, resource, reason) fails the scan, and so
does a skip entry that no longer matches a failure: the list holds only what really remains.
Exit 0 clean, 1 on findings, 2 when checkov is not installed or the skip file is malformed.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tools.engine import ROOT, Plan

CHECKOV_VERSION = "3.3.30"  # also pinned in requirements-checkov.txt
CHECKOV_VENV = ROOT / ".venv-checkov"
SKIP_FILE = ROOT / "policies" / "checkov-skips.yaml"
FRAMEWORKS = ("terraform_plan", "arm", "kubernetes")


class ScanError(Exception):
    """Checkov missing or failing to run, or a malformed skip file."""


@dataclass(frozen=True)
class Finding:
    check_id: str
    resource: str
    file: str
    check_name: str = ""

    @property
    def stack(self) -> str:
        return Path(self.file).parent.name


@dataclass(frozen=True)
class Skip:
    check: str
    resource: str  # checkov resource id; shell-style wildcards allowed
    reason: str
    stacks: tuple[str, ...] = ()

    def matches(self, f: Finding) -> bool:
        return (f.check_id == self.check and fnmatch.fnmatchcase(f.resource, self.resource)
                and (not self.stacks or f.stack in self.stacks))


def checkov_bin() -> Path | None:
    """The pinned checkov: $CHECKOV, else .venv-checkov/bin/checkov."""
    explicit = os.environ.get("CHECKOV")
    path = Path(explicit) if explicit else CHECKOV_VENV / "bin" / "checkov"
    return path if path.exists() else None


def load_skips(path: Path = SKIP_FILE) -> list[Skip]:
    try:
        doc = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ScanError(f"{path}: {e}") from None
    entries = doc.get("skips") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise ScanError(f"{path}: expected a top-level 'skips:' list")
    skips = []
    for i, e in enumerate(entries):
        where = f"{path.name}: skips[{i}]"
        if not isinstance(e, dict):
            raise ScanError(f"{where}: expected a map with check, resource and reason")
        unknown = set(e) - {"check", "resource", "reason", "stacks"}
        if unknown:
            raise ScanError(f"{where}: unknown keys {sorted(unknown)}; allowed: check, resource, reason, stacks")
        for key in ("check", "resource", "reason"):
            if not isinstance(e.get(key), str) or not e[key].strip():
                raise ScanError(f"{where}.{key}: required, a non-empty string")
        stacks = e.get("stacks") or []
        if not isinstance(stacks, list) or not all(isinstance(s, str) for s in stacks):
            raise ScanError(f"{where}.stacks: a list of stack names")
        skips.append(Skip(e["check"], e["resource"], e["reason"].strip(), tuple(stacks)))
    return skips


def write_exports(plan: Plan, outdir: Path) -> list[Path]:
    """The plan's scanner exports under ``outdir/<stack>/``; only the parts the plan has."""
    from tools.export.arm import ARM_TYPES, export_arm
    from tools.export.manifests import export_manifests
    from tools.export.tfplan import export_tfplan

    d = outdir / plan.stack
    d.mkdir(parents=True, exist_ok=True)
    files = [d / "tfplan.json"]
    files[0].write_text(json.dumps(export_tfplan(plan), indent=1, default=str))
    if any(r.type in ARM_TYPES for r in plan.resources):
        files.append(d / "arm.json")
        files[-1].write_text(json.dumps(export_arm(plan), indent=1, default=str))
    if any(r.type.startswith("kubernetes:") and r.custom for r in plan.resources):
        files.append(d / "manifests.yaml")
        files[-1].write_text(export_manifests(plan))
    return files


def run_checkov(files: list[Path], binary: Path | None = None) -> dict[str, Any]:
    """One checkov run over ``files``. Returns {"failed": [Finding], "passed": {framework: n},
    "parsed": {framework: [files]}}."""
    binary = binary or checkov_bin()
    if binary is None:
        raise ScanError("checkov is not installed: run `make checkov` (installs checkov "
                        f"{CHECKOV_VERSION} into .venv-checkov) or set CHECKOV=/path/to/checkov")
    cmd = [str(binary), "--skip-download", "-o", "json", "--framework", *FRAMEWORKS]
    for f in files:
        cmd += ["-f", str(f)]
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "WARNING"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode not in (0, 1):
        raise ScanError(f"checkov exited {proc.returncode}: {proc.stderr[-2000:]}")
    try:
        reports = json.loads(proc.stdout)
    except ValueError:
        raise ScanError(f"checkov printed no JSON report: {proc.stdout[-500:]} {proc.stderr[-2000:]}") from None
    if isinstance(reports, dict):
        reports = [reports]
    result: dict[str, Any] = {"failed": [], "passed": {}, "parsed": {}}
    for report in reports:
        if not isinstance(report, dict) or "check_type" not in report:
            continue  # an empty framework answers with a summary only
        kind = report["check_type"]
        res = report.get("results", {})
        result["passed"][kind] = len(res.get("passed_checks", []))
        result["parsed"][kind] = sorted({c["file_abs_path"] for key in ("passed_checks", "failed_checks")
                                         for c in res.get(key, [])})
        result["failed"] += [Finding(c["check_id"], c["resource"], c["file_abs_path"], c.get("check_name", ""))
                             for c in res.get("failed_checks", [])]
    return result


def judge(failed: list[Finding], skips: list[Skip], stacks: list[str]) -> tuple[list[Finding], list[Skip]]:
    """(failures no skip entry covers, skip entries for these stacks that cover no failure)."""
    unlisted = [f for f in failed if f.stack in stacks and not any(s.matches(f) for s in skips)]
    stale = [s for s in skips if (not s.stacks or set(s.stacks) & set(stacks))
             and not any(s.matches(f) for f in failed if f.stack in stacks)]
    return unlisted, stale


def main(argv: list[str] | None = None) -> int:
    from tools.engine import PlanError, plan_stack

    parser = argparse.ArgumentParser(prog="python -m tools.export.scan", description=__doc__.split("\n")[0])
    parser.add_argument("--stack", action="append", dest="stacks", help="stack to scan (default dev and prod)")
    parser.add_argument("--out", help="directory for the exports (default: a temporary one)")
    args = parser.parse_args(argv)
    stacks = args.stacks or ["dev", "prod"]
    try:
        skips = load_skips()
        with tempfile.TemporaryDirectory(prefix="twincloud-scan-") as tmp:
            out = Path(args.out or tmp)
            files = [f for s in stacks for f in write_exports(plan_stack(s, policies=False), out)]
            result = run_checkov(files)
    except (ScanError, PlanError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    unlisted, stale = judge(result["failed"], skips, stacks)
    print(f"checkov {CHECKOV_VERSION} on {', '.join(stacks)}: passed {result['passed']}, "
          f"failed {len(result['failed'])} ({len(result['failed']) - len(unlisted)} in {SKIP_FILE.name})")
    for f in unlisted:
        print(f"  FAILED {f.check_id} {f.resource} [{f.stack}] {f.check_name}\n"
              f"    fix it, or if it is a deliberate choice add it with its reason to policies/{SKIP_FILE.name}")
    for s in stale:
        print(f"  STALE skip {s.check} {s.resource}: no longer fails; remove it from policies/{SKIP_FILE.name}")
    return 1 if unlisted or stale else 0


if __name__ == "__main__":
    sys.exit(main())
