"""``Vpc``: a three-tier AWS network for EKS.

Builds a VPC with public, private and database subnets in every given AZ (carved by
``subnet_plan``), an internet gateway, NAT gateways by strategy, route tables, VPC flow
logs and a locked-down default security group.

Secure defaults, a sentence each:
* database subnets get a route table with no route at all beyond the VPC (no internet path);
* private subnets reach the internet only through NAT; ``per_az`` NAT keeps an AZ outage
  from cutting the others off (one NAT is a single point of failure, fine for dev only);
* the default security group is emptied, so nothing is accidentally open by default;
* flow logs record all traffic to CloudWatch Logs for incident forensics, kept
  ``flow_log_retention_days`` (a year by default) and encrypted with a key of their own
  that CloudWatch Logs may use for that log group only;
* public subnets do not assign public IPs to instances (load balancers and NAT only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.key_policies import log_group_key_policy
from components.aws.subnet_plan import nat_for_az, nat_gateway_azs, plan_subnets
from components.facts.aws import service_principal
from components.naming import child_name

NatStrategy = str  # "single" | "per_az"


@dataclass
class VpcArgs:
    """Arguments of :class:`Vpc`."""

    cidr: str
    availability_zones: list[str]
    nat_strategy: NatStrategy = "per_az"
    cluster_name: str | None = None  # adds kubernetes.io/cluster/<name> discovery tags
    flow_logs: bool = True
    flow_log_retention_days: int = 365
    extra_subnet_tags: dict[str, str] = field(default_factory=dict)
    protect: bool = False  # prod: the flow-log key (without it the logs are unreadable) survives a destroy


class Vpc(pulumi.ComponentResource):
    """Three-tier VPC; see the module docstring for what it builds and why."""

    vpc_id: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]
    database_subnet_ids: pulumi.Output[list[str]]
    nat_gateway_ids: pulumi.Output[list[str]]

    def __init__(self, name: str, args: VpcArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:Vpc", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        azs = list(args.availability_zones)
        specs = plan_subnets(args.cidr, len(azs))

        self.vpc = aws.ec2.Vpc(
            name,
            cidr_block=args.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": name},
            opts=child,
        )
        aws.ec2.DefaultSecurityGroup(
            child_name(name, "default-sg"),
            vpc_id=self.vpc.id,
            ingress=[],
            egress=[],
            tags={"Name": child_name(name, "default-locked")},
            opts=child,
        )
        igw = aws.ec2.InternetGateway(
            child_name(name, "igw"), vpc_id=self.vpc.id, tags={"Name": child_name(name, "igw")}, opts=child
        )

        cluster_tags = {f"kubernetes.io/cluster/{args.cluster_name}": "shared"} if args.cluster_name else {}
        role_tags = {
            "public": {"kubernetes.io/role/elb": "1"},
            "private": {"kubernetes.io/role/internal-elb": "1"},
            "database": {},
        }
        subnets: dict[str, list[aws.ec2.Subnet]] = {"public": [], "private": [], "database": []}
        for spec in specs:
            sname = child_name(name, spec.tier, spec.az_index)
            tags = {"Name": sname, "Tier": spec.tier, **args.extra_subnet_tags}
            if spec.tier != "database":
                tags.update(cluster_tags)
            tags.update(role_tags[spec.tier])
            subnets[spec.tier].append(
                aws.ec2.Subnet(
                    sname,
                    vpc_id=self.vpc.id,
                    cidr_block=spec.cidr,
                    availability_zone=azs[spec.az_index],
                    map_public_ip_on_launch=False,
                    tags=tags,
                    opts=child,
                )
            )

        # Public tier: one route table, default route to the internet gateway.
        public_rt = aws.ec2.RouteTable(
            child_name(name, "public"),
            vpc_id=self.vpc.id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)],
            tags={"Name": child_name(name, "public"), "Tier": "public"},
            opts=child,
        )
        for i, subnet in enumerate(subnets["public"]):
            aws.ec2.RouteTableAssociation(
                child_name(name, "public", i), subnet_id=subnet.id, route_table_id=public_rt.id, opts=child
            )

        # NAT gateways by strategy, each in its AZ's public subnet.
        nat_gateways: dict[int, aws.ec2.NatGateway] = {}
        nat_ips: list[pulumi.Output[str]] = []
        for az_index in nat_gateway_azs(args.nat_strategy, len(azs)):
            eip = aws.ec2.Eip(
                child_name(name, "nat", az_index), domain="vpc",
                tags={"Name": child_name(name, "nat", az_index)}, opts=child,
            )
            nat_ips.append(eip.public_ip)
            nat_gateways[az_index] = aws.ec2.NatGateway(
                child_name(name, "nat", az_index),
                allocation_id=eip.id,
                subnet_id=subnets["public"][az_index].id,
                connectivity_type="public",
                tags={"Name": child_name(name, "nat", az_index)},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
            )

        # Private tier: a route table per AZ, default route through that AZ's NAT (or the one NAT).
        private_rts: list[aws.ec2.RouteTable] = []
        for i, subnet in enumerate(subnets["private"]):
            nat = nat_gateways[nat_for_az(args.nat_strategy, i)]
            rt = aws.ec2.RouteTable(
                child_name(name, "private", i),
                vpc_id=self.vpc.id,
                routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)],
                tags={"Name": child_name(name, "private", i), "Tier": "private"},
                opts=child,
            )
            private_rts.append(rt)
            aws.ec2.RouteTableAssociation(
                child_name(name, "private", i), subnet_id=subnet.id, route_table_id=rt.id, opts=child
            )

        # Database tier: no routes at all (the implicit local route only).
        db_rt = aws.ec2.RouteTable(
            child_name(name, "database"),
            vpc_id=self.vpc.id,
            routes=[],
            tags={"Name": child_name(name, "database"), "Tier": "database"},
            opts=child,
        )
        for i, subnet in enumerate(subnets["database"]):
            aws.ec2.RouteTableAssociation(
                child_name(name, "database", i), subnet_id=subnet.id, route_table_id=db_rt.id, opts=child
            )

        if args.flow_logs:
            self._flow_logs(name, args, child)

        self.vpc_id = self.vpc.id
        self.cidr = args.cidr
        self.availability_zones = azs
        self.public_subnet_ids = pulumi.Output.all(*[s.id for s in subnets["public"]])
        self.private_subnet_ids = pulumi.Output.all(*[s.id for s in subnets["private"]])
        self.database_subnet_ids = pulumi.Output.all(*[s.id for s in subnets["database"]])
        self.nat_gateway_ids = pulumi.Output.all(*[n.id for n in nat_gateways.values()])
        # One per AZ, in AZ order (gateway VPC endpoints attach here).
        self.private_route_table_ids: list[pulumi.Output[str]] = [rt.id for rt in private_rts]
        # The addresses everything in the private subnets reaches the internet from (allow-lists).
        self.nat_public_ips = pulumi.Output.all(*nat_ips)
        self.register_outputs({
            "vpcId": self.vpc_id,
            "publicSubnetIds": self.public_subnet_ids,
            "privateSubnetIds": self.private_subnet_ids,
            "databaseSubnetIds": self.database_subnet_ids,
            "natGatewayIds": self.nat_gateway_ids,
            "natPublicIps": self.nat_public_ips,
        })

    def _flow_logs(self, name: str, args: VpcArgs, child: pulumi.ResourceOptions) -> None:
        invoke = pulumi.InvokeOptions(parent=self)
        log_group_name = f"/aws/vpc/{name}/flow-logs"
        key = aws.kms.Key(
            child_name(name, "flow-logs"),
            description=f"CloudWatch Logs encryption for {log_group_name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=log_group_key_policy(
                partition=aws.get_partition(opts=invoke).partition,
                account_id=aws.get_caller_identity(opts=invoke).account_id,
                region=aws.get_region(opts=invoke).region,
                log_group_name=log_group_name),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        log_group = aws.cloudwatch.LogGroup(
            child_name(name, "flow-logs"),
            name=log_group_name,
            retention_in_days=args.flow_log_retention_days,
            kms_key_id=key.arn,
            opts=child,
        )
        role = aws.iam.Role(
            child_name(name, "flow-logs"),
            assume_role_policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Service": service_principal("vpc-flow-logs.amazonaws.com")},
                    "Action": "sts:AssumeRole",
                }],
            }),
            opts=child,
        )
        aws.iam.RolePolicy(
            child_name(name, "flow-logs"),
            role=role.id,
            policy=log_group.arn.apply(lambda arn: json.dumps({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    "Resource": [arn, f"{arn}:*"],
                }],
            })),
            opts=child,
        )
        aws.ec2.FlowLog(
            child_name(name, "flow-logs"),
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            tags={"Name": child_name(name, "flow-logs")},
            opts=child,
        )
