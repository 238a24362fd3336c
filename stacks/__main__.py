"""The twincloud Pulumi program: validate config once, then compose components.

Run by ``pulumi preview/up`` (``main: stacks/`` in Pulumi.yaml) and, offline, by
``python -m tools.plan`` under Pulumi's mock engine. Holds no resource details.
"""

import sys
from pathlib import Path

# `pulumi` runs this directory as a script; make the project root importable.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import pulumi  # noqa: E402

from components.tagging import apply_default_tags, base_tags  # noqa: E402
from stacks.aws_data import build_aws_data  # noqa: E402
from stacks.aws_platform import build_aws  # noqa: E402
from stacks.preflight import validated_config  # noqa: E402
from stacks.monitoring import (  # noqa: E402
    aws_monitoring_storage, aws_remote_write, azure_monitoring_storage, build_monitoring,
)
from stacks.dr import build_dr  # noqa: E402
from stacks.ingress import build_shared_ingress  # noqa: E402
from stacks.platform_services import (  # noqa: E402
    build_aks_platform_services, build_eks_platform_services, build_priorities,
)

# Raises ConfigError (every problem: the schema's and what only the clouds can answer, no
# traceback) before any resource is registered.
cfg = validated_config(pulumi.get_stack())
stack = pulumi.get_stack()
prefix = f"{pulumi.get_project()}-{stack}"

apply_default_tags(base_tags(cfg.environment, pulumi.get_project(), cfg.tags))
aws_platform = build_aws(cfg, prefix)
aws_data = build_aws_data(cfg, prefix, aws_platform)
shared_ingress = build_shared_ingress(cfg, prefix, aws_platform)

eks_priorities = build_priorities(prefix, aws_platform.eks.provider, "aws")
eks_monitoring = build_monitoring(
    cfg, prefix, aws_platform.eks.provider, "aws", aws_monitoring_storage(cfg, aws_data),
    kubernetes_version=cfg.eks.version,
    cluster_name=f"{prefix}-eks",
    priorities=eks_priorities,
    remote_write=aws_remote_write(cfg, prefix, aws_platform.eks.cluster_name),
)
build_eks_platform_services(cfg, prefix, aws_platform, eks_monitoring, eks_priorities)
azure_platform = None
if cfg.azure is not None:  # imported only when used: the Azure SDK modules take a while to load
    from stacks.azure_platform import build_azure

    azure_platform = build_azure(cfg, prefix, egress_ips=aws_platform.vpc.nat_public_ips)
    aks_priorities = build_priorities(prefix, azure_platform.aks.provider, "azure")
    aks_monitoring = build_monitoring(
        cfg, prefix, azure_platform.aks.provider, "azure", azure_monitoring_storage(cfg, prefix, azure_platform),
        kubernetes_version=cfg.azure.aks.version,
        cluster_name=f"{prefix}-aks",
        priorities=aks_priorities,
    )
    build_aks_platform_services(cfg, prefix, azure_platform.aks.provider, aks_monitoring, aks_priorities)
dr_layer = build_dr(cfg, prefix, primary_ingress=shared_ingress.alias_target if shared_ingress else None)
