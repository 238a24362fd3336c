"""Composes the AWS side of the platform from validated config (no resource details here)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.aws.access_entries import AccessEntrySpec, AccessPolicySpec
from components.aws.deploy_runner import DeployRunner, DeployRunnerArgs
from components.aws.ecr import EcrRepositories, EcrRepositoriesArgs
from components.aws.eks import EksCluster, EksClusterArgs, NodeGroupSpec
from components.aws.lb_controller import LoadBalancerController, LoadBalancerControllerArgs
from components.aws.vpc import Vpc, VpcArgs
from components.aws.vpc_endpoints import INTERFACE_SERVICES, VpcEndpoints, VpcEndpointsArgs
from stacks.config import StackConfig
from stacks.preflight import region_zones


@dataclass
class AwsPlatform:
    vpc: Vpc
    eks: EksCluster
    ecr: EcrRepositories
    lb_controller: LoadBalancerController
    runner: DeployRunner | None
    endpoints: VpcEndpoints | None = None


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
    endpoints = build_endpoints(cfg, prefix, vpc, partition, identity.account_id)
    role_arn = f"arn:{partition}:iam::{identity.account_id}:role/{{}}".format
    # People (adminRoleNames) and the CI deploy role get cluster admin; the preview role reads.
    admin_roles = list(dict.fromkeys([*cfg.eks.admin_role_names, *filter(None, [cfg.deploy.aws_role_name])]))
    admins = [role_arn(r) for r in admin_roles]
    viewers = [role_arn(r) for r in filter(None, [cfg.deploy.preview_role_name])]
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
                disk_size=g.disk_size, disk_type=g.disk_type, labels=dict(g.labels),
                max_unavailable=g.update_limit[0], max_unavailable_percentage=g.update_limit[1],
                auto_repair=g.auto_repair,
                taints=[t.model_dump(exclude_none=True) for t in g.taints],
            )
            for g in cfg.eks.node_groups
        ],
        admin_principal_arns=admins,
        viewer_principal_arns=viewers,
        access_entries=[AccessEntrySpec(e.principal_arn, [
            AccessPolicySpec(p.policy, p.access_scope.type, list(p.access_scope.namespaces)) for p in e.policies])
            for e in cfg.eks.access_entries],
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
    lb_controller = LoadBalancerController(f"{prefix}-lb-controller", LoadBalancerControllerArgs(
        cluster_name=eks.cluster_name,
        region=cfg.aws_region,
        vpc_id=vpc.vpc_id,
        partition=partition,
        provider=eks.provider,
        group_name=cfg.dr.primary_ingress.group if cfg.dr.primary_ingress is not None else "web",
        replicas=2 if cfg.is_prod else 1,
    ))
    runner = build_runner(cfg, prefix, vpc, eks, partition, identity.account_id)
    pulumi.export("vpcId", vpc.vpc_id)
    pulumi.export("privateSubnetIds", vpc.private_subnet_ids)
    pulumi.export("eksClusterName", eks.cluster_name)
    pulumi.export("eksEndpoint", eks.endpoint)
    pulumi.export("kubeconfig", eks.kubeconfig)
    pulumi.export("ecrRepositoryUrls", ecr.repository_urls)
    pulumi.export("natPublicIps", vpc.nat_public_ips)
    return AwsPlatform(vpc=vpc, eks=eks, ecr=ecr, lb_controller=lb_controller, runner=runner, endpoints=endpoints)


def build_endpoints(cfg: StackConfig, prefix: str, vpc: Vpc, partition: str, account_id: str) -> VpcEndpoints | None:
    """The VPC endpoints ``twincloud:vpc.endpoints`` asks for (S3 gateway; ECR/STS/Logs interface), or None."""
    e = cfg.vpc.endpoints
    if not (e.s3_gateway or e.interface):
        return None
    return VpcEndpoints(f"{prefix}-endpoints", VpcEndpointsArgs(
        vpc_id=vpc.vpc_id,
        vpc_cidr=cfg.vpc.cidr,
        region=cfg.aws_region,
        partition=partition,
        account_id=account_id,
        private_route_table_ids=vpc.private_route_table_ids,
        private_subnet_ids=vpc.private_subnet_ids,
        s3_gateway=e.s3_gateway,
        interface_services=INTERFACE_SERVICES if e.interface else (),
        s3_external_read_buckets=list(e.s3_external_read_buckets),
    ))


def build_runner(cfg: StackConfig, prefix: str, vpc: Vpc, eks: EksCluster, partition: str,
                 account_id: str) -> DeployRunner | None:
    """The in-network runner for deploy/preview jobs (``twincloud:deploy.runner``), or None."""
    spec = cfg.deploy.runner
    if spec is None:
        return None
    runner = DeployRunner(f"{prefix}-runner", DeployRunnerArgs(
        project_name=f"{prefix}-runner",
        repository=spec.repository,
        connection_arn=f"arn:{partition}:codeconnections:{cfg.aws_region}:{account_id}:connection/{spec.connection_id}",
        vpc_id=vpc.vpc_id,
        private_subnet_ids=vpc.private_subnet_ids,
        cluster_security_group_id=eks.cluster_security_group_id,
        region=cfg.aws_region,
        partition=partition,
        account_id=account_id,
        workflows=list(spec.workflows),
        compute_type=spec.compute_type,
        image=spec.image,
        protect=cfg.protect_stateful,
    ))
    pulumi.export("deployRunnerLabel", runner.label)
    return runner
