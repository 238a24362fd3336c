"""Helm values: every key the program sets exists in the pinned chart (issue 10's consumer
check for Helm), read from the chart itself (tools.charts.unknown_values_keys)."""

from __future__ import annotations

from components.versions import CHARTS
from tests import render_support as rs
from tests.monitoring_support import RELEASE, unwrap
from tests.support import plan
from tools import charts

# Values copied into a program's own config format, where any key of that format is valid.
FREE_FORM: dict[str, dict[str, str]] = {
    "grafana": {
        "grafana.ini": "grafana-community/helm-charts@864f77946836 charts/grafana/values.yaml:956 (\"values in map "
                       "will be converted to ini format\": grafana.ini sections)",
    },
}


def _releases():
    for stack in rs.STACKS:
        for r in plan(stack).of_type(RELEASE):
            yield stack, r.name, unwrap(r.inputs)


def _chart_dir(inputs):
    key = rs.CHART_KEYS[inputs["chart"].rsplit("/", 1)[-1]]  # OCI charts: oci://registry/path/<chart>
    pin = CHARTS[key]
    try:
        return key, charts.assemble(pin.chart, pin.version, inputs["values"], pin.repo).path
    except charts.ChartUnavailable:
        if key not in rs.AWAITING_CHARTS:
            raise
    try:
        return key, charts.locate(pin.chart, pin.version, pin.repo)  # its own keys are still checked
    except charts.ChartUnavailable:
        return key, None  # awaited and absent: reported at the end of the run


def _unknown(key, chart_dir, values):
    skip = tuple(FREE_FORM.get(key, {}))
    found = charts.unknown_values_keys(values, chart_dir, skip)
    # A chart awaiting its subcharts cannot judge the keys under them yet.
    missing = {d.get("alias") or d["name"] for d in charts.dependencies(chart_dir)
               if not charts.has_dependency(chart_dir, d)}
    return [k for k in found if k.split(".", 1)[0] not in missing or key not in rs.AWAITING_CHARTS]


def test_every_helm_value_the_plans_set_is_a_key_of_the_pinned_chart():
    checked = 0
    for stack, name, inputs in _releases():
        key, chart_dir = _chart_dir(inputs)
        if chart_dir is None:
            continue
        assert _unknown(key, chart_dir, inputs["values"]) == [], f"{stack}/{name}"
        checked += 1
    assert checked >= 15


def test_an_unknown_helm_key_is_rejected():
    [(_, _, inputs)] = [x for x in _releases() if x[2]["chart"] == "grafana"][:1]
    key, chart_dir = _chart_dir(inputs)
    bad = {**inputs["values"], "sidecar": {**inputs["values"]["sidecar"], "dashbaords": {"enabled": True}},
           "persistance": {"enabled": True}}
    assert _unknown(key, chart_dir, bad) == ["sidecar.dashbaords", "persistance"]


def test_every_free_form_exception_names_where_the_chart_takes_it():
    for chart, entries in FREE_FORM.items():
        assert chart in CHARTS
        for path, source in entries.items():
            assert "@" in source and ":" in source, f"{chart} {path}"
