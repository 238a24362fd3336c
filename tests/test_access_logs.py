"""S3 server access logging (issue 13, CKV_AWS_18): every bucket of a stack logs to the
stack's access-log bucket, which takes log delivery for those buckets only."""

from __future__ import annotations

from tests.support import policy_json
from tools.mocks import ACCOUNT_ID

LOGGING = "aws:s3/bucketLogging:BucketLogging"
BUCKET = "aws:s3/bucket:Bucket"


def test_every_bucket_but_the_log_bucket_logs_to_the_log_bucket(prod_plan):
    log_bucket = prod_plan.one(BUCKET, "twincloud-prod-access-logs")
    logged = {r.inputs["bucket"]: r.inputs for r in prod_plan.of_type(LOGGING)}
    buckets = [b.inputs["bucket"] for b in prod_plan.of_type(BUCKET) if b is not log_bucket]
    assert sorted(logged) == sorted(buckets) and len(buckets) == 2
    for name, inputs in logged.items():
        assert inputs["targetBucket"] == log_bucket.inputs["bucket"] and inputs["targetPrefix"] == f"{name}/"


def test_log_bucket_takes_delivery_only_for_this_stacks_buckets_over_tls(prod_plan):
    policy = policy_json(prod_plan.one("aws:s3/bucketPolicy:BucketPolicy", "twincloud-prod-access-logs-policy")
                         .inputs["policy"])
    deny, delivery = policy["Statement"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert delivery["Principal"] == {"Service": "logging.s3.amazonaws.com"} and delivery["Action"] == "s3:PutObject"
    sources = sorted(f"arn:aws:s3:::{b.inputs['bucket']}" for b in prod_plan.of_type(BUCKET)
                     if b.name != "twincloud-prod-access-logs")
    assert delivery["Condition"] == {"ArnLike": {"aws:SourceArn": sources},
                                     "StringEquals": {"aws:SourceAccount": ACCOUNT_ID}}


def test_log_bucket_uses_sse_s3_because_log_delivery_cannot_use_sse_kms(prod_plan):
    sse = prod_plan.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                        "twincloud-prod-access-logs-encryption")
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}


def test_prod_protects_the_log_bucket_and_dev_does_not(dev_plan, prod_plan):
    assert prod_plan.one(BUCKET, "twincloud-prod-access-logs").protect
    assert not dev_plan.one(BUCKET, "twincloud-dev-access-logs").protect
