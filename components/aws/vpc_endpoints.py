"""``VpcEndpoints``: private paths from the VPC to the AWS services the cluster uses most.

Builds an S3 gateway endpoint on the private route tables and, when asked, interface endpoints
(ECR API, ECR Docker registry, STS, CloudWatch Logs) in the private subnets with private DNS, behind
a security group of their own. Image pulls (ECR API + registry + layers from S3), Loki/Tempo
writes to S3, token exchanges and log delivery then stay on the AWS network instead of
crossing the NAT gateways (and their per-GB processing charge).

Secure defaults, a sentence each:
* the interface endpoints' security group admits HTTPS (443) from the VPC CIDR only, and
  nothing else (the services speak nothing but HTTPS);
* private DNS is on, so every SDK and the kubelet use the endpoints without configuration;
* endpoint policies keep other accounts' credentials off these paths without breaking image
  pulls (components/aws/endpoint_policies.py says which and why);
* database subnets get no S3 route: their route table stays free of any path out of the VPC.

Service names come from the partition's DNS suffix (botocore's endpoints catalog), so a stack
in another partition gets its own names (components/facts/aws.py endpoint_service_name).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.endpoint_policies import interface_policy, s3_gateway_policy
from components.facts.aws import endpoint_service_name
from components.naming import child_name

HTTPS = 443
INTERFACE_SERVICES = ("ecr.api", "ecr.dkr", "sts", "logs")


@dataclass
class VpcEndpointsArgs:
    """Arguments of :class:`VpcEndpoints`."""

    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    region: str
    partition: str
    account_id: str
    private_route_table_ids: list[pulumi.Input[str]]
    private_subnet_ids: pulumi.Input[list[str]]
    s3_gateway: bool = True
    interface_services: tuple[str, ...] = INTERFACE_SERVICES  # () for none
    # Buckets of other owners (OS package mirrors, partners) the workloads read through the gateway.
    s3_external_read_buckets: list[str] = field(default_factory=list)


class VpcEndpoints(pulumi.ComponentResource):
    """Gateway and interface VPC endpoints; see the module docstring."""

    endpoint_ids: pulumi.Output[dict[str, str]]
    security_group_id: pulumi.Output[str] | None

    def __init__(self, name: str, args: VpcEndpointsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:VpcEndpoints", name, None, opts)
        self._name, self._args = name, args
        self._child = pulumi.ResourceOptions(parent=self)
        unknown = sorted(set(args.interface_services) - set(INTERFACE_SERVICES))
        if unknown:
            raise ValueError(f"no interface endpoint recipe for {unknown}; known: {', '.join(INTERFACE_SERVICES)}")
        self.endpoints: dict[str, aws.ec2.VpcEndpoint] = {}
        if args.s3_gateway:
            self.endpoints["s3"] = self._s3_gateway()
        self.security_group_id = None
        if args.interface_services:
            group = self._security_group()
            self.security_group_id = group.id
            for service in args.interface_services:
                self.endpoints[service] = self._interface(service, group)
        self.endpoint_ids = pulumi.Output.all(**{s: e.id for s, e in self.endpoints.items()})
        self.register_outputs({"endpointIds": self.endpoint_ids, "securityGroupId": self.security_group_id})

    def _s3_gateway(self) -> aws.ec2.VpcEndpoint:
        a = self._args
        return aws.ec2.VpcEndpoint(
            child_name(self._name, "s3"),
            vpc_id=a.vpc_id,
            service_name=endpoint_service_name("s3", region=a.region, partition=a.partition),
            vpc_endpoint_type="Gateway",
            route_table_ids=list(a.private_route_table_ids),
            policy=s3_gateway_policy(partition=a.partition, region=a.region, account_id=a.account_id,
                                     external_read_buckets=a.s3_external_read_buckets),
            tags={"Name": child_name(self._name, "s3")},
            opts=self._child,
        )

    def _security_group(self) -> aws.ec2.SecurityGroup:
        a = self._args
        sg_name = child_name(self._name, "interface")
        group = aws.ec2.SecurityGroup(
            sg_name,
            description=f"{self._name}: HTTPS to the interface endpoints from the VPC only",
            vpc_id=a.vpc_id,
            revoke_rules_on_delete=True,
            tags={"Name": sg_name},
            opts=self._child,
        )
        aws.ec2.SecurityGroupRule(
            child_name(self._name, "https-from-vpc"),
            type="ingress",
            description="HTTPS from the VPC to the AWS service endpoints",
            security_group_id=group.id,
            protocol="tcp",
            from_port=HTTPS,
            to_port=HTTPS,
            cidr_blocks=[a.vpc_cidr],
            opts=self._child,
        )
        return group

    def _interface(self, service: str, group: aws.ec2.SecurityGroup) -> aws.ec2.VpcEndpoint:
        a = self._args
        ename = child_name(self._name, service.replace(".", "-"))
        return aws.ec2.VpcEndpoint(
            ename,
            vpc_id=a.vpc_id,
            service_name=endpoint_service_name(service, region=a.region, partition=a.partition),
            vpc_endpoint_type="Interface",
            private_dns_enabled=True,
            subnet_ids=a.private_subnet_ids,
            security_group_ids=[group.id],
            policy=interface_policy(service, account_id=a.account_id),
            tags={"Name": ename},
            opts=self._child,
        )
