"""``PlatformPriorities``: the PriorityClass platform services run at.

Kubernetes ships ``system-cluster-critical`` and ``system-node-critical`` (used by Karpenter
and metrics-server, as their charts default); everything else the platform runs (External
Secrets, Argo CD, monitoring) gets ``twincloud-platform``: above application pods (priority
0 unless they set one), so a full node preempts an app pod, never the GitOps or secrets
controller, and below the system classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from components.naming import child_name
from components.platform.values import PLATFORM_PRIORITY

PLATFORM_PRIORITY_VALUE = 100000  # user-defined classes must stay below 1000000000 (system classes)


@dataclass
class PlatformPrioritiesArgs:
    provider: pulumi.ProviderResource


class PlatformPriorities(pulumi.ComponentResource):
    """The platform's PriorityClass; see the module docstring."""

    def __init__(self, name: str, args: PlatformPrioritiesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:k8s:PlatformPriorities", name, None, opts)
        self.platform = k8s.scheduling.v1.PriorityClass(
            child_name(name, PLATFORM_PRIORITY),
            metadata=k8s.meta.v1.ObjectMetaArgs(name=PLATFORM_PRIORITY),
            value=PLATFORM_PRIORITY_VALUE,
            global_default=False,
            preemption_policy="PreemptLowerPriority",
            description="twincloud platform services (GitOps, secrets, monitoring): above applications",
            opts=pulumi.ResourceOptions(parent=self, provider=args.provider),
        )
        self.register_outputs({"platform": PLATFORM_PRIORITY})
