"""One way to declare a pinned Helm release and a custom resource (shared by the platform components)."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components.versions import CHARTS


def pinned_release(resource_name: str, key: str, *, release_name: str, namespace: str, values: Any,
                   opts: pulumi.ResourceOptions, skip_crds: bool = False, timeout: int = 600) -> k8s.helm.v3.Release:
    """A Helm release of ``CHARTS[key]``: exact version and repository from the pins table
    (OCI charts carry their registry in the chart reference), atomic upgrades with history."""
    pin = CHARTS[key]
    oci = pin.repo.startswith("oci://")
    return k8s.helm.v3.Release(
        resource_name,
        name=release_name,
        chart=f"{pin.repo}/{pin.chart}" if oci else pin.chart,
        version=pin.version,
        repository_opts=None if oci else k8s.helm.v3.RepositoryOptsArgs(repo=pin.repo),
        namespace=namespace,
        values=values,
        create_namespace=False,
        skip_crds=skip_crds,
        cleanup_on_fail=True,
        atomic=True,
        max_history=10,
        timeout=timeout,
        opts=opts,
    )


def custom_resource(resource_name: str, manifest: dict[str, Any], opts: pulumi.ResourceOptions) -> k8s.apiextensions.CustomResource:
    """A custom resource from a plain manifest (built and schema-checked in ``manifests``)."""
    extra = {k: v for k, v in manifest.items() if k not in ("apiVersion", "kind", "metadata")}
    return k8s.apiextensions.CustomResource(
        resource_name,
        api_version=manifest["apiVersion"],
        kind=manifest["kind"],
        metadata=manifest["metadata"],
        opts=opts,
        **extra,
    )


def image_values(key: str) -> dict[str, str]:
    """``{repository, tag}`` of ``IMAGES[key]`` for charts that take the registry in the repository."""
    from components.versions import IMAGES

    pin = IMAGES[key]
    return {"repository": f"{pin.registry}/{pin.repository}", "tag": pin.tag}
