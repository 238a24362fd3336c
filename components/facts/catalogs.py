"""Catalogs of what the clouds accept: regions, sizes, enums, naming and tag rules.

The config schema (``stacks/config``) rejects a value outside these with the usual message
(key, value, what is allowed), so an unknown size or region is a config error before any
resource exists, not a failure minutes into ``pulumi up``.

Where a well-kept library ships the catalog, it is read from the library at its pinned
version, never copied: AWS regions, EC2 instance types, EKS enums and limits, and the
ElastiCache node types come from ``botocore``'s data (pinned in requirements.txt).
Where none does (Azure VM sizes and locations, ARM naming and tag rules, AKS's reserved
ranges), each fact is one row of a table with the source it was checked against.

Refresh: bump ``botocore`` in requirements.txt (the AWS catalogs follow); for the Azure
tables, re-read the cited pages/files and add rows with their source.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache

import botocore

from components.facts import Fact
from components.facts.aws import botocore_model, botocore_shape, endpoints_catalog

BOTOCORE = f"botocore=={botocore.__version__}"


# -- AWS, from botocore's data --------------------------------------------------------------

_model = botocore_model  # botocore's API models, parsed once per process


@lru_cache(maxsize=None)
def aws_regions(partition: str = "aws") -> frozenset[str]:
    """Regions of ``partition`` (botocore ``data/endpoints.json``)."""
    for p in endpoints_catalog()["partitions"]:
        if p["partition"] == partition:
            return frozenset(p["regions"])
    raise LookupError(partition)


@lru_cache(maxsize=None)
def ec2_instance_types() -> frozenset[str]:
    """Every EC2 instance type (botocore ``ec2`` model, shape ``InstanceType``)."""
    return frozenset(botocore_shape("ec2", "InstanceType")["enum"])


def eks_enum(shape: str) -> tuple[str, ...]:
    """An EKS enum (``CapacityTypes``, ``TaintEffect``, ``AMITypes``) from botocore's ``eks`` model."""
    return tuple(_model("eks")["shapes"][shape]["enum"])


def eks_length(shape: str) -> tuple[int, int]:
    """(min, max) length of an EKS string shape (``labelKey``, ``labelValue``, ``taintKey``,
    ``taintValue``, ``ClusterName``) from botocore's ``eks`` model."""
    s = _model("eks")["shapes"][shape]
    return s.get("min", 0), s["max"]


def eks_cluster_name_pattern() -> str:
    """``CreateCluster`` ``name`` pattern (botocore ``eks`` model, shape ``ClusterName``)."""
    return _model("eks")["shapes"]["ClusterName"]["pattern"]


def eks_service_cidr_rules() -> str:
    """The documented rules for ``kubernetesNetworkConfig.serviceIpv4Cidr`` (botocore ``eks``
    model, ``KubernetesNetworkConfigRequest.serviceIpv4Cidr``): within 10.0.0.0/8,
    172.16.0.0/12 or 192.168.0.0/16, not overlapping the VPC, /24 to /12."""
    return _model("eks")["shapes"]["KubernetesNetworkConfigRequest"]["members"]["serviceIpv4Cidr"]["documentation"]


@lru_cache(maxsize=None)
def elasticache_node_types() -> tuple[frozenset[str], frozenset[str]]:
    """(current, previous generation) ElastiCache node types, as botocore's ``elasticache``
    model documents them (shape ``CacheNode``: "creation of new clusters is not supported"
    for the previous generation)."""
    doc = re.sub(r"<[^>]+>", " ", _model("elasticache")["shapes"]["CacheNode"]["documentation"])
    current: set[str] = set()
    previous: set[str] = set()
    # The text alternates "Current generation: ..." and "Previous generation: ..." blocks
    # per family (general purpose, compute optimized, memory optimized).
    for block in re.split(r"(?=Current generation:|Previous generation:)", doc):
        names = set(re.findall(r"\bcache\.[a-z0-9]+\.[a-z0-9]+\b", block))
        (previous if block.startswith("Previous generation:") else current).update(names)
    return frozenset(current), frozenset(previous - current)


def graviton(instance_type: str) -> bool:
    """Whether an EC2 (or ElastiCache ``cache.``) type runs on AWS Graviton (arm64).

    AWS Graviton families carry a ``g`` among the letters after the generation digit: "C6g[d],
    M6g[d], R6g[d], T4g, X2gd, C6gn, I4g, Im4gn, Is4gen, G5g, C7g[d][n], M7g[d], R7g[d], R8g"
    (github.com/aws/aws-graviton-getting-started, repository description); ``a1`` is "Arm
    processor based instances, 1st generation" (docs.aws.amazon.com/cdk/api/v2/docs/
    aws-cdk-lib.aws_ec2.InstanceClass.html, A1). Mac instances are not EKS node types.
    """
    family = instance_type.removeprefix("cache.").split(".")[0]
    if family == "a1":
        return True
    m = re.fullmatch(r"[a-z]+\d+([a-z-]*)", family)
    return bool(m and "g" in m.group(1).split("-")[0])


# -- Azure: sourced tables -----------------------------------------------------------------

_REGIONS_LIST = "MicrosoftDocs/reliability-docs@01021ab80d:articles/reliability/regions-list.md"


@dataclass(frozen=True)
class AzureLocation:
    name: str  # programmatic name
    zones: bool  # availability zone support
    restricted: bool = False  # access on request only (DR within a geography)
    source: str = _REGIONS_LIST


def _locations(zonal: str, regional: str, restricted: str) -> dict[str, AzureLocation]:
    out = {n: AzureLocation(n, True) for n in zonal.split()}
    out |= {n: AzureLocation(n, False) for n in regional.split()}
    out |= {n: AzureLocation(n, False, restricted=True) for n in restricted.split()}
    return out


# Every row of the "All" table of the Azure regions list (programmatic name, availability
# zone support, restricted access); "coming soon" regions (denmarkeast) are left out.
AZURE_LOCATIONS: dict[str, AzureLocation] = _locations(
    zonal="australiaeast austriaeast belgiumcentral brazilsouth canadacentral centralindia centralus "
          "chilecentral eastasia eastus eastus2 francecentral germanywestcentral indonesiacentral "
          "israelcentral italynorth japaneast japanwest koreacentral malaysiawest mexicocentral "
          "newzealandnorth northeurope norwayeast polandcentral qatarcentral southafricanorth "
          "southcentralus southeastasia spaincentral swedencentral switzerlandnorth uaenorth uksouth "
          "westeurope westus2 westus3",
    regional="australiacentral australiasoutheast canadaeast koreasouth northcentralus southindia ukwest "
             "westcentralus westindia westus",
    restricted="australiacentral2 brazilsoutheast francesouth germanynorth norwaywest southafricawest "
               "switzerlandwest uaecentral",
)


@dataclass(frozen=True)
class VmSeries:
    """An Azure VM size series: its sizes, CPU architecture and where they were read."""

    sizes: tuple[str, ...]
    arch: str  # "x86_64" or "arm64"
    source: str


_SIZES = "MicrosoftDocs/azure-compute-docs"
AZURE_VM_SIZES: dict[str, VmSeries] = {
    "Dsv5": VmSeries(
        tuple(f"Standard_D{n}s_v5" for n in (2, 4, 8, 16, 32, 48, 64, 96)), "x86_64",
        f"{_SIZES}@005f8f6e06:articles/virtual-machines/sizes/general-purpose/dsv5-series.md (Sizes in series; "
        "processors [x86-64] in includes/dsv5-series-specs.md)"),
    "Dpsv5": VmSeries(
        tuple(f"Standard_D{n}ps_v5" for n in (2, 4, 8, 16, 32, 48, 64)), "arm64",
        f"{_SIZES}@2072bfd700:articles/virtual-machines/sizes/general-purpose/dpsv5-series.md (Sizes in series)"),
    "Esv5": VmSeries(
        (*(f"Standard_E{n}s_v5" for n in (2, 4, 8, 16, 20, 32, 48, 64, 96)), "Standard_E104is_v5"), "x86_64",
        f"{_SIZES}@0175d5fa26:articles/virtual-machines/sizes/memory-optimized/esv5-series.md (Sizes in series)"),
}


def azure_vm_sizes() -> dict[str, VmSeries]:
    """Size name -> its series row."""
    return {size: series for series in AZURE_VM_SIZES.values() for size in series.sizes}


_TAGS_DOC = "https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations"
_ARM_TAGS = ("pulumi-azure-native 3.29.0 pulumi_azure_native/billing/associated_tenant.py:35 (ARM spec text: "
             "\"Maximum key/value length supported of 256 characters ... Keys can not contain < > % & \\ ? /\")")
# Tags on Azure resources.
_NAME_RULES_MD = ("MicrosoftDocs/azure-docs articles/azure-resource-manager/management/resource-name-rules.md "
                  "(https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules)")
AZURE_TAG_RULES: dict[str, Fact] = {
    "forbidden_name_chars": Fact("<>%&\\?/", f"{_NAME_RULES_MD} Microsoft.Resources tagNames \"Can't use: <>%&\\?/\"; "
                                             f"{_ARM_TAGS}"),
    "name_max": Fact(512, f"{_NAME_RULES_MD} Microsoft.Resources tagNames 1-512 (storage accounts: 128, "
                          f"{_TAGS_DOC})"),
    "value_max": Fact(256, f"{_NAME_RULES_MD} tagNames / tagValues 1-256"),
    "max_tags": Fact(50, f"{_TAGS_DOC} (MicrosoftDocs/azure-docs tag-resources.md: \"Each resource, resource group, "
                         "and subscription can have a maximum of 50 tag name-value pairs\")"),
}

_AKS_CNI = ("https://learn.microsoft.com/azure/aks/configure-azure-cni (Prerequisites: \"AKS clusters may not use "
            "169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, or 192.0.2.0/24 for the Kubernetes service address "
            "range, pod address range, or cluster virtual network address range\")")
NETWORK_RANGES: dict[str, Fact] = {
    "rfc1918": Fact(tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")),
                    "RFC 1918 section 3 (https://www.rfc-editor.org/rfc/rfc1918#section-3)"),
    "aks_reserved": Fact(tuple(ipaddress.ip_network(n) for n in
                               ("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")), _AKS_CNI),
    "eks_service_cidr_prefix": Fact((12, 24), f"{BOTOCORE} eks KubernetesNetworkConfigRequest.serviceIpv4Cidr "
                                              "(\"Between /24 and /12\", within RFC 1918 blocks)"),
}
_S3_TRANSITIONS = ("https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-"
                   "considerations.html (Supported lifecycle transitions: the waterfall Standard-IA -> "
                   "Intelligent-Tiering -> One Zone-IA -> Glacier Instant Retrieval -> Glacier Flexible Retrieval -> "
                   "Deep Archive; no transition back up)")
S3_LIFECYCLE: dict[str, Fact] = {
    "waterfall": Fact(("STANDARD_IA", "INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"),
                      _S3_TRANSITIONS),
}
RFC1918 = NETWORK_RANGES["rfc1918"].value
AKS_RESERVED_RANGES = NETWORK_RANGES["aks_reserved"].value
EKS_SERVICE_CIDR_PREFIX = NETWORK_RANGES["eks_service_cidr_prefix"].value


@dataclass(frozen=True)
class NamingRule:
    """ARM naming rule for one resource type."""

    min: int
    max: int
    pattern: str  # full-match regex
    says: str  # the rule in words, for messages
    source: str


_NAMING = ("MicrosoftDocs/azure-docs articles/azure-resource-manager/management/resource-name-rules.md "
           "(https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules)")
# Only the types whose names the program derives from config or the stack name.
ARM_NAMING: dict[str, NamingRule] = {
    "Microsoft.Resources/resourceGroups": NamingRule(
        1, 90, r"[-\w._()]*[-\w_()]", "1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
        f"{_NAMING} Microsoft.Resources resourcegroups: 1-90, \"Can't end with period\""),
    "Microsoft.ContainerService/managedClusters": NamingRule(
        1, 63, r"[A-Za-z0-9]([-_A-Za-z0-9]*[A-Za-z0-9])?",
        "1-63 letters, digits, '_' and '-', starting and ending with a letter or digit",
        f"{_NAMING} Microsoft.ContainerService managedClusters: 1-63, \"Alphanumerics, underscores, and hyphens. "
        "Start and end with alphanumeric\""),
}


# The catalogs read from botocore, listed for the facts source check.
AWS_CATALOGS: dict[str, Fact] = {
    "regions": Fact(aws_regions, f"{BOTOCORE} data/endpoints.json partitions[aws].regions"),
    "ec2_instance_types": Fact(ec2_instance_types, f"{BOTOCORE} data/ec2 service-2 shapes.InstanceType.enum"),
    "eks_capacity_types": Fact("CapacityTypes", f"{BOTOCORE} data/eks service-2 shapes.CapacityTypes.enum"),
    "eks_taint_effects": Fact("TaintEffect", f"{BOTOCORE} data/eks service-2 shapes.TaintEffect.enum"),
    "eks_label_and_taint_lengths": Fact(("labelKey", "labelValue", "taintKey", "taintValue"),
                                        f"{BOTOCORE} data/eks service-2 shapes (min/max)"),
    "eks_cluster_name": Fact("ClusterName", f"{BOTOCORE} data/eks service-2 shapes.ClusterName (pattern, 1-100)"),
    "elasticache_node_types": Fact(elasticache_node_types,
                                   f"{BOTOCORE} data/elasticache service-2 shapes.CacheNode.documentation"),
}

TABLES = ("AWS_CATALOGS", "S3_LIFECYCLE", "AZURE_LOCATIONS", "AZURE_VM_SIZES", "ARM_NAMING", "AZURE_TAG_RULES", "NETWORK_RANGES")
