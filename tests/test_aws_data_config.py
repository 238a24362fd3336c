"""Schema rules of ``twincloud:redis`` and ``twincloud:buckets``: each with its message."""

from __future__ import annotations

import pytest

from stacks.config import ConfigError, load_config
from tests.support import config_with
from tools.engine import PlanError, _wire_config, plan_stack


def problems(stack: str, *overrides: str) -> list[str]:
    wire, _ = _wire_config(config_with(stack, *overrides))
    try:
        load_config(wire, stack=stack)
    except ConfigError as e:
        return e.problems
    return []


LIFECYCLE = "twincloud:buckets.0.lifecycle"

RULES = [
    # -- redis ---------------------------------------------------------------------------
    ("redis-engine-version", "dev", ["twincloud:redis.engineVersion=5.0.6"],
     "twincloud:redis.engineVersion: redis engine version must be one of 6.2, 7.0, 7.1"),
    ("redis-valkey-version", "dev", ["twincloud:redis.engine=valkey"],
     "twincloud:redis.engineVersion: valkey engine version must be one of 7.2, 8.0, 8.1"),
    ("redis-node-type", "dev", ["twincloud:redis.nodeType=t4g.small"],
     "twincloud:redis.nodeType: not an ElastiCache node type; use names like 'cache.t4g.small'"),
    ("redis-failover-needs-replica", "dev", ["twincloud:redis.automaticFailover=true"],
     "twincloud:redis.automaticFailover: automaticFailover needs a replica to promote, but numCacheClusters is 1"),
    ("redis-multi-az-needs-failover", "dev", ["twincloud:redis.numCacheClusters=2", "twincloud:redis.multiAz=true"],
     "twincloud:redis.multiAz: multiAz requires automaticFailover: true"),
    ("redis-node-count", "dev", ["twincloud:redis.numCacheClusters=7"],
     "twincloud:redis.numCacheClusters: Input should be less than or equal to 6"),
    ("redis-prod-failover", "prod", ["twincloud:redis.automaticFailover=false", "twincloud:redis.multiAz=false"],
     "twincloud:redis.automaticFailover: prod must have automaticFailover: true"),
    ("redis-prod-multi-az", "prod", ["twincloud:redis.multiAz=false"],
     "twincloud:redis.multiAz: prod must have multiAz: true"),
    ("redis-prod-snapshots", "prod", ["twincloud:redis.snapshotRetentionDays=0"],
     "twincloud:redis.snapshotRetentionDays: prod must keep snapshots"),
    ("redis-prod-node-per-az", "prod", ["twincloud:redis.numCacheClusters=2"],
     "twincloud:redis.numCacheClusters: numCacheClusters (2) is below vpc.azCount (3); prod needs a node in every "
     "availability zone"),
    ("redis-secret-namespace", "dev", ["twincloud:redis.kubernetesSecret.namespace=Apps"],
     "twincloud:redis.kubernetesSecret.namespace: not a Kubernetes namespace name"),
    ("redis-secret-name", "dev", ["twincloud:redis.kubernetesSecret.name=redis_session"],
     "twincloud:redis.kubernetesSecret.name: not a Kubernetes Secret name"),
    ("redis-secret-builtin-namespace", "dev", ["twincloud:redis.kubernetesSecret.namespace=default"],
     "twincloud:redis.kubernetesSecret.createNamespace: namespace 'default' exists in every cluster"),
    # -- buckets -------------------------------------------------------------------------
    ("bucket-name-chars", "dev", ["twincloud:buckets.0.name=Loki_Chunks"],
     "twincloud:buckets[0].name: bucket name must use only lower-case letters, digits and '-'"),
    ("bucket-name-dots", "dev", ["twincloud:buckets.0.name=loki.chunks"],
     "twincloud:buckets[0].name: bucket name must not contain '.'"),
    ("bucket-name-length", "dev", ["twincloud:buckets.0.name=lc"],
     "twincloud:buckets[0].name: bucket name must be 3 to 63 characters long (is 2)"),
    ("bucket-name-xn-prefix", "dev", ["twincloud:buckets.0.name=xn--loki"],
     "twincloud:buckets[0].name: bucket name must not start with the reserved prefix 'xn--'"),
    ("bucket-name-ip", "dev", ["twincloud:buckets.0.name=10.1.2.3"],
     "must not look like an IP address"),
    ("bucket-name-too-long-for-global-name", "prod", ["twincloud:buckets.0.name=" + "a" * 40],
     "twincloud:buckets[0].name: too long for stack 'prod' in eu-west-1: the physical name"),
    ("bucket-namespace", "dev", ["twincloud:buckets.0.namespace=Monitoring"],
     "twincloud:buckets[0].namespace: not a Kubernetes namespace name"),
    ("bucket-service-account", "dev", ["twincloud:buckets.0.serviceAccount=Loki"],
     "twincloud:buckets[0].serviceAccount: not a Kubernetes ServiceAccount name"),
    ("bucket-builtin-namespace", "dev", ["twincloud:buckets.0.namespace=kube-system",
                                           "twincloud:buckets.0.createNamespace=true",
                                           "twincloud:monitoring.enabled=false"],
     "twincloud:buckets[0].createNamespace: namespace 'kube-system' exists in every cluster"),
    ("bucket-access", "dev", ["twincloud:buckets.0.access=admin"],
     "twincloud:buckets[0].access: Input should be 'read-only' or 'read-write'"),
    ("bucket-encryption", "dev", ["twincloud:buckets.0.encryption=none"],
     "twincloud:buckets[0].encryption: Input should be 'sse-kms' or 'sse-s3'"),
    ("bucket-purpose", "dev", ["twincloud:buckets.0.purpose="],
     "twincloud:buckets[0].purpose: String should have at least 1 character"),
    ("bucket-unique-names", "dev", ["twincloud:buckets.1.name=loki-chunks"],
     "twincloud:buckets: bucket names must be unique, duplicated: ['loki-chunks']"),
    ("bucket-one-association-per-service-account", "dev", ["twincloud:buckets.1.serviceAccount=loki"],
     "twincloud:buckets: buckets ['loki-chunks', 'tempo-traces'] all bind service account monitoring/loki"),
    ("bucket-prod-versioning", "prod", ["twincloud:buckets.0.versioning=false"],
     "twincloud:buckets[0].versioning: prod buckets must keep versioning: true"),
    ("lifecycle-does-nothing", "dev", [f"{LIFECYCLE}=[{{id: noop}}]"],
     "twincloud:buckets[0].lifecycle[0]: rule 'noop' does nothing"),
    ("lifecycle-transition-after-expiry", "dev",
     [f"{LIFECYCLE}=[{{id: a, expireDays: 30, transitions: [{{days: 60, storageClass: GLACIER}}]}}]"],
     "twincloud:buckets[0].lifecycle[0]: rule 'a': transitions at days [60] come at or after expireDays (30)"),
    ("lifecycle-ia-minimum-age", "dev",
     [f"{LIFECYCLE}=[{{id: a, transitions: [{{days: 10, storageClass: STANDARD_IA}}]}}]"],
     "twincloud:buckets[0].lifecycle[0].transitions[0].days: S3 moves objects to STANDARD_IA only 30 days"),
    ("lifecycle-storage-class", "dev",
     [f"{LIFECYCLE}=[{{id: a, transitions: [{{days: 10, storageClass: COLD}}]}}]"],
     "twincloud:buckets[0].lifecycle[0].transitions[0].storageClass: Input should be 'STANDARD_IA'"),
    ("lifecycle-unique-ids", "dev",
     [f"{LIFECYCLE}=[{{id: a, expireDays: 5}}, {{id: a, expireDays: 9}}]"],
     "twincloud:buckets[0].lifecycle: lifecycle rule ids must be unique and not 'housekeeping' (reserved), got ['a']"),
    ("lifecycle-reserved-id", "dev", [f"{LIFECYCLE}=[{{id: housekeeping, expireDays: 5}}]"],
     "lifecycle rule ids must be unique and not 'housekeeping' (reserved), got ['housekeeping']"),
]


@pytest.mark.parametrize("stack, overrides, message", [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_bad_config_is_rejected_with_its_message(stack, overrides, message):
    found = problems(stack, *overrides)
    assert any(message in p for p in found), found


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_config_is_valid(stack):
    assert problems(stack) == []


def test_every_problem_is_reported_at_once():
    found = problems("prod", "twincloud:redis.multiAz=false", "twincloud:buckets.0.namespace=Bad",
                     "twincloud:buckets.1.versioning=false")
    assert len(found) == 3, found


def test_unquoted_engine_version_is_read_as_text():
    wire, _ = _wire_config(config_with("dev", "twincloud:redis.engineVersion=7.0"))
    assert load_config(wire, stack="dev").redis.engine_version == "7.0"


def test_bad_config_fails_before_any_resource():
    with pytest.raises(PlanError, match="twincloud:buckets\\[0\\].name"):
        plan_stack("dev", ["twincloud:buckets.0.name=Bad"], policies=False)


def test_config_defaults_are_the_secure_choice():
    wire, _ = _wire_config(config_with("dev", "twincloud:redis={nodeType: cache.t4g.small}",
                                       "twincloud:buckets=[{name: app-data, purpose: test, namespace: apps, "
                                       "serviceAccount: app}]", "twincloud:monitoring.enabled=false"))
    cfg = load_config(wire, stack="dev")
    assert (cfg.redis.num_cache_clusters, cfg.redis.automatic_failover, cfg.redis.multi_az) == (2, True, True)
    [bucket] = cfg.buckets
    assert (bucket.access, bucket.encryption, bucket.versioning, bucket.create_service_account) == (
        "read-only", "sse-kms", True, True)
