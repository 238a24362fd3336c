"""AWS security baselines, one rule per concern, each mapped to its checkov check.

Covers S3 (the v7 split resources: public-access block, encryption, TLS-only bucket
policy), EKS (endpoint exposure, secrets encryption, control-plane logs), ECR (immutable
tags, scan on push), ElastiCache (encryption, auth, multi-AZ in prod), security groups
(no internet ingress on admin/database ports), Route 53 failover health checks and
CloudFront HTTPS. Cross-resource checks (every bucket has its companions, node-role
policies, Pod Identity trust) are stack rules in ``policies.stack_rules``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from policies.common import (
    ADVISORY,
    MANDATORY,
    UNKNOWN,
    Res,
    ResourceRule,
    as_int,
    as_list,
    environments_schema,
    get,
    is_internet_cidr,
    parse_json_document,
    statements,
    truthy,
    string_list,
)

DEFAULT_RESTRICTED_PORTS = [22, 3389, 3306, 5432, 6379]
EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
SSE_TYPES = ("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
             "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
PAB_TYPE = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_POLICY_TYPE = "aws:s3/bucketPolicy:BucketPolicy"


def _ports_schema(default: list[int]) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "integer"}, "default": default,
            "description": "Ports that must never be reachable from the internet."}


# -- S3 -------------------------------------------------------------------------------------

def check_public_access_block(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    off = [flag for flag in PAB_FLAGS if truthy(res.get(flag)) is not UNKNOWN and not truthy(res.get(flag))]
    if off:
        yield f"public access block leaves {off} off; all four flags must be true"


def check_bucket_encryption(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    rules = res.get("rules")
    if rules is UNKNOWN:
        return
    allowed = list(cfg["allowedAlgorithms"])
    algorithms = [get(r, "applyServerSideEncryptionByDefault", "sseAlgorithm") for r in as_list(rules)]
    if not algorithms:
        yield "encryption configuration has no rules; add applyServerSideEncryptionByDefault"
    for algorithm in algorithms:
        if algorithm is not UNKNOWN and algorithm not in allowed:
            yield f"default encryption algorithm {algorithm!r} is not allowed; use one of {allowed}"


def denies_insecure_transport(document: Any) -> bool:
    """True when a statement denies every request whose aws:SecureTransport is false."""
    for stmt in statements(document):
        if stmt.get("Effect") != "Deny":
            continue
        principal = stmt.get("Principal")
        if principal not in ("*", {"AWS": "*"}, {"AWS": ["*"]}):
            continue
        actions = {a for a in as_list(stmt.get("Action")) if isinstance(a, str)}
        if not actions & {"s3:*", "*"}:
            continue
        condition = get(stmt, "Condition", "Bool", "aws:SecureTransport")
        values = {str(v).lower() for v in as_list(condition)}
        if "false" in values:
            return True
    return False


def check_bucket_policy_tls(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    document = parse_json_document(res.get("policy"))
    if document is UNKNOWN:
        return
    if document is None or not denies_insecure_transport(document):
        yield ("bucket policy does not deny requests with aws:SecureTransport=false; add a Deny statement for "
               "s3:* on the bucket and its objects with that condition")


# -- EKS --------------------------------------------------------------------------------

def check_eks_endpoint(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    vpc = res.get("vpcConfig", default={})
    public = truthy(get(vpc, "endpointPublicAccess"))
    if public is UNKNOWN or public is False:
        return
    cidrs = get(vpc, "publicAccessCidrs", default=[])
    if cidrs is UNKNOWN:
        return
    if public is None:
        yield "vpcConfig.endpointPublicAccess is unset, and EKS defaults it to true; set it to false"
    if not as_list(cidrs):
        yield "the public API endpoint has no publicAccessCidrs, so EKS opens it to 0.0.0.0/0"
    open_cidrs = [c for c in as_list(cidrs) if is_internet_cidr(c)]
    if open_cidrs:
        yield f"the public API endpoint allows {open_cidrs}; list office/VPN CIDRs or keep the endpoint private"


def check_eks_secrets_encryption(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    configs = res.get("encryptionConfig")
    if configs is UNKNOWN:
        return
    configs = configs if isinstance(configs, list) else as_list(configs)
    for config in configs:
        resources = get(config, "resources", default=[])
        key = get(config, "provider", "keyArn")
        if resources is UNKNOWN or "secrets" in as_list(resources):
            if key is UNKNOWN or key:
                return
    yield "Kubernetes secrets are not envelope-encrypted: set encryptionConfig {resources: [secrets], provider.keyArn}"


def check_eks_logging(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    enabled = res.get("enabledClusterLogTypes", default=[])
    if enabled is UNKNOWN:
        return
    missing = [t for t in cfg["requiredLogTypes"] if t not in as_list(enabled)]
    if missing:
        yield f"control-plane log types {missing} are not enabled"


# -- ECR ---------------------------------------------------------------------------------

def check_ecr_immutable(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    value = res.get("imageTagMutability", default="MUTABLE")
    if value is not UNKNOWN and value not in cfg["allowedMutability"]:
        yield f"imageTagMutability is {value!r}; tags must be immutable so a deployed tag always means one image"


def check_ecr_scan(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    scan = truthy(res.get("imageScanningConfiguration", "scanOnPush"))
    if scan is not UNKNOWN and not scan:
        yield "imageScanningConfiguration.scanOnPush is not true; every pushed image must be scanned"


# -- ElastiCache ---------------------------------------------------------------------------

def check_elasticache_encryption(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    at_rest = truthy(res.get("atRestEncryptionEnabled"))
    if at_rest is not UNKNOWN and not at_rest:
        yield "atRestEncryptionEnabled is not true"
    transit = truthy(res.get("transitEncryptionEnabled"))
    if transit is not UNKNOWN and not transit:
        yield "transitEncryptionEnabled is not true"
    auth = [res.get("authToken"), res.get("authTokenWo"), res.get("userGroupIds")]
    if UNKNOWN not in auth and not any(auth):
        yield "no AUTH: set authToken (a generated secret) or userGroupIds (RBAC)"


def check_elasticache_multi_az(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    env = res.environment
    if env not in cfg["environments"]:
        return
    failover = truthy(res.get("automaticFailoverEnabled"))
    if failover is not UNKNOWN and not failover:
        yield f"{env}: automaticFailoverEnabled is not true"
    multi_az = truthy(res.get("multiAzEnabled"))
    if multi_az is not UNKNOWN and not multi_az:
        yield f"{env}: multiAzEnabled is not true"
    clusters, replicas = res.get("numCacheClusters"), res.get("replicasPerNodeGroup")
    if UNKNOWN in (clusters, replicas):
        return
    if (as_int(clusters) or 0) < 2 and (as_int(replicas) or 0) < 1:
        yield f"{env}: no replica to fail over to (numCacheClusters >= 2 or replicasPerNodeGroup >= 1)"


# -- security groups ------------------------------------------------------------------------

def _rule_ports(protocol: Any, from_port: Any, to_port: Any) -> tuple[int, int] | None:
    proto = str(protocol).lower() if protocol not in (None, UNKNOWN) else None
    if proto in ("-1", "all"):
        return 0, 65535
    if proto in ("icmp", "icmpv6", "1", "58"):
        return None
    lo, hi = as_int(from_port), as_int(to_port)
    if lo is None and hi is None:
        return None
    lo = lo if lo is not None else hi
    hi = hi if hi is not None else lo
    if lo == -1 or hi == -1:
        return 0, 65535
    return lo, hi  # type: ignore[return-value]


def _ingress_entries(res: Res) -> Iterable[tuple[str, Any, Any, Any, list[Any]]]:
    """(label, protocol, fromPort, toPort, source CIDRs) for every ingress the resource opens."""
    if res.type in ("aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"):
        for i, rule in enumerate(as_list(res.get("ingress"))):
            if rule is UNKNOWN:
                continue
            sources = [*as_list(get(rule, "cidrBlocks")), *as_list(get(rule, "ipv6CidrBlocks"))]
            yield f"ingress[{i}]", get(rule, "protocol"), get(rule, "fromPort"), get(rule, "toPort"), sources
    elif res.type == "aws:ec2/securityGroupRule:SecurityGroupRule":
        if res.get("type") == "ingress":
            sources = [*as_list(res.get("cidrBlocks")), *as_list(res.get("ipv6CidrBlocks"))]
            yield "rule", res.get("protocol"), res.get("fromPort"), res.get("toPort"), sources
    elif res.type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        sources = [res.get("cidrIpv4"), res.get("cidrIpv6")]
        yield "rule", res.get("ipProtocol"), res.get("fromPort"), res.get("toPort"), sources


def check_security_group_ingress(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    restricted = [int(p) for p in cfg["restrictedPorts"]]
    for label, protocol, from_port, to_port, sources in _ingress_entries(res):
        if UNKNOWN in (protocol, from_port, to_port):
            continue
        open_sources = [s for s in sources if is_internet_cidr(s)]
        span = _rule_ports(protocol, from_port, to_port)
        if not open_sources or span is None:
            continue
        exposed = [p for p in restricted if span[0] <= p <= span[1]]
        if exposed:
            what = "all ports" if span == (0, 65535) else f"ports {span[0]}-{span[1]}"
            yield f"{label} opens {what} to {open_sources}, exposing {exposed} to the internet"


# -- Route 53 and CloudFront ------------------------------------------------------------

def check_failover_health_check(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    policies = res.get("failoverRoutingPolicies")
    if policies is UNKNOWN:
        return
    for policy in as_list(policies):
        role = get(policy, "type")
        if not isinstance(role, str) or role.upper() not in [r.upper() for r in cfg["requireOn"]]:
            continue
        health_check = res.get("healthCheckId")
        if health_check is not UNKNOWN and not health_check:
            yield (f"{role} failover record has no healthCheckId; without one Route 53 never fails over "
                   f"(or fails back)")


def check_cloudfront_https(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    allowed = ("redirect-to-https", "https-only")
    behaviors = [("defaultCacheBehavior", res.get("defaultCacheBehavior"))]
    behaviors += [(f"orderedCacheBehaviors[{i}]", b) for i, b in enumerate(as_list(res.get("orderedCacheBehaviors")))]
    for label, behavior in behaviors:
        policy = get(behavior, "viewerProtocolPolicy")
        if policy is not UNKNOWN and behavior is not None and policy not in allowed:
            yield f"{label}.viewerProtocolPolicy is {policy!r}; use redirect-to-https or https-only"
    cert = res.get("viewerCertificate", default={})
    if cert is not UNKNOWN:
        minimum = get(cert, "minimumProtocolVersion")
        if truthy(get(cert, "cloudfrontDefaultCertificate")):
            yield "the default *.cloudfront.net certificate allows TLSv1; use an ACM certificate with TLSv1.2_2021"
        elif minimum is not UNKNOWN and not (isinstance(minimum, str) and minimum.startswith(("TLSv1.2", "TLSv1.3"))):
            yield f"viewerCertificate.minimumProtocolVersion is {minimum!r}; use TLSv1.2_2021 or newer"
    for i, origin in enumerate(as_list(res.get("origins"))):
        custom = get(origin, "customOriginConfig")
        if custom is None or custom is UNKNOWN:
            continue  # S3 origins are reached over HTTPS with OAC
        policy = get(custom, "originProtocolPolicy")
        if policy is not UNKNOWN and policy != "https-only":
            yield f"origins[{i}].customOriginConfig.originProtocolPolicy is {policy!r}; use https-only"
        protocols = get(custom, "originSslProtocols", default=[])
        if protocols is not UNKNOWN:
            weak = [p for p in as_list(protocols) if p != "TLSv1.2"]
            if weak or not as_list(protocols):
                yield f"origins[{i}].customOriginConfig.originSslProtocols is {as_list(protocols)}; use ['TLSv1.2'] only"


def check_cloudfront_waf(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    acl = res.get("webAclId")
    if acl is not UNKNOWN and not acl:
        yield "no WAF web ACL (webAclId) in front of the distribution"


# -- the rules -----------------------------------------------------------------------------

S3_PUBLIC_ACCESS_BLOCK = ResourceRule(
    name="s3-public-access-block",
    description="S3 public access blocks set all four flags",
    check=check_public_access_block,
    resource_types=(PAB_TYPE,),
    checkov=("CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"),
    severity=Severity.CRITICAL,
    enforcement=MANDATORY,
    remediation="Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
    tags=["aws", "s3"],
)

S3_ENCRYPTION = ResourceRule(
    name="s3-encryption",
    description="S3 buckets encrypt objects by default with an allowed algorithm",
    check=check_bucket_encryption,
    resource_types=SSE_TYPES,
    checkov=("CKV_AWS_19",),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Give the bucket's BucketServerSideEncryptionConfiguration a rule with sseAlgorithm aws:kms "
                "(and bucketKeyEnabled) or AES256.",
    config={"allowedAlgorithms": string_list(["aws:kms", "aws:kms:dsse", "AES256"],
                                             "Accepted default-encryption algorithms.")},
    tags=["aws", "s3"],
)

S3_TLS_ONLY = ResourceRule(
    name="s3-tls-only-policy",
    description="S3 bucket policies deny requests that do not use TLS",
    check=check_bucket_policy_tls,
    resource_types=(BUCKET_POLICY_TYPE,),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Add a statement {Effect: Deny, Principal: *, Action: s3:*, Resource: [bucket, bucket/*], "
                "Condition: {Bool: {aws:SecureTransport: false}}} to the bucket policy.",
    tags=["aws", "s3"],
)

EKS_ENDPOINT = ResourceRule(
    name="eks-endpoint-access",
    description="The EKS API endpoint is private, or public only to listed CIDRs and never 0.0.0.0/0",
    check=check_eks_endpoint,
    resource_types=("aws:eks/cluster:Cluster",),
    checkov=("CKV_AWS_38", "CKV_AWS_39"),
    severity=Severity.CRITICAL,
    enforcement=MANDATORY,
    remediation="Keep twincloud:eks.endpointPublicAccess false, or list office/VPN CIDRs in publicAccessCidrs.",
    tags=["aws", "eks"],
)

EKS_SECRETS_ENCRYPTION = ResourceRule(
    name="eks-secrets-encryption",
    description="EKS envelope-encrypts Kubernetes secrets with a KMS key",
    check=check_eks_secrets_encryption,
    resource_types=("aws:eks/cluster:Cluster",),
    checkov=("CKV_AWS_58",),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set encryptionConfig with resources [secrets] and provider.keyArn of a rotating KMS key.",
    tags=["aws", "eks"],
)

EKS_LOGGING = ResourceRule(
    name="eks-control-plane-logging",
    description="EKS sends all control-plane log types to CloudWatch",
    check=check_eks_logging,
    resource_types=("aws:eks/cluster:Cluster",),
    checkov=("CKV_AWS_37",),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Set enabledClusterLogTypes to api, audit, authenticator, controllerManager and scheduler.",
    config={"requiredLogTypes": string_list(EKS_LOG_TYPES, "Control-plane log types that must be enabled.")},
    tags=["aws", "eks", "logging"],
)

ECR_IMMUTABLE = ResourceRule(
    name="ecr-immutable-tags",
    description="ECR repositories have immutable image tags",
    check=check_ecr_immutable,
    resource_types=("aws:ecr/repository:Repository",),
    checkov=("CKV_AWS_51",),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set imageTagMutability to IMMUTABLE.",
    config={"allowedMutability": string_list(["IMMUTABLE"], "Accepted imageTagMutability values.")},
    tags=["aws", "ecr", "supply-chain"],
)

ECR_SCAN = ResourceRule(
    name="ecr-scan-on-push",
    description="ECR repositories scan every pushed image",
    check=check_ecr_scan,
    resource_types=("aws:ecr/repository:Repository",),
    checkov=("CKV_AWS_163",),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Set imageScanningConfiguration.scanOnPush to true.",
    tags=["aws", "ecr", "supply-chain"],
)

ELASTICACHE_ENCRYPTION = ResourceRule(
    name="elasticache-encryption",
    description="ElastiCache replication groups encrypt at rest and in transit and require AUTH",
    check=check_elasticache_encryption,
    resource_types=("aws:elasticache/replicationGroup:ReplicationGroup",),
    checkov=("CKV_AWS_29", "CKV_AWS_30", "CKV_AWS_31"),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set atRestEncryptionEnabled and transitEncryptionEnabled to true and authToken to a "
                "pulumi_random password (a secret).",
    tags=["aws", "elasticache"],
)

ELASTICACHE_MULTI_AZ = ResourceRule(
    name="elasticache-multi-az",
    description="ElastiCache replication groups fail over automatically across AZs in production",
    check=check_elasticache_multi_az,
    resource_types=("aws:elasticache/replicationGroup:ReplicationGroup",),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="In prod set automaticFailoverEnabled and multiAzEnabled to true with numCacheClusters >= 2.",
    config={"environments": environments_schema(["prod"], "Multi-AZ failover is required")},
    tags=["aws", "elasticache", "availability"],
)

SECURITY_GROUP_INGRESS = ResourceRule(
    name="security-group-ingress",
    description="Security groups open no admin or database port to the internet",
    check=check_security_group_ingress,
    resource_types=("aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
                    "aws:ec2/securityGroupRule:SecurityGroupRule",
                    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
    checkov=("CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_277"),
    severity=Severity.CRITICAL,
    enforcement=MANDATORY,
    remediation="Allow the port from a security group (referencedSecurityGroupId) or the VPC CIDR instead of "
                "0.0.0.0/0 / ::/0; reach hosts through SSM Session Manager, not SSH.",
    config={"restrictedPorts": _ports_schema(DEFAULT_RESTRICTED_PORTS)},
    tags=["aws", "network"],
)

ROUTE53_FAILOVER_HEALTH_CHECK = ResourceRule(
    name="route53-failover-health-check",
    description="Route 53 failover records carry a health check",
    check=check_failover_health_check,
    resource_types=("aws:route53/record:Record",),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Create an aws.route53.HealthCheck for the record's endpoint and pass its id as healthCheckId.",
    config={"requireOn": string_list(["PRIMARY", "SECONDARY"],
                                     "Failover roles (PRIMARY/SECONDARY) that need a health check.")},
    tags=["aws", "dr", "availability"],
)

CLOUDFRONT_HTTPS = ResourceRule(
    name="cloudfront-https",
    description="CloudFront serves viewers HTTPS only (TLS 1.2+) and reaches custom origins over HTTPS with TLS 1.2",
    check=check_cloudfront_https,
    resource_types=("aws:cloudfront/distribution:Distribution",),
    checkov=("CKV_AWS_34", "CKV_AWS_174"),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Use viewerProtocolPolicy redirect-to-https, an ACM certificate with minimumProtocolVersion "
                "TLSv1.2_2021, and customOriginConfig {originProtocolPolicy: https-only, originSslProtocols: [TLSv1.2]}.",
    tags=["aws", "cloudfront", "dr"],
)

CLOUDFRONT_WAF = ResourceRule(
    name="cloudfront-waf",
    description="CloudFront distributions sit behind a WAF web ACL",
    check=check_cloudfront_waf,
    resource_types=("aws:cloudfront/distribution:Distribution",),
    checkov=("CKV_AWS_68",),
    severity=Severity.LOW,
    enforcement=ADVISORY,
    remediation="Attach an AWS WAFv2 web ACL (scope CLOUDFRONT, us-east-1) with the AWS managed common rule set.",
    tags=["aws", "cloudfront"],
)

POLICIES = [
    S3_PUBLIC_ACCESS_BLOCK, S3_ENCRYPTION, S3_TLS_ONLY,
    EKS_ENDPOINT, EKS_SECRETS_ENCRYPTION, EKS_LOGGING,
    ECR_IMMUTABLE, ECR_SCAN,
    ELASTICACHE_ENCRYPTION, ELASTICACHE_MULTI_AZ,
    SECURITY_GROUP_INGRESS,
    ROUTE53_FAILOVER_HEALTH_CHECK, CLOUDFRONT_HTTPS, CLOUDFRONT_WAF,
]
