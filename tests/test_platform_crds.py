"""CRD-based objects validate, field by field, against their CRDs' OpenAPI schemas at the
pinned releases (tests/data/crds/README.md: sources, and why not the npm models); raw
Kubernetes objects of the platform validate with kubernetes-validate."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest

from components.platform.manifests import Autoscaled, application, cluster_secret_store
from tests.monitoring_support import unwrap

CRDS = Path(__file__).parent / "data" / "crds"
TYPES = {
    "kubernetes:karpenter.sh/v1:NodePool": "karpenter.sh_nodepools",
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": "karpenter.k8s.aws_ec2nodeclasses",
    "kubernetes:external-secrets.io/v1:ClusterSecretStore": "external-secrets.io_clustersecretstores",
    "kubernetes:argoproj.io/v1alpha1:Application": "argoproj.io_applications",
}
PLATFORM_RAW = ("kubernetes:scheduling.k8s.io/v1:PriorityClass", "kubernetes:core/v1:Namespace")


def _strict(schema: Any) -> Any:
    """Structural schemas prune unknown fields silently; here an unknown field is an error
    (a misspelt key would otherwise be dropped by the API server without a word)."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if ("properties" in out and "additionalProperties" not in out
                and not out.get("x-kubernetes-preserve-unknown-fields")):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


@lru_cache(maxsize=None)
def _validator(name: str) -> jsonschema.Draft7Validator:
    doc = json.loads((CRDS / f"{name}.json").read_text())
    assert "@" in doc["source"] and doc["served"] and doc["storage"]
    return jsonschema.Draft7Validator(_strict(doc["openAPIV3Schema"]))


def _errors(typ: str, obj: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator(TYPES[typ]).iter_errors(obj)]


def _object(r) -> dict[str, Any]:
    body = unwrap(r.inputs)
    kind = r.type.rsplit(":", 1)[1]
    api = r.type.split(":")[1]
    return {"apiVersion": api, "kind": kind, **{k: v for k, v in body.items() if k not in ("apiVersion", "kind")}}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_custom_resources_match_their_crd_schemas(stack, dev_plan, prod_plan):
    p = {"dev": dev_plan, "prod": prod_plan}[stack]
    found = [r for r in p.resources if r.type in TYPES]
    assert {r.type for r in found} == set(TYPES), "every CRD-based kind is declared"
    for r in found:
        assert _errors(r.type, _object(r)) == [], r.name


def test_crd_check_rejects_a_misspelt_field():
    obj = cluster_secret_store("s", "eu-west-1")
    obj["spec"]["provider"]["aws"]["regoin"] = "eu-west-1"
    assert any("regoin" in e for e in _errors("kubernetes:external-secrets.io/v1:ClusterSecretStore", obj))


def test_crd_check_rejects_a_bad_enum():
    obj = copy.deepcopy(application("a", namespace="argocd", project="default", repo_url="https://x/y.git", path="p",
                                    target_revision="main", destination_namespace="apps", sync_wave=0,
                                    autoscaled=[Autoscaled("Deployment", "apps", "api")]))
    obj["spec"]["syncPolicy"]["retry"]["limit"] = "five"
    assert _errors("kubernetes:argoproj.io/v1alpha1:Application", obj)


def test_nodepool_budget_pattern_comes_from_the_crd():
    schema = json.loads((CRDS / "karpenter.sh_nodepools.json").read_text())["openAPIV3Schema"]
    nodes = schema["properties"]["spec"]["properties"]["disruption"]["properties"]["budgets"]["items"]["properties"]["nodes"]
    assert nodes["pattern"] == "^((100|[0-9]{1,2})%|[0-9]+)$"  # stacks/config/platform.py BUDGET_NODES


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_platform_raw_objects_validate_with_kubernetes_validate(stack, dev_plan, prod_plan):
    p = {"dev": dev_plan, "prod": prod_plan}[stack]
    objects = [r for r in p.resources if r.type in PLATFORM_RAW and "-monitoring-" not in r.name]
    assert len(objects) >= 3
    versions = {"aws": p.config["eks"]["version"], "azure": (p.config.get("azure") or {}).get("aks", {}).get("version")}
    for r in objects:
        version = versions["azure"] if "-azure" in r.name else versions["aws"]
        obj = unwrap(r.inputs)
        assert kubernetes_validate.validate(obj, version, strict=True) == version, r.name
