"""``twincloud:monitoring``: validation messages name the key, the bad value and the fix."""

import pytest

from stacks.config import ConfigError, load_config
from tools.engine import _wire_config, load_stack_config


def _load(stack: str, *overrides: str):
    wire, _ = _wire_config(load_stack_config(stack, overrides))
    return load_config(wire, stack=stack)


def _problems(stack: str, *overrides: str) -> list[str]:
    with pytest.raises(ConfigError) as e:
        _load(stack, *overrides)
    return e.value.problems


def test_shipped_stacks_have_valid_monitoring_config():
    assert _load("dev").monitoring.loki_mode == "single-binary"
    assert _load("prod").monitoring.loki_mode == "simple-scalable"


def test_prod_rejects_prometheus_memory_below_1gi():
    problems = _problems("prod", "twincloud:monitoring.prometheus.memoryRequest=512Mi")
    assert len(problems) == 1
    assert problems[0].startswith("twincloud:monitoring.prometheus.memoryRequest: prod needs at least 1Gi")
    assert "OOMKilled" in problems[0] and "(got '512Mi')" in problems[0]


def test_prod_rejects_a_memory_limit_below_1gi():
    problems = _problems("prod", "twincloud:monitoring.prometheus.memoryLimit=768Mi")
    assert any(p.startswith("twincloud:monitoring.prometheus.memoryLimit: prod needs at least 1Gi") for p in problems)


def test_dev_accepts_prometheus_memory_below_1gi():
    assert _load("dev", "twincloud:monitoring.prometheus.memoryRequest=512Mi").monitoring.prometheus.memory_request \
        == "512Mi"


def test_memory_limit_must_not_be_below_request():
    problems = _problems("dev", "twincloud:monitoring.prometheus.memoryLimit=512Mi")
    assert problems == ["twincloud:monitoring.prometheus: memoryLimit (512Mi) must not be below memoryRequest (768Mi)"]


def test_prod_requires_an_alertmanager_receiver():
    problems = _problems("prod", "twincloud:monitoring.alertmanager.receivers=[]")
    assert problems == ["twincloud:monitoring.alertmanager.receivers: prod needs at least one receiver, or alerts "
                        "reach nobody; add one with a secret url"]


def test_prod_requires_ha_replica_counts():
    problems = _problems("prod", "twincloud:monitoring.prometheus.replicas=1", "twincloud:monitoring.loki.replicas=1",
                         "twincloud:monitoring.alertmanager.replicas=1")
    assert [p.split(":")[1] for p in problems] == [
        "monitoring.prometheus.replicas", "monitoring.alertmanager.replicas", "monitoring.loki.replicas"]


def test_log_retention_must_be_whole_days():
    problems = _problems("dev", "twincloud:monitoring.retention.logs=36h")
    assert problems == ["twincloud:monitoring.retention.logs: Loki deletes whole daily index periods; use whole "
                        "days, e.g. 7d or 31d (got '36h')"]


def test_bad_duration_and_quantity_are_reported_together():
    problems = _problems("dev", "twincloud:monitoring.prometheus.retention=15 days",
                         "twincloud:monitoring.loki.storageSize=10GB")
    assert problems == [
        "twincloud:monitoring.prometheus.retention: use a whole number of hours, days or weeks, e.g. 12h, 14d or 2w "
        "(got '15 days')",
        "twincloud:monitoring.loki.storageSize: use a Kubernetes quantity in Mi, Gi or Ti, e.g. 512Mi or 20Gi "
        "(got '10GB')",
    ]


def test_unknown_loki_mode_is_rejected():
    problems = _problems("dev", "twincloud:monitoring.lokiMode=distributed")
    assert len(problems) == 1 and problems[0].startswith("twincloud:monitoring.lokiMode:")
    assert "single-binary" in problems[0] and "simple-scalable" in problems[0]


def test_duplicate_receiver_names_are_rejected():
    problems = _problems("dev", 'twincloud:monitoring.alertmanager.receivers=[{name: a, url: "https://x"}, '
                                '{name: a, url: "https://y"}]')
    assert problems == ["twincloud:monitoring.alertmanager.receivers: duplicate receiver names ['a']"]


def test_read_autoscaling_bounds_are_ordered():
    problems = _problems("dev", "twincloud:monitoring.loki.readMinReplicas=8")
    assert problems == ["twincloud:monitoring.loki: readMinReplicas (8) must not exceed readMaxReplicas (6)"]


def test_unknown_monitoring_key_is_rejected():
    (problem,) = _problems("dev", "twincloud:monitoring.lokiMod=single-binary")
    assert problem.startswith("twincloud:monitoring.lokiMod: unknown key; remove it or fix its spelling")


def test_receiver_url_is_secret_in_the_effective_config(prod_plan):
    receiver = prod_plan.config["monitoring"]["alertmanager"]["receivers"][0]
    assert receiver["url"] == "**********"


def test_nested_secure_values_become_secret_placeholders():
    wire, secret_keys = _wire_config(load_stack_config("prod"))
    assert "twincloud:monitoring" in secret_keys
    assert "offline-placeholder-secret" in wire["twincloud:monitoring"]
    assert "v1:" not in wire["twincloud:monitoring"]
