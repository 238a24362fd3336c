"""The Loki 3 configuration file, rendered as data (the chart's ``loki.config`` is replaced
by this document, so what the tests assert is exactly what Loki reads).

* TSDB index with schema v13 (the only schema Loki 3 develops; boltdb-shipper is legacy);
* object storage through the pod's cloud identity: S3 with only ``region`` + ``bucketnames``
  (no endpoint credentials, so the AWS SDK chain reaches EKS Pod Identity), or Azure Blob
  with ``use_federated_token`` (AKS workload identity);
* compactor-driven retention with ``delete_request_store`` (required by Loki 3 when
  retention is on);
* none of the fields Loki 3 removed (``REMOVED_IN_LOKI_3``), which would stop it starting.
"""

from __future__ import annotations

from typing import Any

from components.monitoring.durations import hours
from components.monitoring.endpoints import LOKI_GRPC_PORT, LOKI_HTTP_PORT, StackEndpoints
from components.monitoring.storage import AzureBlobTarget, S3Target, StorageTarget

MODES = ("single-binary", "simple-scalable")
SCHEMA_FROM = "2024-04-01"  # first day of the v13/tsdb period; never change for an existing store
INDEX_PERIOD_HOURS = 24

# Fields removed in Loki 3.0 (grafana/loki docs/sources/setup/upgrade/_index.md, section
# "3.0.0"): any of them makes Loki 3 refuse the config. Dotted paths from the config root.
REMOVED_IN_LOKI_3 = (
    "limits_config.enforce_metric_name",
    "ingester.max_transfer_retries",
    "querier.engine.timeout",
    "querier.query_timeout",
    "chunk_store_config.max_look_back_period",
    "storage_config.boltdb_shipper.shared_store",
    "storage_config.boltdb_shipper.shared_store_key_prefix",
    "storage_config.tsdb_shipper.shared_store",
    "storage_config.tsdb_shipper.shared_store_key_prefix",
    "storage_config.tsdb_shipper.use_boltdb_shipper_as_backup",
    "storage_config.aws.sse_encryption",
    "common.storage.s3.sse_encryption",
    "compactor.shared_store",
    "compactor.shared_store_key_prefix",
    "compactor.deletion_mode",
    "query_range.split_queries_by_interval",
    "frontend.forward_headers_list",
    "frontend_worker.parallelism",
    "ruler.evaluation_delay_duration",
    "chunk_store_config.chunk_cache_config.async_cache_write_back_concurrency",
    "chunk_store_config.chunk_cache_config.async_cache_write_back_buffer_size",
    "query_range.results_cache.cache.async_cache_write_back_concurrency",
    "query_range.results_cache.cache.async_cache_write_back_buffer_size",
)
LEGACY_INDEX_STORES = ("boltdb-shipper", "boltdb", "aws", "aws-dynamo", "bigtable", "cassandra")


def object_store(target: StorageTarget) -> str:
    return "s3" if isinstance(target, S3Target) else "azure"


def storage_block(target: StorageTarget) -> dict[str, Any]:
    """``common.storage``: the bucket and nothing that could hold a credential."""
    if isinstance(target, S3Target):
        return {"s3": {"bucketnames": target.bucket, "region": target.region, "s3forcepathstyle": False}}
    if isinstance(target, AzureBlobTarget):
        return {"azure": {
            "account_name": target.storage_account,
            "container_name": target.container,
            "use_federated_token": True,
        }}
    raise TypeError(f"unsupported storage target {target!r}")


def schema_config(target: StorageTarget) -> dict[str, Any]:
    return {"configs": [{
        "from": SCHEMA_FROM,
        "store": "tsdb",
        "object_store": object_store(target),
        "schema": "v13",
        "index": {"prefix": "loki_index_", "period": f"{INDEX_PERIOD_HOURS}h"},
    }]}


def loki_config(
    *,
    mode: str,
    storage: StorageTarget,
    retention: str,
    endpoints: StackEndpoints,
    replication_factor: int,
    caches: bool = False,
) -> dict[str, Any]:
    """The whole Loki config for ``mode`` (``single-binary`` or ``simple-scalable``)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    retention_hours = hours(retention)
    if retention_hours % INDEX_PERIOD_HOURS:
        raise ValueError(f"Loki retention must be a whole number of days (index period 24h), got {retention}")
    store = object_store(storage)
    storage_config: dict[str, Any] = {"tsdb_shipper": {
        "active_index_directory": "/var/loki/tsdb-index",
        "cache_location": "/var/loki/tsdb-cache",
    }}
    if mode == "simple-scalable":
        storage_config["tsdb_shipper"]["index_gateway_client"] = {"server_address": endpoints.loki_index_gateway()}
    config: dict[str, Any] = {
        "auth_enabled": False,  # one tenant per cluster; the gateway is the only entry point
        "server": {"http_listen_port": LOKI_HTTP_PORT, "grpc_listen_port": LOKI_GRPC_PORT, "log_level": "info"},
        "memberlist": {"join_members": [endpoints.loki_memberlist()]},
        "common": {
            "path_prefix": "/var/loki",
            "replication_factor": replication_factor,
            "compactor_grpc_address": endpoints.loki_compactor_grpc(mode),
            "storage": storage_block(storage),
            "ring": {"kvstore": {"store": "memberlist"}},
        },
        "schema_config": schema_config(storage),
        "storage_config": storage_config,
        "ingester": {"wal": {"flush_on_shutdown": True}},
        "compactor": {
            "working_directory": "/var/loki/compactor",
            "compaction_interval": "10m",
            "retention_enabled": True,
            "retention_delete_delay": "2h",
            "delete_request_store": store,
        },
        "limits_config": {
            "retention_period": f"{retention_hours}h",
            "reject_old_samples": True,
            "reject_old_samples_max_age": "168h",
            "max_cache_freshness_per_query": "10m",
            "split_queries_by_interval": "15m",
            "query_timeout": "300s",
            "volume_enabled": True,
            "allow_structured_metadata": True,
        },
        "runtime_config": {"file": "/etc/loki/runtime-config/runtime-config.yaml"},
        "pattern_ingester": {"enabled": False},
        "analytics": {"reporting_enabled": False},
        "query_range": {"align_queries_with_step": True, "cache_results": caches},
        "tracing": {"enabled": False},
    }
    if caches:
        config["chunk_store_config"] = {"chunk_cache_config": {
            "default_validity": "0s",
            "memcached": {"batch_size": 4, "parallelism": 5},
            "memcached_client": {"addresses": endpoints.loki_cache("chunks-cache"), "consistent_hash": True,
                                 "timeout": "2000ms", "max_idle_conns": 72},
        }}
        config["query_range"]["results_cache"] = {"cache": {
            "default_validity": "12h",
            "memcached_client": {"addresses": endpoints.loki_cache("results-cache"), "consistent_hash": True,
                                 "timeout": "500ms", "update_interval": "1m"},
        }}
    return config


def removed_fields(config: dict[str, Any]) -> list[str]:
    """Loki-2 fields present in ``config`` (dotted paths), plus any legacy index store."""
    found = []
    for path in REMOVED_IN_LOKI_3:
        node: Any = config
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                break
            node = node[part]
        else:
            found.append(path)
    for i, period in enumerate((config.get("schema_config") or {}).get("configs") or []):
        if period.get("store") in LEGACY_INDEX_STORES:
            found.append(f"schema_config.configs[{i}].store={period['store']}")
    if "boltdb_shipper" in (config.get("storage_config") or {}):
        found.append("storage_config.boltdb_shipper")
    return found
