"""CI workflows: valid for GitHub (the SchemaStore workflow schema vendored by check-jsonschema),
and built the way we promise (OIDC only, policy pack everywhere, prod behind approval)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

from components.aws.deploy_runner import runner_label
from tests.test_deploy_runner import CLOUD_STAGE_EXCLUDE
from tools.engine import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
# The delivery workflows; the reusable mirror-image.yml has its own tests (test_mirror_workflow.py).
FILES = [WORKFLOWS / "deploy.yml", WORKFLOWS / "preview.yml"]
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def _load(path: Path) -> dict:
    doc = yaml.safe_load(path.read_text())
    if True in doc:  # YAML 1.1 reads the key `on` as a boolean
        doc["on"] = doc.pop(True)
    return doc


def _steps(doc: dict, action: str) -> list[tuple[str, dict]]:
    return [(job_id, step) for job_id, job in doc["jobs"].items() for step in job.get("steps", [])
            if str(step.get("uses", "")).split("@")[0] == action]


@pytest.fixture(scope="module")
def preview() -> dict:
    return _load(WORKFLOWS / "preview.yml")


@pytest.fixture(scope="module")
def deploy() -> dict:
    return _load(WORKFLOWS / "deploy.yml")


def test_both_workflows_exist():
    assert sorted(p.name for p in WORKFLOWS.glob("*.yml")) == ["deploy.yml", "mirror-image.yml", "preview.yml"]


def _schema(name: str) -> dict:
    """A schema check-jsonschema ships (``vendor/github-workflows.json`` is SchemaStore's)."""
    kind, _, file = name.partition(".")
    return json.loads((resources.files(f"check_jsonschema.builtin_schemas.{kind}") / f"{file}.json").read_text())


def test_workflows_pass_check_jsonschema_github_workflows():
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                             *map(str, FILES)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"])
def test_workflow_matches_schema(path, schema):
    errors = [e.message for e in Draft7Validator(_schema(schema)).iter_errors(_load(path))]
    assert errors == []


def test_schema_catches_a_broken_workflow():
    broken = yaml.safe_load("on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    stepz: []\n")
    broken["on"] = broken.pop(True)
    assert list(Draft7Validator(_schema("vendor.github-workflows")).iter_errors(broken))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_long_lived_cloud_keys(path):
    text = path.read_text()
    for forbidden in ("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "aws-access-key-id", "aws-secret-access-key",
                      "ARM_CLIENT_SECRET", "AZURE_CREDENTIALS", "client-secret", "creds:", "PULUMI_ACCESS_TOKEN"):
        assert forbidden not in text, forbidden
    assert set(re.findall(r"secrets\.(\w+)", text)) <= {"GITHUB_TOKEN"}  # no secret but the job token


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_jobs_that_touch_the_clouds_get_an_oidc_token(path):
    doc = _load(path)
    cloud_jobs = {job for job, _ in _steps(doc, "aws-actions/configure-aws-credentials")}
    cloud_jobs |= {job for job, _ in _steps(doc, "azure/login")}
    assert cloud_jobs
    for job in cloud_jobs:
        assert doc["jobs"][job]["permissions"]["id-token"] == "write", job
    assert doc["permissions"] == {"contents": "read"}  # everything else gets nothing by default


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_aws_credentials_come_from_assuming_a_role(path):
    for _, step in _steps(_load(path), "aws-actions/configure-aws-credentials"):
        assert step["with"]["role-to-assume"].startswith("${{ vars.")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_azure_login_uses_federated_ids_only(path):
    for _, step in _steps(_load(path), "azure/login"):
        assert set(step["with"]) == {"client-id", "tenant-id", "subscription-id"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_pulumi_run_uses_the_policy_pack(path):
    doc = _load(path)
    steps = [step for _, step in _steps(doc, "pulumi/actions") if "command" in step["with"]]  # others only install
    assert steps
    assert all(step["with"]["policyPacks"] == "policies" for step in steps)
    cli = [line for _, run in _cli_runs(doc) for line in run.splitlines() if re.match(r"\s*pulumi (up|preview)\b", line)]
    assert all("--policy-pack policies" in line for line in cli), cli


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_actions_are_pinned_to_commits(path):
    doc = _load(path)
    uses = [step["uses"] for job in doc["jobs"].values() for step in job.get("steps", []) if "uses" in step]
    assert uses and [u for u in uses if not SHA_PIN.match(u)] == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_ci_installs_requirements_and_runs_tests_and_offline_plans(path):
    doc = _load(path)
    runs = [step.get("run", "") for step in doc["jobs"]["test"]["steps"]]
    assert "make install" in runs  # the Makefile installs requirements.txt into .venv
    assert ".venv/bin/python -m pytest -q -n 2 tests" in runs
    assert {".venv/bin/python -m tools.plan --stack dev", ".venv/bin/python -m tools.plan --stack prod"} <= set(runs)
    assert "requirements.txt" in (ROOT / "Makefile").read_text()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_ci_installs_promtool_before_the_tests_so_they_never_skip(path):
    runs = [step.get("run", "") for step in _load(path)["jobs"]["test"]["steps"]]
    promtool = next(i for i, run in enumerate(runs) if run.startswith("make promtool"))
    assert promtool < runs.index(".venv/bin/python -m pytest -q -n 2 tests")
    assert "sudo -n true" in (ROOT / "Makefile").read_text()  # runners are not root but have sudo


def test_preview_runs_on_pull_requests_for_dev_and_prod_with_a_pr_comment(preview):
    assert "pull_request" in preview["on"]
    job = preview["jobs"]["preview"]
    assert job["needs"] == "test"
    assert job["strategy"]["matrix"]["stack"] == ["dev", "prod"]
    assert job["permissions"]["pull-requests"] == "write"
    (_, step), = _steps(preview, "pulumi/actions")
    assert step["with"]["command"] == "preview"
    assert step["with"]["stack-name"] == "${{ matrix.stack }}"
    assert step["with"]["comment-on-pr"] is True


def test_deploy_updates_dev_on_push_to_main(deploy):
    assert deploy["on"]["push"]["branches"] == ["main"]
    (step,) = [s for j, s in _steps(deploy, "pulumi/actions") if j == "dev"]
    assert step["with"]["command"] == "up" and step["with"]["stack-name"] == "dev"
    assert deploy["jobs"]["dev-cloud"]["needs"] == "test" and deploy["jobs"]["dev"]["needs"] == "dev-cloud"


def test_prod_waits_for_dev_and_a_manual_approval(deploy):
    assert deploy["jobs"]["prod-cloud"]["needs"] == "dev" and deploy["jobs"]["prod"]["needs"] == "prod-cloud"
    for job in ("prod-cloud", "prod"):
        assert deploy["jobs"][job]["environment"] == "production"
    (step,) = [s for j, s in _steps(deploy, "pulumi/actions") if j == "prod"]
    assert step["with"]["command"] == "up" and step["with"]["stack-name"] == "prod"


# -- private control planes: in-network runners --------------------------------------------

def _cli_runs(doc: dict) -> list[tuple[str, str]]:
    return [(job_id, step["run"]) for job_id, job in doc["jobs"].items() for step in job.get("steps", [])
            if "pulumi " in step.get("run", "")]


def _pulumi_jobs(doc: dict) -> list[tuple[str, str, str]]:
    """(job, stack, runs-on) for every job running `pulumi up/preview` through pulumi/actions,
    with a matrix expanded."""
    out = []
    for job_id, step in _steps(doc, "pulumi/actions"):
        if step["with"].get("command") not in ("up", "preview"):
            continue
        job = doc["jobs"][job_id]
        stacks = job.get("strategy", {}).get("matrix", {}).get("stack") or [step["with"]["stack-name"]]
        for stack in stacks:
            runs_on = job["runs-on"].replace("${{ matrix.stack }}", stack)
            out.append((job_id, stack, runs_on))
    return out


def _private_clusters(stack: str) -> bool:
    """A stack whose EKS endpoint is private or whose AKS API admits only listed addresses."""
    from tests.dr_support import stack_config

    cfg = stack_config(stack)
    return not cfg.eks.endpoint_public_access or cfg.azure is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_private_cluster_jobs_run_on_their_stacks_in_network_runner(path):
    from tests.dr_support import stack_config

    jobs = _pulumi_jobs(_load(path))
    assert {stack for _, stack, _ in jobs} == {"dev", "prod"}
    for job_id, stack, runs_on in jobs:
        assert _private_clusters(stack)
        assert stack_config(stack).deploy.runner is not None, f"{stack}: no twincloud:deploy.runner to run {job_id} on"
        assert runs_on == runner_label(f"twincloud-{stack}-runner"), job_id


def test_cloud_stages_run_on_hosted_runners_and_leave_out_everything_in_a_cluster(deploy):
    runs = dict(_cli_runs(deploy))
    assert set(runs) == {"dev-cloud", "prod-cloud"}
    for job_id, run in runs.items():
        stack = job_id.removesuffix("-cloud")
        assert deploy["jobs"][job_id]["runs-on"] == "ubuntu-24.04"
        assert (f"pulumi up --stack {stack} --yes --policy-pack policies "
                f"--exclude '{CLOUD_STAGE_EXCLUDE}' --exclude-dependents") in run
        assert deploy["jobs"][stack]["needs"] == job_id  # the in-network stage runs on what this one creates


def test_the_tests_and_offline_plans_stay_on_hosted_runners(preview, deploy):
    assert preview["jobs"]["test"]["runs-on"] == deploy["jobs"]["test"]["runs-on"] == "ubuntu-24.04"


def test_deploys_never_cancel_a_running_update(deploy):
    assert deploy["concurrency"]["cancel-in-progress"] is False


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_ci_installs_checkov_and_requires_the_scanner_gate(path):
    steps = _load(path)["jobs"]["test"]["steps"]
    runs = [step.get("run", "") for step in steps]
    tests = runs.index(".venv/bin/python -m pytest -q -n 2 tests")
    assert runs.index("make checkov") < tests
    assert steps[tests].get("env", {}).get("TWINCLOUD_REQUIRE_CHECKOV") == "1"
