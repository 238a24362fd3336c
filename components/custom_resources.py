"""Custom resource types the program creates, with the spec fields their CRDs define.

The Kubernetes SDK has no classes for types that Helm charts install as CRDs, so
``tests/test_sdk_properties.py`` checks such resources here instead: each row is the type
token, the CRD's ``spec`` properties at the pinned release, and where they were read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrdSchema:
    """The top-level ``spec`` properties of one served CRD version."""

    spec_fields: frozenset[str]
    verified: str


CUSTOM_RESOURCES: dict[str, CrdSchema] = {
    "kubernetes:elbv2.k8s.aws/v1beta1:IngressClassParams": CrdSchema(
        spec_fields=frozenset({
            "PrefixListsIDs", "certificateArn", "group", "inboundCIDRs", "ipAddressType", "ipamConfiguration",
            "listeners", "loadBalancerAttributes", "loadBalancerName", "minimumLoadBalancerCapacity",
            "namespaceSelector", "prefixListsIDs", "scheme", "sslPolicy", "sslRedirectPort", "subnets", "tags",
            "targetType", "wafv2AclArn", "wafv2AclName",
        }),
        verified="kubernetes-sigs/aws-load-balancer-controller@11eb202c97e4 (tag v3.5.0) "
                 "config/crd/bases/elbv2.k8s.aws_ingressclassparams.yaml (v1beta1, served); chart 3.5.0 "
                 "crds/crds.yaml ships it",
    ),
    "kubernetes:karpenter.sh/v1:NodePool": CrdSchema(
        spec_fields=frozenset(['disruption', 'limits', 'replicas', 'template', 'weight']),
        verified="aws/karpenter-provider-aws@1d927085dd81 (chart 1.14.1):pkg/apis/crds/karpenter.sh_nodepools.yaml (v1); full schema in tests/data/crds/karpenter.sh_nodepools.json",
    ),
    "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": CrdSchema(
        spec_fields=frozenset(['amiFamily', 'amiSelectorTerms', 'associatePublicIPAddress', 'blockDeviceMappings', 'capacityReservationSelectorTerms', 'connectionTracking', 'context', 'cpuOptions', 'detailedMonitoring', 'instanceProfile', 'instanceStorePolicy', 'ipPrefixCount', 'kubelet', 'metadataOptions', 'networkInterfaces', 'placementGroupSelector', 'role', 'securityGroupSelectorTerms', 'subnetSelectorTerms', 'tags', 'userData']),
        verified="aws/karpenter-provider-aws@1d927085dd81 (chart 1.14.1):pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml (v1); full schema in tests/data/crds/karpenter.k8s.aws_ec2nodeclasses.json",
    ),
    "kubernetes:external-secrets.io/v1:ClusterSecretStore": CrdSchema(
        spec_fields=frozenset(['conditions', 'controller', 'provider', 'refreshInterval', 'retrySettings']),
        verified="external-secrets/external-secrets@cc5bfbc2234a (tag helm-chart-2.9.0):config/crds/bases/external-secrets.io_clustersecretstores.yaml (v1); full schema in tests/data/crds/external-secrets.io_clustersecretstores.json",
    ),
    "kubernetes:argoproj.io/v1alpha1:Application": CrdSchema(
        spec_fields=frozenset(['destination', 'ignoreDifferences', 'info', 'project', 'revisionHistoryLimit', 'source', 'sourceHydrator', 'sources', 'syncPolicy']),
        verified="argoproj/argo-cd@443415b55275 (tag v3.4.4, the argo-cd 10.1.1 chart's appVersion):manifests/crds/application-crd.yaml (v1alpha1); full schema in tests/data/crds/argoproj.io_applications.json",
    ),
}

# Keys a CustomResource sends besides its spec (pulumi_kubernetes.apiextensions.CustomResource).
CUSTOM_RESOURCE_KEYS = frozenset({"apiVersion", "kind", "metadata", "spec"})
