"""checkov (pinned, own virtualenv) on the exported dev and prod plans: no failure outside
policies/checkov-skips.yaml, no stale skip, and a broken setting is caught (the export is read)."""

from __future__ import annotations

import pytest

from tools.export.scan import SKIP_FILE, judge, load_skips


def _failed(report, stack):
    return [f for f in report["failed"] if f.stack == stack]


def test_checkov_reads_every_export(checkov_report):
    parsed = checkov_report["parsed"]
    assert {kind: sorted(p.rsplit("/", 2)[-2] + "/" + p.rsplit("/", 1)[-1] for p in files)
            for kind, files in parsed.items()} == {
        "terraform_plan": ["dev/tfplan.json", "mutated/tfplan.json", "prod/tfplan.json"],
        "arm": ["prod/arm.json"],
        "kubernetes": ["dev/manifests.yaml", "mutated/manifests.yaml", "prod/manifests.yaml"],
    }


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_no_checkov_failure_outside_the_skip_list(checkov_report, stack):
    unlisted, _ = judge(checkov_report["failed"], load_skips(), [stack])
    assert [(f.check_id, f.resource) for f in unlisted] == [], (
        f"fix these, or add deliberate choices with their reason to {SKIP_FILE}")


def test_every_skip_entry_still_matches_a_failure(checkov_report):
    _, stale = judge(checkov_report["failed"], load_skips(), ["dev", "prod"])
    assert [(s.check, s.resource) for s in stale] == []


def test_graph_check_connects_bucket_and_its_encryption_config(checkov_report):
    """CKV_AWS_145 passes only through a connection from aws_s3_bucket to its encryption config:
    the export's references are what checkov's graph joins on."""
    assert not [f for f in _failed(checkov_report, "dev")
                if f.check_id == "CKV_AWS_145" and not f.resource.endswith("-access-logs")]  # SSE-S3 by design
    assert checkov_report["passed"]["terraform_plan"] > 0


def test_mutable_ecr_tags_fail_ckv_aws_51(checkov_report):
    assert not [f for f in _failed(checkov_report, "dev") if f.check_id == "CKV_AWS_51"]
    failed = {f.resource for f in _failed(checkov_report, "mutated") if f.check_id == "CKV_AWS_51"}
    assert failed and all(r.startswith("aws_ecr_repository.") for r in failed)


def test_bucket_encryption_without_kms_fails_ckv_aws_145(checkov_report):
    failed = {f.resource for f in _failed(checkov_report, "mutated")
              if f.check_id == "CKV_AWS_145" and not f.resource.endswith("-access-logs")}
    assert failed == {"aws_s3_bucket.twincloud-dev-loki-chunks", "aws_s3_bucket.twincloud-dev-tempo-traces"}


@pytest.mark.parametrize("check", ["CKV_AWS_79", "CKV_AWS_341"])
def test_node_launch_templates_pass_and_their_imdsv1_mutation_fails(checkov_report, check):
    """The launch templates' metadata options reach checkov: IMDSv2 only and hop limit 1 pass
    (no skip entry), IMDSv1 with two hops fails."""
    for stack in ("dev", "prod"):
        assert not [f for f in _failed(checkov_report, stack) if f.check_id == check]
    failed = {f.resource for f in _failed(checkov_report, "mutated") if f.check_id == check}
    assert failed == {"aws_launch_template.twincloud-dev-eks-general"}
