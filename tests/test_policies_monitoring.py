"""Monitoring config schemas: Loki 3 settings and Tempo's S3 + Pod Identity version floor."""

from __future__ import annotations

import pulumi_kubernetes as k8s
import pytest

from components import versions
from components.versions import ChartPin
from policies.monitoring_config import loki_problems, parse_version, tempo_backend
from tests.policy_support import PREFIX, declare, messages

GRAFANA = "https://grafana.github.io/helm-charts"
LOKI3_SCHEMA = {"configs": [{"from": "2024-04-01", "store": "tsdb", "object_store": "s3", "schema": "v13",
                             "index": {"prefix": "index_", "period": "24h"}}]}


def _release(chart: str, values: dict, version: str = "1.0.0"):
    return lambda: k8s.helm.v3.Release(f"{PREFIX}-{chart}", chart=chart, version=version,
                                       repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=GRAFANA), values=values)


def _loki(values: dict) -> list[str]:
    return messages(declare(_release("loki", values)), "loki-3-config")


# -- Loki ---------------------------------------------------------------------------------

def test_loki_3_values_pass():
    values = {"loki": {"schemaConfig": LOKI3_SCHEMA, "limits_config": {"retention_period": "744h"},
                       "storage": {"type": "s3"}}}
    assert _loki(values) == []


def test_enforce_metric_name_is_reported():
    values = {"loki": {"schemaConfig": LOKI3_SCHEMA, "limits_config": {"enforce_metric_name": False}}}
    assert _loki(values) == ["Loki 3 rejects the Loki-2-only setting 'enforce_metric_name' "
                             "(at loki.limits_config.enforce_metric_name); remove it"]


def test_boltdb_shipper_without_tsdb_is_reported():
    values = {"loki": {"schemaConfig": {"configs": [{"from": "2022-01-01", "store": "boltdb-shipper",
                                                     "object_store": "s3", "schema": "v12"}]}}}
    assert _loki(values) == ["the schema config uses boltdb-shipper without a tsdb period; Loki 3 needs a period "
                             "with store: tsdb and schema: v13 (add one starting tomorrow, keep the old period "
                             "for old data)"]


def test_boltdb_shipper_followed_by_a_tsdb_period_passes():
    configs = [{"from": "2022-01-01", "store": "boltdb-shipper", "object_store": "s3", "schema": "v12"},
               *LOKI3_SCHEMA["configs"]]
    assert _loki({"loki": {"schemaConfig": {"configs": configs}}}) == []


def test_boltdb_only_config_text_is_reported_despite_a_tsdb_schema_config_value():
    # The chart requires loki.schemaConfig, but a full loki.config text replaces the file Loki reads.
    config = ("schema_config:\n  configs:\n  - from: '2022-01-01'\n    store: boltdb-shipper\n"
              "    object_store: s3\n    schema: v12\n")
    assert _loki({"loki": {"schemaConfig": LOKI3_SCHEMA, "config": config}}) == [
        "the schema config uses boltdb-shipper without a tsdb period; Loki 3 needs a period with store: tsdb and "
        "schema: v13 (add one starting tomorrow, keep the old period for old data) (in loki.config)"]


def test_loki_2_setting_inside_a_raw_config_string_is_reported():
    config = "auth_enabled: false\nlimits_config:\n  enforce_metric_name: false\n"
    assert _loki({"loki": {"config": config}}) == [
        "Loki 3 rejects the Loki-2-only setting 'enforce_metric_name' (at loki.config.limits_config.enforce_metric_name); "
        "remove it"]


def test_loki_config_map_is_checked_too():
    def build():
        k8s.core.v1.ConfigMap(f"{PREFIX}-loki-config", metadata={"name": "loki-config"},
                              data={"loki.yaml": "compactor:\n  shared_store: s3\n"})

    assert messages(declare(build), "loki-3-config") == [
        "Loki 3 rejects the Loki-2-only setting 'shared_store' (at loki.yaml.compactor.shared_store); remove it"]


def test_other_charts_are_not_read_as_loki():
    values = {"grafana": {"limits_config": {"enforce_metric_name": False}}}
    assert messages(declare(_release("grafana", values)), "loki-3-config") == []


def test_templated_config_text_falls_back_to_a_line_scan():
    text = "limits_config:\n  max_transfer_retries: {{ .Values.retries }}\n  bad: [\n"
    assert loki_problems({"config": text}, ["max_transfer_retries"]) == [
        "Loki 3 rejects the Loki-2-only setting 'max_transfer_retries' (in config)"]


# -- Tempo --------------------------------------------------------------------------------

def _tempo(tag: str, backend: str = "s3") -> list[str]:
    values = {"tempo": {"repository": "grafana/tempo", "tag": tag,
                        "storage": {"trace": {"backend": backend, "s3": {"bucket": "traces"}}}}}
    return messages(declare(_release("tempo", values)), "tempo-s3-pod-identity")


def test_tempo_2_6_with_s3_passes():
    assert _tempo("2.6.1") == []


def test_tempo_below_2_6_with_s3_is_reported():
    assert _tempo("2.5.0") == ["Tempo 2.5.0 (values.tempo) with the S3 backend: EKS Pod Identity credentials need "
                               "Tempo >= 2.6.0 (grafana/tempo#3899); bump the tempo pin in components/versions.py"]


def test_old_tempo_on_local_storage_passes():
    assert _tempo("2.5.0", backend="local") == []


def test_tempo_version_falls_back_to_the_chart_pin(monkeypatch):
    monkeypatch.setattr(versions, "CHARTS", {"tempo": ChartPin(repo=GRAFANA, chart="tempo", version="1.10.0",
                                                               app_version="2.5.0", verified="test")})
    values = {"tempo": {"storage": {"trace": {"backend": "s3"}}}}
    found = messages(declare(_release("tempo", values, version="1.10.0")), "tempo-s3-pod-identity")
    assert found == ["Tempo 2.5.0 (appVersion of chart tempo 1.10.0) with the S3 backend: EKS Pod Identity "
                     "credentials need Tempo >= 2.6.0 (grafana/tempo#3899); bump the tempo pin in "
                     "components/versions.py"]


@pytest.mark.parametrize("text,expected", [("2.6.0", (2, 6, 0)), ("v2.10.1", (2, 10, 1)), ("2.5", (2, 5, 0)),
                                           ("main-abc", None)])
def test_parse_version(text, expected):
    assert parse_version(text) == expected


def test_tempo_backend_reads_yaml_config_text():
    assert tempo_backend({"config": "storage:\n  trace:\n    backend: s3\n"}) == "s3"
