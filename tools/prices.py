"""List prices the cost estimate uses: one table per cloud and region, each row with its source.

Each ``Price`` is in US dollars, says its unit, where the figure was read and on what date.
``read="unverified"`` marks a row whose figure could not be read at its source from this
workplace (the vendors' price pages and price-list files are not reachable offline): the
estimate still uses it, and the report counts and lists those rows so nobody mistakes them
for checked figures. Refresh procedure: docs/cost.md.

A region that has no table here gets no figures: the estimate says so instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

UNVERIFIED = "unverified"
HOURS_PER_MONTH = 730  # AWS and Azure both price a month as 730 hours


@dataclass(frozen=True)
class Price:
    usd: float
    unit: str  # "hour", "month", "GB", "GB-month", "day"
    source: str
    read: str  # ISO date the figure was read at the source, or UNVERIFIED

    @property
    def verified(self) -> bool:
        return self.read != UNVERIFIED


_EC2 = "https://aws.amazon.com/ec2/pricing/on-demand/ (Linux, shared tenancy)"
_EC_PRICING = "https://aws.amazon.com/elasticache/pricing/ (on-demand nodes)"
_PRICE_LIST_EU_WEST_1 = ("AWS Price List AmazonEC2 offer 20260925174521/eu-west-1/index.json "
                         "(publicationDate 2026-09-25), rows EU-NatGateway-Hours and EU-NatGateway-Bytes, as "
                         "excerpted verbatim in a public repository's price-list capture")
_PRIVATELINK = "https://aws.amazon.com/privatelink/pricing/"
_GATEWAY_FREE = ("https://docs.aws.amazon.com/prescriptive-guidance/latest/aws-startup-security-baseline/wkld-12.html "
                 "(\"Gateway endpoints are recommended for workloads contained within a single AWS account and "
                 "Region, and come at no additional charge\")")
_EKS_BLOG = ("https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/ "
             "($0.10 per cluster-hour in standard support, $0.60 in extended support)")

AWS: dict[str, dict[str, Price]] = {
    "eu-west-1": {
        "eks.cluster.standard": Price(0.10, "hour", _EKS_BLOG, "2026-12-05"),
        "eks.cluster.extended": Price(0.60, "hour", _EKS_BLOG, "2026-12-05"),
        "ec2.t3.large": Price(0.0912, "hour", _EC2, UNVERIFIED),
        "ec2.t3a.large": Price(0.0816, "hour", _EC2, UNVERIFIED),
        "ec2.m6i.large": Price(0.107, "hour", _EC2, UNVERIFIED),
        "ec2.m6i.xlarge": Price(0.214, "hour", _EC2, UNVERIFIED),
        "ec2.m6i.2xlarge": Price(0.428, "hour", _EC2, UNVERIFIED),
        "ec2.m7g.large": Price(0.0912, "hour", _EC2, UNVERIFIED),
        "ec2.m7g.xlarge": Price(0.1824, "hour", _EC2, UNVERIFIED),
        "ebs.gp3": Price(0.088, "GB-month", "https://aws.amazon.com/ebs/pricing/", UNVERIFIED),
        "nat.hour": Price(0.048, "hour", _PRICE_LIST_EU_WEST_1, "2026-12-05"),
        "nat.gb": Price(0.048, "GB", _PRICE_LIST_EU_WEST_1, "2026-12-05"),
        "ipv4.public": Price(0.005, "hour", "https://aws.amazon.com/vpc/pricing/ (public IPv4 address)", UNVERIFIED),
        "elasticache.cache.t4g.micro": Price(0.018, "hour", _EC_PRICING, UNVERIFIED),
        "elasticache.cache.t4g.small": Price(0.036, "hour", _EC_PRICING, UNVERIFIED),
        "elasticache.cache.r7g.large": Price(0.2432, "hour", _EC_PRICING, UNVERIFIED),
        "elasticache.cache.m7g.large": Price(0.1776, "hour", _EC_PRICING, UNVERIFIED),
        "kms.key": Price(1.00, "month", "https://aws.amazon.com/kms/pricing/ (customer managed key)", UNVERIFIED),
        "logs.ingest": Price(0.57, "GB", "https://aws.amazon.com/cloudwatch/pricing/ (Logs, standard ingestion)",
                             UNVERIFIED),
        "logs.store": Price(0.03, "GB-month", "https://aws.amazon.com/cloudwatch/pricing/ (Logs, storage)",
                            UNVERIFIED),
        "s3.standard": Price(0.023, "GB-month", "https://aws.amazon.com/s3/pricing/ (S3 Standard, first 50 TB)",
                             UNVERIFIED),
        "ecr.storage": Price(0.10, "GB-month", "https://aws.amazon.com/ecr/pricing/", UNVERIFIED),
        "vpce.interface.hour": Price(0.011, "hour", _PRIVATELINK + " (interface endpoint, per AZ)", UNVERIFIED),
        "vpce.interface.gb": Price(0.01, "GB", _PRIVATELINK + " (data processed, first PB)", UNVERIFIED),
        "vpce.gateway": Price(0.0, "month", _GATEWAY_FREE, "2026-12-06"),
    },
    # Global services (Route 53, CloudFront) are priced once; the DR layer's certificate and
    # alarms live in us-east-1.
    "global": {
        "route53.zone": Price(0.50, "month", "https://aws.amazon.com/route53/pricing/ (hosted zone, first 25)",
                              UNVERIFIED),
        "route53.healthcheck.aws": Price(
            0.50, "month",
            "https://aws.amazon.com/route53/pricing/ via docs.aws.amazon.com/Route53/latest/DeveloperGuide/"
            "health-checks-creating-values.html (non-AWS endpoints cost more) and a course page quoting "
            "the console's summary ($0.50 AWS endpoint, $0.75 non-AWS endpoint)", "2026-12-05"),
        "route53.healthcheck.nonaws": Price(0.75, "month", "as route53.healthcheck.aws", "2026-12-05"),
        "route53.healthcheck.feature.aws": Price(1.00, "month",
                                                 "https://aws.amazon.com/route53/pricing/ (optional feature: "
                                                 "HTTPS, fast interval, string matching, latency)", UNVERIFIED),
        "route53.healthcheck.feature.nonaws": Price(2.00, "month", "as route53.healthcheck.feature.aws",
                                                    UNVERIFIED),
        "cloudfront.gb.eu_na": Price(0.085, "GB", "https://aws.amazon.com/cloudfront/pricing/ (data transfer out, "
                                                  "North America and Europe, first 10 TB)", UNVERIFIED),
    },
}

_AZURE_VM = "https://azure.microsoft.com/pricing/details/virtual-machines/linux/ (pay as you go)"
_AKS_SLA = ("https://techcommunity.microsoft.com/t5/apps-on-azure-blog/aks-introduces-uptime-sla/ba-p/1350832 "
            "(uptime SLA, now the Standard tier: $0.10 per cluster-hour)")

AZURE: dict[str, dict[str, Price]] = {
    "westeurope": {
        "aks.tier.Free": Price(0.0, "hour", "https://azure.microsoft.com/pricing/details/kubernetes-service/",
                               UNVERIFIED),
        "aks.tier.Standard": Price(0.10, "hour", _AKS_SLA, "2026-12-05"),
        "aks.tier.Premium": Price(0.60, "hour", "https://azure.microsoft.com/pricing/details/kubernetes-service/",
                                  UNVERIFIED),
        "vm.Standard_D2s_v5": Price(0.115, "hour", _AZURE_VM, UNVERIFIED),
        "vm.Standard_D4s_v5": Price(0.23, "hour", _AZURE_VM, UNVERIFIED),
        "vm.Standard_D8s_v5": Price(0.46, "hour", _AZURE_VM, UNVERIFIED),
        "disk.premium.128": Price(22.0, "month", "https://azure.microsoft.com/pricing/details/managed-disks/ "
                                                 "(P10, 128 GiB)", UNVERIFIED),
        "acr.Basic": Price(0.167, "day", "https://azure.microsoft.com/pricing/details/container-registry/",
                           UNVERIFIED),
        "acr.Standard": Price(0.667, "day", "https://azure.microsoft.com/pricing/details/container-registry/",
                              UNVERIFIED),
        "acr.Premium": Price(1.667, "day", "https://azure.microsoft.com/pricing/details/container-registry/",
                             UNVERIFIED),
        "redis.Premium.P1": Price(0.554, "hour", "https://azure.microsoft.com/pricing/details/cache/",
                                  UNVERIFIED),
        "redis.Standard.C1": Price(0.131, "hour", "https://azure.microsoft.com/pricing/details/cache/",
                                   UNVERIFIED),
        "servicebus.Standard": Price(10.0, "month", "https://azure.microsoft.com/pricing/details/service-bus/ "
                                                    "(Standard base charge)", UNVERIFIED),
        "servicebus.Premium": Price(677.08, "month", "https://azure.microsoft.com/pricing/details/service-bus/ "
                                                     "(per messaging unit)", UNVERIFIED),
        "storage.ZRS": Price(0.025, "GB-month", "https://azure.microsoft.com/pricing/details/storage/blobs/ "
                                                "(hot, ZRS)", UNVERIFIED),
        "storage.LRS": Price(0.02, "GB-month", "https://azure.microsoft.com/pricing/details/storage/blobs/ "
                                                "(hot, LRS)", UNVERIFIED),
        "keyvault.ops": Price(0.03, "10k-operations", "https://azure.microsoft.com/pricing/details/key-vault/",
                              UNVERIFIED),
    },
}


def region_table(cloud: str, region: str) -> dict[str, Price] | None:
    table = {"aws": AWS, "azure": AZURE}[cloud]
    return table.get(region)


def all_rows() -> list[tuple[str, str, str, Price]]:
    """(cloud, region, item, price) for every row, for the docs and the source test."""
    return [(cloud, region, item, price)
            for cloud, table in (("aws", AWS), ("azure", AZURE))
            for region, rows in table.items() for item, price in rows.items()]
