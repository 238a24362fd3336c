"""``MetricsServer``: the ``metrics.k8s.io`` API that HorizontalPodAutoscalers read (EKS).

EKS does not run metrics-server unless asked; AKS deploys it on every cluster itself
(docs/platform-services.md cites both), so this component is only composed on EKS.

Secure defaults, a sentence each:
* the chart and image come from the one pins table;
* it runs at ``system-cluster-critical`` priority (the chart's default, kept), and with more
  than one replica gets a PodDisruptionBudget and a zone spread, so a drained node never
  leaves the HPAs blind.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.naming import child_name
from components.platform.release import pinned_release
from components.platform.values import metrics_server_values

NAMESPACE = "kube-system"


@dataclass
class MetricsServerArgs:
    provider: pulumi.ProviderResource
    replicas: int = 1
    depends_on: tuple[pulumi.Resource, ...] = ()


class MetricsServer(pulumi.ComponentResource):
    """metrics-server on EKS; see the module docstring."""

    def __init__(self, name: str, args: MetricsServerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:k8s:MetricsServer", name, None, opts)
        self.release = pinned_release(
            child_name(name, "release"), "metrics-server", release_name="metrics-server", namespace=NAMESPACE,
            values=metrics_server_values(replicas=args.replicas),
            opts=pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=list(args.depends_on)),
        )
        self.register_outputs({"namespace": NAMESPACE})
