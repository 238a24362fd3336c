"""Alloy, Loki and Tempo configs checked by the rules of the programs that read them.

No registry ships a parser for these configs, so ``tools/consumer_schemas.py`` derives every
allowed block, attribute (with its kind) and YAML field from the Go struct tags at the pinned
tags (Alloy v1.18.1, Loki 3.7.6, Tempo 2.6.1; ``components/versions.py``) into
``tests/data/consumer_schemas/*.json``, each field with its ``path:line``. These tests run the
plans' rendered configs through that schema, and prove it rejects known-bad renderings.
"""

from __future__ import annotations

import copy

import pytest

from components.monitoring.alloy_config import Block, alloy_blocks, alloy_config, render
from components.monitoring.endpoints import StackEndpoints
from components.monitoring.loki_config import REMOVED_IN_LOKI_3, loki_config
from components.monitoring.storage import AzureBlobTarget, S3Target
from components.monitoring.tempo_config import tempo_config
from components.versions import CHARTS
from tests.consumer_schema_support import (
    AlloyBlock,
    AlloySyntaxError,
    Attr,
    check_alloy,
    check_yaml,
    parse_alloy,
    schema,
)
from tests.monitoring_support import STACK, loki_config_of, tempo_config_of, values

EP = StackEndpoints()
S3 = S3Target(bucket="logs", region="eu-west-1")
BLOB = AzureBlobTarget(storage_account="acct", container="logs")


def _stacks(plan):
    stacks = plan.of_type(STACK)
    assert stacks
    return [(s.name, plan.descendants_of(s.urn)) for s in stacks]


# -- the schemas come from the pinned tags -------------------------------------------------

@pytest.mark.parametrize("name,chart", [("alloy", "alloy"), ("loki", "loki"), ("tempo", "tempo")])
def test_schema_was_derived_at_the_pinned_version(name, chart):
    version = CHARTS[chart].app_version
    assert schema(name)["source"].endswith(f"(tag {version if version.startswith('v') else 'v' + version})")


@pytest.mark.parametrize("name", ["alloy", "loki", "tempo"])
def test_every_schema_field_cites_its_source_line(name):
    for key, t in schema(name)["types"].items():
        assert t["at"].split(":")[-1].isdigit(), key
        assert all(f["at"].split(":")[-1].isdigit() for f in t["fields"].values()), key


# -- the Alloy syntax parser ---------------------------------------------------------------

def test_parser_reads_blocks_labels_and_attributes():
    doc = parse_alloy('a.b "x" {\n  n = 1\n  inner {\n    s = "q"\n  }\n}\n')
    assert doc == [AlloyBlock("a.b", "x", 1, [Attr("n", 1, 2), AlloyBlock("inner", None, 3, [Attr("s", "q", 4)])])]


def test_parser_reads_objects_lists_references_and_calls():
    (block,) = parse_alloy('c "l" {\n  o = {\n    "k" = "v",\n  }\n  l = [a.b.c, "s"]\n'
                           '  f = "p=" + sys.env("H")\n}\n')
    assert [(a.name, a.value) for a in block.body] == [
        ("o", {"k": "v"}),
        ("l", [("ref", "a.b.c"), "s"]),
        ("f", ("binop", "+", "p=", ("call", ("ref", "sys.env"), ["H"]))),
    ]


@pytest.mark.parametrize("text", ['c "l" {\n  x = \n}\n', 'c "l" {\n  x = 1\n', 'c "l" { x = 1 y = 2 }\n', "x = 1\n"])
def test_parser_rejects_malformed_documents(text):
    with pytest.raises(AlloySyntaxError):
        parse_alloy(text)


def test_parser_sees_every_block_the_renderer_writes():
    blocks = alloy_blocks(EP, "c1")
    parsed = parse_alloy(alloy_config(EP, "c1"))
    assert [(b.name, b.label) for b in parsed] == [(b.name, b.label) for b in blocks]


# -- Alloy ---------------------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_plan_alloy_configs_match_the_alloy_schema(stack, request):
    for name, resources in _stacks(request.getfixturevalue(f"{stack}_plan")):
        assert check_alloy(values(resources, "alloy")["alloy"]["configMap"]["content"]) == [], name


def test_alloy_check_rejects_external_labels_as_a_block():
    text = render([Block("prometheus.remote_write", "default", [
        Block("endpoint", body=[("url", "http://prometheus:9090/api/v1/write")]),
        Block("external_labels", body=[("cluster", "c1")]),
    ])])
    (problem,) = check_alloy(text)
    assert "external_labels" in problem and "is an attribute" in problem
    assert "internal/component/prometheus/remotewrite/types.go:" in problem


def test_alloy_check_accepts_external_labels_as_an_attribute():
    text = render([Block("prometheus.remote_write", "default", [
        Block("endpoint", body=[("url", "http://prometheus:9090/api/v1/write")]),
        ("external_labels", {"cluster": "c1"}),
    ])])
    assert check_alloy(text) == []


def test_alloy_check_rejects_an_attribute_written_where_a_block_belongs():
    text = render([Block("loki.write", "default", [("endpoint", {"url": "http://loki/push"})])])
    assert any("'endpoint' is a block" in p for p in check_alloy(text))


def test_alloy_check_rejects_an_unknown_attribute():
    text = render([Block("prometheus.scrape", "x", [("targets", []), ("forward_to", []), ("scrape_intervall", "30s")])])
    assert any("no attribute 'scrape_intervall'" in p for p in check_alloy(text))


def test_alloy_check_rejects_an_unknown_nested_block():
    text = render([Block("otelcol.exporter.otlp", "t", [Block("client", body=[("endpoint", "t:4317"),
                                                                            Block("tlss")])])])
    assert any("client > tlss" in p for p in check_alloy(text))


def test_alloy_check_rejects_a_missing_required_attribute():
    text = render([Block("discovery.kubernetes", "pods", [])])
    assert any("required attribute 'role'" in p for p in check_alloy(text))


def test_alloy_check_rejects_an_unknown_component():
    assert any("no component" in p for p in check_alloy(render([Block("prometheus.scrapez", "x", [])])))


# -- Loki ----------------------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_plan_loki_configs_match_the_loki_schema(stack, request):
    for name, resources in _stacks(request.getfixturevalue(f"{stack}_plan")):
        assert check_yaml("loki", loki_config_of(resources)) == [], name


@pytest.mark.parametrize("mode", ["single-binary", "simple-scalable"])
@pytest.mark.parametrize("storage", [S3, BLOB], ids=["s3", "azure"])
@pytest.mark.parametrize("caches", [False, True])
def test_every_loki_rendering_matches_the_loki_schema(mode, storage, caches):
    config = loki_config(mode=mode, storage=storage, retention="744h", endpoints=EP, replication_factor=3,
                         caches=caches)
    assert check_yaml("loki", config) == []


def _with_path(config: dict, dotted: str, value) -> dict:
    config = copy.deepcopy(config)
    node = config
    *parents, leaf = dotted.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value
    return config


@pytest.mark.parametrize("path", REMOVED_IN_LOKI_3)
def test_loki_check_rejects_each_loki_2_field(path):
    config = _with_path(loki_config(mode="single-binary", storage=S3, retention="744h", endpoints=EP,
                                    replication_factor=1), path, "x")
    problems = check_yaml("loki", config)
    assert len(problems) == 1 and problems[0].startswith(f".{path}: no field")


# -- Tempo ---------------------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_plan_tempo_configs_match_the_tempo_schema(stack, request):
    for name, resources in _stacks(request.getfixturevalue(f"{stack}_plan")):
        assert check_yaml("tempo", tempo_config_of(resources)) == [], name


@pytest.mark.parametrize("storage", [S3, BLOB], ids=["s3", "azure"])
def test_every_tempo_rendering_matches_the_tempo_schema(storage):
    assert check_yaml("tempo", tempo_config(storage=storage, retention="336h", endpoints=EP)) == []


@pytest.mark.parametrize("path", [
    "storage.trace.s3.bukket",                                  # misspelt storage field
    "metrics_generator.processor.span_metrics.dimension",       # singular of a real field
    "distributor.receivers.otlp.protocols.grpc.listen_address",  # not an OTLP receiver field
    "ingester.max_block_duraton",                               # typo of a real field
])
def test_tempo_check_rejects_an_unknown_field(path):
    config = _with_path(tempo_config(storage=S3, retention="336h", endpoints=EP), path, "x")
    problems = check_yaml("tempo", config)
    assert len(problems) == 1 and problems[0].startswith(f".{path}: no field")


def test_tempo_check_rejects_an_unknown_receiver():
    config = _with_path(tempo_config(storage=S3, retention="336h", endpoints=EP), "distributor.receivers.otlpp", {})
    assert check_yaml("tempo", config) == [".distributor.receivers.otlpp: not one of the known keys ['otlp']"]
