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
}

# Keys a CustomResource sends besides its spec (pulumi_kubernetes.apiextensions.CustomResource).
CUSTOM_RESOURCE_KEYS = frozenset({"apiVersion", "kind", "metadata", "spec"})
