"""Helm values of the platform charts (pure functions; keys from each chart's values.yaml at its pin).

Sources (components/versions.py PLATFORM_CHARTS names the commits):
* karpenter 1.14.1: charts/karpenter/values.yaml (settings.clusterName, settings.interruptionQueue,
  replicas, affinity, podDisruptionBudget, controller.image, controller.env, serviceAccount.name);
* metrics-server 3.13.1: charts/metrics-server/values.yaml (replicas, podDisruptionBudget,
  priorityClassName, topologySpreadConstraints, image);
* external-secrets 2.9.0: deploy/charts/external-secrets/values.yaml (installCRDs, crds.conversion,
  crds.unsafeServeV1Beta1, replicaCount, leaderElect, podDisruptionBudget, webhook.*, certController.*);
* argo-cd 10.1.1: charts/argo-cd/values.yaml (global.*, configs.cm/params/rbac, <component>.replicas/pdb);
* argo-rollouts 2.41.0, opencost 2.5.17: their values.yaml.
"""

from __future__ import annotations

from typing import Any

from components.versions import IMAGES

NODE_GROUP_LABEL = "twincloud.io/node-group"  # set on every managed node group (components/aws/eks.py)
PLATFORM_PRIORITY = "twincloud-platform"  # PriorityClass for platform services (components/platform/priorities.py)


def _image(key: str) -> dict[str, str]:
    pin = IMAGES[key]
    return {"repository": f"{pin.registry}/{pin.repository}", "tag": pin.tag}


def zone_spread(labels: dict[str, str]) -> list[dict[str, Any]]:
    """Spread replicas over zones (ScheduleAnyway: a zone outage never blocks rescheduling)."""
    return [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway",
             "labelSelector": {"matchLabels": labels}}]


def karpenter_values(*, cluster_name: str, queue: str, replicas: int, system_node_group: str,
                     service_account: str, region: str) -> dict[str, Any]:
    """The controller runs on the system node group only, never on nodes it launched itself.
    It is given its region (``controller.env`` AWS_REGION, the chart's own example): with the
    nodes' IMDS hop limit of 1 a pod cannot ask IMDS for it (components/aws/node_launch_template.py)."""
    pin = IMAGES["karpenter"]
    return {
        "settings": {"clusterName": cluster_name, "interruptionQueue": queue},
        "serviceAccount": {"create": True, "name": service_account},
        "replicas": replicas,
        "controller": {
            "image": {"repository": f"{pin.registry}/{pin.repository}", "tag": pin.tag,
                      "digest": "sha256:723130949e4cab989461ff07d1be4cd781d63515432494641b33c235f300ae23"},
            "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
            "env": [{"name": "AWS_REGION", "value": region}],
        },
        "affinity": {
            "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{
                "matchExpressions": [
                    {"key": "karpenter.sh/nodepool", "operator": "DoesNotExist"},
                    {"key": NODE_GROUP_LABEL, "operator": "In", "values": [system_node_group]},
                ]}]}},
            "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                {"topologyKey": "kubernetes.io/hostname",
                 "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "karpenter"}}}]},
        },
        "podDisruptionBudget": {"name": "karpenter", "maxUnavailable": 1},
        "priorityClassName": "system-cluster-critical",
    }


def metrics_server_values(*, replicas: int) -> dict[str, Any]:
    labels = {"app.kubernetes.io/name": "metrics-server"}
    return {
        "image": _image("metrics-server"),
        "replicas": replicas,
        "podDisruptionBudget": {"enabled": replicas > 1, "minAvailable": 1} if replicas > 1 else {"enabled": False},
        "priorityClassName": "system-cluster-critical",
        "topologySpreadConstraints": zone_spread(labels) if replicas > 1 else [],
        "resources": {"requests": {"cpu": "100m", "memory": "200Mi"}},
    }


def external_secrets_values(*, replicas: int, service_account: str) -> dict[str, Any]:
    """CRDs are chart templates (``installCRDs``), so every ``helm upgrade`` updates them with the
    controller; the conversion webhook stays off and v1beta1 unserved, so no CRD ever points its
    conversion at a webhook that an upgrade removed (v1 is the only stored and served version)."""
    many = replicas > 1
    pdb = {"enabled": many, "minAvailable": 1}
    image = _image("external-secrets")
    return {
        "installCRDs": True,
        "crds": {"conversion": {"enabled": False}, "unsafeServeV1Beta1": False},
        "image": image,
        "replicaCount": replicas,
        "leaderElect": many,  # more than one controller must elect a leader
        "serviceAccount": {"create": True, "name": service_account},
        "priorityClassName": PLATFORM_PRIORITY,
        "podDisruptionBudget": pdb,
        "topologySpreadConstraints": zone_spread({"app.kubernetes.io/name": "external-secrets"}) if many else [],
        "webhook": {"image": image, "replicaCount": replicas, "priorityClassName": PLATFORM_PRIORITY,
                    "podDisruptionBudget": pdb},
        "certController": {"image": image, "replicaCount": 1, "priorityClassName": PLATFORM_PRIORITY},
    }


def argocd_values(*, ha: bool, url: str | None, sso: dict[str, str] | None) -> dict[str, Any]:
    """Argo CD: server-side diff (operator-defaulted fields stop showing as drift), and fields
    the HPA owns ignored everywhere; with SSO the local admin is off and the admin group maps
    to role:admin. HA: two of each stateless component, each with a PDB."""
    replicas = 2 if ha else 1
    pdb = {"enabled": ha, "minAvailable": 1} if ha else {"enabled": False}
    cm: dict[str, Any] = {
        "admin.enabled": sso is None,  # local admin only until SSO is configured
        "exec.enabled": False,
        # The HPA writes replicas as kube-controller-manager (argo-cd docs/user-guide/diffing.md).
        "resource.customizations.ignoreDifferences.apps_Deployment": "managedFieldsManagers:\n- kube-controller-manager\n",
        "resource.customizations.ignoreDifferences.apps_StatefulSet": "managedFieldsManagers:\n- kube-controller-manager\n",
    }
    if url:
        cm["url"] = url
    rbac: dict[str, Any] = {"policy.default": ""}
    if sso is not None:
        cm["oidc.config"] = (f"name: SSO\nissuer: {sso['issuer']}\nclientID: {sso['client_id']}\n"
                             "enablePKCEAuthentication: true\nrequestedScopes: [openid, profile, email, groups]\n")
        rbac["policy.csv"] = f"g, {sso['admin_group']}, role:admin\n"
    return {
        "global": {
            "image": {"repository": f"{IMAGES['argocd'].registry}/{IMAGES['argocd'].repository}",
                      "tag": IMAGES["argocd"].tag},
            "priorityClassName": PLATFORM_PRIORITY,
            "affinity": {"podAntiAffinity": "soft"},
            "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                                           "whenUnsatisfiable": "ScheduleAnyway"}] if ha else [],
        },
        "configs": {
            "cm": cm,
            "params": {"controller.diff.server.side": "true"},
            "rbac": rbac,
        },
        "dex": {"enabled": False, "image": _image("argocd-dex")},
        "redis": {"image": _image("argocd-redis")},
        "controller": {"replicas": 1, "pdb": {"enabled": False}},  # one sharded controller; more needs sharding
        # The API/UI server drains: the endpoint is removed while the pod sleeps, then in-flight
        # requests finish (preStop sleep action: beta on by default since 1.30, GA in 1.34).
        "server": {"replicas": replicas, "pdb": pdb, "terminationGracePeriodSeconds": 30,
                   "lifecycle": {"preStop": {"sleep": {"seconds": 5}}}},
        "repoServer": {"replicas": replicas, "pdb": pdb},
        "applicationSet": {"replicas": replicas, "pdb": pdb},
        "notifications": {"enabled": False},
    }


def rollouts_values(*, replicas: int) -> dict[str, Any]:
    pin = IMAGES["argo-rollouts"]
    return {
        "controller": {
            "replicas": replicas,
            "image": {"registry": pin.registry, "repository": pin.repository, "tag": pin.tag},
            "pdb": {"enabled": replicas > 1, "minAvailable": 1},
            "priorityClassName": PLATFORM_PRIORITY,
        },
        "dashboard": {"enabled": False},
    }


def opencost_values(*, prometheus_namespace: str, prometheus_service: str, prometheus_port: int,
                    cluster_id: str) -> dict[str, Any]:
    """Per-namespace cost from the monitoring stack's Prometheus (no second Prometheus)."""
    exporter, ui = IMAGES["opencost"], IMAGES["opencost-ui"]
    return {
        "opencost": {
            "exporter": {"defaultClusterId": cluster_id,
                         "image": {"registry": exporter.registry, "repository": exporter.repository,
                                   "tag": exporter.tag}},
            "ui": {"enabled": True, "image": {"registry": ui.registry, "repository": ui.repository, "tag": ui.tag}},
            "prometheus": {"internal": {"enabled": True, "serviceName": prometheus_service,
                                        "namespaceName": prometheus_namespace, "port": prometheus_port}},
        },
        "priorityClassName": PLATFORM_PRIORITY,
    }
