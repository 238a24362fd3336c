"""``ArgoRollouts`` (optional, off by default): canary releases.

With the AWS Load Balancer Controller, a Rollout's ``trafficRouting.alb`` shifts weights
between the stable and canary target groups of one ALB, which is how our canary practice
releases. Chart and image are pinned in components/versions.py; it runs at the platform
priority with a PDB when replicated.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.naming import child_name
from components.platform.namespace import platform_namespace
from components.platform.release import pinned_release
from components.platform.values import rollouts_values


@dataclass
class ArgoRolloutsArgs:
    provider: pulumi.ProviderResource
    replicas: int = 1


class ArgoRollouts(pulumi.ComponentResource):
    """The Argo Rollouts controller; see the module docstring."""

    def __init__(self, name: str, args: ArgoRolloutsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:k8s:ArgoRollouts", name, None, opts)
        ns = platform_namespace(self, name, "argo-rollouts", args.provider)
        self.release = pinned_release(
            child_name(name, "release"), "argo-rollouts", release_name="argo-rollouts", namespace="argo-rollouts",
            values=rollouts_values(replicas=args.replicas),
            opts=pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=[ns]))
        self.register_outputs({"namespace": "argo-rollouts"})
