"""Monthly cost estimate of an offline plan (``python -m tools.plan --format cost``).

Reads the plan JSON (``Plan.to_json()``), prices each resource that carries a direct charge
from ``tools.prices`` (one table per cloud and region, each row sourced), and rolls the lines
up per component. Usage-based items (NAT and CloudFront data, S3 and blob storage, log
ingestion, registry storage, Key Vault operations) come from stated assumptions, printed next
to the figures and overridable with ``--assume KEY=VALUE``. A resource whose region or size
has no price row is listed as not priced, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from components.facts.aws import dns_suffix
from tools.prices import HOURS_PER_MONTH, Price, region_table

DAYS_PER_MONTH = HOURS_PER_MONTH / 24


@dataclass(frozen=True)
class Assumptions:
    """Usage the plan cannot know; every figure that depends on one says so."""

    nat_gb_per_gateway: float = 100.0  # data processed per NAT gateway per month
    cloudfront_gb: float = 10.0  # DR site traffic (idle until failover)
    s3_gb_per_bucket: float = 100.0
    log_gb_per_group: float = 10.0  # CloudWatch Logs ingested per log group per month
    ecr_gb_per_repository: float = 5.0
    blob_gb_per_account: float = 50.0
    keyvault_10k_operations: float = 10.0
    spot_discount: float = 0.65  # spot price = on-demand x (1 - discount); varies by pool and hour

    def with_overrides(self, items: Mapping[str, str]) -> "Assumptions":
        fields = self.__dataclass_fields__
        changes: dict[str, float] = {}
        for key, raw in items.items():
            if key not in fields:
                raise ValueError(f"--assume {key}: unknown assumption; known: {', '.join(sorted(fields))}")
            try:
                value = float(raw)
            except ValueError:
                raise ValueError(f"--assume {key}={raw}: expected a number") from None
            if value < 0 or (key == "spot_discount" and value >= 1):
                raise ValueError(f"--assume {key}={raw}: out of range")
            changes[key] = value
        return replace(self, **changes)


@dataclass
class Line:
    component: str
    resource: str
    type: str
    item: str
    monthly: float | None  # None: not priced
    price: Price | None = None
    note: str = ""


@dataclass
class CostReport:
    stack: str
    aws_region: str | None
    azure_location: str | None
    assumptions: Assumptions
    lines: list[Line] = field(default_factory=list)
    missing_regions: list[str] = field(default_factory=list)
    prices: Mapping[str, Price] = field(default_factory=dict)  # the AWS region's table (trade-off figures)

    @property
    def total(self) -> float:
        return round(sum(ln.monthly for ln in self.lines if ln.monthly is not None), 2)

    def by_component(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for ln in self.lines:
            if ln.monthly is not None:
                out[ln.component] = round(out.get(ln.component, 0.0) + ln.monthly, 2)
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))

    def subtotal(self, predicate: Callable[[Line], bool]) -> float:
        return round(sum(ln.monthly for ln in self.lines if ln.monthly is not None and predicate(ln)), 2)

    @property
    def unpriced(self) -> list[Line]:
        return [ln for ln in self.lines if ln.monthly is None]

    @property
    def unverified_rows(self) -> list[str]:
        return sorted({ln.item for ln in self.lines if ln.price is not None and not ln.price.verified})


class _Ctx:
    def __init__(self, plan: Mapping[str, Any], assumptions: Assumptions) -> None:
        cfg = plan.get("config") or {}
        self.aws_region = cfg.get("aws:region") or cfg.get("awsRegion")
        azure = cfg.get("azure") or {}
        self.azure_location = azure.get("location") if isinstance(azure, dict) else None
        self.aws = region_table("aws", self.aws_region) if self.aws_region else None
        self.aws_global = region_table("aws", "global")
        self.azure = region_table("azure", self.azure_location) if self.azure_location else None
        self.a = assumptions


def _price(table: Mapping[str, Price] | None, key: str) -> Price | None:
    return None if table is None else table.get(key)


def _hourly(p: Price, qty: float = 1.0) -> float:
    return p.usd * HOURS_PER_MONTH * qty


Pricer = Callable[[Mapping[str, Any], _Ctx], list[tuple[str, float | None, Price | None, str]]]


def _eks_cluster(inputs, c):
    support = ((inputs.get("upgradePolicy") or {}).get("supportType") or "STANDARD").lower()
    key = f"eks.cluster.{support}"
    p = _price(c.aws, key)
    return [(key, _hourly(p) if p else None, p, f"control plane, {support} support")]


def _node_group(inputs, c):
    scaling = inputs.get("scalingConfig") or {}
    desired = int(scaling.get("desiredSize") or scaling.get("minSize") or 0)
    types = inputs.get("instanceTypes") or ["t3.medium"]
    spot = inputs.get("capacityType") == "SPOT"
    key = f"ec2.{types[0]}"
    p = _price(c.aws, key)
    factor = (1 - c.a.spot_discount) if spot else 1.0
    note = f"{desired} x {types[0]} {'spot (spot_discount %.0f%%)' % (c.a.spot_discount * 100) if spot else 'on-demand'}"
    out = [(key, _hourly(p, desired * factor) if p else None, p, note)]
    disk = float(inputs.get("diskSize") or 20)
    g = _price(c.aws, "ebs.gp3")
    out.append(("ebs.gp3", g.usd * disk * desired if g else None, g, f"{desired} x {disk:.0f} GB root volumes"))
    return out


def _nat(inputs, c):
    h, gb = _price(c.aws, "nat.hour"), _price(c.aws, "nat.gb")
    return [("nat.hour", _hourly(h) if h else None, h, "hourly charge"),
            ("nat.gb", gb.usd * c.a.nat_gb_per_gateway if gb else None, gb,
             f"{c.a.nat_gb_per_gateway:g} GB processed (assumption nat_gb_per_gateway)")]


def _eip(inputs, c):
    p = _price(c.aws, "ipv4.public")
    return [("ipv4.public", _hourly(p) if p else None, p, "public IPv4 address")]


def _elasticache(inputs, c):
    nodes = int(inputs.get("numCacheClusters") or 0) or (
        int(inputs.get("numNodeGroups") or 1) * (1 + int(inputs.get("replicasPerNodeGroup") or 0)))
    key = f"elasticache.{inputs.get('nodeType')}"
    p = _price(c.aws, key)
    return [(key, _hourly(p, nodes) if p else None, p, f"{nodes} x {inputs.get('nodeType')}")]


def _kms(inputs, c):
    p = _price(c.aws, "kms.key")
    return [("kms.key", p.usd if p else None, p, "customer managed key")]


def _log_group(inputs, c):
    ingest, store = _price(c.aws, "logs.ingest"), _price(c.aws, "logs.store")
    gb = c.a.log_gb_per_group
    months = min(float(inputs.get("retentionInDays") or 30), 3650) / 30.4
    return [("logs.ingest", ingest.usd * gb if ingest else None, ingest,
             f"{gb:g} GB ingested (assumption log_gb_per_group)"),
            ("logs.store", store.usd * gb * months if store else None, store,
             f"{gb * months:.0f} GB stored at {inputs.get('retentionInDays')} days retention")]


def _bucket(inputs, c):
    p = _price(c.aws, "s3.standard")
    return [("s3.standard", p.usd * c.a.s3_gb_per_bucket if p else None, p,
             f"{c.a.s3_gb_per_bucket:g} GB (assumption s3_gb_per_bucket)")]


def _ecr(inputs, c):
    p = _price(c.aws, "ecr.storage")
    return [("ecr.storage", p.usd * c.a.ecr_gb_per_repository if p else None, p,
             f"{c.a.ecr_gb_per_repository:g} GB images (assumption ecr_gb_per_repository)")]


def _vpc_endpoint(inputs, c):
    if str(inputs.get("vpcEndpointType") or "Gateway") != "Interface":
        p = _price(c.aws, "vpce.gateway")
        return [("vpce.gateway", p.usd if p else None, p, "gateway endpoint: no charge, and S3 traffic through it "
                 "skips NAT processing")]
    azs = len(inputs.get("subnetIds") or []) or 1
    p = _price(c.aws, "vpce.interface.hour")
    service = str(inputs.get("serviceName") or "?").split(".", 3)[-1]
    return [("vpce.interface.hour", _hourly(p, azs) if p else None, p,
             f"interface endpoint {service} in {azs} AZs (data processed: usage, see trade-offs)")]


_AWS_ENDPOINT_SUFFIXES = ("." + dns_suffix("aws"), ".cloudfront.net")  # botocore's endpoints catalog


def _health_check(inputs, c):
    fqdn = str(inputs.get("fqdn") or "")
    kind = "aws" if fqdn.endswith(_AWS_ENDPOINT_SUFFIXES) else "nonaws"
    base = _price(c.aws_global, f"route53.healthcheck.{kind}")
    feature = _price(c.aws_global, f"route53.healthcheck.feature.{kind}")
    features = [name for name, on in (("HTTPS", str(inputs.get("type", "")).startswith("HTTPS")),
                                      ("fast interval", int(inputs.get("requestInterval") or 30) == 10),
                                      ("string matching", "MATCH" in str(inputs.get("type", ""))),
                                      ("latency", bool(inputs.get("measureLatency"))))
                if on]
    out = [(f"route53.healthcheck.{kind}", base.usd if base else None, base, f"{kind.replace('nonaws', 'non-AWS').replace('aws', 'AWS')} endpoint {fqdn}")]
    if features:
        out.append((f"route53.healthcheck.feature.{kind}", feature.usd * len(features) if feature else None, feature,
                    ", ".join(features)))
    return out


def _zone(inputs, c):
    p = _price(c.aws_global, "route53.zone")
    return [("route53.zone", p.usd if p else None, p, "hosted zone")]


def _cloudfront(inputs, c):
    p = _price(c.aws_global, "cloudfront.gb.eu_na")
    return [("cloudfront.gb.eu_na", p.usd * c.a.cloudfront_gb if p else None, p,
             f"{c.a.cloudfront_gb:g} GB out (assumption cloudfront_gb; {inputs.get('priceClass')})")]


def _pool_lines(pools: list[Mapping[str, Any]], c) -> list:
    out = []
    for pool in pools:
        count = int(pool.get("count") or pool.get("minCount") or 0)
        size = pool.get("vmSize")
        p = _price(c.azure, f"vm.{size}")
        out.append((f"vm.{size}", _hourly(p, count) if p else None, p, f"pool {pool.get('name')}: {count} x {size}"))
        if pool.get("osDiskType") != "Ephemeral":
            gb = int(pool.get("osDiskSizeGB") or 128)
            d = _price(c.azure, f"disk.premium.{gb}")
            out.append((f"disk.premium.{gb}", d.usd * count if d else None, d, f"{count} x {gb} GiB OS disks"))
    return out


def _aks(inputs, c):
    tier = (inputs.get("sku") or {}).get("tier") or "Free"
    p = _price(c.azure, f"aks.tier.{tier}")
    return [(f"aks.tier.{tier}", _hourly(p) if p else None, p, f"{tier} tier control plane"),
            *_pool_lines(inputs.get("agentPoolProfiles") or [], c)]


def _agent_pool(inputs, c):
    return _pool_lines([inputs], c)


def _acr(inputs, c):
    sku = (inputs.get("sku") or {}).get("name")
    p = _price(c.azure, f"acr.{sku}")
    return [(f"acr.{sku}", p.usd * DAYS_PER_MONTH if p else None, p, f"{sku} registry")]


def _azure_redis(inputs, c):
    sku = inputs.get("sku") or {}
    key = f"redis.{sku.get('name')}.{sku.get('family')}{sku.get('capacity')}"
    shards = int(inputs.get("shardCount") or 1)
    replicas = int(inputs.get("replicasPerPrimary") or 1)
    # Premium bills each node; a cache is a primary + its replicas per shard
    nodes = shards * (1 + replicas) / 2 if sku.get("name") == "Premium" else 1
    return [(key, _hourly(p, nodes) if (p := _price(c.azure, key)) else None, p,
             f"{sku.get('name')} {sku.get('family')}{sku.get('capacity')}, {shards} shard(s), {replicas} replica(s)")]


def _managed_redis(inputs, c):
    sku = (inputs.get("sku") or {}).get("name")
    key = f"redisenterprise.{sku}"
    p = _price(c.azure, key)
    return [(key, _hourly(p) if p else None, p, f"Azure Managed Redis {sku}")]


def _servicebus(inputs, c):
    sku = inputs.get("sku") or {}
    tier = sku.get("tier") or sku.get("name")
    p = _price(c.azure, f"servicebus.{tier}")
    units = float(sku.get("capacity") or 1) if tier == "Premium" else 1.0
    return [(f"servicebus.{tier}", p.usd * units if p else None, p, f"{tier} namespace")]


def _storage(inputs, c):
    redundancy = str((inputs.get("sku") or {}).get("name") or "Standard_LRS").split("_")[-1]
    p = _price(c.azure, f"storage.{redundancy}")
    return [(f"storage.{redundancy}", p.usd * c.a.blob_gb_per_account if p else None, p,
             f"{c.a.blob_gb_per_account:g} GB hot {redundancy} (assumption blob_gb_per_account)")]


def _key_vault(inputs, c):
    p = _price(c.azure, "keyvault.ops")
    return [("keyvault.ops", p.usd * c.a.keyvault_10k_operations if p else None, p,
             f"{c.a.keyvault_10k_operations:g} x 10k operations (assumption keyvault_10k_operations)")]


AWS_PRICERS: dict[str, Pricer] = {
    "aws:eks/cluster:Cluster": _eks_cluster,
    "aws:eks/nodeGroup:NodeGroup": _node_group,
    "aws:ec2/natGateway:NatGateway": _nat,
    "aws:ec2/eip:Eip": _eip,
    "aws:elasticache/replicationGroup:ReplicationGroup": _elasticache,
    "aws:kms/key:Key": _kms,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "aws:ecr/repository:Repository": _ecr,
    "aws:route53/healthCheck:HealthCheck": _health_check,
    "aws:route53/zone:Zone": _zone,
    "aws:cloudfront/distribution:Distribution": _cloudfront,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _vpc_endpoint,
}
AZURE_PRICERS: dict[str, Pricer] = {
    "azure-native:containerservice:ManagedCluster": _aks,
    "azure-native:containerservice:AgentPool": _agent_pool,
    "azure-native:containerregistry:Registry": _acr,
    "azure-native:redis:Redis": _azure_redis,
    "azure-native:redisenterprise:RedisEnterprise": _managed_redis,
    "azure-native:servicebus:Namespace": _servicebus,
    "azure-native:storage:StorageAccount": _storage,
    "azure-native:keyvault:Vault": _key_vault,
}
# Types that bill but that the estimate does not price yet: listed, never silently zero.
KNOWN_UNPRICED = {
    "aws:lb/loadBalancer:LoadBalancer", "aws:sqs/queue:Queue",
    "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:secretsmanager/secret:Secret",
    "aws:amp/workspace:Workspace",  # per sample ingested/queried and GB-month stored (docs/monitoring.md)
    "azure-native:operationalinsights:Workspace", "azure-native:network:PrivateEndpoint",
    "azure-native:network:PublicIPAddress", "azure-native:network:LoadBalancer",
}


def _component_of(res: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]]) -> str:
    """The outermost of our components that holds ``res`` (its logical name), else the resource itself."""
    top, node = None, res
    while node is not None:
        if str(node["type"]).startswith("twincloud:"):
            top = node
        node = by_urn.get(node.get("parent") or "")
    return f"{top['type'].split(':', 1)[1]} {top['name']}" if top else "(stack)"


def _with_template_disk(res: Mapping[str, Any], by_urn: Mapping[str, Any]) -> Mapping[str, Any]:
    """A node group's inputs with ``diskSize`` read from its launch template's root volume
    (a node group with a launch template has no diskSize of its own)."""
    inputs = res.get("inputs") or {}
    if res["type"] != "aws:eks/nodeGroup:NodeGroup" or inputs.get("diskSize"):
        return inputs
    for urn in (res.get("propertyDependencies") or {}).get("launchTemplate", []):
        mappings = ((by_urn.get(urn) or {}).get("inputs") or {}).get("blockDeviceMappings") or []
        sizes = [(m.get("ebs") or {}).get("volumeSize") for m in mappings]
        if sizes and sizes[0]:
            return {**inputs, "diskSize": sizes[0]}
    return inputs


def estimate(plan: Mapping[str, Any], assumptions: Assumptions | None = None) -> CostReport:
    a = assumptions or Assumptions()
    c = _Ctx(plan, a)
    report = CostReport(stack=plan.get("stack", "?"), aws_region=c.aws_region, azure_location=c.azure_location,
                        assumptions=a, prices=c.aws or {})
    resources = plan.get("resources") or []
    by_urn = {r["urn"]: r for r in resources}
    has = {"aws": False, "azure": False}
    for res in resources:
        typ = res["type"]
        cloud = "aws" if typ in AWS_PRICERS else "azure" if typ in AZURE_PRICERS else None
        comp = _component_of(res, by_urn)
        if cloud is None:
            if typ in KNOWN_UNPRICED:
                report.lines.append(Line(comp, res["name"], typ, "-", None, None, "billed, not priced by this tool"))
            continue
        has[cloud] = True
        pricer = (AWS_PRICERS if cloud == "aws" else AZURE_PRICERS)[typ]
        for item, monthly, price, note in pricer(_with_template_disk(res, by_urn), c):
            if monthly is None and price is None:
                note = f"{note}: no price row {item!r}"
            report.lines.append(Line(comp, res["name"], typ, item,
                                     None if monthly is None else round(monthly, 2), price, note))
    if has["aws"] and c.aws is None:
        report.missing_regions.append(f"aws {c.aws_region}")
    if has["azure"] and c.azure is None:
        report.missing_regions.append(f"azure {c.azure_location}")
    return report


def _is_azure(ln: Line) -> bool:
    return ln.type.startswith("azure-native:")


def tradeoffs(report: CostReport) -> list[str]:
    """The figures behind the seeds' trade-offs: NAT strategy, spot, the Azure warm standby."""
    out = []
    nats = [ln for ln in report.lines if ln.item.startswith("nat.") and ln.monthly is not None]
    if nats:
        gateways = len({ln.resource for ln in nats})
        per_gw = sum(ln.monthly for ln in nats) / gateways
        out.append(f"NAT gateways: {gateways} x ${per_gw:,.2f} = ${per_gw * gateways:,.2f}/month "
                   f"(one per AZ removes the single point of failure; each extra gateway adds ${per_gw:,.2f})")
    out += _endpoint_tradeoff(report)
    spot = [ln for ln in report.lines if "spot" in ln.note and ln.monthly is not None]
    for ln in spot:
        on_demand = ln.monthly / (1 - report.assumptions.spot_discount)
        out.append(f"spot node group {ln.resource}: ${ln.monthly:,.2f}/month against ${on_demand:,.2f} on-demand")
    azure = report.subtotal(_is_azure)
    if azure:
        out.append(f"Azure warm standby (AKS, registry, cache, bus, vault, storage): ${azure:,.2f}/month "
                   f"of ${report.total:,.2f}")
    return out


def _endpoint_tradeoff(report: CostReport) -> list[str]:
    """What the interface endpoints cost against the NAT processing they replace. The traffic
    they carry is usage the plan cannot know, so this gives the break-even, not a saving."""
    interface = [ln for ln in report.lines if ln.item == "vpce.interface.hour" and ln.monthly is not None]
    gateway = any(ln.item == "vpce.gateway" for ln in report.lines)
    nat = report.prices.get("nat.gb")
    if not (interface or gateway) or nat is None:
        return []
    parts = []
    if gateway:
        parts.append(f"the S3 gateway is free and each GB of S3 traffic through it saves ${nat.usd:.3f} of NAT "
                     "processing")
    if interface:
        fixed = sum(ln.monthly for ln in interface)
        per_gb = report.prices.get("vpce.interface.gb")
        saved = nat.usd - (per_gb.usd if per_gb else 0.0)
        parts.append(f"{len(interface)} interface endpoints cost ${fixed:,.2f}/month before traffic"
                     + (f", and each GB moved off NAT saves ${saved:.3f}, so they pay for themselves above "
                        f"{fixed / saved:,.0f} GB/month of ECR, STS and Logs traffic" if saved > 0 else ""))
    text = "VPC endpoints: " + "; ".join(parts)
    return [text + " (traffic is usage: not estimated)"]


def render(report: CostReport) -> str:
    lines = [f"Monthly cost estimate of stack '{report.stack}' (USD, list prices, {730} h/month)",
             f"regions: aws {report.aws_region or '-'}, azure {report.azure_location or '-'}", ""]
    for region in report.missing_regions:
        lines.append(f"NO PRICES for {region}: its resources are not estimated (add a table to tools/prices.py)")
    if report.missing_regions:
        lines.append("")
    by_comp: dict[str, list[Line]] = {}
    for ln in report.lines:
        by_comp.setdefault(ln.component, []).append(ln)
    for comp, total in report.by_component().items():
        lines.append(f"{comp:<52} ${total:>10,.2f}")
        for ln in by_comp[comp]:
            if ln.monthly is None:
                continue
            flag = "" if ln.price is None or ln.price.verified else " *"
            lines.append(f"    {ln.resource:<44} ${ln.monthly:>10,.2f}  {ln.note}{flag}")
    lines += ["", f"{'TOTAL':<52} ${report.total:>10,.2f}", ""]
    if report.unpriced:
        lines.append("Not priced (billed, but no price row or not modelled):")
        lines += [f"    {ln.component} / {ln.resource} ({ln.type}): {ln.note}" for ln in report.unpriced]
        lines.append("")
    lines.append("Trade-offs:")
    lines += [f"    {t}" for t in tradeoffs(report)] or ["    -"]
    lines += ["", "Assumptions (override with --assume KEY=VALUE):"]
    lines += [f"    {k} = {v:g}" for k, v in vars(report.assumptions).items()]
    if report.unverified_rows:
        lines += ["", f"* {len(report.unverified_rows)} price rows used here are unverified (not readable at "
                      f"their source from this workplace; tools/prices.py names the page to check): "
                      f"{', '.join(report.unverified_rows)}"]
    return "\n".join(lines) + "\n"


def to_json(report: CostReport) -> dict[str, Any]:
    return {
        "stack": report.stack, "total": report.total, "byComponent": report.by_component(),
        "missingRegions": report.missing_regions, "assumptions": vars(report.assumptions),
        "unverifiedPriceRows": report.unverified_rows,
        "lines": [{"component": ln.component, "resource": ln.resource, "type": ln.type, "item": ln.item,
                   "monthly": ln.monthly, "note": ln.note,
                   "source": ln.price.source if ln.price else None,
                   "read": ln.price.read if ln.price else None} for ln in report.lines],
    }
