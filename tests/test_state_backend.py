"""The bootstrap program (tools/bootstrap): state bucket + replica and a multi-Region KMS key."""

from __future__ import annotations

import json
import runpy

import pytest

from tests.support import named, of_type, policy_json
from tools.bootstrap.state_backend import REPLICATION_MINUTES, validate_regions
from tools.engine import ROOT, run_under_mocks

PROGRAM = ROOT / "tools" / "bootstrap" / "__main__.py"
BUCKET = "aws:s3/bucket:Bucket"


@pytest.fixture(scope="module")
def bootstrap():
    return run_under_mocks(lambda: runpy.run_path(str(PROGRAM), run_name="__main__"), stack="state",
                           config={"aws:region": "eu-west-1", "twincloud-bootstrap:drRegion": "eu-central-1"})


@pytest.fixture(scope="module")
def resources(bootstrap):
    return bootstrap[0]


def _child(resources, typ, bucket_name):
    bucket = named(resources, BUCKET, bucket_name)
    (found,) = [r for r in of_type(resources, typ) if r.parent == bucket.urn]
    return found


def test_bootstrap_project_has_its_own_pulumi_yaml():
    import yaml

    project = yaml.safe_load((PROGRAM.parent / "Pulumi.yaml").read_text())
    stack = yaml.safe_load((PROGRAM.parent / "Pulumi.state.yaml").read_text())
    assert project["name"] == "twincloud-bootstrap" and project["runtime"]["name"] == "python"
    assert stack["config"]["twincloud-bootstrap:drRegion"] != stack["config"]["aws:region"]


def test_state_key_is_multi_region_and_rotating(resources):
    key = named(resources, "aws:kms/key:Key", "state")
    assert key.inputs["multiRegion"] is True
    assert key.inputs["enableKeyRotation"] is True


def test_replica_key_lives_in_the_dr_region(resources):
    key = named(resources, "aws:kms/key:Key", "state")
    replica = named(resources, "aws:kms/replicaKey:ReplicaKey", "state-replica")
    provider = next(r for r in of_type(resources, "pulumi:providers:aws") if replica.provider.startswith(r.urn))
    assert provider.inputs["region"] == "eu-central-1"
    assert key.urn in replica.dependencies and replica.inputs["primaryKeyArn"].startswith("arn:aws:kms:eu-west-1:")


def test_same_alias_in_both_regions(resources):
    aliases = of_type(resources, "aws:kms/alias:Alias")
    assert {a.inputs["name"] for a in aliases} == {"alias/twincloud-pulumi-state"} and len(aliases) == 2


@pytest.mark.parametrize("bucket", ["state", "state-replica"])
def test_bucket_is_versioned(resources, bucket):
    versioning = _child(resources, "aws:s3/bucketVersioning:BucketVersioning", bucket)
    assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled"


@pytest.mark.parametrize("bucket", ["state", "state-replica"])
def test_bucket_blocks_all_public_access(resources, bucket):
    block = _child(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket)
    assert all(block.inputs[k] is True for k in
               ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))


@pytest.mark.parametrize("bucket,region", [("state", "eu-west-1"), ("state-replica", "eu-central-1")])
def test_bucket_is_encrypted_with_its_regions_copy_of_the_multi_region_key(resources, bucket, region):
    sse = _child(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                 bucket)
    (rule,) = sse.inputs["rules"]
    default = rule["applyServerSideEncryptionByDefault"]
    assert default["sseAlgorithm"] == "aws:kms"
    assert default["kmsMasterKeyId"].startswith(f"arn:aws:kms:{region}:123456789012:key/mrk-")
    assert rule["bucketKeyEnabled"] is True


@pytest.mark.parametrize("bucket", ["state", "state-replica"])
def test_bucket_policy_refuses_plain_http_and_old_tls(resources, bucket):
    policy = policy_json(_child(resources, "aws:s3/bucketPolicy:BucketPolicy", bucket).inputs["policy"])
    conditions = [s["Condition"] for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert {"Bool": {"aws:SecureTransport": "false"}} in conditions
    assert {"NumericLessThan": {"s3:TlsVersion": "1.2"}} in conditions


def test_state_and_replica_buckets_are_protected_and_named_per_region(resources):
    state, replica = named(resources, BUCKET, "state"), named(resources, BUCKET, "state-replica")
    assert state.protect and replica.protect
    assert state.inputs["bucket"] != replica.inputs["bucket"]
    assert "euw1" in state.inputs["bucket"] and "euc1" in replica.inputs["bucket"]


def test_every_state_version_replicates_to_the_dr_bucket_with_rtc(resources):
    config = of_type(resources, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")[0]
    (rule,) = config.inputs["rules"]
    replica = named(resources, BUCKET, "state-replica")
    assert rule["status"] == "Enabled" and rule["filter"] == {"prefix": ""}
    assert rule["deleteMarkerReplication"] == {"status": "Enabled"}
    assert rule["sourceSelectionCriteria"]["sseKmsEncryptedObjects"] == {"status": "Enabled"}
    dest = rule["destination"]
    assert dest["bucket"] == f"arn:aws:s3:::{replica.inputs['bucket']}"
    assert dest["encryptionConfiguration"]["replicaKmsKeyId"].startswith("arn:aws:kms:eu-central-1:")
    assert dest["replicationTime"] == {"status": "Enabled", "time": {"minutes": REPLICATION_MINUTES}}


def test_replication_waits_for_versioning_on_both_buckets(resources):
    config = of_type(resources, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")[0]
    versionings = of_type(resources, "aws:s3/bucketVersioning:BucketVersioning")
    assert len(versionings) == 2 and all(v.urn in config.dependencies for v in versionings)


def test_replication_role_is_least_privilege(resources):
    policy = policy_json(named(resources, "aws:iam/rolePolicy:RolePolicy", "state-replication").inputs["policy"])
    actions = {a for s in policy["Statement"] for a in s["Action"]}
    assert not any(a.endswith("*") for a in actions)
    assert all(s["Resource"] != "*" for s in policy["Statement"])
    role = named(resources, "aws:iam/role:Role", "state-replication")
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {"Service": "s3.amazonaws.com"}


def test_exports_tell_how_to_log_in_from_either_region(bootstrap):
    _, outputs = bootstrap
    assert outputs["backendUrl"].startswith("s3://") and outputs["backendUrl"].endswith("?region=eu-west-1")
    assert outputs["drBackendUrl"].endswith("?region=eu-central-1")
    assert outputs["secretsProvider"] == "awskms://alias/twincloud-pulumi-state?region=eu-west-1"
    assert outputs["drSecretsProvider"] == "awskms://alias/twincloud-pulumi-state?region=eu-central-1"
    assert outputs["keyId"].startswith("mrk-")


def test_dr_region_must_differ_from_the_primary():
    with pytest.raises(Exception, match="drRegion must name a region other than aws:region"):
        validate_regions("eu-west-1", "eu-west-1")


def test_bootstrap_mentions_no_hard_coded_region():
    source = (PROGRAM.parent / "state_backend.py").read_text() + PROGRAM.read_text()
    assert "eu-west-1" not in source and "eu-central-1" not in source and "us-east-1" not in source


def test_docs_reference_the_bootstrap_outputs():
    text = (ROOT / "docs" / "state-backend.md").read_text()
    assert "tools/bootstrap" in text and "drSecretsProvider" in text and "pulumi login" in text

