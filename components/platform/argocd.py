"""``ArgoCd``: GitOps delivery on one cluster (EKS or AKS), bootstrapped by an app-of-apps.

Builds the ``argocd`` namespace, the pinned Argo CD release and, from config, the root
``Application`` (app-of-apps: every other app is a manifest in its Git path) plus any
``Application`` the platform declares itself, each with its sync wave.

Secure defaults, a sentence each:
* the local ``admin`` account is on only until SSO is configured; with SSO it is switched
  off (``admin.enabled: false``) and only the configured group is ``role:admin``; anyone
  else gets no role (``policy.default`` empty);
* Applications sync automatically with self-heal and prune, but never fight an HPA: fields
  the HPA's manager (``kube-controller-manager``) owns are ignored cluster-wide, each app
  ignores ``/spec/replicas`` of the workloads config lists as autoscaled, and
  ``RespectIgnoreDifferences`` keeps syncs from resetting them;
* fields that operators default (External Secrets targets) are ignored, and server-side
  diff is on, so defaulted fields never show as drift;
* ``SkipDryRunOnMissingResource`` plus sync waves let CRDs (wave -1 and lower) land before
  the resources that use them;
* the Applications wait for the release that installs their CRD.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.naming import child_name
from components.platform.manifests import Autoscaled, application
from components.platform.release import custom_resource, pinned_release
from components.platform.values import argocd_values

NAMESPACE = "argocd"
PROJECT = "default"


@dataclass
class AppSpec:
    """One Application: where its manifests live and which of its workloads an HPA scales."""

    name: str
    path: str
    namespace: str
    sync_wave: int = 0
    autoscaled: list[Autoscaled] = field(default_factory=list)


@dataclass
class ArgoCdArgs:
    provider: pulumi.ProviderResource
    ha: bool = False
    url: str | None = None
    sso: dict[str, str] | None = None  # issuer, client_id, admin_group
    repo_url: str | None = None  # app-of-apps source; None: Argo CD only, no bootstrap
    path: str = ""
    target_revision: str = "HEAD"
    applications: list[AppSpec] = field(default_factory=list)
    depends_on: tuple[pulumi.Resource, ...] = ()


class ArgoCd(pulumi.ComponentResource):
    """Argo CD with an app-of-apps; see the module docstring."""

    def __init__(self, name: str, args: ArgoCdArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:k8s:ArgoCd", name, None, opts)
        in_cluster = pulumi.ResourceOptions(parent=self, provider=args.provider)
        self.namespace = k8s.core.v1.Namespace(
            child_name(name, "ns"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name=NAMESPACE, labels={
                "pod-security.kubernetes.io/enforce": "baseline", "app.kubernetes.io/part-of": "twincloud-platform"}),
            opts=pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(depends_on=list(args.depends_on))),
        )
        self.release = pinned_release(
            child_name(name, "release"), "argo-cd", release_name="argocd", namespace=NAMESPACE,
            values=argocd_values(ha=args.ha, url=args.url, sso=args.sso),
            opts=pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(depends_on=[self.namespace])),
            timeout=900,
        )
        self.applications = self._applications(name, args, in_cluster)
        self.register_outputs({"namespace": NAMESPACE, "applications": [a.name for a in self._specs(args)]})

    @staticmethod
    def _specs(args: ArgoCdArgs) -> list[AppSpec]:
        if args.repo_url is None:
            return []
        # The root app syncs first (lowest wave); the apps it and the platform declare follow.
        root = AppSpec(name="app-of-apps", path=args.path, namespace=NAMESPACE, sync_wave=-10)
        return [root, *args.applications]

    def _applications(self, name: str, args: ArgoCdArgs, in_cluster: pulumi.ResourceOptions) -> list:
        after = pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(depends_on=[self.release]))
        return [
            custom_resource(child_name(name, "app", spec.name), application(
                spec.name, namespace=NAMESPACE, project=PROJECT, repo_url=args.repo_url or "", path=spec.path,
                target_revision=args.target_revision, destination_namespace=spec.namespace,
                sync_wave=spec.sync_wave, autoscaled=list(spec.autoscaled),
            ), after)
            for spec in self._specs(args)
        ]
