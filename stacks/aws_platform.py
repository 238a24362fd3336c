"""Composes the AWS side of the platform from validated config (no resource details here)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.ecr import EcrRepositories, EcrRepositoriesArgs
from components.aws.eks import EksCluster, EksClusterArgs, NodeGroupSpec
from components.aws.vpc import Vpc, VpcArgs
from stacks.config import StackConfig
from stacks.preflight import region_zones


@dataclass
class AwsPlatform:
    vpc: Vpc
    eks: EksCluster
    ecr: EcrRepositories


def availability_zones(cfg: StackConfig) -> list[str]:
    """The first ``azCount`` available AZs of the configured region (never hard-coded);
    ``stacks.preflight`` has checked that the region offers that many."""
    return region_zones()[: cfg.vpc.az_count]


def build_aws(cfg: StackConfig, prefix: str) -> AwsPlatform:
    azs = availability_zones(cfg)
    cluster_name = f"{prefix}-eks"
    vpc = Vpc(f"{prefix}-net", VpcArgs(
        cidr=cfg.vpc.cidr,
        availability_zones=azs,
        nat_strategy=cfg.vpc.nat_strategy,
        cluster_name=cluster_name,
        flow_logs=cfg.vpc.flow_logs,
        flow_log_retention_days=cfg.vpc.flow_log_retention_days,
        protect=cfg.protect_stateful,
    ))
    identity = aws.get_caller_identity()
    partition = aws.get_partition().partition
    admins = [f"arn:{partition}:iam::{identity.account_id}:role/{r}" for r in cfg.eks.admin_role_names]
    eks = EksCluster(f"{prefix}-eks", EksClusterArgs(
        cluster_name=cluster_name,
        version=cfg.eks.version,
        calendar_date=cfg.eks.support_date,
        region=cfg.aws_region,
        private_subnet_ids=vpc.private_subnet_ids,
        node_groups=[
            NodeGroupSpec(
                name=g.name, instance_types=list(g.instance_types), capacity_type=g.capacity_type,
                min_size=g.min_size, max_size=g.max_size, desired_size=g.desired,
                disk_size=g.disk_size, labels=dict(g.labels),
                taints=[t.model_dump(exclude_none=True) for t in g.taints],
            )
            for g in cfg.eks.node_groups
        ],
        admin_principal_arns=admins,
        endpoint_public_access=cfg.eks.endpoint_public_access,
        public_access_cidrs=list(cfg.eks.public_access_cidrs),
        service_cidr=cfg.eks.service_cidr,
        log_retention_days=cfg.eks.log_retention_days,
        deletion_protection=cfg.is_prod,
        protect=cfg.protect_stateful,
    ))
    ecr = EcrRepositories(f"{prefix}-ecr", EcrRepositoriesArgs(
        services=list(cfg.ecr.repositories),
        namespace=prefix,
        keep_last_images=cfg.ecr.keep_last_images,
        force_delete=not cfg.protect_stateful,
        protect=cfg.protect_stateful,
        replication_regions=list(cfg.ecr.replication_regions),
    ))
    pulumi.export("vpcId", vpc.vpc_id)
    pulumi.export("privateSubnetIds", vpc.private_subnet_ids)
    pulumi.export("eksClusterName", eks.cluster_name)
    pulumi.export("eksEndpoint", eks.endpoint)
    pulumi.export("kubeconfig", eks.kubeconfig)
    pulumi.export("ecrRepositoryUrls", ecr.repository_urls)
    return AwsPlatform(vpc=vpc, eks=eks, ecr=ecr)
