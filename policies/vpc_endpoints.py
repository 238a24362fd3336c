"""VPC endpoint baseline: production VPCs reach S3 and ECR without the NAT gateways.

The required endpoints are rows of data (service, endpoint type, private DNS); one function
checks every production VPC against them, following each endpoint's ``vpcId`` to its VPC.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import Severity

from policies.common import MANDATORY, UNKNOWN, Graph, Res, StackRule, environments_schema

VPC = "aws:ec2/vpc:Vpc"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"


@dataclass(frozen=True)
class RequiredEndpoint:
    """An endpoint every production VPC has: ``serviceName`` ends in ``.<service>``."""

    service: str
    endpoint_type: str  # Gateway | Interface (botocore ec2 VpcEndpointType)
    private_dns: bool  # interface endpoints only: resolve the service's public name to the endpoint
    why: str


REQUIRED_ENDPOINTS: tuple[RequiredEndpoint, ...] = (
    RequiredEndpoint("s3", "Gateway", False, "image layers and Loki/Tempo objects"),
    RequiredEndpoint("ecr.api", "Interface", True, "ECR API calls of image pulls"),
    RequiredEndpoint("ecr.dkr", "Interface", True, "the registry API of image pulls"),
)


def _matches(endpoint: Res, row: RequiredEndpoint) -> bool | Any:
    service, kind = endpoint.get("serviceName"), endpoint.get("vpcEndpointType", default="Gateway")
    if UNKNOWN in (service, kind):
        return UNKNOWN
    if not (isinstance(service, str) and service.endswith(f".{row.service}") and kind == row.endpoint_type):
        return False
    if row.private_dns:
        dns = endpoint.get("privateDnsEnabled")
        return UNKNOWN if dns is UNKNOWN else dns is True
    return True


def check_required_endpoints(graph: Graph, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    for vpc in graph.of_type(VPC):
        env = graph.environment(vpc)
        if env not in cfg["environments"]:
            continue
        endpoints = graph.referrers(vpc, "vpcId", VPC_ENDPOINT)
        for row in REQUIRED_ENDPOINTS:
            found = [_matches(e, row) for e in endpoints]
            if True in found or UNKNOWN in found:
                continue
            dns = " with privateDnsEnabled" if row.private_dns else ""
            yield vpc, (f"{env}: VPC {vpc.name} has no {row.endpoint_type} endpoint for {row.service}{dns} "
                        f"({row.why} cross the NAT gateways); set twincloud:vpc.endpoints "
                        f"{'s3Gateway' if row.service == 's3' else 'interface'}: true")


PROD_VPC_ENDPOINTS = StackRule(
    name="prod-vpc-endpoints",
    description="Production VPCs have an S3 gateway endpoint and ECR API/registry interface endpoints with "
                "private DNS",
    check=check_required_endpoints,
    resource_types=(VPC, VPC_ENDPOINT),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Keep twincloud:vpc.endpoints s3Gateway and interface true (components/aws/vpc_endpoints.py).",
    config={"environments": environments_schema(["prod"], "VPCs must have the S3 and ECR endpoints")},
    tags=["aws", "network", "cost"],
)

POLICIES = [PROD_VPC_ENDPOINTS]
