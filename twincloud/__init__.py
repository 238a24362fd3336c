"""twincloud: typed Pulumi components for a two-cloud Kubernetes platform.

The installable face of the project. ``import twincloud`` is cheap: the component classes
are loaded on first use (the Azure SDK alone takes seconds to import), so
``from twincloud import Vpc, VpcArgs`` pulls in only what it names.

The version follows semantic versioning (0.x: a minor bump may change resource names, types
or config keys, always with an upgrade note and the aliases that keep state in
``CHANGELOG.md``).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.2.0"

# Public name -> module that defines it. The modules live in the top-level packages the
# platform program imports (components/, stacks/config, policies/, tools/).
_EXPORTS: dict[str, str] = {
    # AWS
    "Vpc": "components.aws.vpc", "VpcArgs": "components.aws.vpc",
    "EksCluster": "components.aws.eks", "EksClusterArgs": "components.aws.eks",
    "NodeGroupSpec": "components.aws.eks",
    "EcrRepositories": "components.aws.ecr", "EcrRepositoriesArgs": "components.aws.ecr",
    "RedisCache": "components.aws.redis", "RedisCacheArgs": "components.aws.redis",
    "AccessLogBucket": "components.aws.access_log_bucket",
    "AccessLogBucketArgs": "components.aws.access_log_bucket",
    "PodIdentityBucket": "components.aws.pod_identity_bucket",
    "PodIdentityBucketArgs": "components.aws.pod_identity_bucket",
    "LifecycleRule": "components.aws.pod_identity_bucket",
    "LifecycleTransition": "components.aws.pod_identity_bucket",
    "CloudFrontSite": "components.aws.cloudfront_site", "CloudFrontSiteArgs": "components.aws.cloudfront_site",
    "DnsFailover": "components.aws.dns_failover", "DnsFailoverArgs": "components.aws.dns_failover",
    # Azure
    "VNet": "components.azure.vnet", "VNetArgs": "components.azure.vnet",
    "AksCluster": "components.azure.aks", "AksClusterArgs": "components.azure.aks",
    "ContainerRegistry": "components.azure.registry", "ContainerRegistryArgs": "components.azure.registry",
    "ServiceBus": "components.azure.service_bus", "ServiceBusArgs": "components.azure.service_bus",
    "KeyVault": "components.azure.key_vault", "KeyVaultArgs": "components.azure.key_vault",
    "WorkloadIdentity": "components.azure.workload_identity",
    "WorkloadIdentityArgs": "components.azure.workload_identity",
    "PrivateEndpoint": "components.azure.private_endpoint",
    "PrivateEndpointArgs": "components.azure.private_endpoint",
    "StaticSite": "components.azure.static_site", "StaticSiteArgs": "components.azure.static_site",
    "WorkloadBlobStorage": "components.azure.blob_storage",
    "WorkloadBlobStorageArgs": "components.azure.blob_storage",
    # Monitoring
    "MonitoringStack": "components.monitoring.stack", "MonitoringStackArgs": "components.monitoring.stack",
    # Tagging and naming helpers
    "apply_default_tags": "components.tagging", "base_tags": "components.tagging",
    "child_name": "components.naming", "global_name": "components.naming",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'twincloud' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return __all__
