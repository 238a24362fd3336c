"""The reusable workflow that keeps ACR in step with ECR (.github/workflows/mirror-image.yml):
valid for GitHub (schema; actionlint runs over it in test_workflows_actionlint.py), OIDC only,
and it copies by digest and checks the digest it finds in ACR."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft7Validator

from components.azure.acr_push_identity import GITHUB_ISSUER
from tests.test_workflows import SHA_PIN, WORKFLOWS, _load, _schema, _steps

PATH = WORKFLOWS / "mirror-image.yml"


@pytest.fixture(scope="module")
def mirror() -> dict:
    return _load(PATH)


def _run(mirror: dict) -> str:
    return "\n".join(step.get("run", "") for step in mirror["jobs"]["mirror"]["steps"])


@pytest.mark.parametrize("schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"])
def test_mirror_workflow_matches_schema(mirror, schema):
    assert [e.message for e in Draft7Validator(_schema(schema)).iter_errors(mirror)] == []


def test_mirror_workflow_is_reusable_with_repository_tag_and_environment(mirror):
    inputs = mirror["on"]["workflow_call"]["inputs"]
    assert {k for k, v in inputs.items() if v["required"]} == {"repository", "tag", "environment"}
    assert mirror["jobs"]["mirror"]["environment"] == "${{ inputs.environment }}"  # the subject Entra trusts


def test_mirror_workflow_signs_in_to_both_clouds_with_oidc_only(mirror):
    text = PATH.read_text()
    assert not re.findall(r"secrets\.\w+", text)
    assert mirror["permissions"] == {"contents": "read"}
    assert mirror["jobs"]["mirror"]["permissions"]["id-token"] == "write"
    (_, aws), = _steps(mirror, "aws-actions/configure-aws-credentials")
    assert aws["with"]["role-to-assume"].startswith("${{ vars.")
    (_, azure), = _steps(mirror, "azure/login")
    assert set(azure["with"]) == {"client-id", "tenant-id", "subscription-id"}


def test_mirror_workflow_actions_are_pinned_to_commits(mirror):
    uses = [s["uses"] for s in mirror["jobs"]["mirror"]["steps"] if "uses" in s]
    assert uses and all(SHA_PIN.match(u) for u in uses)


def test_mirror_copies_the_ecr_digest_for_every_platform_keeping_digests(mirror):
    run = _run(mirror)
    assert "skopeo copy --all --preserve-digests" in run
    assert '"docker://${ecr}/${REPOSITORY}@${digest}"' in run  # by digest, not by a tag that could move


def test_mirror_fails_when_the_digest_in_acr_differs(mirror):
    run = _run(mirror)
    assert 'if [ "$copied" != "$digest" ]; then' in run and "exit 1" in run
    assert "set -euo pipefail" in run


def test_acr_push_identity_trusts_the_issuer_of_github_actions_tokens():
    assert GITHUB_ISSUER == "https://token.actions.githubusercontent.com"
