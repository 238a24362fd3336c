"""Config schemas of the monitoring stack, checked before Helm ever renders them.

* Loki 3 refuses to start on Loki-2-only settings (``enforce_metric_name``,
  ``max_transfer_retries``, ``max_look_back_period``, ``shared_store``...) and a schema that
  only knows ``boltdb-shipper``: those surface as a crash-looping pod after ``pulumi up``
  unless caught here.
* Tempo reads S3 with EKS Pod Identity credentials only from 2.6.0 on (grafana/tempo#3899);
  an older Tempo with the S3 backend fails with AccessDenied on its first ListObjects.

Values are inspected as structured maps and, where a chart takes raw YAML (a ``config``
string), as parsed YAML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import yaml
from pulumi_policy import Severity

from policies.common import MANDATORY, Res, ResourceRule, walk, string_list
from policies.versions import HELM_TYPES, chart_name_and_repo, chart_pins, find_images

DEFAULT_LOKI_CHARTS = ["loki", "loki-distributed", "loki-simple-scalable"]
DEFAULT_LOKI2_ONLY_KEYS = [
    "enforce_metric_name", "max_transfer_retries", "max_look_back_period", "shared_store", "shared_store_key_prefix",
]
DEFAULT_TEMPO_CHARTS = ["tempo", "tempo-distributed"]
DEFAULT_TEMPO_MIN_VERSION = "2.6.0"


def _trees(value: Any) -> Iterable[tuple[str, Any]]:
    """The value itself plus every multi-line YAML string inside it, parsed."""
    yield "", value
    for path, item in walk(value):
        if isinstance(item, str) and "\n" in item and ":" in item:
            try:
                parsed = yaml.safe_load(item)
            except yaml.YAMLError:
                parsed = None
            where = ".".join(map(str, path))
            if isinstance(parsed, (Mapping, list)):
                yield where, parsed
            else:  # templated YAML that does not parse: fall back to a line scan
                yield where, {"__lines__": item}


def loki_problems(values: Any, banned_keys: Iterable[str]) -> list[str]:
    """Loki-2-only settings in a Loki values tree (or raw config text inside it)."""
    banned = set(banned_keys)
    problems: list[str] = []
    seen: set[str] = set()
    for prefix, tree in _trees(values):
        # Each config (the structured values, each raw config text) is judged on its own: a
        # tsdb period in the chart's schemaConfig does not fix a boltdb-only config file.
        stores: set[str] = set()
        for path, item in walk(tree):
            if not isinstance(item, Mapping):
                continue
            lines = item.get("__lines__")
            if isinstance(lines, str):
                for key in sorted(banned):
                    if re.search(rf"(^|\s){re.escape(key)}\s*:", lines, re.MULTILINE) and key not in seen:
                        seen.add(key)
                        problems.append(f"Loki 3 rejects the Loki-2-only setting {key!r} (in {prefix})")
                stores.update(re.findall(r"store:\s*['\"]?([\w-]+)", lines))
                continue
            for key in item:
                if key in banned and key not in seen:
                    seen.add(key)
                    where = ".".join(str(p) for p in (*([prefix] if prefix else []), *path, key))
                    problems.append(f"Loki 3 rejects the Loki-2-only setting {key!r} (at {where}); remove it")
            store = item.get("store")
            if isinstance(store, str) and ("schema" in item or "from" in item or "object_store" in item):
                stores.add(store)
        if "boltdb-shipper" in stores and "tsdb" not in stores:
            problems.append("the schema config uses boltdb-shipper without a tsdb period; Loki 3 needs a period "
                            "with store: tsdb and schema: v13 (add one starting tomorrow, keep the old period for "
                            "old data)" + (f" (in {prefix})" if prefix else ""))
    return problems


def parse_version(text: Any) -> tuple[int, ...] | None:
    if not isinstance(text, str):
        return None
    m = re.match(r"^v?(\d+)\.(\d+)(?:\.(\d+))?", text.strip())
    return tuple(int(x) for x in m.groups(default="0")) if m else None


def tempo_backend(values: Any) -> str | None:
    for _, tree in _trees(values):
        for path, item in walk(tree):
            if not isinstance(item, Mapping):
                continue
            lines = item.get("__lines__")
            if isinstance(lines, str):
                m = re.search(r"backend:\s*['\"]?(\w+)", lines)
                if m:
                    return m.group(1)
            elif path and path[-1] == "trace" and isinstance(item.get("backend"), str):
                return item["backend"]
    return None


def tempo_version(res: Res, name: str, version: Any) -> tuple[str, str] | None:
    """(Tempo version, where it came from): the tempo image tag in the values, else the
    chart pin's appVersion."""
    for where, ref in find_images(res.get("values", default={})):
        repo = ref.repository.rsplit("/", 1)[-1]
        if repo == "tempo" and ref.tag:
            return ref.tag, f"values.{where}"
    for pin in chart_pins().values():
        if pin.chart == name and pin.version == version:
            return pin.app_version, f"appVersion of chart {name} {version}"
    return None


def check_loki(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    if res.type in HELM_TYPES:
        chart = res.get("chart")
        if not isinstance(chart, str) or chart_name_and_repo(chart, None)[0] not in cfg["lokiCharts"]:
            return
        yield from loki_problems(res.get("values", default={}), cfg["loki2OnlyKeys"])
    else:  # a ConfigMap carrying Loki's config file
        name = res.get("metadata", "name")
        if isinstance(name, str) and "loki" in name:
            yield from loki_problems(res.get("data", default={}), cfg["loki2OnlyKeys"])


def check_tempo(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    chart, chart_version = res.get("chart"), res.get("version")
    if not isinstance(chart, str):
        return
    name = chart_name_and_repo(chart, None)[0]
    if name not in cfg["tempoCharts"]:
        return
    backend = tempo_backend(res.get("values", default={}))
    if backend != "s3":
        return
    found = tempo_version(res, name, chart_version)
    minimum = parse_version(cfg["minVersion"])
    if found is None or minimum is None:
        return
    version, source = found
    parsed = parse_version(version)
    if parsed is not None and parsed < minimum:
        yield (f"Tempo {version} ({source}) with the S3 backend: EKS Pod Identity credentials need Tempo >= "
               f"{cfg['minVersion']} (grafana/tempo#3899); bump the tempo pin in components/versions.py")


LOKI_3_CONFIG = ResourceRule(
    name="loki-3-config",
    description="Loki values hold no Loki-2-only settings and no boltdb-shipper schema without tsdb",
    check=check_loki,
    resource_types=(*HELM_TYPES, "kubernetes:core/v1:ConfigMap"),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Remove the Loki 2 settings listed in the Loki 3.0 upgrade guide and add a schema period with "
                "store: tsdb, schema: v13 (object_store: s3) in the monitoring config renderer.",
    config={
        "lokiCharts": string_list(DEFAULT_LOKI_CHARTS, "Chart names that deploy Loki."),
        "loki2OnlyKeys": string_list(DEFAULT_LOKI2_ONLY_KEYS, "Config keys Loki 3 no longer accepts."),
    },
    tags=["monitoring", "config-schema"],
)

TEMPO_S3_POD_IDENTITY = ResourceRule(
    name="tempo-s3-pod-identity",
    description="Tempo with the S3 backend runs a version that supports EKS Pod Identity (>= 2.6)",
    check=check_tempo,
    resource_types=HELM_TYPES,
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Bump the Tempo chart/image pin in components/versions.py to a release with Tempo >= 2.6.",
    config={
        "tempoCharts": string_list(DEFAULT_TEMPO_CHARTS, "Chart names that deploy Tempo."),
        "minVersion": {"type": "string", "default": DEFAULT_TEMPO_MIN_VERSION,
                       "description": "Lowest Tempo version allowed with the S3 backend."},
    },
    tags=["monitoring", "config-schema"],
)

POLICIES = [LOKI_3_CONFIG, TEMPO_S3_POD_IDENTITY]

