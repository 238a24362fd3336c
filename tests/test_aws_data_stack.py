"""stacks/aws_data.py: what the stack builds, returns and exports for the next tools."""

from __future__ import annotations

import pytest

from components.aws.pod_identity_bucket import PodIdentityBucket
from components.aws.redis import RedisCache
from components.naming import global_name
from tests.support import config_with
from tools.engine import Secret, run_under_mocks

MONITORING = {"loki-chunks": "loki", "tempo-traces": "tempo"}


def test_stack_exports_each_buckets_binding(prod_plan):
    exported = prod_plan.outputs["buckets"]
    assert set(exported) == set(MONITORING)
    for name, sa in MONITORING.items():
        b = exported[name]
        assert b["bucket"] == global_name(name, stack="prod", region="eu-west-1")
        assert (b["region"], b["namespace"], b["serviceAccount"]) == ("eu-west-1", "monitoring", sa)
        assert b["roleArn"].startswith("arn:aws:iam::123456789012:role/twincloud-prod-")


def test_stack_exports_no_plain_text_token(prod_plan):
    plain = [k for k, v in prod_plan.outputs.items() if "token" in k.lower() and not isinstance(v, Secret)]
    assert plain == []


@pytest.fixture(scope="module")
def built():
    """Run build_aws + build_aws_data as __main__ does and keep what build_aws_data returns."""
    captured = {}

    def program():
        from stacks.aws_data import build_aws_data
        from stacks.aws_platform import build_aws
        from stacks.config import load_config

        cfg = load_config(stack="dev")
        captured["data"] = build_aws_data(cfg, "twincloud-dev", build_aws(cfg, "twincloud-dev"))

    run_under_mocks(program, stack="dev", config=config_with("dev"))
    return captured["data"]


def test_build_returns_buckets_keyed_by_config_name(built):
    assert set(built.buckets) == set(MONITORING)
    assert all(isinstance(b, PodIdentityBucket) for b in built.buckets.values())


def test_build_returns_service_account_ownership_for_helm_values(built):
    # dev's monitoring buckets leave their accounts to the monitoring stack
    assert not any(b.service_account_created for b in built.buckets.values())


def test_build_returns_the_redis_cache(built):
    assert isinstance(built.redis, RedisCache)
