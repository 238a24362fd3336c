"""Pure checks over Kubernetes objects (plain dicts), shared by the render tests (objects the
pinned charts render) and the policy pack (objects the program declares).

* ``containers_without_requests``: a container the scheduler reserves nothing for;
* ``unpinned_images``: an image that is not an exact pin (no tag, a floating tag, or, given a
  pins table, a reference that is not in it);
* ``cluster_secret_readers``: service accounts a ClusterRoleBinding lets read Secrets in
  every namespace.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

POD_TEMPLATE_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")
FLOATING = ("latest", "main", "master", "stable", "edge", "nightly")
READ_VERBS = {"get", "list", "watch", "*"}


def pod_spec(obj: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The pod spec an object runs (Pod, the pod-template kinds, CronJob), else ``None``."""
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind in POD_TEMPLATE_KINDS:
        return (spec.get("template") or {}).get("spec") or {}
    if kind == "CronJob":
        return (((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("spec") or {}
    return None


def containers(spec: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for key in ("initContainers", "containers"):
        yield from spec.get(key) or []


def containers_without_requests(obj: Mapping[str, Any]) -> list[str]:
    """Names of the object's containers missing a CPU or memory request."""
    spec = pod_spec(obj)
    if spec is None:
        return []
    out = []
    for c in containers(spec):
        requests = (c.get("resources") or {}).get("requests") or {}
        if not requests.get("cpu") or not requests.get("memory"):
            out.append(str(c.get("name")))
    return out


def image_problem(ref: str, pinned: Iterable[str] | None = None) -> str | None:
    """Why ``ref`` is not an exact pin, or ``None``."""
    if "@sha256:" in ref:
        return None
    last = ref.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag (pulls :latest)"
    tag = last.rsplit(":", 1)[1]
    if tag in FLOATING:
        return f"uses the floating tag {tag!r}"
    if pinned is not None and ref not in set(pinned):
        return "is not in the pins table (components/versions.py IMAGES)"
    return None


def images(obj: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(container, image)`` for every container of the object's pod spec."""
    spec = pod_spec(obj)
    return [] if spec is None else [(str(c.get("name")), str(c.get("image") or "")) for c in containers(spec)]


def unpinned_images(obj: Mapping[str, Any], pinned: Iterable[str] | None = None) -> list[str]:
    pinned = list(pinned) if pinned is not None else None
    return [f"{name}: {ref} {problem}" for name, ref in images(obj)
            if (problem := image_problem(ref, pinned)) is not None]


def _reads_secrets(rule: Mapping[str, Any]) -> bool:
    groups = rule.get("apiGroups") or []
    resources = rule.get("resources") or []
    verbs = set(rule.get("verbs") or [])
    return ("" in groups or "*" in groups) and ("secrets" in resources or "*" in resources) \
        and bool(verbs & READ_VERBS)


def cluster_secret_readers(objects: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """``namespace/serviceaccount`` -> the ClusterRole through which a ClusterRoleBinding lets it
    read Secrets in every namespace."""
    objects = list(objects)
    readers = {(o.get("metadata") or {}).get("name") for o in objects
               if o.get("kind") == "ClusterRole" and any(_reads_secrets(r) for r in o.get("rules") or [])}
    found: dict[str, str] = {}
    for binding in (o for o in objects if o.get("kind") == "ClusterRoleBinding"):
        role = (binding.get("roleRef") or {}).get("name")
        if (binding.get("roleRef") or {}).get("kind") != "ClusterRole" or role not in readers:
            continue
        for subject in binding.get("subjects") or []:
            if subject.get("kind") == "ServiceAccount":
                found[f"{subject.get('namespace')}/{subject.get('name')}"] = str(role)
    return found
