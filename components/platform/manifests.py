"""Pure builders for the platform's custom resources: Karpenter ``NodePool`` and
``EC2NodeClass``, the External Secrets ``ClusterSecretStore`` and Argo CD ``Application``.

Plain dicts, so tests validate them against the CRDs' OpenAPI schemas at the pinned
releases (tests/data/crds/, each file naming its source) without a cluster. Field names
come from those CRDs:

* NodePool / EC2NodeClass: aws/karpenter-provider-aws@1d927085dd81
  pkg/apis/crds/karpenter.sh_nodepools.yaml, karpenter.k8s.aws_ec2nodeclasses.yaml (v1);
* ClusterSecretStore: external-secrets/external-secrets@cc5bfbc2234a
  config/crds/bases/external-secrets.io_clustersecretstores.yaml (v1, the only served version);
* Application: argoproj/argo-helm@af0a9310bacb charts/argo-cd/templates/crds/crd-application.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from components.aws.node_launch_template import ROOT_DEVICE, metadata_options

KARPENTER_API = "karpenter.sh/v1"
NODECLASS_API = "karpenter.k8s.aws/v1"
ESO_API = "external-secrets.io/v1"
ARGOCD_API = "argoproj.io/v1alpha1"

# Well-known Karpenter labels (karpenter-provider-aws@1d927085dd81 website/content/en/v1.14/concepts/nodepools.md).
CAPACITY_TYPE = "karpenter.sh/capacity-type"
ARCH = "kubernetes.io/arch"
INSTANCE_CATEGORY = "karpenter.k8s.aws/instance-category"
INSTANCE_FAMILY = "karpenter.k8s.aws/instance-family"

SYNC_WAVE = "argocd.argoproj.io/sync-wave"  # argo-cd v3.4.4 docs/user-guide/sync-waves.md
HPA_MANAGER = "kube-controller-manager"  # the HPA writes replicas as this field manager (docs/user-guide/diffing.md)
AUTOSCALED_ANNOTATION = "twincloud.io/autoscaled"  # "Kind/namespace/name,..." the policy pack reads


@dataclass(frozen=True)
class NodePoolSpec:
    """One NodePool, as ``twincloud:platform.karpenter.nodePools[]`` describes it."""

    name: str
    capacity_types: list[str]
    architectures: list[str]
    instance_categories: list[str] = field(default_factory=list)
    instance_families: list[str] = field(default_factory=list)
    cpu_limit: str | None = None
    memory_limit: str | None = None
    consolidation_policy: str = "WhenEmptyOrUnderutilized"
    consolidate_after: str = "1m"
    disruption_budget: str = "10%"
    expire_after: str = "720h"
    weight: int | None = None
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[dict[str, str]] = field(default_factory=list)


def node_pool(spec: NodePoolSpec, node_class: str) -> dict[str, Any]:
    requirements = [
        {"key": CAPACITY_TYPE, "operator": "In", "values": list(spec.capacity_types)},
        {"key": ARCH, "operator": "In", "values": list(spec.architectures)},
    ]
    if spec.instance_families:
        requirements.append({"key": INSTANCE_FAMILY, "operator": "In", "values": list(spec.instance_families)})
    elif spec.instance_categories:
        requirements.append({"key": INSTANCE_CATEGORY, "operator": "In", "values": list(spec.instance_categories)})
    limits = {k: v for k, v in (("cpu", spec.cpu_limit), ("memory", spec.memory_limit)) if v is not None}
    template_spec: dict[str, Any] = {
        "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": node_class},
        "requirements": requirements,
        "expireAfter": spec.expire_after,
    }
    if spec.taints:
        template_spec["taints"] = [{k: v for k, v in t.items() if v is not None} for t in spec.taints]
    body: dict[str, Any] = {
        "template": {
            "metadata": {"labels": {"twincloud.io/node-pool": spec.name, **spec.labels}},
            "spec": template_spec,
        },
        "disruption": {
            "consolidationPolicy": spec.consolidation_policy,
            "consolidateAfter": spec.consolidate_after,
            "budgets": [{"nodes": spec.disruption_budget}],
        },
    }
    if limits:
        body["limits"] = limits
    if spec.weight is not None:
        body["weight"] = spec.weight
    return {"apiVersion": KARPENTER_API, "kind": "NodePool", "metadata": {"name": spec.name}, "spec": body}


def ec2_node_class(name: str, *, role: str, ami_alias: str, subnet_ids: list[str], security_group_ids: list[str],
                   tags: dict[str, str], volume_key_id: str, volume_size: str = "50Gi") -> dict[str, Any]:
    """Nodes in the cluster's private subnets with its security group, IMDSv2 only and one hop
    (pods reach AWS through Pod Identity, never the node's role: the managed node groups' launch
    template values, components/aws/node_launch_template.py), gp3 root volumes encrypted with the
    cluster's node-volume key (``volume_key_id``), and the pinned AMI release ``ami_alias``."""
    md = metadata_options()
    return {
        "apiVersion": NODECLASS_API,
        "kind": "EC2NodeClass",
        "metadata": {"name": name},
        "spec": {
            "role": role,
            "amiSelectorTerms": [{"alias": ami_alias}],
            "subnetSelectorTerms": [{"id": s} for s in subnet_ids],
            "securityGroupSelectorTerms": [{"id": g} for g in security_group_ids],
            "metadataOptions": {"httpEndpoint": md["http_endpoint"], "httpProtocolIPv6": md["http_protocol_ipv6"],
                                "httpPutResponseHopLimit": md["http_put_response_hop_limit"],
                                "httpTokens": md["http_tokens"]},
            "blockDeviceMappings": [{"deviceName": ROOT_DEVICE, "ebs": {
                "volumeSize": volume_size, "volumeType": "gp3", "encrypted": True, "kmsKeyID": volume_key_id,
                "deleteOnTermination": True}}],
            "tags": dict(tags),
        },
    }


def cluster_secret_store(name: str, region: str) -> dict[str, Any]:
    """Secrets Manager through the controller's own Pod Identity: no ``auth`` block
    (external-secrets@cc5bfbc2234a docs/provider/aws-access.md: serviceAccountRef cannot be
    used with Pod Identity, and no auth section is defined)."""
    return {
        "apiVersion": ESO_API,
        "kind": "ClusterSecretStore",
        "metadata": {"name": name},
        "spec": {"provider": {"aws": {"service": "SecretsManager", "region": region}}},
    }


@dataclass(frozen=True)
class Autoscaled:
    kind: str
    namespace: str
    name: str

    @property
    def group(self) -> str:
        return "apps"


# Fields the External Secrets CRD defaults (external-secrets@cc5bfbc2234a
# config/crds/bases/external-secrets.io_externalsecrets.yaml, v1: target.creationPolicy
# default Owner, target.deletionPolicy default Retain, target.template.engineVersion default v2).
OPERATOR_DEFAULTED = (
    {"group": "external-secrets.io", "kind": "ExternalSecret",
     "jsonPointers": ["/spec/target/creationPolicy", "/spec/target/deletionPolicy",
                      "/spec/target/template/engineVersion"]},
)


def ignore_differences(autoscaled: list[Autoscaled]) -> list[dict[str, Any]]:
    """``replicas`` of every HPA-scaled workload (by pointer, and whatever the HPA's field
    manager owns), then the operator-defaulted fields."""
    out: list[dict[str, Any]] = [
        {"group": w.group, "kind": w.kind, "namespace": w.namespace, "name": w.name,
         "jsonPointers": ["/spec/replicas"], "managedFieldsManagers": [HPA_MANAGER]}
        for w in autoscaled
    ]
    return out + [dict(d) for d in OPERATOR_DEFAULTED]


def application(name: str, *, namespace: str, project: str, repo_url: str, path: str, target_revision: str,
                destination_namespace: str, sync_wave: int, autoscaled: list[Autoscaled]) -> dict[str, Any]:
    """An Argo CD Application with automated, self-healing sync that respects its ignoreDifferences."""
    annotations = {SYNC_WAVE: str(sync_wave)}
    if autoscaled:
        annotations[AUTOSCALED_ANNOTATION] = ",".join(f"{w.kind}/{w.namespace}/{w.name}" for w in autoscaled)
    return {
        "apiVersion": ARGOCD_API,
        "kind": "Application",
        "metadata": {"name": name, "namespace": namespace, "annotations": annotations,
                     # Deleting the Application deletes what it deployed, in order.
                     "finalizers": ["resources-finalizer.argocd.argoproj.io"]},
        "spec": {
            "project": project,
            "source": {"repoURL": repo_url, "path": path, "targetRevision": target_revision},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": destination_namespace},
            "ignoreDifferences": ignore_differences(autoscaled),
            "syncPolicy": {
                "automated": {"prune": True, "selfHeal": True},
                "syncOptions": ["CreateNamespace=true", "RespectIgnoreDifferences=true",
                                "ServerSideApply=true", "SkipDryRunOnMissingResource=true"],
                "retry": {"limit": 5, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "3m"}},
            },
        },
    }
