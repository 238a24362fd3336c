"""Kubernetes workloads the program declares itself, held to what the render tests hold the
charts' workloads to (components/monitoring/workload_checks.py is shared by both):

* every container has CPU and memory requests (the first render found Grafana, node-exporter,
  kube-state-metrics, the Loki gateway and more without them);
* every container image is an exact pin: a tag that is not floating, or a digest (the Loki
  gateway ran an access-log exporter the chart added, pinned by nobody);
* no service account reads Secrets in every namespace unless the rule's config says it must
  (Grafana's chart default granted it for a sidecar that reads one namespace).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from components.monitoring.workload_checks import cluster_secret_readers, containers_without_requests, unpinned_images
from policies.common import MANDATORY, UNKNOWN, Res, ResourceRule, StackRule, string_list

WORKLOAD_TYPES = tuple(f"kubernetes:{api}:{kind}" for api, kind in (
    ("core/v1", "Pod"), ("apps/v1", "Deployment"), ("apps/v1", "StatefulSet"), ("apps/v1", "DaemonSet"),
    ("apps/v1", "ReplicaSet"), ("batch/v1", "Job"), ("batch/v1", "CronJob"),
))
RBAC_TYPES = ("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
              "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")


def _object(res: Res) -> dict[str, Any] | None:
    """The declared object as the API sees it (kind from the type token), or ``None`` while
    part of its spec is unknown."""
    props = res.props
    if _has_unknown(props):
        return None
    return {**props, "kind": res.type.rsplit(":", 1)[-1]}


def _has_unknown(node: Any) -> bool:
    if node is UNKNOWN:
        return True
    if isinstance(node, Mapping):
        return any(_has_unknown(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_unknown(v) for v in node)
    return False


def check_requests(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    obj = _object(res)
    for name in containers_without_requests(obj) if obj else []:
        yield (f"container {name!r} has no CPU and memory requests: the scheduler reserves nothing for it and "
               f"the node can be packed until the kubelet evicts")


def check_images(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    obj = _object(res)
    for problem in unpinned_images(obj) if obj else []:
        yield f"image of {problem}: pin an exact tag or digest (components/versions.py IMAGES)"


def check_secret_readers(graph: Any, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    resources = list(graph.of_type(*RBAC_TYPES))
    objects = [o for r in resources if (o := _object(r)) is not None]
    allowed = set(cfg["allowedServiceAccounts"])
    bindings = {(r.get("metadata", "name")): r for r in resources if r.type.endswith(":ClusterRoleBinding")}
    for account, role in sorted(cluster_secret_readers(objects).items()):
        if account in allowed:
            continue
        binding = next((b for b in bindings.values() if b.get("roleRef", "name") == role), None)
        if binding is not None:
            yield binding, (f"service account {account} can read Secrets in every namespace through ClusterRole "
                            f"{role!r}: grant a Role in the namespaces it needs")


POD_REQUESTS = ResourceRule(
    name="pod-resource-requests",
    description="Every container of a declared workload has CPU and memory requests",
    check=check_requests,
    resource_types=WORKLOAD_TYPES,
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Set resources.requests.cpu and resources.requests.memory on every container (init containers too).",
    tags=["kubernetes", "reliability"],
)

PINNED_IMAGES = ResourceRule(
    name="pinned-workload-images",
    description="Every container image of a declared workload is an exact tag or digest",
    check=check_images,
    resource_types=WORKLOAD_TYPES,
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Reference the image from components/versions.py IMAGES (registry/repository:tag) or by digest.",
    tags=["kubernetes", "supply-chain"],
)

CLUSTER_SECRET_ACCESS = StackRule(
    name="cluster-secret-access",
    description="No service account may read Secrets cluster-wide unless it is listed as needing it",
    check=check_secret_readers,
    resource_types=RBAC_TYPES,
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Bind a namespaced Role instead of a ClusterRole, or list the account in allowedServiceAccounts "
                "with the reason it needs every namespace.",
    config={
        "allowedServiceAccounts": string_list(
            ["monitoring/kube-prometheus-stack-operator"],
            "namespace/name of service accounts that must read Secrets in every namespace (the Prometheus "
            "operator writes and reads the config Secrets of what it runs)."),
    },
    tags=["kubernetes", "security"],
)

POLICIES = [POD_REQUESTS, PINNED_IMAGES, CLUSTER_SECRET_ACCESS]
