"""The Tempo 2.6 configuration file, rendered as data (replaces the chart's ``config``).

* S3 with ``endpoint`` and ``region`` set and no access keys, so Tempo's minio-go credential
  chain falls through to EKS Pod Identity (Tempo < 2.6 cannot use Pod Identity at all), or
  Azure Blob with ``use_federated_token`` (AKS workload identity);
* OTLP gRPC and HTTP receivers bound to ``0.0.0.0`` explicitly: Tempo 2.7 changed the
  receivers' default to ``localhost``, which accepts nothing from other pods
  (grafana/tempo@b0da6b4815d3, tag v2.7.0, CHANGELOG.md: "the Open-Telemetry Collector receiver
  will connect to ``localhost`` instead of all interfaces ``0.0.0.0``", #4466); the pinned 2.6.1
  still defaults to all interfaces, so the explicit bind keeps a 2.7+ upgrade working;
* the metrics generator writes span metrics and service graphs to Prometheus' remote-write
  receiver, which the dashboards and the latency/error alerts read;
* usage reporting is off.
"""

from __future__ import annotations

from typing import Any

from components.monitoring.durations import go_duration
from components.monitoring.endpoints import TEMPO_HTTP_PORT, TEMPO_OTLP_GRPC_PORT, TEMPO_OTLP_HTTP_PORT, StackEndpoints
from components.monitoring.storage import AzureBlobTarget, S3Target, StorageTarget

# Span attributes that become span-metric labels (``http.response.status_code`` ->
# ``http_response_status_code``); the 5xx alert and the golden-signals dashboard use them.
SPAN_METRIC_DIMENSIONS = ("http.response.status_code", "http.request.method")
WAL_PATH = "/var/tempo/wal"
GENERATOR_WAL_PATH = "/var/tempo/generator/wal"


def trace_storage(target: StorageTarget) -> dict[str, Any]:
    if isinstance(target, S3Target):
        return {"backend": "s3", "s3": {"bucket": target.bucket, "endpoint": target.endpoint,
                                        "region": target.region, "insecure": False}}
    if isinstance(target, AzureBlobTarget):
        return {"backend": "azure", "azure": {"storage_account_name": target.storage_account,
                                              "container_name": target.container,
                                              "use_federated_token": True}}
    raise TypeError(f"unsupported storage target {target!r}")


def tempo_config(*, storage: StorageTarget, retention: str, endpoints: StackEndpoints) -> dict[str, Any]:
    """The whole Tempo config (single binary: distributor, ingester, querier, compactor, generator)."""
    return {
        "multitenancy_enabled": False,
        "usage_report": {"reporting_enabled": False},
        "server": {"http_listen_port": TEMPO_HTTP_PORT, "grpc_listen_port": 9095},
        "distributor": {"receivers": {"otlp": {"protocols": {
            "grpc": {"endpoint": f"0.0.0.0:{TEMPO_OTLP_GRPC_PORT}"},
            "http": {"endpoint": f"0.0.0.0:{TEMPO_OTLP_HTTP_PORT}"},
        }}}},
        "ingester": {"max_block_duration": "5m"},
        "compactor": {"compaction": {"block_retention": go_duration(retention)}},
        "storage": {"trace": {**trace_storage(storage), "wal": {"path": WAL_PATH}}},
        "metrics_generator": {
            "registry": {"external_labels": {"source": "tempo"}},
            "storage": {
                "path": GENERATOR_WAL_PATH,
                "remote_write": [{"url": endpoints.prometheus_remote_write_url, "send_exemplars": True}],
            },
            "processor": {"span_metrics": {"dimensions": list(SPAN_METRIC_DIMENSIONS)}},
        },
        "overrides": {
            "defaults": {"metrics_generator": {"processors": ["service-graphs", "span-metrics"]}},
            "per_tenant_override_config": "/conf/overrides.yaml",
        },
    }
