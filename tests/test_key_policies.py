"""KMS key policies and encrypted log groups (issue 13: CKV2_AWS_64, CKV_AWS_158, CKV_AWS_338),
checked on the shipped prod and dev plans."""

from __future__ import annotations

import pytest

from tests.support import policy_json
from tools.mocks import ACCOUNT_ID

KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ROOT = f"arn:aws:iam::{ACCOUNT_ID}:root"


def _statements(resource) -> list[dict]:
    return policy_json(resource.inputs["policy"])["Statement"]


def _key(plan, suffix: str):
    (key,) = [k for k in plan.of_type(KEY) if k.name.endswith(suffix)]
    return key


def test_every_kms_key_of_both_stacks_has_a_key_policy(dev_plan, prod_plan):
    missing = [k.name for plan in (dev_plan, prod_plan) for k in plan.of_type(KEY) if not k.inputs.get("policy")]
    assert missing == []


def test_every_key_policy_starts_with_the_documented_account_statement(prod_plan):
    for key in prod_plan.of_type(KEY):
        assert _statements(key)[0] == {"Sid": "EnableIamUserPermissions", "Effect": "Allow",
                                       "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"}, key.name


def test_a_wildcard_principal_is_always_held_to_this_account_through_one_service(prod_plan):
    # Only the node-volume key has one (components/aws/key_policies.py ebs_key_policy says why).
    wild = [(k.name, s) for k in prod_plan.of_type(KEY) for s in _statements(k)
            if s["Principal"] == "*" or s["Principal"].get("AWS") == "*"]
    assert {name for name, _ in wild} == {"twincloud-prod-eks-node-volumes"}
    for _, stmt in wild:
        assert stmt["Condition"]["StringEquals"] == {"kms:ViaService": "ec2.eu-west-1.amazonaws.com",
                                                     "kms:CallerAccount": ACCOUNT_ID}


@pytest.mark.parametrize("suffix, service", [("-ecr-images", "ecr"), ("-redis-key", "elasticache")])
def test_service_keys_are_used_only_through_their_service_in_the_region(prod_plan, suffix, service):
    use = _statements(_key(prod_plan, suffix))[1]
    assert use["Principal"] == {"AWS": ROOT}
    assert use["Condition"] == {"StringEquals": {"kms:ViaService": f"{service}.eu-west-1.amazonaws.com",
                                                 "kms:CallerAccount": ACCOUNT_ID}}


def test_eks_secrets_key_is_used_by_the_cluster_role_only(prod_plan):
    cluster_role = prod_plan.one("aws:iam/role:Role", "twincloud-prod-eks-cluster")
    use = _statements(_key(prod_plan, "-eks-secrets"))[1]
    key = _key(prod_plan, "-eks-secrets")
    assert use["Principal"]["AWS"].startswith(f"arn:aws:iam::{ACCOUNT_ID}:role/twincloud-prod-eks-cluster-")
    assert cluster_role.urn in key.dependencies
    assert use["Action"] == ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_log_group_is_encrypted_with_a_key_scoped_to_that_log_group(request, stack):
    plan = request.getfixturevalue(f"{stack}_plan")
    groups = plan.of_type(LOG_GROUP)
    assert {g.name for g in groups} == {f"twincloud-{stack}-eks-control-plane", f"twincloud-{stack}-net-flow-logs",
                                        f"twincloud-{stack}-runner-logs"}
    keys = {k.inputs.get("description"): k for k in plan.of_type(KEY)}
    for group in groups:
        name = group.inputs["name"]
        key = keys[f"CloudWatch Logs encryption for {name}"]
        assert group.inputs["kmsKeyId"].startswith("arn:aws:kms:eu-west-1:") and key.urn in group.dependencies
        logs = _statements(key)[1]
        assert logs["Principal"] == {"Service": "logs.eu-west-1.amazonaws.com"}
        assert logs["Condition"] == {"ArnEquals": {
            "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:eu-west-1:{ACCOUNT_ID}:log-group:{name}"}}


def test_log_groups_keep_a_year_by_default(dev_plan, prod_plan):
    assert {g.inputs["retentionInDays"] for p in (dev_plan, prod_plan) for g in p.of_type(LOG_GROUP)} == {365}


def test_flow_log_retention_comes_from_config():
    from tests.support import plan

    flow = plan("dev", "twincloud:vpc.flowLogRetentionDays=731").one(LOG_GROUP, "twincloud-dev-net-flow-logs")
    assert flow.inputs["retentionInDays"] == 731


def test_prod_protects_the_log_keys(prod_plan):
    log_keys = [k for k in prod_plan.of_type(KEY) if k.inputs["description"].startswith("CloudWatch Logs")]
    assert len(log_keys) == 3 and all(k.protect for k in log_keys)


def test_key_policy_facts_are_in_the_facts_tables():
    from components.facts import tables

    assert set(tables()["components.facts.aws.KMS_KEY_POLICIES"]) == {
        "account_admin", "logs_principal", "ecr_grants", "eks_secrets", "ebs_node_volumes", "elasticache_cmk"}
