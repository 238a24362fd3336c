"""A team's own platform slice built from the installed twincloud package.

VPC (2 AZs, one NAT: a cheap team sandbox) + EKS (private endpoint, one managed node group)
+ one S3 bucket that only the ``ledger-writer`` service account can reach through EKS Pod
Identity, logging server access to an access-log bucket. Everything comes from ``import twincloud``; nothing here reaches into the platform's
own ``stacks/`` program.
"""

import pulumi
import pulumi_aws as aws

import twincloud
from twincloud import (
    AccessLogBucket, AccessLogBucketArgs, EksCluster, EksClusterArgs, NodeGroupSpec, PodIdentityBucket,
    PodIdentityBucketArgs, Vpc, VpcArgs,
)

config = pulumi.Config()
team = config.require("team")
region = aws.config.region or "eu-west-1"
prefix = f"{pulumi.get_project()}-{pulumi.get_stack()}"  # the pack's naming rule: <project>-<stack>-...

twincloud.apply_default_tags(twincloud.base_tags(pulumi.get_stack(), pulumi.get_project(),
                                                  config.require_object("tags")))

zones = sorted(aws.get_availability_zones(state="available").names)[:2]
network = Vpc(f"{prefix}-net", VpcArgs(
    cidr=config.require("cidr"),
    availability_zones=zones,
    nat_strategy="single",
    cluster_name=f"{prefix}-eks",
))
cluster = EksCluster(f"{prefix}-eks", EksClusterArgs(
    cluster_name=f"{prefix}-eks",
    version=config.require("kubernetesVersion"),
    region=region,
    private_subnet_ids=network.private_subnet_ids,
    node_groups=[NodeGroupSpec(name="general", instance_types=[config.require("nodeInstanceType")],
                               min_size=2, max_size=4, desired_size=2)],
))
ledger_name = twincloud.global_name(team, "ledger", stack=pulumi.get_stack(), region=region)
access_logs = AccessLogBucket(f"{prefix}-access-logs", AccessLogBucketArgs(
    bucket_name=twincloud.global_name(team, "access-logs", stack=pulumi.get_stack(), region=region),
    source_bucket_names=[ledger_name],
))
ledger = PodIdentityBucket(f"{prefix}-ledger", PodIdentityBucketArgs(
    bucket_name=ledger_name,
    region=region,
    cluster_name=cluster.cluster_name,
    namespace="payments",
    service_account="ledger-writer",
    access="read-write",
    purpose="payment ledger exports",
    create_namespace=True,
    access_log_bucket=access_logs.bucket_name,
), opts=pulumi.ResourceOptions(providers=[cluster.provider]))

pulumi.export("twincloudVersion", twincloud.__version__)
pulumi.export("vpcId", network.vpc_id)
pulumi.export("clusterName", cluster.cluster_name)
pulumi.export("kubeconfig", cluster.kubeconfig)
pulumi.export("ledgerBucket", ledger.bucket_name)
