"""The Kubernetes part of an offline plan as multi-document YAML, for scanners that read
manifests (checkov ``--framework kubernetes``, kube-linter, kubescape).

Objects the program declares directly are written as the engine receives them (they are
Kubernetes objects already: ``apiVersion``, ``kind``, ``metadata``, ...). Secret data is
never written: its values become ``REDACTED``. Each Helm release becomes a Flux
``HelmRelease`` carrying the chart, version and the values the program passes, with a
``HelmRepository`` for its chart repository, so value-level settings can be reviewed and
scanned with a HelmRelease-aware tool; the rendered chart objects are not part of this export.
A comment before each document names the cluster (the Pulumi Kubernetes provider) it targets.

Flux API facts: HelmRelease is served as helm.toolkit.fluxcd.io ``v2`` (flux2's
helm-controller.crds.yaml, versions[].name v2), ``spec.interval`` and ``spec.chart`` are
required (v2-0.docs.fluxcd.io/flux/components/helm/helmreleases/, HelmReleaseSpec), a chart
template names ``chart``, ``version`` and ``sourceRef`` {kind HelmRepository, name}
(fluxcd.io/flux/components/source/helmcharts/); HelmRepository as
source.toolkit.fluxcd.io/v1 follows the HelmChart example there (unverified for HelmRepository).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from tools.engine import UNKNOWN, Plan, PlannedResource, Secret

HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
REDACTED = "REDACTED"
# Flux requires a reconcile interval; 10m is what `flux create hr --interval=10m` uses in
# fluxcd.io/flux/cmd/flux_create_helmrelease.
FLUX_INTERVAL = "10m"


def _plain(value: Any) -> Any:
    if isinstance(value, Secret):
        return _redact(value.value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return None if value == UNKNOWN else value


def _redact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _redact(v) for k, v in value.items()}
    return REDACTED


def k8s_object(r: PlannedResource) -> dict[str, Any]:
    """A directly declared object: apiVersion and kind from the type token if the inputs lack them."""
    group_version, kind = r.type.split(":", 1)[1].rsplit(":", 1)
    api_version = group_version[len("core/"):] if group_version.startswith("core/") else group_version
    obj = {"apiVersion": r.inputs.get("apiVersion", api_version), "kind": r.inputs.get("kind", kind)}
    for key, value in r.inputs.items():
        if key in ("apiVersion", "kind"):
            continue
        if r.type == "kubernetes:core/v1:Secret" and key in ("data", "stringData"):
            obj[key] = _redact(value.value if isinstance(value, Secret) else value)
        else:
            obj[key] = _plain(value)
    return obj


def repository_name(url: str) -> str:
    """A Kubernetes object name for a chart repository URL (its host and path, DNS-1123)."""
    slug = re.sub(r"[^a-z0-9]+", "-", re.sub(r"^[a-z]+://", "", url.lower())).strip("-")
    return slug[:63].rstrip("-") or "charts"


def helm_repository(url: str, namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "HelmRepository",
        "metadata": {"name": repository_name(url), "namespace": namespace},
        "spec": {"interval": FLUX_INTERVAL, "url": url},
    }


def helm_release(r: PlannedResource) -> dict[str, Any]:
    i = r.inputs
    repo = (i.get("repositoryOpts") or {}).get("repo")
    chart: dict[str, Any] = {"chart": i.get("chart"), "version": i.get("version")}
    if repo:
        chart["sourceRef"] = {"kind": "HelmRepository", "name": repository_name(repo)}
    return {
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": {"name": i.get("name") or r.name, "namespace": i.get("namespace") or "default"},
        "spec": {"interval": FLUX_INTERVAL, "chart": {"spec": chart}, "values": _plain(i.get("values") or {})},
    }


def export_manifests(plan: Plan) -> str:
    """Every Kubernetes object and Helm release of the plan as one multi-document YAML text."""
    providers = {f"{r.urn}::{r.id}": r.name for r in plan.resources if r.type == "pulumi:providers:kubernetes"}
    docs, repositories = [], set()
    for r in plan.resources:
        if not r.custom or not r.type.startswith("kubernetes:"):
            continue
        cluster = providers.get(r.provider or "", "default")
        objects = [k8s_object(r)]
        if r.type == HELM_RELEASE:
            release = helm_release(r)
            objects = [release]
            repo = (r.inputs.get("repositoryOpts") or {}).get("repo")
            key = (cluster, repo, release["metadata"]["namespace"])
            if repo and key not in repositories:
                repositories.add(key)
                objects.insert(0, helm_repository(repo, release["metadata"]["namespace"]))
        docs += [f"# cluster: {cluster}; pulumi: {r.type} {r.name}\n"
                 + yaml.safe_dump(obj, sort_keys=False, default_flow_style=False) for obj in objects]
    return "---\n".join(docs)
