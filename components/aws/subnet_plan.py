"""Pure subnet maths for the VPC (no Pulumi resources here; property-tested).

Layout of a VPC CIDR for ``n`` AZs (``k = ceil(log2(n))`` bits pick the AZ):

* first half  -> private subnets, one per AZ (largest: EKS pods take VPC IPs with the VPC CNI)
* third quarter -> public subnets, one per AZ (load balancers and NAT gateways)
* last quarter  -> database subnets, one per AZ (no route to the internet)

The layout depends only on the CIDR and the AZ count, so the same config always yields
the same subnets, and adding AZs up to the next power of two does not move existing ones.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass

TIERS = ("private", "public", "database")
MIN_SUBNET_PREFIX = 28  # AWS: smallest subnet is /28
MAX_AZS = 6


@dataclass(frozen=True)
class SubnetSpec:
    tier: str
    az_index: int
    cidr: str


def az_bits(az_count: int) -> int:
    return max(1, math.ceil(math.log2(az_count))) if az_count > 1 else 1


def plan_subnets(vpc_cidr: str, az_count: int) -> list[SubnetSpec]:
    """Carve ``vpc_cidr`` into private, public and database subnets for ``az_count`` AZs.

    Raises ``ValueError`` when the CIDR is too small for the AZ count.
    """
    if not 1 <= az_count <= MAX_AZS:
        raise ValueError(f"az_count must be between 1 and {MAX_AZS}, got {az_count}")
    vpc = ipaddress.ip_network(vpc_cidr, strict=True)
    bits = az_bits(az_count)
    smallest = vpc.prefixlen + 2 + bits
    if smallest > MIN_SUBNET_PREFIX:
        largest_prefix = MIN_SUBNET_PREFIX - 2 - bits
        raise ValueError(
            f"{vpc_cidr} is too small for {az_count} AZs (subnets would be /{smallest}, "
            f"AWS allows at most /{MIN_SUBNET_PREFIX}); use a /{largest_prefix} or larger"
        )
    half_lo, half_hi = vpc.subnets(prefixlen_diff=1)
    public_quarter, database_quarter = half_hi.subnets(prefixlen_diff=1)
    pools = {
        "private": list(half_lo.subnets(prefixlen_diff=bits)),
        "public": list(public_quarter.subnets(prefixlen_diff=bits)),
        "database": list(database_quarter.subnets(prefixlen_diff=bits)),
    }
    return [
        SubnetSpec(tier, i, str(pools[tier][i]))
        for tier in TIERS
        for i in range(az_count)
    ]


def nat_gateway_azs(strategy: str, az_count: int) -> list[int]:
    """Which AZ indexes get a NAT gateway: ``single`` -> [0]; ``per_az`` -> every AZ."""
    if strategy == "single":
        return [0]
    if strategy == "per_az":
        return list(range(az_count))
    raise ValueError(f"unknown NAT strategy {strategy!r}; allowed: 'single', 'per_az'")


def nat_for_az(strategy: str, az_index: int) -> int:
    """The NAT gateway (by AZ index) that private subnets in ``az_index`` route through."""
    return 0 if strategy == "single" else az_index
