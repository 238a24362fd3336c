"""Security-baseline rules added after the issue 13 scan: the shapes the pack missed, and the
scan's findings we fixed (so a regression is caught here, not only by a scanner).

Simple "this key must hold this value" checks are rows of ``VALUE_ROWS`` evaluated by one
function (after checkov's ``BaseResourceValueCheck``); rules with more logic (IAM
documents, key policies, prod-only conditions, detection time against the RTO) are functions.
Deliberate weaknesses (documented in docs/security.md) are advisory rules, so they stay
visible in every plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import Severity

from components.aws.failover_timing import ALIAS_TARGET_TTL_SECONDS
from policies.common import (
    ADVISORY,
    MANDATORY,
    UNKNOWN,
    Graph,
    Res,
    ResourceRule,
    StackRule,
    as_int,
    as_list,
    environments_schema,
    get,
    parse_json_document,
    statements,
)

ROLE = "aws:iam/role:Role"
INLINE_POLICY_TYPES = ("aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/userPolicy:UserPolicy",
                       "aws:iam/groupPolicy:GroupPolicy")
KMS_KEY = "aws:kms/key:Key"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
EC2_NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
AZURE_REDIS = "azure-native:redis:Redis"
MANAGED_REDIS = "azure-native:redisenterprise:RedisEnterprise"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
RECORD = "aws:route53/record:Record"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
LOGGING_TYPES = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
REPLICATION_TYPES = ("aws:s3/bucketReplicationConfig:BucketReplicationConfig",)

_MISSING = object()


# -- key-equals rules as data ---------------------------------------------------------------

@dataclass(frozen=True)
class ValueRow:
    """One "``path`` must be one of ``expected``" rule (``absent_ok``: unset passes, as the
    cloud's default is the secure value)."""

    name: str
    resource_type: str
    path: tuple[str | int, ...]
    expected: tuple[Any, ...]
    description: str
    remediation: str
    checkov: tuple[str, ...] = ()
    severity: Severity = Severity.HIGH
    absent_ok: bool = False
    tags: tuple[str, ...] = ()


VALUE_ROWS: tuple[ValueRow, ...] = (
    ValueRow("ecr-kms-encryption", "aws:ecr/repository:Repository", ("encryptionConfigurations", 0, "encryptionType"),
             ("KMS",), "ECR repositories encrypt images with a KMS key",
             "Set encryptionConfigurations [{encryptionType: KMS, kmsKey: <the component's key>}] "
             "(components/aws/ecr.py does).", ("CKV_AWS_136",), tags=("aws", "ecr")),
    ValueRow("launch-template-imdsv2-only", LAUNCH_TEMPLATE, ("metadataOptions", "httpTokens"), ("required",),
             "EC2 launch templates require IMDSv2 session tokens (no IMDSv1)",
             "Set metadataOptions.httpTokens 'required' (components/aws/node_launch_template.py metadata_options "
             "does for every twincloud:eks.nodeGroups entry).", ("CKV_AWS_79",), tags=("aws", "ec2", "eks")),
    # The CRD defaults metadataOptions to httpTokens required (aws/karpenter-provider-aws@1d927085dd81
    # pkg/apis/crds/karpenter.k8s.aws_ec2nodeclasses.yaml), so an unset value passes.
    ValueRow("karpenter-nodeclass-imdsv2-only", EC2_NODE_CLASS, ("spec", "metadataOptions", "httpTokens"),
             ("required",), "Karpenter EC2NodeClasses require IMDSv2 session tokens (no IMDSv1)",
             "Set spec.metadataOptions.httpTokens 'required' (components/platform/manifests.py ec2_node_class does).",
             absent_ok=True, tags=("aws", "eks", "karpenter")),
    ValueRow("key-vault-firewall-deny", "azure-native:keyvault:Vault", ("properties", "networkAcls", "defaultAction"),
             ("Deny",), "Key Vault firewalls deny by default",
             "Set properties.networkAcls {defaultAction: Deny, bypass: AzureServices} and list the subnets "
             "that need the vault (components/azure/key_vault.py does).", ("CKV_AZURE_109",),
             tags=("azure", "keyvault", "network")),
    ValueRow("acr-anonymous-pull-disabled", "azure-native:containerregistry:Registry", ("anonymousPullEnabled",),
             (False, "false"), "Azure Container Registry allows no anonymous pull",
             "Set anonymousPullEnabled false; nodes pull with AcrPull on the kubelet identity.", ("CKV_AZURE_138",),
             absent_ok=True, tags=("azure", "acr")),
    ValueRow("azure-redis-private", AZURE_REDIS, ("publicNetworkAccess",), ("Disabled",),
             "Azure Cache for Redis takes no public network traffic",
             "Set publicNetworkAccess Disabled and reach the cache through its private endpoint "
             "(twincloud:azure.redis.publicNetworkAccess false).", ("CKV_AZURE_89",), tags=("azure", "redis")),
    ValueRow("azure-managed-redis-private", MANAGED_REDIS, ("publicNetworkAccess",), ("Disabled",),
             "Azure Managed Redis takes no public network traffic",
             "Set publicNetworkAccess Disabled and reach the cache through its private endpoint "
             "(twincloud:azure.redis.publicNetworkAccess false).", ("CKV_AZURE_89",), tags=("azure", "redis")),
)


def _row_check(row: ValueRow, by_environment: bool = False):
    def check(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
        if by_environment and res.environment not in cfg["environments"]:
            return
        value = get(res.props, *row.path, default=_MISSING)
        if value is UNKNOWN:
            return
        if value is _MISSING:
            if not row.absent_ok:
                yield f"{'.'.join(map(str, row.path))} is unset; set it to {row.expected[0]!r}"
            return
        if value not in row.expected:
            yield f"{'.'.join(map(str, row.path))} is {value!r}; set it to {row.expected[0]!r}"
    return check


def value_rules(rows: Iterable[ValueRow], environments: tuple[str, ...] = ()) -> list[ResourceRule]:
    """One rule per row; with ``environments``, only resources of those environments are checked."""
    config = {"environments": environments_schema(list(environments), "the rule applies")} if environments else None
    return [
        ResourceRule(name=row.name, description=row.description, check=_row_check(row, bool(environments)),
                     resource_types=(row.resource_type,), checkov=row.checkov, severity=row.severity,
                     enforcement=MANDATORY, remediation=row.remediation, tags=list(row.tags), config=config)
        for row in rows
    ]


VALUE_RULES = value_rules(VALUE_ROWS)


# -- IAM documents ----------------------------------------------------------------------------

def _aws_principals(stmt: Mapping[str, Any]) -> list[Any]:
    principal = stmt.get("Principal")
    if principal == "*":
        return ["*"]
    return as_list(get(principal, "AWS")) if isinstance(principal, Mapping) else []


def check_role_trust(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    document = parse_json_document(res.get("assumeRolePolicy"))
    if document is UNKNOWN or document is None:
        return
    for stmt in statements(document):
        if stmt.get("Effect") == "Allow" and "*" in _aws_principals(stmt):
            yield ("the trust policy lets any AWS principal ('*') assume the role; name the service or the "
                   "role/account ARNs that may assume it")


def _wide_grants(document: Any) -> list[str]:
    found = []
    for stmt in statements(document):
        if stmt.get("Effect") != "Allow" or "NotAction" in stmt or "NotResource" in stmt:
            continue
        actions = {a for a in as_list(stmt.get("Action")) if isinstance(a, str)}
        resources = {r for r in as_list(stmt.get("Resource")) if isinstance(r, str)}
        if "*" not in resources:
            continue
        for action in sorted(actions & {"*", "s3:*"}):
            found.append(f"{action!r} on '*'")
    return found


def check_inline_policy(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    documents = [("policy", res.get("policy"))]
    if res.type == ROLE:
        documents = [(f"inlinePolicies[{i}]", get(p, "policy")) for i, p in enumerate(as_list(res.get("inlinePolicies")))]
    for label, raw in documents:
        document = parse_json_document(raw)
        if document is UNKNOWN or document is None:
            continue
        for grant in _wide_grants(document):
            yield f"{label} grants {grant}; name the actions and the resources (bucket ARNs) the workload needs"


# -- EKS node groups -----------------------------------------------------------------------------

def check_node_group_ssh(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    access = res.get("remoteAccess")
    if access is UNKNOWN or not access:
        return
    key, sources = get(access, "ec2SshKey"), get(access, "sourceSecurityGroupIds", default=[])
    if UNKNOWN in (key, sources):
        return
    if key and not as_list(sources):
        yield ("remoteAccess gives an SSH key without sourceSecurityGroupIds, so EKS opens port 22 to 0.0.0.0/0; "
               "drop remoteAccess (use SSM Session Manager) or list the security groups allowed in")


def check_metadata_hop_limit(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    """The IMDSv2 PUT response hop limit is set and within 1..maxHopLimit (unset: the AMI's
    default applies, which is not ours to choose)."""
    path = ("metadataOptions", "httpPutResponseHopLimit") if res.type == LAUNCH_TEMPLATE else (
        "spec", "metadataOptions", "httpPutResponseHopLimit")
    hops = get(res.props, *path, default=None)
    if hops is UNKNOWN or (hops is None and res.type == EC2_NODE_CLASS):  # the CRD defaults it to 1
        return
    limit = int(cfg["maxHopLimit"])
    if hops is None:
        yield f"{'.'.join(path)} is unset; set it to 1 so pods cannot fetch IMDSv2 tokens"
    elif not 1 <= (as_int(hops) or 0) <= limit:
        shown = as_int(hops) if as_int(hops) is not None else repr(hops)
        yield (f"{'.'.join(path)} is {shown}; keep it between 1 and {limit}: a token that crosses the extra hop "
               "into a pod's network namespace hands pods the node role")


# -- KMS key policies and log groups -----------------------------------------------------------

def check_key_policy(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    policy = res.get("policy")
    if policy is UNKNOWN:
        return
    if not policy:
        yield ("no key policy: the key falls back to the account-wide default; give it the account statement and "
               "a statement naming who uses it (components/aws/key_policies.py)")
        return
    document = parse_json_document(policy)
    for stmt in statements(document):
        if stmt.get("Effect") == "Allow" and "*" in _aws_principals(stmt) and not stmt.get("Condition"):
            yield "the key policy allows any AWS principal ('*') without a condition"


def check_log_group(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    key = res.get("kmsKeyId")
    if key is not UNKNOWN and not key:
        yield "kmsKeyId is unset: log events are not encrypted with our key"
    days = res.get("retentionInDays")
    if days is UNKNOWN:
        return
    if days is None:
        yield "retentionInDays is unset (logs are kept forever at a cost nobody chose); set it"
        return
    minimum, kept = int(cfg["minRetentionDays"]), as_int(days) or 0
    if 0 < kept < minimum:
        yield (f"retentionInDays is {kept}; keep logs at least {minimum} days (twincloud:eks.logRetentionDays, "
               "twincloud:vpc.flowLogRetentionDays)")


# -- Azure Redis zones (prod) ---------------------------------------------------------------------

def check_redis_zones(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    env = res.environment
    if env not in cfg["environments"]:
        return
    if res.type == MANAGED_REDIS:
        ha = res.get("highAvailability")
        if ha is not UNKNOWN and str(ha or "Enabled").lower() == "disabled":
            yield (f"{env}: highAvailability is Disabled: the data set is not replicated and the cache is not zone "
                   "redundant; set twincloud:azure.redis.highAvailability true")
        return
    zones = res.get("zones")
    if zones is UNKNOWN:
        return
    if len(as_list(zones)) < 2:
        yield f"{env}: the cache runs in {len(as_list(zones))} availability zone(s); list at least two zones"


# -- Route 53 detection time against the RTO target --------------------------------------------

RTO_TAG = "twincloud.io/rto-target-seconds"  # set by components/aws/dns_failover.py


def detection_problems(graph: Graph, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    for record in graph.of_type(RECORD):
        policies = record.get("failoverRoutingPolicies")
        if policies is UNKNOWN or not any(str(get(p, "type")).upper() == "PRIMARY" for p in as_list(policies)):
            continue
        checks = graph.deps(record, "healthCheckId", HEALTH_CHECK)
        if not checks:
            hc_id = record.get("healthCheckId")
            checks = [h for h in graph.of_type(HEALTH_CHECK) if isinstance(hc_id, str) and h.get("id") == hc_id]
        ttl = ALIAS_TARGET_TTL_SECONDS if record.get("aliases") else as_int(record.get("ttl")) or 0
        for check in checks:
            tags = check.tags if isinstance(check.tags, Mapping) else {}
            rto = as_int(tags.get(RTO_TAG)) or int(cfg["rtoTargetSeconds"])
            interval, threshold = as_int(check.get("requestInterval")), as_int(check.get("failureThreshold"))
            if interval is None or threshold is None:
                continue
            worst = interval * threshold + ttl
            if worst > rto:
                yield record, (f"failover takes up to {worst} s ({interval} s x {threshold} failures + {ttl} s TTL), "
                               f"above the {rto} s RTO target; lower twincloud:dr.healthCheck.requestInterval or "
                               f"failureThreshold")


# -- deliberate choices, kept visible (docs/security.md) -----------------------------------------

def check_bucket_logging_and_replication(graph: Graph, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    logged = {u for r in graph.of_type(*LOGGING_TYPES) for u in r.property_dependencies.get("bucket", [])}
    replicated = {u for r in graph.of_type(*REPLICATION_TYPES) for u in r.property_dependencies.get("bucket", [])}
    targets = {u for r in graph.of_type(*LOGGING_TYPES) for u in r.property_dependencies.get("targetBucket", [])}
    for bucket in graph.of_type(*BUCKET_TYPES):
        if bucket.urn in targets:
            continue  # an access-log bucket does not log itself (S3 guidance: no logging loop)
        if bucket.urn not in logged:
            yield bucket, f"bucket {bucket.name} has no server access logging (BucketLogging to the log bucket)"
        env = graph.environment(bucket)
        if env in cfg["replicationEnvironments"] and bucket.urn not in replicated:
            yield bucket, (f"{env}: bucket {bucket.name} is not replicated to another region; its objects are "
                           "unreachable while the region is down and lost if it does not return "
                           "(docs/data-region-loss.md; docs/security.md says why Loki/Tempo buckets are not)")


def check_cloudfront_resilience(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    restriction = res.get("restrictions", "geoRestriction", "restrictionType")
    if restriction is not UNKNOWN and str(restriction or "none") == "none":
        yield "no geo restriction (twincloud:dr.geoRestriction): the page is served to every country"
    groups = res.get("originGroups")
    if groups is not UNKNOWN and not as_list(groups):
        yield "no origin group: CloudFront cannot fail over to a second origin (docs/security.md)"


def check_acr_quarantine(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    status = res.get("policies", "quarantinePolicy", "status")
    if status is not UNKNOWN and str(status or "disabled").lower() != "enabled":
        yield ("image quarantine is off (twincloud:azure.acr.quarantine): pushed images are pullable before any "
               "scan; turn it on only with a scanner that releases images")


def check_storage_geo_replication(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    env = res.environment
    sku = res.get("sku", "name")
    if env in cfg["environments"] and sku is not UNKNOWN and sku not in cfg["geoRedundantSkus"]:
        yield (f"{env}: sku.name is {sku!r}, not geo-redundant: its data is "
               "unreachable while the region is down and lost if it does not return "
               "(docs/data-region-loss.md; docs/security.md says why monitoring storage stays zone-redundant)")


# -- the rules -----------------------------------------------------------------------------------

IAM_ROLE_TRUST = ResourceRule(
    name="iam-role-trust-no-wildcard",
    description="IAM roles are never assumable by any AWS principal",
    check=check_role_trust,
    resource_types=(ROLE,),
    checkov=("CKV_AWS_60",),
    severity=Severity.CRITICAL,
    remediation="Trust one service (components/aws/iam.py service_trust_policy) or named role/account ARNs.",
    tags=["aws", "iam"],
)

IAM_NO_WILDCARD_GRANTS = ResourceRule(
    name="iam-no-wildcard-grants",
    description="IAM policies grant neither '*' nor 's3:*' on every resource",
    check=check_inline_policy,
    resource_types=(*INLINE_POLICY_TYPES, ROLE),
    checkov=("CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_355", "CKV_AWS_290"),
    severity=Severity.CRITICAL,
    remediation="List the actions the workload needs on the ARNs it needs (components/aws/bucket_documents.py "
                "bucket_access_policy is the pattern).",
    tags=["aws", "iam"],
)

EKS_NODE_GROUP_SSH = ResourceRule(
    name="eks-node-group-ssh-restricted",
    description="EKS node groups open no SSH to the internet through remoteAccess",
    check=check_node_group_ssh,
    resource_types=("aws:eks/nodeGroup:NodeGroup",),
    checkov=("CKV_AWS_100",),
    severity=Severity.HIGH,
    remediation="Leave remoteAccess unset (reach nodes with SSM Session Manager) or give sourceSecurityGroupIds.",
    tags=["aws", "eks", "network"],
)

METADATA_HOP_LIMIT = ResourceRule(
    name="node-metadata-hop-limit",
    description="EC2 launch templates and Karpenter EC2NodeClasses keep the IMDSv2 hop limit at 1 (pods get no "
                "node credentials)",
    check=check_metadata_hop_limit,
    resource_types=(LAUNCH_TEMPLATE, EC2_NODE_CLASS),
    checkov=("CKV_AWS_341",),
    severity=Severity.HIGH,
    remediation="Set httpPutResponseHopLimit 1 (components/aws/node_launch_template.py METADATA_HOP_LIMIT); give "
                "pods AWS access through EKS Pod Identity instead of the node role.",
    config={"maxHopLimit": {"type": "integer", "default": 1,
                            "description": "Highest hop limit allowed (2 lets pods in their own network namespace "
                                           "reach IMDS)."}},
    tags=["aws", "ec2", "eks"],
)

KMS_KEY_POLICY = ResourceRule(
    name="kms-key-policy",
    description="KMS keys carry an explicit key policy with no unconditioned wildcard principal",
    check=check_key_policy,
    resource_types=(KMS_KEY,),
    checkov=("CKV2_AWS_64", "CKV_AWS_33"),
    severity=Severity.HIGH,
    remediation="Pass policy=... built by components/aws/key_policies.py (the account statement plus the one "
                "principal or service that uses the key).",
    tags=["aws", "kms"],
)

LOG_GROUP_BASELINE = ResourceRule(
    name="cloudwatch-log-group-baseline",
    description="CloudWatch log groups are encrypted with our KMS key and kept at least a year",
    check=check_log_group,
    resource_types=(LOG_GROUP,),
    checkov=("CKV_AWS_158", "CKV_AWS_338"),
    severity=Severity.MEDIUM,
    remediation="Give the log group kmsKeyId (a key from log_group_key_policy) and retentionInDays >= 365.",
    config={"minRetentionDays": {"type": "integer", "default": 365,
                                 "description": "Fewest days a log group keeps its events (0 = forever passes)."}},
    tags=["aws", "logging"],
)

AZURE_REDIS_ZONES = ResourceRule(
    name="prod-azure-redis-zone-redundant",
    description="Production Azure Redis caches are zone redundant",
    check=check_redis_zones,
    resource_types=(AZURE_REDIS, MANAGED_REDIS),
    severity=Severity.HIGH,
    remediation="Azure Managed Redis: keep highAvailability Enabled (zone redundant in a region with zones); "
                "Azure Cache for Redis (Premium): list zones (twincloud:azure.zones).",
    config={"environments": environments_schema(["prod"], "Redis must be zone redundant")},
    tags=["azure", "redis", "availability"],
)

ROUTE53_DETECTION_WITHIN_RTO = StackRule(
    name="route53-detection-within-rto",
    description="Route 53 failover detection (interval x threshold + TTL) stays within the RTO target",
    check=detection_problems,
    resource_types=(RECORD, HEALTH_CHECK),
    severity=Severity.HIGH,
    remediation="Lower twincloud:dr.healthCheck.requestInterval (10) or failureThreshold; the target is the "
                "health check's twincloud.io/rto-target-seconds tag (twincloud:dr.rtoTargetSeconds).",
    config={"rtoTargetSeconds": {"type": "integer", "default": 120,
                                 "description": "The RTO target (seconds) for health checks without the "
                                                "twincloud.io/rto-target-seconds tag."}},
    tags=["aws", "dr", "availability"],
)

S3_LOGGING_AND_REPLICATION = StackRule(
    name="s3-access-logging-and-replication",
    description="S3 buckets log server access, and production buckets replicate to another region",
    check=check_bucket_logging_and_replication,
    resource_types=(*BUCKET_TYPES, *LOGGING_TYPES, *REPLICATION_TYPES),
    checkov=("CKV_AWS_18", "CKV_AWS_144"),
    severity=Severity.LOW,
    enforcement=ADVISORY,
    remediation="Buckets from PodIdentityBucket log to the stack's access-log bucket; cross-region replication of "
                "the Loki/Tempo buckets is a documented choice (docs/security.md).",
    config={"replicationEnvironments": environments_schema(["prod"], "buckets should replicate across regions")},
    tags=["aws", "s3", "logging", "dr"],
)

CLOUDFRONT_RESILIENCE = ResourceRule(
    name="cloudfront-geo-restriction-and-failover",
    description="CloudFront distributions restrict countries and fail over between origins",
    check=check_cloudfront_resilience,
    resource_types=(DISTRIBUTION,),
    checkov=("CKV_AWS_374", "CKV_AWS_310"),
    severity=Severity.LOW,
    enforcement=ADVISORY,
    remediation="Set twincloud:dr.geoRestriction; origin failover is a documented choice for the DR page "
                "(docs/security.md).",
    tags=["aws", "cloudfront", "dr"],
)

ACR_QUARANTINE = ResourceRule(
    name="acr-quarantine",
    description="Azure Container Registry quarantines pushed images until they are scanned",
    check=check_acr_quarantine,
    resource_types=("azure-native:containerregistry:Registry",),
    checkov=("CKV_AZURE_166",),
    severity=Severity.LOW,
    enforcement=ADVISORY,
    remediation="Set twincloud:azure.acr.quarantine true once a scanner with the quarantine-writer role releases "
                "images (docs/security.md).",
    tags=["azure", "acr", "supply-chain"],
)

STORAGE_GEO_REPLICATION = ResourceRule(
    name="storage-account-geo-replication",
    description="Production storage accounts are geo-redundant (GRS, RA-GRS, GZRS or RA-GZRS)",
    check=check_storage_geo_replication,
    resource_types=("azure-native:storage:StorageAccount",),
    checkov=("CKV_AZURE_206",),
    severity=Severity.LOW,
    enforcement=ADVISORY,
    remediation="Set a geo-redundant SKU (twincloud:azure.monitoring.storageSku Standard_GZRS), or keep ZRS as "
                "documented in docs/security.md.",
    config={
        "environments": environments_schema(["prod"], "storage accounts should be geo-redundant"),
        "geoRedundantSkus": {"type": "array", "items": {"type": "string"},
                             "default": ["Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"],
                             "description": "SKUs that copy data to the paired region (what CKV_AZURE_206 accepts)."},
    },
    tags=["azure", "storage", "dr"],
)

POLICIES = [
    *VALUE_RULES,
    IAM_ROLE_TRUST, IAM_NO_WILDCARD_GRANTS, EKS_NODE_GROUP_SSH, METADATA_HOP_LIMIT, KMS_KEY_POLICY,
    LOG_GROUP_BASELINE,
    AZURE_REDIS_ZONES, ROUTE53_DETECTION_WITHIN_RTO,
    S3_LOGGING_AND_REPLICATION, CLOUDFRONT_RESILIENCE, ACR_QUARANTINE, STORAGE_GEO_REPLICATION,
]
