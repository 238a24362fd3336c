"""The Alloy (River syntax) configuration of the node agents, generated from this stack's
service names (``StackEndpoints``), never from hand-copied URLs.

Per node, Alloy:
* tails the node's pod logs from ``/var/log/pods`` and pushes them to Loki's gateway;
* receives OTLP traces on ``0.0.0.0:4317`` (gRPC) and ``0.0.0.0:4318`` (HTTP) and forwards them
  to Tempo over OTLP gRPC;
* scrapes pods annotated ``prometheus.io/scrape: "true"`` on its node and remote-writes the
  samples to Prometheus' remote-write receiver.
Pod discovery is limited to the agent's own node (``spec.nodeName``), so N agents never
scrape or tail the same pod twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Union

from components.monitoring.endpoints import OTLP_GRPC_PORT, OTLP_HTTP_PORT, StackEndpoints


@dataclass(frozen=True)
class Expr:
    """A raw River expression (a component reference or a function call)."""

    text: str


@dataclass
class Block:
    """``name "label" { ... }``; ``body`` holds attributes (name, value) and nested blocks."""

    name: str
    label: str | None = None
    body: list[Union[tuple[str, Any], "Block"]] = field(default_factory=list)


def _value(value: Any, indent: int) -> str:
    pad = "  " * indent
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # River strings use Go escapes, which JSON's are a subset of
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v, indent) for v in value) + "]"
    if isinstance(value, dict):
        inner = "".join(f"{pad}  {json.dumps(k)} = {_value(v, indent + 1)},\n" for k, v in value.items())
        return "{\n" + inner + pad + "}"
    raise TypeError(f"no River form for {value!r}")


def render(blocks: list[Block]) -> str:
    """River text for ``blocks`` (deterministic, two-space indent)."""
    out: list[str] = []

    def emit(block: Block, indent: int) -> None:
        pad = "  " * indent
        label = f" {json.dumps(block.label)}" if block.label is not None else ""
        out.append(f"{pad}{block.name}{label} {{")
        for item in block.body:
            if isinstance(item, Block):
                emit(item, indent + 1)
            else:
                key, value = item
                out.append(f"{pad}  {key} = {_value(value, indent + 1)}")
        out.append(f"{pad}}}")

    for i, block in enumerate(blocks):
        if i:
            out.append("")
        emit(block, 0)
    return "\n".join(out) + "\n"


def _rule(**attrs: Any) -> Block:
    return Block("rule", body=list(attrs.items()))


def _common_pod_labels() -> list[Block]:
    return [
        _rule(source_labels=["__meta_kubernetes_namespace"], target_label="namespace"),
        _rule(source_labels=["__meta_kubernetes_pod_name"], target_label="pod"),
        _rule(source_labels=["__meta_kubernetes_pod_container_name"], target_label="container"),
        _rule(source_labels=["__meta_kubernetes_pod_label_app_kubernetes_io_name"], target_label="app"),
        _rule(source_labels=["__meta_kubernetes_pod_node_name"], target_label="node"),
    ]


def alloy_blocks(endpoints: StackEndpoints, cluster: str) -> list[Block]:
    """The agent pipeline as River blocks (see the module docstring)."""
    return [
        Block("logging", body=[("level", "info"), ("format", "logfmt")]),
        # -- discovery: pods on this node only ---------------------------------------------
        Block("discovery.kubernetes", "pods", [
            ("role", "pod"),
            Block("selectors", body=[("role", "pod"),
                                     ("field", Expr('"spec.nodeName=" + sys.env("HOSTNAME")'))]),
        ]),
        # -- logs -> Loki ----------------------------------------------------------------
        Block("discovery.relabel", "pod_logs", [
            ("targets", Expr("discovery.kubernetes.pods.targets")),
            *_common_pod_labels(),
            _rule(source_labels=["__meta_kubernetes_pod_uid", "__meta_kubernetes_pod_container_name"],
                  separator="/", replacement="/var/log/pods/*$1/*.log", target_label="__path__"),
        ]),
        Block("local.file_match", "pod_logs", [("path_targets", Expr("discovery.relabel.pod_logs.output"))]),
        Block("loki.source.file", "pod_logs", [
            ("targets", Expr("local.file_match.pod_logs.targets")),
            ("forward_to", [Expr("loki.process.pod_logs.receiver")]),
        ]),
        Block("loki.process", "pod_logs", [
            Block("stage.cri"),
            Block("stage.static_labels", body=[("values", {"cluster": cluster})]),
            ("forward_to", [Expr("loki.write.default.receiver")]),
        ]),
        Block("loki.write", "default", [Block("endpoint", body=[("url", endpoints.loki_push_url)])]),
        # -- traces -> Tempo ---------------------------------------------------------------
        Block("otelcol.receiver.otlp", "default", [
            Block("grpc", body=[("endpoint", f"0.0.0.0:{OTLP_GRPC_PORT}")]),
            Block("http", body=[("endpoint", f"0.0.0.0:{OTLP_HTTP_PORT}")]),
            Block("output", body=[("traces", [Expr("otelcol.processor.batch.default.input")])]),
        ]),
        Block("otelcol.processor.batch", "default", [
            Block("output", body=[("traces", [Expr("otelcol.exporter.otlp.tempo.input")])]),
        ]),
        Block("otelcol.exporter.otlp", "tempo", [
            Block("client", body=[
                ("endpoint", endpoints.tempo_otlp_grpc),
                Block("tls", body=[("insecure", True)]),  # in-cluster hop; Tempo serves plain gRPC
            ]),
        ]),
        # -- annotated pod metrics -> Prometheus remote write -----------------------------
        Block("discovery.relabel", "annotated_pods", [
            ("targets", Expr("discovery.kubernetes.pods.targets")),
            _rule(source_labels=["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], regex="true",
                  action="keep"),
            _rule(source_labels=["__meta_kubernetes_pod_phase"], regex="Pending|Succeeded|Failed", action="drop"),
            _rule(source_labels=["__meta_kubernetes_pod_annotation_prometheus_io_path"], regex="(.+)",
                  target_label="__metrics_path__"),
            _rule(source_labels=["__meta_kubernetes_pod_annotation_prometheus_io_scheme"], regex="(https?)",
                  target_label="__scheme__"),
            _rule(source_labels=["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
                  regex="(.+?)(?::\\d+)?;(\\d+)", replacement="$1:$2", target_label="__address__"),
            *_common_pod_labels(),
        ]),
        Block("prometheus.scrape", "annotated_pods", [
            ("targets", Expr("discovery.relabel.annotated_pods.output")),
            ("forward_to", [Expr("prometheus.remote_write.default.receiver")]),
            ("scrape_interval", "30s"),
        ]),
        Block("prometheus.remote_write", "default", [
            Block("endpoint", body=[("url", endpoints.prometheus_remote_write_url)]),
            # An attribute of type map(string), not a block: grafana/alloy@6012ec4ac6a5 (tag v1.18.1)
            # internal/component/prometheus/remotewrite/types.go:65 `alloy:"external_labels,attr,optional"`.
            ("external_labels", {"cluster": cluster}),
        ]),
    ]


def alloy_config(endpoints: StackEndpoints, cluster: str) -> str:
    """The River document the Alloy chart mounts as ``config.alloy``."""
    return render(alloy_blocks(endpoints, cluster))
