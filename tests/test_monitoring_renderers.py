"""Pure renderers: Loki, Tempo and Alloy configs, Alertmanager config, Grafana provisioning."""

import json
import re

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from components.monitoring.alertmanager_config import Receiver, alertmanager_config
from components.monitoring.alloy_config import alloy_config, render, Block
from components.monitoring.checks import hpa_conflicts, image_refs, static_credentials
from components.monitoring.durations import go_duration, hours, retention_size
from components.monitoring.endpoints import StackEndpoints
from components.monitoring.grafana import LOKI_UID, PROMETHEUS_UID, TEMPO_UID, datasources
from components.monitoring.loki_config import REMOVED_IN_LOKI_3, loki_config, removed_fields
from components.monitoring.storage import AzureBlobTarget, S3Target
from components.monitoring.tempo_config import tempo_config

EP = StackEndpoints()
S3 = S3Target(bucket="twincloud-dev-euw1-loki-chunks-abc123", region="eu-west-1")
BLOB = AzureBlobTarget(storage_account="twcdevweumon", container="loki-chunks")


def _loki(mode="single-binary", storage=S3, **kw):
    return loki_config(mode=mode, storage=storage, retention=kw.pop("retention", "31d"), endpoints=EP,
                       replication_factor=kw.pop("replication_factor", 1), **kw)


# -- Loki ---------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["single-binary", "simple-scalable"])
@pytest.mark.parametrize("storage", [S3, BLOB], ids=["s3", "azure"])
def test_loki_schema_is_tsdb_v13(mode, storage):
    periods = _loki(mode, storage)["schema_config"]["configs"]
    assert [(p["store"], p["schema"]) for p in periods] == [("tsdb", "v13")]
    assert periods[0]["object_store"] == ("s3" if storage is S3 else "azure")


@pytest.mark.parametrize("mode", ["single-binary", "simple-scalable"])
@pytest.mark.parametrize("caches", [False, True])
def test_loki_config_has_no_field_loki_3_removed(mode, caches):
    assert removed_fields(_loki(mode, caches=caches)) == []


@pytest.mark.parametrize("path", REMOVED_IN_LOKI_3)
def test_removed_fields_detects_each_loki_2_field(path):
    config = _loki()
    node = config
    *parents, leaf = path.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = "x"
    assert path in removed_fields(config)


def test_removed_fields_detects_boltdb_shipper_index():
    config = _loki()
    config["schema_config"]["configs"][0]["store"] = "boltdb-shipper"
    config["storage_config"]["boltdb_shipper"] = {"active_index_directory": "/x"}
    assert len(removed_fields(config)) == 2


def test_loki_s3_has_only_bucket_and_region():
    s3 = _loki()["common"]["storage"]["s3"]
    assert s3 == {"bucketnames": S3.bucket, "region": "eu-west-1", "s3forcepathstyle": False}


def test_loki_azure_uses_federated_token():
    azure = _loki(storage=BLOB)["common"]["storage"]["azure"]
    assert azure == {"account_name": BLOB.storage_account, "container_name": "loki-chunks",
                     "use_federated_token": True}


@pytest.mark.parametrize("storage", [S3, BLOB], ids=["s3", "azure"])
def test_loki_compactor_retention_uses_delete_request_store(storage):
    config = _loki(storage=storage, retention="14d")
    assert config["compactor"]["retention_enabled"] is True
    assert config["compactor"]["delete_request_store"] == config["schema_config"]["configs"][0]["object_store"]
    assert config["limits_config"]["retention_period"] == "336h"


def test_loki_rejects_retention_that_is_not_whole_days():
    with pytest.raises(ValueError, match="whole number of days"):
        _loki(retention="36h")


def test_loki_simple_scalable_reaches_the_backend_for_index_and_compactor():
    config = _loki("simple-scalable", replication_factor=3)
    assert config["common"]["compactor_grpc_address"] == "loki-backend.monitoring.svc.cluster.local:9095"
    assert config["storage_config"]["tsdb_shipper"]["index_gateway_client"]["server_address"] == \
        "dns+loki-backend-headless.monitoring.svc.cluster.local:9095"
    assert config["common"]["replication_factor"] == 3


def test_loki_caches_point_at_the_chart_memcached_services():
    config = _loki(caches=True)
    assert "loki-chunks-cache.monitoring.svc" in config["chunk_store_config"]["chunk_cache_config"][
        "memcached_client"]["addresses"]
    assert "loki-results-cache.monitoring.svc" in config["query_range"]["results_cache"]["cache"][
        "memcached_client"]["addresses"]


# -- Tempo --------------------------------------------------------------------------------

@pytest.mark.parametrize("region", ["eu-west-1", "us-west-2", "ap-southeast-2"])
def test_tempo_s3_endpoint_and_region_match_the_bucket_region(region):
    s3 = tempo_config(storage=S3Target("b", region), retention="14d", endpoints=EP)["storage"]["trace"]["s3"]
    assert s3 == {"bucket": "b", "endpoint": f"s3.{region}.amazonaws.com", "region": region, "insecure": False}


def test_tempo_azure_uses_federated_token():
    trace = tempo_config(storage=BLOB, retention="14d", endpoints=EP)["storage"]["trace"]
    assert trace["backend"] == "azure"
    assert trace["azure"] == {"storage_account_name": BLOB.storage_account, "container_name": "loki-chunks",
                              "use_federated_token": True}


def test_tempo_otlp_receivers_listen_on_all_interfaces():
    protocols = tempo_config(storage=S3, retention="14d", endpoints=EP)["distributor"]["receivers"]["otlp"]["protocols"]
    assert protocols == {"grpc": {"endpoint": "0.0.0.0:4317"}, "http": {"endpoint": "0.0.0.0:4318"}}


def test_tempo_metrics_generator_remote_writes_to_this_stacks_prometheus():
    config = tempo_config(storage=S3, retention="14d", endpoints=StackEndpoints(namespace="obs"))
    assert config["metrics_generator"]["storage"]["remote_write"][0]["url"] == \
        "http://kube-prometheus-stack-prometheus.obs.svc.cluster.local:9090/api/v1/write"
    assert config["overrides"]["defaults"]["metrics_generator"]["processors"] == ["service-graphs", "span-metrics"]


def test_tempo_retention_is_a_go_duration():
    assert tempo_config(storage=S3, retention="2w", endpoints=EP)["compactor"]["compaction"]["block_retention"] == "336h"


@pytest.mark.parametrize("storage", [S3, BLOB], ids=["s3", "azure"])
def test_no_static_credentials_in_loki_or_tempo_configs(storage):
    assert static_credentials(_loki(storage=storage)) == []
    assert static_credentials(tempo_config(storage=storage, retention="14d", endpoints=EP)) == []


def test_static_credentials_finds_keys_and_embedded_text():
    assert static_credentials({"s3": {"access_key_id": "AKIA"}}) == ["s3.access_key_id"]
    assert static_credentials({"config": "storage:\n  azure:\n    account_key: abc\n"}) == \
        ["config: account_key (in embedded text)"]


# -- Alloy --------------------------------------------------------------------------------

def test_alloy_config_targets_this_stacks_services():
    text = alloy_config(EP, "c1")
    assert f'url = "{EP.loki_push_url}"' in text
    assert f'endpoint = "{EP.tempo_otlp_grpc}"' in text
    assert f'url = "{EP.prometheus_remote_write_url}"' in text


def test_alloy_remote_write_external_labels_is_an_attribute_not_a_block():
    # prometheus.remote_write declares `external_labels` as `attr` of type map(string)
    # (grafana/alloy@6012ec4ac6a5, tag v1.18.1, internal/component/prometheus/remotewrite/types.go:65);
    # Alloy's decoder refuses it written as a block.
    text = alloy_config(EP, "c1")
    remote_write = text[text.index('prometheus.remote_write "default" {'):]
    assert 'external_labels = {\n    "cluster" = "c1",\n  }' in remote_write
    assert "external_labels {" not in text


def test_alloy_config_follows_a_renamed_namespace():
    text = alloy_config(StackEndpoints(namespace="observability"), "c1")
    assert "loki-gateway.observability.svc.cluster.local" in text
    assert "tempo.observability.svc.cluster.local:4317" in text
    assert ".monitoring.svc" not in text


def test_alloy_receives_otlp_on_all_interfaces():
    text = alloy_config(EP, "c1")
    assert 'endpoint = "0.0.0.0:4317"' in text and 'endpoint = "0.0.0.0:4318"' in text


def test_alloy_discovers_only_pods_on_its_own_node():
    assert 'field = "spec.nodeName=" + sys.env("HOSTNAME")' in alloy_config(EP, "c1")


def test_alloy_scrapes_only_annotated_pods():
    text = alloy_config(EP, "c1")
    block = text[text.index('discovery.relabel "annotated_pods"'):]
    assert 'source_labels = ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"]' in block
    assert 'action = "keep"' in block


def _balanced(text: str) -> bool:
    """Braces and brackets balance outside string literals, and every string is closed."""
    depth, i, in_str = 0, 0, False
    while i < len(text):
        ch = text[i]
        if in_str:
            if ch == "\\":
                i += 2
                continue
            in_str = ch != '"'
        elif ch == '"':
            in_str = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth < 0:
                return False
        i += 1
    return depth == 0 and not in_str


def test_alloy_config_is_structurally_balanced():
    assert _balanced(alloy_config(EP, "c1"))
    assert not _balanced('a { b = "}" ')


@given(st.text())
def test_river_strings_round_trip_any_text(value):
    text = render([Block("x", "y", [("v", value)])])
    literal = text.split("v = ", 1)[1].rsplit("\n}", 1)[0]
    assert json.loads(literal) == value


# -- Alertmanager ----------------------------------------------------------------------

def test_alertmanager_sends_every_alert_to_every_receiver_except_watchdog():
    config = alertmanager_config([Receiver("oncall", "https://a"), Receiver("chat", "https://b", type="slack",
                                                                             channel="#alerts")])
    routes = config["route"]["routes"]
    assert routes[0] == {"receiver": "null", "matchers": ['alertname = "Watchdog"']}
    assert [r["receiver"] for r in routes if r.get("continue")] == ["oncall", "chat"]
    assert config["receivers"][1]["webhook_configs"][0]["url"] == "https://a"
    assert config["receivers"][2]["slack_configs"][0]["channel"] == "#alerts"


def test_alertmanager_rejects_duplicate_receivers():
    with pytest.raises(ValueError, match="unique"):
        alertmanager_config([Receiver("a", "https://a"), Receiver("a", "https://b")])


# -- Grafana --------------------------------------------------------------------------------

def test_grafana_datasources_link_traces_to_logs_and_metrics():
    by_uid = {d["uid"]: d for d in datasources(EP)["datasources"]}
    tempo = by_uid[TEMPO_UID]["jsonData"]
    assert tempo["tracesToLogsV2"]["datasourceUid"] == LOKI_UID
    assert tempo["tracesToMetrics"]["datasourceUid"] == PROMETHEUS_UID
    assert tempo["serviceMap"]["datasourceUid"] == PROMETHEUS_UID
    assert by_uid[LOKI_UID]["jsonData"]["derivedFields"][0]["datasourceUid"] == TEMPO_UID
    assert by_uid[PROMETHEUS_UID]["jsonData"]["exemplarTraceIdDestinations"][0]["datasourceUid"] == TEMPO_UID


def test_grafana_datasource_urls_are_this_stacks_services():
    urls = {d["uid"]: d["url"] for d in datasources(EP)["datasources"]}
    assert urls == {PROMETHEUS_UID: EP.prometheus_url, LOKI_UID: EP.loki_url, TEMPO_UID: EP.tempo_url}


def test_grafana_provisioning_escapes_literal_dollars():
    text = yaml.safe_dump(datasources(EP))
    assert not re.search(r"(?<!\$)\$\{__value", text) and not re.search(r"(?<!\$)\$__tags", text)


# -- shared checks -------------------------------------------------------------------------

def test_hpa_conflicts_flags_autoscaler_with_replicas():
    values = {"read": {"replicas": 3, "autoscaling": {"enabled": True}}, "write": {"replicas": 3}}
    assert hpa_conflicts(values) == ["read"]


def test_image_refs_reads_both_image_styles():
    refs = list(image_refs({"a": {"image": {"registry": "r", "repository": "x/y", "tag": "1"}},
                            "tempo": {"repository": "docker.io/grafana/tempo", "tag": "2.6.1"}}))
    assert [(r, t) for _, r, t in refs] == [("r/x/y", "1"), ("docker.io/grafana/tempo", "2.6.1")]


# -- durations ---------------------------------------------------------------------------

@given(st.integers(min_value=1, max_value=10_000), st.sampled_from(["h", "d", "w"]))
def test_go_duration_is_whole_hours(n, unit):
    assert go_duration(f"{n}{unit}") == f"{n * {'h': 1, 'd': 24, 'w': 168}[unit]}h"
    assert hours(f"{n}{unit}") >= n


@given(st.integers(min_value=1, max_value=100_000))
def test_retention_size_leaves_headroom_on_the_volume(gib):
    size_gb = int(retention_size(f"{gib}Gi").removesuffix("GB"))
    assert 1 <= size_gb <= max(1, gib * 1.073741824 * 0.86)
