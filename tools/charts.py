"""The pinned Helm charts, located, assembled and rendered offline with the real Helm engine.

``helm-python-sdk`` ships Helm (v4, as a library in its wheel), so rendering needs no ``helm``
binary, no cluster and no network. Where a chart comes from, in order:

1. the charts directory: ``$TWINCLOUD_CHARTS_DIR``, else ``../shared/charts`` beside the
   repository (this workplace keeps the exact pinned charts there, unmodified, one
   ``<chart>-<version>/`` directory each);
2. the cache: ``$TWINCLOUD_CHART_CACHE``, else ``~/.cache/twincloud/charts``;
3. only when there is no charts directory at all (outside this workplace): pulled from the
   pin's repository into the cache (``helm pull --untar``; a pulled chart carries its
   subcharts).

A chart directory as its upstream repository holds it lacks the subcharts that ``helm
dependency build`` would add; each missing dependency is taken from a sibling
``<name>-<version>/`` directory of the charts directory (kube-prometheus-stack's
``grafana``, ``kube-state-metrics``, ...). A dependency the values turn on that is found
nowhere is an error naming it, never a silent partial render.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
CHARTS_DIR_ENV = "TWINCLOUD_CHARTS_DIR"
CACHE_ENV = "TWINCLOUD_CHART_CACHE"


class ChartUnavailable(Exception):
    """A pinned chart (or a subchart it needs) is in neither the charts directory nor the cache."""


def charts_dir() -> Path:
    """``$TWINCLOUD_CHARTS_DIR``, else the nearest ``shared/charts`` above the repository
    (``<clone>/../shared/charts``; a git worktree nested deeper finds the same one)."""
    if os.environ.get(CHARTS_DIR_ENV):
        return Path(os.environ[CHARTS_DIR_ENV])
    for parent in REPO_ROOT.parents:
        if (parent / "shared" / "charts").is_dir():
            return parent / "shared" / "charts"
    return REPO_ROOT.parent / "shared" / "charts"


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """YAML 1.1 reads a bare ``=`` as the ``value`` tag; Kubernetes (YAML 1.2) reads a string.
    The operator's CRDs list ``=`` among label-matcher enum values."""


_Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


@lru_cache(maxsize=256)
def _parse(text: str) -> tuple[Any, ...]:
    return tuple(doc for doc in yaml.load_all(text, Loader=_Loader) if doc)


def load_all(text: str) -> list[Any]:
    """The documents of a manifest (parsed once per text: the operator's CRDs are megabytes;
    callers must not mutate what they get)."""
    return list(_parse(text))


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "twincloud" / "charts")


def _found(chart: str, version: str) -> Path | None:
    for candidate in (charts_dir() / f"{chart}-{version}", cache_dir() / f"{chart}-{version}" / chart):
        if (candidate / "Chart.yaml").is_file():
            return candidate
    return None


def locate(chart: str, version: str, repo: str | None = None) -> Path:
    """The directory of ``chart`` at ``version`` (pulled into the cache only where there is no
    charts directory and a repository is given)."""
    path = _found(chart, version)
    if path is not None:
        return path
    if repo and not charts_dir().is_dir():
        return pull(chart, version, repo)
    raise ChartUnavailable(
        f"chart {chart} {version} is in neither {charts_dir()} (as {chart}-{version}/) nor the cache "
        f"{cache_dir()}; add the unmodified upstream chart there (see {charts_dir() / 'README.md'}), or set "
        f"{CHARTS_DIR_ENV} to a directory that has it")


def pull(chart: str, version: str, repo: str) -> Path:
    """``helm pull --untar`` of the pinned version from its repository into the cache."""
    import helm_python as helm

    target = cache_dir() / f"{chart}-{version}"
    target.mkdir(parents=True, exist_ok=True)
    try:
        helm.pull(chart, repo_url=repo, version=version, destination=str(target), untar=True,
                  untar_dir=str(target))
    except helm.HelmError as exc:
        raise ChartUnavailable(f"chart {chart} {version}: not found locally and pulling it from {repo} "
                               f"failed: {exc}") from exc
    return target / chart


def _get(values: Any, dotted: str) -> Any:
    node = values
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _deep_merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for k, v in override.items():
            out[k] = _deep_merge(base.get(k), v) if k in base else v
        return out
    return override


def dependencies(chart_dir: Path) -> list[dict[str, Any]]:
    meta = load_all((chart_dir / "Chart.yaml").read_text())[0]
    return list(meta.get("dependencies") or [])


@lru_cache(maxsize=32)
def _defaults(chart_dir: Path) -> dict[str, Any]:
    path = chart_dir / "values.yaml"
    return (load_all(path.read_text()) or [{}])[0] if path.is_file() else {}


def has_dependency(chart_dir: Path, dep: dict[str, Any]) -> bool:
    """The subchart is under ``charts/``: unpacked (a repository checkout) or as the archive
    ``helm pull`` leaves there."""
    charts = chart_dir / "charts"
    return (charts / dep["name"] / "Chart.yaml").is_file() or any(charts.glob(f"{dep['name']}-*.tgz"))


def _archive_values(archive: Path) -> dict[str, Any]:
    import tarfile

    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            if member.name.count("/") == 1 and member.name.endswith("/values.yaml"):
                return (load_all(tar.extractfile(member).read().decode()) or [{}])[0]  # type: ignore[union-attr]
    return {}


def _enabled(dep: dict[str, Any], chart_dir: Path, values: dict[str, Any]) -> bool:
    condition = dep.get("condition")
    if not condition:
        return True
    merged = _deep_merge(_defaults(chart_dir), values)
    return any(_get(merged, c.strip()) is True for c in condition.split(","))


@dataclass(frozen=True)
class Assembled:
    path: Path
    missing: tuple[str, ...]  # dependencies found nowhere (turned off by the values, or an error)


def assemble(chart: str, version: str, values: dict[str, Any], repo: str | None = None,
             workdir: Path | None = None) -> Assembled:
    """A loadable copy of the chart with its subcharts under ``charts/``. Raises
    :class:`ChartUnavailable` when a dependency the values turn on is found nowhere."""
    source = locate(chart, version, repo)
    deps = dependencies(source)
    absent = [d for d in deps if not has_dependency(source, d)]
    if not absent:
        return Assembled(source, ())
    siblings = {d["name"]: _found(d["name"], str(d["version"])) for d in absent}
    if not any(siblings.values()):
        _check_needed(chart, version, source, absent, values)
        return Assembled(source, tuple(f"{d['name']} {d['version']}" for d in absent))
    target = Path(workdir or _workdir()) / f"{chart}-{version}"
    if not target.exists():
        _copy(source, target)
        (target / "charts").mkdir(exist_ok=True)
        for dep in absent:
            sibling = siblings[dep["name"]]
            if sibling is not None:
                _copy(sibling, target / "charts" / dep["name"])
    still = [d for d in absent if siblings[d["name"]] is None]
    _check_needed(chart, version, source, still, values)
    return Assembled(target, tuple(f"{d['name']} {d['version']}" for d in still))


def _check_needed(chart: str, version: str, source: Path, absent: list[dict[str, Any]],
                  values: dict[str, Any]) -> None:
    needed = [d for d in absent if _enabled(d, source, values)]
    if needed:
        names = ", ".join(f"{d['name']} {d['version']}" for d in needed)
        raise ChartUnavailable(
            f"chart {chart} {version} needs its subchart(s) {names}, found neither under its charts/ nor as "
            f"<name>-<version>/ beside it in {charts_dir()} or {cache_dir()}; add the unmodified upstream "
            f"chart(s) there")


def _copy(source: Path, target: Path) -> None:
    """Copy a (possibly read-only) chart tree into a writable one."""
    shutil.copytree(source, target, copy_function=shutil.copyfile)
    for root, dirs, _ in os.walk(target):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
    target.chmod(0o755)


@lru_cache(maxsize=1)
def _workdir() -> str:
    return tempfile.mkdtemp(prefix="twincloud-charts-")


def render(chart_path: Path, values: dict[str, Any], *, name: str, namespace: str,
           kube_version: str, api_versions: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The objects ``helm install`` would create (hooks included, ``NOTES.txt`` left out), in
    template order, for a cluster at ``kube_version`` (``1.35``)."""
    import helm_python as helm
    from helm_python import _native

    kv = kube_version if kube_version.startswith("v") else f"v{kube_version}"
    if kv.count(".") == 1:
        kv += ".0"
    opts = {"name": name, "namespace": namespace, "is_install": True, "kube_version": kv,
            "api_versions": list(api_versions)}
    with helm.Chart.load(str(chart_path)) as loaded:
        # The SDK's Chart.render() exposes no kube_version/api_versions; the library's
        # helm_render takes them in the same options document.
        manifests = json.loads(_native.call_string("helm_render", loaded._raw(), json.dumps(values),
                                                   json.dumps(opts)))
    objects = []
    for template, text in sorted(manifests.items()):
        if template.endswith("NOTES.txt"):
            continue
        objects.extend(load_all(text))
    return objects


def chart_crds(chart_path: Path) -> list[dict[str, Any]]:
    """The CustomResourceDefinitions under the chart's (and its subcharts') ``crds/``."""
    import helm_python as helm

    with helm.Chart.load(str(chart_path)) as loaded:
        return [doc for crd in loaded.crds for doc in load_all(crd["data"])]


def chart_defaults(chart_path: Path) -> dict[str, Any]:
    import helm_python as helm

    with helm.Chart.load(str(chart_path)) as loaded:
        return copy.deepcopy(loaded.values)


def chart_schema(chart_path: Path) -> dict[str, Any] | None:
    import helm_python as helm

    with helm.Chart.load(str(chart_path)) as loaded:
        return loaded.schema


# -- Helm values keys: does the chart know every key we set? ---------------------------------

# Keys whose value is a Kubernetes object or a free map, whatever the chart's example holds:
# their content is checked where it lands (the rendered objects against the Kubernetes schema).
K8S_OBJECT_KEYS = frozenset({
    "securityContext", "containerSecurityContext", "podSecurityContext", "resources", "affinity",
    "nodeSelector", "tolerations", "podLabels", "podAnnotations", "labels", "annotations",
})


def raw_defaults(chart_dir: Path) -> dict[str, Any]:
    """The chart's values.yaml with its subcharts' values.yaml under their names (nulls kept:
    a key whose default is ``null`` is still a key the chart knows)."""
    values = copy.deepcopy(_defaults(chart_dir))
    for dep in dependencies(chart_dir):
        key = dep.get("alias") or dep["name"]
        sub = chart_dir / "charts" / dep["name"]
        if not (sub / "Chart.yaml").is_file():
            sub = _found(dep["name"], str(dep["version"])) or sub
        archives = sorted((chart_dir / "charts").glob(f"{dep['name']}-*.tgz"))
        if (sub / "values.yaml").is_file():
            values[key] = _deep_merge(raw_defaults(sub), values.get(key) or {})
        elif archives:
            values[key] = _deep_merge(_archive_values(archives[0]), values.get(key) or {})
    return values


def template_text(chart_dir: Path) -> str:
    parts = [p.read_text(errors="replace") for p in chart_dir.rglob("templates/**/*") if p.is_file()]
    return "\n".join(parts)


def unknown_values_keys(values: dict[str, Any], chart_dir: Path, free_form: tuple[str, ...] = ()) -> list[str]:
    """Dotted paths of keys in ``values`` that the chart at ``chart_dir`` neither declares in its
    values.yaml (or a subchart's) nor reads in a template (``.Values.a.b``). Below a key whose
    default is an empty map, ``null``, not a map, or a Kubernetes object (``K8S_OBJECT_KEYS``),
    or a path in ``free_form``, anything goes."""
    defaults = raw_defaults(chart_dir)
    templates = template_text(chart_dir)
    found: list[str] = []

    def walk(node: dict[str, Any], default: Any, path: str) -> None:
        for key, value in node.items():
            dotted = f"{path}{key}"
            if dotted in free_form:
                continue
            if not isinstance(default, dict) or key not in default:
                if f".Values.{dotted}" not in templates:
                    found.append(dotted)
                continue
            below = default[key]
            if isinstance(value, dict) and isinstance(below, dict) and below and key not in K8S_OBJECT_KEYS:
                walk(value, below, f"{dotted}.")

    walk(values, defaults, "")
    return found


# -- values the chart ignores ----------------------------------------------------------------

def leaf_paths(values: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Paths of the leaves of a values document (a list or an empty map is one leaf)."""
    if isinstance(values, dict) and values:
        return [p for k, v in values.items() for p in leaf_paths(v, (*path, k))]
    return [path]


def _mutated(value: Any) -> Any:
    """A different value of the same shape: what a chart that reads the key must react to."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "-x"
    if isinstance(value, list):
        return value[:-1] if value else ["x"]
    if isinstance(value, dict):
        return {**value, "x-twincloud-probe": "x"}
    return "x"


_REMOVE = object()


def _at(values: Any, path: tuple[str, ...]) -> tuple[bool, Any]:
    node = values
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return False, None
        node = node[key]
    return True, node


def _with(values: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(values)
    node = out
    for key in path[:-1]:
        node = node[key]
    if value is _REMOVE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return out


def ignored_values(chart_path: Path, values: dict[str, Any], *, name: str, namespace: str, kube_version: str,
                   api_versions: tuple[str, ...] = (), paths: list[tuple[str, ...]] | None = None,
                   threads: int = 2) -> list[str]:
    """Dotted paths of the leaves of ``values`` the chart ignores: neither changing the leaf to
    another value of the same shape (``_mutated``) nor removing it changes the rendered
    manifests by a byte. A render error counts as a reaction (the chart read the value)."""
    from concurrent.futures import ThreadPoolExecutor

    import helm_python as helm
    from helm_python import _native

    kv = kube_version if kube_version.startswith("v") else f"v{kube_version}"
    kv += ".0" if kv.count(".") == 1 else ""
    opts = json.dumps({"name": name, "namespace": namespace, "is_install": True, "kube_version": kv,
                       "api_versions": list(api_versions)})
    paths = [p for p in (leaf_paths(values) if paths is None else paths) if p]
    with helm.Chart.load(str(chart_path)) as loaded:
        def render(v: dict[str, Any]) -> str | None:
            try:
                return _native.call_string("helm_render", loaded._raw(), json.dumps(v), opts)
            except helm.HelmError:
                return None

        base = render(values)
        # One render first: every string leaf gets a unique suffix; a leaf whose suffix shows
        # up in the output is read, and needs no render of its own.
        strings = [p for p in paths if isinstance(_at(values, p)[1], str)]
        marked = values
        for i, path in enumerate(strings):
            marked = _with(marked, path, f"{_at(values, path)[1]}zq{i}q")
        seen = render(marked)
        if seen is not None:
            paths = [p for p in paths if p not in strings or f"zq{strings.index(p)}q" not in seen]

        def unchanged(path: tuple[str, ...]) -> bool:
            value = values
            for key in path:
                value = value[key]
            return render(_with(values, path, _mutated(value))) == base and render(_with(values, path, _REMOVE)) == base

        with ThreadPoolExecutor(max_workers=threads) as pool:  # ctypes releases the GIL
            same = list(pool.map(unchanged, paths))
    return [".".join(p) for p, s in zip(paths, same) if s]
