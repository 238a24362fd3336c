"""Plain tests of the pure helpers behind RedisCache and PodIdentityBucket."""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.aws.bucket_documents import (
    as_list,
    bucket_access_policy,
    bucket_name_problems,
    pod_identity_trust_policy,
    statements,
    tls_only_bucket_policy,
    workload_key_policy,
)
from components.aws.redis import (
    AUTH_TOKEN_SPECIALS,
    check_topology,
    connection_url,
    replication_group_id,
    spread_azs,
)
from components.naming import global_name

ARN = "arn:aws:s3:::twincloud-dev-euw1-loki-chunks-abc123"
GROUP_ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")

logical_bucket_names = st.from_regex(r"\A[a-z0-9]([a-z0-9-]{1,30}[a-z0-9])\Z").filter(
    lambda n: not bucket_name_problems(n)
)


def test_trust_policy_is_pod_identity_only():
    [stmt] = statements(pod_identity_trust_policy())
    assert stmt["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(as_list(stmt["Action"])) == ["sts:AssumeRole", "sts:TagSession"]
    assert stmt["Effect"] == "Allow"


@pytest.mark.parametrize("access", ["read-only", "read-write"])
def test_access_policy_names_only_the_bucket_and_its_objects(access):
    resources = {r for s in statements(bucket_access_policy(ARN, access)) for r in as_list(s["Resource"])}
    assert resources == {ARN, f"{ARN}/*"}


def test_read_only_access_grants_no_write_action():
    actions = {a for s in statements(bucket_access_policy(ARN, "read-only")) for a in as_list(s["Action"])}
    assert not actions & {"s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}
    assert "s3:GetObject" in actions


def test_unknown_access_mode_is_rejected():
    with pytest.raises(ValueError, match="read-only' or 'read-write"):
        bucket_access_policy(ARN, "admin")


def test_tls_policy_denies_requests_without_secure_transport():
    [stmt] = statements(tls_only_bucket_policy(ARN))
    assert stmt["Effect"] == "Deny" and stmt["Principal"] == "*"
    assert stmt["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert set(stmt["Resource"]) == {ARN, f"{ARN}/*"}


def test_key_policy_lets_the_role_use_the_key_only_through_s3():
    role = "arn:aws:iam::123456789012:role/loki"
    doc = workload_key_policy(partition="aws", account_id="123456789012", region="eu-west-1",
                              role_arn=role, access="read-only")
    [workload] = [s for s in statements(doc) if s["Principal"] == {"AWS": role}]
    assert as_list(workload["Action"]) == ["kms:Decrypt"]
    assert workload["Condition"]["StringEquals"]["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"


@pytest.mark.parametrize("name, problem", [
    ("ab", "3 to 63"),
    ("Loki", "lower-case"),
    ("loki.chunks", "'.'"),
    ("10.0.0.1", "IP address"),
    ("xn--loki", "xn--"),
    ("loki-s3alias", "-s3alias"),
    ("-loki", "start and end"),
])
def test_bucket_name_rules(name, problem):
    assert any(problem in p for p in bucket_name_problems(name))


@given(name=logical_bucket_names,
       stack=st.sampled_from(["dev", "prod", "prod-dr", "feature-x"]),
       region=st.sampled_from(["eu-west-1", "us-east-1", "ap-southeast-2", "us-gov-west-1"]))
def test_global_bucket_names_are_always_valid_bucket_names(name, stack, region):
    assert bucket_name_problems(global_name(name, stack=stack, region=region)) == []


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_ .ABC", min_size=1, max_size=80)
       .filter(lambda s: any(c.isalnum() for c in s)))
def test_replication_group_id_is_always_valid(name):
    rid = replication_group_id(name)
    assert GROUP_ID.match(rid) and "--" not in rid and not rid.endswith("-")
    assert replication_group_id(name) == rid


def test_short_replication_group_id_keeps_the_name():
    assert replication_group_id("twincloud-prod-redis") == "twincloud-prod-redis"


@given(azs=st.lists(st.sampled_from("abcdef"), min_size=1, max_size=6, unique=True), count=st.integers(1, 6))
def test_nodes_spread_evenly_over_azs(azs, count):
    placed = spread_azs(azs, count)
    assert len(placed) == count and placed[0] == azs[0]
    per_az = Counter(placed)
    assert max(per_az.values()) - min(per_az.values()) <= 1
    assert len(per_az) == min(count, len(azs))


@given(st.text(alphabet="abcXYZ019" + AUTH_TOKEN_SPECIALS, min_size=16, max_size=64))
def test_connection_url_round_trips_the_token(token):
    url = urlsplit(connection_url(token, "master.example.cache.amazonaws.com", 6379))
    assert url.scheme == "rediss" and url.port == 6379
    assert unquote(url.password) == token


@pytest.mark.parametrize("nodes, failover, multi_az, message", [
    (1, True, True, "at least 2 nodes"),
    (2, False, True, "Multi-AZ requires automatic failover"),
    (7, True, True, "1 to 6"),
])
def test_topology_rules(nodes, failover, multi_az, message):
    with pytest.raises(ValueError, match=message):
        check_topology(nodes, failover, multi_az)


def test_policies_are_valid_json_documents():
    for doc in (pod_identity_trust_policy(), bucket_access_policy(ARN, "read-write"), tls_only_bucket_policy(ARN)):
        assert json.loads(doc)["Version"] == "2012-10-17"
