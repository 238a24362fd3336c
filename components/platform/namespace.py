"""A platform namespace (baseline Pod Security) shared by the optional services."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from components.naming import child_name


def platform_namespace(parent: pulumi.Resource, name: str, ns: str, provider: pulumi.ProviderResource) -> k8s.core.v1.Namespace:
    return k8s.core.v1.Namespace(
        child_name(name, "ns"),
        metadata=k8s.meta.v1.ObjectMetaArgs(name=ns, labels={
            "pod-security.kubernetes.io/enforce": "baseline", "app.kubernetes.io/part-of": "twincloud-platform"}),
        opts=pulumi.ResourceOptions(parent=parent, provider=provider),
    )
