"""``OpenCost`` (optional, off by default): per-namespace cost from Prometheus.

Reads the monitoring stack's own Prometheus (no second Prometheus), so the stack composes
it only with ``twincloud:monitoring.enabled``. Chart and images are pinned in
components/versions.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.naming import child_name
from components.platform.namespace import platform_namespace
from components.platform.release import pinned_release
from components.platform.values import opencost_values


@dataclass
class OpenCostArgs:
    provider: pulumi.ProviderResource
    cluster_id: str
    prometheus_namespace: str
    prometheus_service: str
    prometheus_port: int = 9090
    depends_on: tuple[pulumi.Resource, ...] = ()


class OpenCost(pulumi.ComponentResource):
    """OpenCost reading the monitoring Prometheus; see the module docstring."""

    def __init__(self, name: str, args: OpenCostArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:k8s:OpenCost", name, None, opts)
        ns = platform_namespace(self, name, "opencost", args.provider)
        self.release = pinned_release(
            child_name(name, "release"), "opencost", release_name="opencost", namespace="opencost",
            values=opencost_values(prometheus_namespace=args.prometheus_namespace,
                                   prometheus_service=args.prometheus_service, prometheus_port=args.prometheus_port,
                                   cluster_id=args.cluster_id),
            opts=pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[ns, *args.depends_on]))
        self.register_outputs({"namespace": "opencost"})
