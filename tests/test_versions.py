"""The pins table: every pin passes check_pin, each known-bad pin is rejected, docs match."""

import pytest

from components.versions import CHARTS, IMAGES, KNOWN_BAD, check_pin, pinned_problems
from tools.versions_md import DOCS, block, current_block

# Written out independently of KNOWN_BAD, so deleting a rule fails a test.
KNOWN_BAD_PINS = [
    ("image", "quay.io/prometheus/prometheus", "v2.56.0"),
    ("image", "quay.io/prometheus/prometheus", "v2.56.1"),
    ("image", "docker.io/grafana/loki", "2.9.10"),
    ("chart", "loki", "5.47.2"),
    ("image", "docker.io/grafana/tempo", "2.5.0"),
    ("image", "grafana/tempo", "2.4.2"),
    ("chart", "tempo", "1.12.0"),
    ("chart", "tempo-distributed", "1.17.0"),
    ("image", "otel/opentelemetry-collector-contrib", "0.116.0"),
    ("image", "docker.io/otel/opentelemetry-collector", "0.116.0"),
    ("image", "docker.io/grafana/alloy", "1.18.1"),
    ("image", "docker.io/grafana/tempo", "latest"),
    ("image", "docker.io/grafana/grafana", ""),
]


def test_check_pin_accepts_every_pinned_chart_and_image():
    assert pinned_problems() == []


@pytest.mark.parametrize(("kind", "name", "version"), KNOWN_BAD_PINS)
def test_check_pin_rejects_known_bad_pin(kind, name, version):
    assert check_pin(kind, name, version), f"{kind} {name}:{version} must be rejected"


@pytest.mark.parametrize(("kind", "name", "version"), [
    ("image", "quay.io/prometheus/prometheus", "v2.55.1"),
    ("image", "quay.io/prometheus/prometheus", "v3.14.0-distroless"),
    ("image", "docker.io/grafana/tempo", "2.6.1"),
    ("image", "otel/opentelemetry-collector-contrib", "0.116.1"),
    ("image", "docker.io/grafana/alloy", "v1.18.1"),
    ("chart", "tempo", "1.13.0"),
    ("chart", "loki", "6.0.0"),
])
def test_check_pin_accepts_neighbours_of_bad_versions(kind, name, version):
    assert check_pin(kind, name, version) == []


def test_every_known_bad_rule_rejects_its_example():
    for bad in KNOWN_BAD:
        assert check_pin(bad.kind, bad.names[0], bad.example), bad.reason


def test_check_pin_rejects_unknown_kind():
    with pytest.raises(ValueError, match="kind"):
        check_pin("helm", "loki", "6.0.0")


def test_pins_record_where_they_were_verified():
    missing = [k for k, p in {**CHARTS, **IMAGES}.items() if "@" not in p.verified]
    assert missing == [], "every pin names the upstream repository@commit it was verified at"


def test_grafana_charts_come_from_grafana_community_except_alloy():
    for chart in ("loki", "tempo", "grafana"):
        assert CHARTS[chart].repo == "https://grafana-community.github.io/helm-charts"
    assert CHARTS["alloy"].repo == "https://grafana.github.io/helm-charts"


def test_pinned_app_versions_meet_the_issue():
    assert CHARTS["tempo"].app_version == "2.6.1"
    assert CHARTS["loki"].app_version.startswith("3.")
    assert int(IMAGES["grafana"].tag.split(".")[0]) >= 11
    assert IMAGES["alloy"].tag.startswith("v1.")
    prom = IMAGES["prometheus"].tag
    assert prom == "v2.55.1" or prom.startswith("v3.")


def test_docs_version_tables_match_the_pins_table():
    for doc in DOCS:
        assert current_block(doc.read_text()) == block(), f"{doc.name}: run python -m tools.versions_md --write"


def test_monitoring_versions_module_is_the_same_table():
    from components import versions
    from components.monitoring import versions as monitoring_versions

    assert monitoring_versions.CHARTS is versions.CHARTS and monitoring_versions.IMAGES is versions.IMAGES
    assert monitoring_versions.check_pin is versions.check_pin
