"""AWS facts: managed policies, EKS access policies, service principals, hosted zone ids and
CloudFront managed policy ids, each with the source it was checked against."""

from __future__ import annotations

import functools

from components.facts import Fact

_EKS_GUIDE = "awsdocs/amazon-eks-user-guide@4d52b4d05e34"
_CF_GUIDE = "awsdocs/amazon-cloudfront-developer-guide@1c964d49c912"
_PULUMI_AWS = "pulumi_aws 7.51.1 (installed SDK)"
_SNS_SSE_SOURCES = (
    "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services "
    "(\"Use a customer managed key\"; statement with Principal.Service <service>.amazonaws.com, Action "
    "kms:GenerateDataKey* and kms:Decrypt; CloudWatch is in its event-source table)")

# Managed policy name (under arn:<partition>:iam::aws:policy/) -> what attaches it.
MANAGED_POLICIES: dict[str, Fact] = {
    "AmazonEKSClusterPolicy": Fact(
        "EKS cluster role",
        f"{_EKS_GUIDE} latest/ug/security/iam-reference/security-iam-awsmanpol.adoc:37-51 "
        "(includes `kms`: read a key, required for secrets encryption)"),
    "AmazonEKSWorkerNodePolicy": Fact(
        "EKS node role", f"{_EKS_GUIDE} latest/ug/security/iam-reference/security-iam-awsmanpol.adoc:255"),
    "AmazonEKS_CNI_Policy": Fact(
        "EKS node role (VPC CNI)", f"{_EKS_GUIDE} latest/ug/security/iam-reference/security-iam-awsmanpol.adoc:22"),
    "AmazonEC2ContainerRegistryReadOnly": Fact(
        "EKS node role (ECR pulls)",
        f"{_EKS_GUIDE} latest/ug/networking/eks-networking-add-ons.adoc:1110 (node role policy); the guide's "
        "create-node-role.adoc:20 now suggests the narrower AmazonEC2ContainerRegistryPullOnly"),
    "AmazonEC2ContainerRegistryPullOnly": Fact(
        "Karpenter node role (ECR pulls)",
        "aws/karpenter-provider-aws@1d927085dd81 website/content/en/v1.14/getting-started/"
        "getting-started-with-karpenter/cloudformation.yaml KarpenterNodeRole; "
        f"{_EKS_GUIDE} latest/ug/security/iam-reference/create-node-role.adoc:20"),
    "service-role/AmazonEBSCSIDriverPolicy": Fact(
        "EBS CSI driver role", f"{_EKS_GUIDE} latest/ug/storage/ebs-csi.adoc:94"),
}

# EKS access policy name (under arn:<partition>:eks::aws:cluster-access-policy/) -> the scope the
# guide says it is typically associated at. The ARN is `{arn-aws}eks::aws:cluster-access-policy/<name>`
# (attributes.txt: arn-aws is the partition's `arn:<partition>:`).
_ACCESS_POLICY_REF = f"{_EKS_GUIDE} latest/ug/manage-access/k8s-access/access-policy-reference.adoc"
EKS_ACCESS_POLICIES: dict[str, Fact] = {
    "AmazonEKSClusterAdminPolicy": Fact(
        "cluster", f"{_ACCESS_POLICY_REF}:122-127 (\"its access scope is typically the cluster\")"),
    "AmazonEKSAdminViewPolicy": Fact(
        "cluster (read-only, Secrets included: Helm keeps release state in Secrets)",
        f"{_ACCESS_POLICY_REF}:150-165 (get, list, watch on every resource; \"this includes Kubernetes Secrets\")"),
    "AmazonEKSAdminPolicy": Fact(
        "namespace", f"{_ACCESS_POLICY_REF}:17-22 (\"its access scope is typically one or more Kubernetes "
                     "namespaces\"; cluster-wide administrators get AmazonEKSClusterAdminPolicy instead)"),
    "AmazonEKSEditPolicy": Fact(
        "namespace", f"{_ACCESS_POLICY_REF}:170-176 (edit most Kubernetes resources)"),
    "AmazonEKSViewPolicy": Fact(
        "namespace or cluster", f"{_ACCESS_POLICY_REF}:267-272 (view most Kubernetes resources; Secrets are "
                                "not in its rules)"),
}

# EKS access entries and their access scopes (components/aws/access_entries.py).
_GRANT_ACCESS = f"{_EKS_GUIDE} latest/ug/manage-access/k8s-access/grant-k8s-access.adoc"
EKS_ACCESS_ENTRIES: dict[str, Fact] = {
    "scope_types": Fact(("cluster", "namespace"), "botocore (pinned) eks AccessScopeType enum; "
                        f"{_GRANT_ACCESS}:475-478 (type=cluster, or type=namespace,namespaces=...)"),
    "namespace_wildcard": Fact("a namespace name may end in `*` (`dev-*`: every namespace starting dev-); EKS "
                               "does not check that the namespaces exist", f"{_GRANT_ACCESS}:401"),
    "one_entry_per_principal": Fact("a principal ARN is in at most one access entry; each associated access "
                                    "policy has its own scope",
                                    "botocore (pinned) eks CreateAccessEntryRequest.principalArn documentation; "
                                    f"{_GRANT_ACCESS}:478"),
    "no_sts_sessions": Fact("STANDARD entries take IAM users and roles; STS session principals "
                            "(assumed-role ARNs) cannot be used",
                            "botocore (pinned) eks CreateAccessEntryRequest.principalArn documentation"),
}

# VPC endpoints (components/aws/vpc_endpoints.py): the AWS services and how their endpoint
# service names are formed.
_PRIVATELINK = ("https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html "
                "(service names com.amazonaws.<region>.<service>)")
_CN_PRIVATELINK = ("https://docs.amazonaws.cn/vpc/latest/privatelink/aws-services-cross-region-privatelink-"
                   "support.md (China: cn.com.amazonaws.<region>.ecr.api, .ecr.dkr, .s3; but com.amazonaws."
                   "<region>.kms, so the China prefix is per service)")
VPC_ENDPOINT_SERVICES: dict[str, Fact] = {
    "s3": Fact("Gateway", "botocore (pinned) ec2 VpcEndpointType enum (Gateway, Interface, ...); "
               "https://docs.aws.amazon.com/prescriptive-guidance/latest/aws-startup-security-baseline/wkld-12.html "
               "(\"Amazon S3 supports both interface and gateway endpoints. Gateway endpoints ... come at no "
               f"additional charge\"); {_CN_PRIVATELINK}"),
    "ecr.api": Fact("Interface", "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html "
                    "(ECR API calls; the endpoints' security group must allow 443 from the private subnets; "
                    "images layers come from S3 through the gateway endpoint); https://docs.aws.amazon.com/"
                    f"general/latest/gr/ecr.html (PrivateLink needs the api.ecr endpoint); {_CN_PRIVATELINK}"),
    "ecr.dkr": Fact("Interface", "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html "
                    f"(Docker registry API: image pulls and pushes); {_CN_PRIVATELINK}"),
    "sts": Fact("Interface", f"{_PRIVATELINK}; the China service name is unverified (not in the China page read)"),
    "logs": Fact("Interface", f"{_PRIVATELINK}; public CloudFormation templates in the index use "
                 "com.amazonaws.${AWS::Region}.logs; the China service name is unverified"),
}
VPC_ENDPOINTS: dict[str, Fact] = {
    "service_name": Fact(
        "{reverse_dns_prefix}.{region}.{service}",
        f"{_PULUMI_AWS} pulumi_aws/get_service.py:161 (reverse_dns_prefix: com.amazonaws in AWS Commercial, "
        f"cn.com.amazonaws in AWS China: the partition's DNS suffix reversed); {_PRIVATELINK}"),
    "ecr_layer_bucket": Fact(
        "arn:{partition}:s3:::prod-{region}-starport-layer-bucket/*",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html, read as its source "
        "awsdocs/amazon-ecr-user-guide@1e8d7c3ff787 doc_source/vpc-endpoints.md \"Minimum Amazon S3 Bucket "
        "Permissions for Amazon ECR\" (s3:GetObject on arn:aws:s3:::prod-region-starport-layer-bucket/*); the "
        "partition other than aws is unverified"),
    # registry.k8s.io (metrics-server, kube-state-metrics) answers a pull from an AWS address with a
    # redirect to an S3 bucket of the Kubernetes project in the caller's region; fetched anonymously
    # through the S3 gateway endpoint, so an own-account-only policy refuses it (403).
    "registry_k8s_io_layer_bucket": Fact(
        {"default": "prod-registry-k8s-io-{region}", "eu-west-2": "767373bbdcb8270361b96548387bf2a9ad0d48758c35-eu-west-2"},
        "kubernetes/registry.k8s.io@1428279cf3a7 cmd/archeio/app/buckets.go awsRegionToS3URL (eu-west-1 -> "
        "https://prod-registry-k8s-io-eu-west-1.s3.dualstack.eu-west-1.amazonaws.com, eu-central-1 -> "
        "prod-registry-k8s-io-eu-central-1); a later stored version of the same function (awsRegionToHostURL, "
        "commit not identified) keeps prod-registry-k8s-io-<region> for every region with its own bucket except "
        "eu-west-2 (the hashed name above); the 403 through a VPC endpoint policy: "
        "prometheus-community/helm-charts#2421, kubernetes/k8s.io#4214. AWS partition only (China regions are "
        "sent to a bucket in ap-east-1, which no gateway endpoint in China reaches)"),
    "principal_account_breaks_layers": Fact(
        "an S3 gateway endpoint policy that allows only aws:PrincipalAccount = <account> makes ECR image pulls "
        "fail with 403: layers are fetched from the AWS-owned starport bucket",
        "https://dev.to/aws-builders/demystifying-an-interesting-relation-between-ecr-and-s3-53co (an "
        "operator's post-mortem, not an AWS page)"),
    "private_dns_needs_vpc_dns": Fact(
        "private DNS for interface endpoints needs enableDnsHostnames and enableDnsSupport on the VPC",
        f"{_PULUMI_AWS} pulumi_aws/ec2/vpc_endpoint.py:49 (private_dns_enabled associates a private hosted zone "
        "with the VPC); botocore (pinned) ec2 CreateVpcEndpointRequest.PrivateDnsEnabled (\"To use a private hosted "
        "zone, you must set the following VPC attributes to true: enableDnsHostnames and enableDnsSupport\"; "
        "components/aws/vpc.py sets both)"),
}

# Service principal -> the trust it appears in.
SERVICE_PRINCIPALS: dict[str, Fact] = {
    "eks.amazonaws.com": Fact(
        "EKS cluster role", f"{_EKS_GUIDE} latest/ug/security/iam-reference/cluster-iam-role.adoc:87"),
    "ec2.amazonaws.com": Fact(
        "EKS node role", f"{_EKS_GUIDE} latest/ug/security/iam-reference/create-node-role.adoc:57"),
    "pods.eks.amazonaws.com": Fact(
        "EKS Pod Identity roles (sts:AssumeRole + sts:TagSession)",
        f"{_EKS_GUIDE} latest/ug/manage-access/aws-access/service-accounts.adoc:100,169"),
    "events.amazonaws.com": Fact(
        "Karpenter interruption queue policy (EventBridge delivers)",
        "aws/karpenter-provider-aws@1d927085dd81 website/content/en/v1.14/getting-started/"
        "getting-started-with-karpenter/cloudformation.yaml KarpenterInterruptionQueuePolicy"),
    "sqs.amazonaws.com": Fact(
        "Karpenter interruption queue policy",
        "aws/karpenter-provider-aws@1d927085dd81 website/content/en/v1.14/getting-started/"
        "getting-started-with-karpenter/cloudformation.yaml KarpenterInterruptionQueuePolicy"),
    "vpc-flow-logs.amazonaws.com": Fact(
        "VPC flow log delivery role", f"{_PULUMI_AWS} pulumi_aws/ec2/flow_log.py:663 (documented example)"),
    "logging.s3.amazonaws.com": Fact(
        "S3 server access log delivery (bucket policy on the log bucket)",
        "awsdocs/amazon-s3-userguide@0009290dee01ae2dd84aa996c8b6756e96a21457:doc_source/"
        "enable-server-access-logging.md (Grant permissions to the logging service principal)"),
    "codebuild.amazonaws.com": Fact(
        "CodeBuild project service role (the in-network deploy runner)",
        "https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html"),
    "s3.amazonaws.com": Fact(
        "S3 replication role (state backend)",
        f"{_PULUMI_AWS} pulumi_aws/s3/bucket_replication_config.py:228 (documented example)"),
    "cloudwatch.amazonaws.com": Fact(
        "CloudWatch alarms publishing to a KMS-encrypted SNS topic: kms:GenerateDataKey* + kms:Decrypt in the "
        "key policy of a customer managed key (the AWS managed aws/sns key cannot be used)",
        _SNS_SSE_SOURCES),
}

# Route 53 hosted zone ids for alias records.
HOSTED_ZONES: dict[str, Fact] = {
    "cloudfront": Fact(
        "Z2FDTNDATAQYW2",
        f"{_PULUMI_AWS} pulumi_aws/cloudfront/distribution.py:482 (hosted_zone_id is an alias for "
        "Z2FDTNDATAQYW2); Route 53 API reference AliasTarget"),
}

# Application Load Balancer canonical hosted zone per region (what the ELB API returns as
# CanonicalHostedZoneId; the mocks answer with it).
_ELB_ZONES = ("https://docs.aws.amazon.com/general/latest/gr/elb.html (ALB column); checked against a copy of "
              "that table in public Go code (aws-resolver-rules-operator route53.go), not the AWS page itself")
ALB_HOSTED_ZONES: dict[str, Fact] = {region: Fact(zone, _ELB_ZONES) for region, zone in {
    "us-east-1": "Z35SXDOTRQ7X7K", "us-east-2": "Z3AADJGX6KTTL2", "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5", "ca-central-1": "ZQSVJUPU6J1EY", "eu-central-1": "Z215JYRZR1TBD5",
    "eu-west-1": "Z32O12XQLNTSW2", "eu-west-2": "ZHURV8PSTC4K8", "eu-west-3": "Z3Q77PNBQS71R4",
    "eu-north-1": "Z23TAZ6LKFMNIO", "ap-northeast-1": "Z14GRHDCWA56QT", "ap-southeast-1": "Z1LMS91P8CMLE5",
    "ap-southeast-2": "Z1GM3OXH4ZPM65", "sa-east-1": "Z2P70J7HTTTPLU",
}.items()}

# CloudFront managed policies (the same id in every account).
CLOUDFRONT_MANAGED_POLICIES: dict[str, Fact] = {
    "CachingOptimized": Fact(
        "658327ea-f89d-4fab-a63d-7e88639e58f6", f"{_CF_GUIDE} doc_source/using-managed-cache-policies.md:71"),
    "AllViewerExceptHostHeader": Fact(
        "b689b0a8-53d0-40ab-baf2-68738e2966ac",
        f"{_CF_GUIDE} doc_source/using-managed-origin-request-policies.md:81"),
    "SecurityHeadersPolicy": Fact(
        "67f7725c-6f97-4210-82d7-5512b31e9d03",
        f"{_CF_GUIDE} doc_source/using-managed-response-headers-policies.md:74"),
}

# What the platform's KMS key policies rest on (components/aws/key_policies.py).
KMS_KEY_POLICIES: dict[str, Fact] = {
    "account_admin": Fact(
        'Sid "Enable IAM User Permissions", Principal arn:<partition>:iam::<account>:root, Action kms:*, Resource *',
        "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html "
        "(Allows access to the AWS account and enables IAM policies)"),
    "logs_principal": Fact(
        "logs.<region>.amazonaws.com; kms:Encrypt*, kms:Decrypt*, kms:ReEncrypt*, kms:GenerateDataKey*, "
        "kms:Describe*; ArnEquals kms:EncryptionContext:aws:logs:arn = "
        "arn:<partition>:logs:<region>:<account>:log-group:<name>",
        "awsdocs/amazon-cloudwatch-logs-user-guide@f7d74a66ac256da354e7b6cd4c204d0381f54c34:"
        "doc_source/encrypt-log-data-kms.md (Step 2; KMS Keys and Encryption Context)"),
    "ecr_grants": Fact(
        "ECR calls DescribeKey and CreateGrant when a KMS-encrypted repository is created, GenerateDataKey on "
        "push and Decrypt on pull",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html"),
    "eks_secrets": Fact(
        "the principal calling CreateCluster needs kms:DescribeKey and kms:CreateGrant (left to IAM by the "
        "account statement); the cluster role encrypts and decrypts secrets",
        "awsdocs/amazon-eks-user-guide@05ad01b2f557cb6871ad4dbf5af8913377d1bb7d:latest/ug/security/enable-kms.adoc"),
    "ebs_node_volumes": Fact(
        "EC2 Auto Scaling's service-linked role (AWSServiceRoleForAutoScaling) has no access to customer managed "
        "keys: the key policy allows kms:Encrypt, kms:Decrypt, kms:ReEncrypt*, kms:GenerateDataKey*, "
        "kms:DescribeKey, and kms:CreateGrant with Bool kms:GrantIsForAWSResource true; Karpenter's documented "
        "key policy allows the same actions to Principal * with StringEquals kms:ViaService "
        "ec2.<region>.amazonaws.com and kms:CallerAccount (\"the approach that AWS EBS uses, which avoids "
        "adding particular roles to the KMS policy\"); KMS requires every principal named in a key policy to exist",
        "https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html "
        "(Example 1); aws/karpenter-provider-aws@bde00654cd31 (tag v1.14.1) website/content/en/docs/"
        "troubleshooting.md \"Node terminates before ready on failed encrypted EBS volume\"; botocore kms "
        "CreateKeyRequest.Policy (\"The principals in the key policy must exist and be visible to KMS\")"),
    "elasticache_cmk": Fact(
        "ElastiCache at-rest encryption accepts a symmetric customer managed key",
        "https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html; the use statement's "
        "action list and kms:ViaService for ElastiCache are unverified (they mirror the ECR statement)"),
}

# S3 server access logging (components/aws/access_log_bucket.py).
_S3_LOGGING = ("awsdocs/amazon-s3-userguide@0009290dee01ae2dd84aa996c8b6756e96a21457:doc_source/"
               "enable-server-access-logging.md")
S3_ACCESS_LOGS: dict[str, Fact] = {
    "principal": Fact("logging.s3.amazonaws.com", f"{_S3_LOGGING} (s3:PutObject with aws:SourceArn, aws:SourceAccount)"),
    "target_encryption": Fact("AES256", f"{_S3_LOGGING} (default encryption on the target bucket only with SSE-S3; "
                                        "SSE-KMS is not supported)"),
    "same_region_account": Fact("the target bucket is in the source bucket's Region and account", _S3_LOGGING),
    "no_self_logging": Fact("the target bucket should not have server access logging enabled", _S3_LOGGING),
}

# Regional service endpoints and principals: <service>.<region>.<partition DNS suffix>. The DNS
# suffix per partition comes from botocore's endpoints catalog (the pinned botocore), not a list here.
_VIA_SERVICE = ("docs.aws.amazon.com/aws-managed-policy/latest/reference/CloudWatchLogsAPIKeyAccess.html "
                "(kms:ViaService \"logs.*.amazonaws.com\": <service>.<region>.amazonaws.com)")
REGIONAL_NAMES: dict[str, Fact] = {
    "kms:ViaService": Fact("{service}.{region}.{suffix}", _VIA_SERVICE),
    "s3 endpoint": Fact("s3.{region}.{suffix}", "botocore (pinned) data/endpoints.json: hostname "
                        "{service}.{region}.{dnsSuffix}"),
    "logs service principal": Fact(
        "logs.{region}.{suffix}",
        "awsdocs/amazon-cloudwatch-logs-user-guide@f7d74a66ac256da354e7b6cd4c204d0381f54c34:doc_source/"
        "encrypt-log-data-kms.md (Step 2: Principal Service logs.region.amazonaws.com); the suffix per partition "
        f"as for kms:ViaService ({_VIA_SERVICE})"),
}

# ElastiCache (components/aws/redis.py, stacks/config/aws_data.py).
_EC_MODEL = "botocore (pinned) data/elasticache/2015-02-02/service-2.json"
_EC_SDK = f"{_PULUMI_AWS} pulumi_aws/elasticache/replication_group.py"
ELASTICACHE: dict[str, Fact] = {
    # engine -> {major.minor: parameter group family}. The family names are botocore's list; which
    # versions a family covers is read from its name (redis7: 7.x, redis6.x: 6.x, valkey8: 8.x).
    "parameter_group_families": Fact(
        {"redis": {"6.2": "redis6.x", "7.0": "redis7", "7.1": "redis7"},
         "valkey": {"7.2": "valkey7", "8.0": "valkey8", "8.1": "valkey8"}},
        f"{_EC_MODEL} CreateCacheParameterGroupMessage.CacheParameterGroupFamily (\"Valid values are: valkey8 | "
        "valkey7 | memcached1.4 | memcached1.5 | memcached1.6 | redis2.6 | redis2.8 | redis3.2 | redis4.0 | "
        "redis5.0 | redis6.x | redis7\"); redis 7.1 -> redis7 and valkey 7.2 -> valkey7 as "
        "terraform-aws-modules/terraform-aws-elasticache@v1.10.3 examples/redis-replication-group/main.tf and "
        "examples/valkey-replication-group/main.tf pair them; the other versions' families by major version are "
        "unverified"),
    "maintenance_window": Fact(
        "ddd:hh24:mi-ddd:hh24:mi (UTC), ddd in sun mon tue wed thu fri sat, at least 60 minutes",
        f"{_EC_MODEL} CreateCacheClusterMessage.PreferredMaintenanceWindow (\"The minimum maintenance window is a "
        f"60 minute period\"; example sun:23:00-mon:01:30); {_EC_SDK}:102"),
    "snapshot_window": Fact(
        "hh24:mi-hh24:mi (UTC, daily: when ElastiCache begins the daily snapshot), at least 60 minutes",
        f"{_EC_MODEL} CreateReplicationGroupMessage.SnapshotWindow (example 05:00-09:00); {_EC_SDK}:138 (\"The "
        "minimum snapshot window is a 60 minute period\")"),
    "min_window_minutes": Fact(60, f"{_EC_MODEL} PreferredMaintenanceWindow (maintenance); {_EC_SDK}:138 (snapshot)"),
    "snapshot_retention_max_days": Fact(
        35, f"{_EC_MODEL} CreateServerlessCacheRequest.SnapshotRetentionLimit (\"The maximum value allowed is 35 "
            "days\"; the node-based API's documentation states no maximum: unverified for replication groups)"),
}

# Route 53 values no library catalog carries (the health-checker regions and the failure
# threshold range come from botocore's route53 model: see ``botocore_shape``).
ROUTE53: dict[str, Fact] = {
    "alias_target_ttl_seconds": Fact(
        60, "Route 53 FAQ, \"Do I need to adjust the TTL for my records to use DNS failover?\" (as cited when "
            "the failover component was written; not re-checked here: unverified)"),
    "request_intervals": Fact(
        (10, 30), "Route 53 developer guide, health check request interval: standard 30 s or fast 10 s (not "
                  "re-checked here: unverified); botocore's route53 model bounds RequestInterval to 10-30"),
}

# Route 53 health-check metrics in CloudWatch (the failover alarm, components/aws/failover_alarm.py).
_R53_METRICS = ("https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-checks.html: "
                "\"To get Amazon Route 53 metrics using CloudWatch, you must choose US East (N. Virginia) as the "
                "region. Amazon Route 53 metrics are not available if you select any other region.\" (read as "
                "quoted by DataDog/integrations-core amazon_route53 README, which links that page)")
ROUTE53_METRICS: dict[str, Fact] = {
    "region": Fact("us-east-1", _R53_METRICS),
    "namespace": Fact("AWS/Route53", "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/"
                      "monitoring-health-checks.html (metrics and dimensions for health checks: namespace "
                      "AWS/Route53, dimension HealthCheckId)"),
    "metric": Fact("HealthCheckStatus", "Route 53 developer guide (as above) and the CloudWatch Application "
                   "Insights metric list https://docs.amazonaws.cn/en_us/AmazonCloudWatch/latest/monitoring/"
                   "appinsights-metrics-health-check.html; 1 healthy, 0 unhealthy"),
    "dimension": Fact("HealthCheckId", "Route 53 developer guide, monitoring-health-checks.html (unverified: "
                      "the page section listing dimensions was not read here)"),
}

TABLES = ("S3_ACCESS_LOGS", "KMS_KEY_POLICIES", "MANAGED_POLICIES", "EKS_ACCESS_POLICIES", "EKS_ACCESS_ENTRIES",
          "VPC_ENDPOINT_SERVICES", "VPC_ENDPOINTS", "ELASTICACHE", "SERVICE_PRINCIPALS", "HOSTED_ZONES", "ALB_HOSTED_ZONES",
          "CLOUDFRONT_MANAGED_POLICIES", "REGIONAL_NAMES", "ROUTE53",
          "ROUTE53_METRICS")


def alb_zone_id(region: str) -> str:
    """The ALB canonical hosted zone id of ``region`` (ValueError naming the table when missing)."""
    if region not in ALB_HOSTED_ZONES:
        raise ValueError(f"no ALB hosted zone id recorded for region {region!r}; add it to ALB_HOSTED_ZONES in "
                         f"components/facts/aws.py from {_ELB_ZONES.split(' ')[0]}")
    return ALB_HOSTED_ZONES[region].value


def managed_policy(name: str) -> str:
    """``name`` if it is in MANAGED_POLICIES (else KeyError: add it there with its source)."""
    MANAGED_POLICIES[name]
    return name


def service_principal(name: str) -> str:
    """``name`` if it is in SERVICE_PRINCIPALS (else KeyError: add it there with its source)."""
    SERVICE_PRINCIPALS[name]
    return name


@functools.cache
def endpoints_catalog() -> dict:
    """botocore's endpoints catalog (about 1 MB of JSON), parsed once per process."""
    import json
    from pathlib import Path

    import botocore

    return json.loads((Path(botocore.__file__).parent / "data" / "endpoints.json").read_text())


def dns_suffix(partition: str | None = None, region: str | None = None) -> str:
    """The DNS suffix of an AWS partition (``amazonaws.com``, ``amazonaws.com.cn``) from
    botocore's endpoints catalog: by partition name, or the partition whose regions match ``region``."""
    import re

    for p in endpoints_catalog()["partitions"]:
        if partition is not None and p["partition"] == partition:
            return p["dnsSuffix"]
        if partition is None and region is not None and (
                region in p.get("regions", {}) or re.match(p.get("regionRegex", "$^"), region)):
            return p["dnsSuffix"]
    raise KeyError(f"no AWS partition {partition!r} / region {region!r} in botocore's endpoints catalog")


def regional_name(kind: str, *, region: str, service: str = "", partition: str | None = None) -> str:
    """``regional_name("kms:ViaService", service="s3", region="eu-west-1")`` -> ``s3.eu-west-1.amazonaws.com``."""
    return REGIONAL_NAMES[kind].value.format(service=service, region=region,
                                             suffix=dns_suffix(partition=partition, region=region))


@functools.cache
def _model_source(service: str) -> str:
    """The text of an AWS API model as the pinned botocore ships it: ``data/<service>/<latest
    API version>/service-2.json.gz`` (read directly; ``botocore.loaders.Loader`` takes about
    three times as long, listing every service directory and merging SDK-only extras)."""
    import gzip
    from pathlib import Path

    import botocore

    versions = sorted((Path(botocore.__file__).parent / "data" / service).iterdir())
    model = versions[-1] / "service-2.json.gz"
    return gzip.open(model).read().decode() if model.exists() else model.with_suffix("").read_text()


_MODELS: dict[str, dict] = {}


def botocore_model(service: str) -> dict:
    """An AWS API model as the pinned botocore ships it, parsed once per process."""
    import json

    if service not in _MODELS:
        _MODELS[service] = json.loads(_model_source(service))
    return _MODELS[service]


def botocore_shape(service: str, shape: str) -> dict:
    """A shape of an AWS API model as the pinned botocore ships it (enums, min/max). Only that
    shape is parsed where the model's layout allows (botocore writes each shape on a line of
    its own, four spaces in, inside the top-level ``shapes``): the plan needs one enum of the
    4 MB ``ec2`` model. Otherwise, or once the whole model is parsed, it is read from that."""
    import json

    if service not in _MODELS:
        text = _model_source(service)
        start = text.find('\n  "shapes":{')
        end = text.find('\n  "', start + 1) if start >= 0 else -1
        key = f'\n    {json.dumps(shape)}:'
        at = text.find(key, start, end if end >= 0 else len(text)) if start >= 0 else -1
        if at >= 0:
            value, _ = json.JSONDecoder().raw_decode(text, at + len(key))
            if isinstance(value, dict):
                return value
    return botocore_model(service)["shapes"][shape]


def endpoint_service_name(service: str, *, region: str, partition: str | None = None) -> str:
    """The VPC endpoint service name of an AWS service in ``region``: ``com.amazonaws.eu-west-1.ecr.api``
    (the partition's DNS suffix from botocore, reversed; VPC_ENDPOINTS["service_name"])."""
    VPC_ENDPOINT_SERVICES[service]  # KeyError: add the service there with its source
    prefix = ".".join(reversed(dns_suffix(partition=partition, region=region).split(".")))
    return VPC_ENDPOINTS["service_name"].value.format(reverse_dns_prefix=prefix, region=region, service=service)


def access_policy_arn(name: str, *, partition: str) -> str:
    """``arn:<partition>:eks::aws:cluster-access-policy/<name>`` for a policy in EKS_ACCESS_POLICIES."""
    EKS_ACCESS_POLICIES[name]  # KeyError: add the policy there with its source
    return f"arn:{partition}:eks::aws:cluster-access-policy/{name}"
