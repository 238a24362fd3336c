"""One checkov run per test session over the dev, prod and mutated-dev exports.

checkov takes ~10 s to start, so the exports of all three plans go into one run; with
``-n 2`` both workers want it, so the result is cached on disk by the exports' content hash
(under a lock: the second worker waits and reads it).
"""

from __future__ import annotations

import copy
import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tools.engine import Plan
from tools.export.scan import CHECKOV_VERSION, Finding, checkov_bin, run_checkov, write_exports

# CI sets this so a missing checkov fails instead of skipping (the workflows run `make checkov`).
REQUIRE = os.environ.get("TWINCLOUD_REQUIRE_CHECKOV") == "1"
ECR_REPOSITORY = "aws:ecr/repository:Repository"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
SSE_CONFIG = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"


def mutated(plan: Plan) -> Plan:
    """``plan`` with settings broken: ECR tags mutable, bucket default encryption switched from
    KMS to AES256, and launch templates allowing IMDSv1 with two hops (CKV_AWS_51, CKV_AWS_145,
    CKV_AWS_79 and CKV_AWS_341 must then fail)."""
    resources = []
    for r in plan.resources:
        inputs = copy.deepcopy(r.inputs)
        if r.type == ECR_REPOSITORY:
            inputs["imageTagMutability"] = "MUTABLE"
        elif r.type == SSE_CONFIG:
            for rule in inputs["rules"]:
                rule["applyServerSideEncryptionByDefault"] = {"sseAlgorithm": "AES256"}
        elif r.type == LAUNCH_TEMPLATE:
            inputs["metadataOptions"].update(httpTokens="optional", httpPutResponseHopLimit=2)
        resources.append(dataclasses.replace(r, inputs=inputs))
    return dataclasses.replace(plan, stack="mutated", resources=resources)


def checkov_findings(plans: list[Plan]) -> dict[str, Any]:
    binary = checkov_bin()
    if binary is None:
        message = "checkov not installed (make checkov)"
        if REQUIRE:
            pytest.fail(message)
        pytest.skip(message)
    staging = Path(tempfile.mkdtemp(prefix="twincloud-exports-"))
    files = [f for p in plans for f in write_exports(p, staging)]
    digest = hashlib.sha256(CHECKOV_VERSION.encode())
    for f in sorted(files):
        digest.update(str(f.relative_to(staging)).encode() + f.read_bytes())
    base = Path(tempfile.gettempdir()) / f"twincloud-checkov-{os.getuid()}"
    base.mkdir(exist_ok=True)
    target = base / digest.hexdigest()[:16]
    with open(base / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cached = target / "result.json"
        if not cached.exists():
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(staging, target)
            result = run_checkov(sorted(target.rglob("*.json")) + sorted(target.rglob("*.yaml")), binary)
            result["failed"] = [dataclasses.asdict(f) for f in result["failed"]]
            cached.write_text(json.dumps(result))
    shutil.rmtree(staging, ignore_errors=True)
    result = json.loads(cached.read_text())
    result["failed"] = [Finding(**f) for f in result["failed"]]
    result["dir"] = str(target)
    return result
