"""AWS security baselines and AWS stack rules: a compliant and a violating case each, from
the real components where they exist and from raw pulumi_aws resources otherwise."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest

from components.aws.ecr import EcrRepositories, EcrRepositoriesArgs
from components.aws.eks import EksCluster, EksClusterArgs, NodeGroupSpec
from components.aws.iam import service_trust_policy
from components.aws.vpc import Vpc, VpcArgs
from tests.policy_support import PREFIX, check, declare, messages, named, violations, with_unknown
from tests.support import plan

ACCOUNT_ROLE = "arn:aws:iam::123456789012:role/"


def _shipped(stack: str, policy: str) -> list[dict]:
    return [v for v in plan(stack, policies=True).violations if v["policy"] == policy]


def tls_only_policy(arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }]})


def _bucket(name: str = "data", *, explicit_name: str | None = None, pab: bool = True, sse: str | None = "aws:kms",
            policy: bool = True, versioning: str | None = "Enabled", protect: bool = True):
    def build() -> None:
        bucket = aws.s3.Bucket(f"{PREFIX}-{name}", bucket=explicit_name, opts=pulumi.ResourceOptions(protect=protect))
        ref = explicit_name or bucket.id
        if pab:
            aws.s3.BucketPublicAccessBlock(f"{PREFIX}-{name}", bucket=ref, block_public_acls=True,
                                           block_public_policy=True, ignore_public_acls=True,
                                           restrict_public_buckets=True)
        if sse:
            aws.s3.BucketServerSideEncryptionConfiguration(f"{PREFIX}-{name}", bucket=ref, rules=[{
                "apply_server_side_encryption_by_default": {"sse_algorithm": sse}, "bucket_key_enabled": True}])
        if policy:
            aws.s3.BucketPolicy(f"{PREFIX}-{name}", bucket=ref, policy=bucket.arn.apply(tls_only_policy))
        if versioning:
            aws.s3.BucketVersioning(f"{PREFIX}-{name}", bucket=ref, versioning_configuration={"status": versioning})

    return build


# -- S3 ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def prod_bucket():
    return declare(_bucket(), env="prod")


@pytest.mark.parametrize("policy", ["s3-public-access-block", "s3-encryption", "s3-tls-only-policy",
                                    "s3-bucket-companions", "prod-stateful-protected"])
def test_complete_protected_prod_bucket_passes(prod_bucket, policy):
    assert messages(prod_bucket, policy) == []


def test_bucket_without_its_companions_is_reported():
    found = check(_bucket(pab=False, sse=None, policy=False, versioning=None), "s3-bucket-companions")
    assert found == ["bucket twincloud-unit-data has no BucketPublicAccessBlock, BucketServerSideEncryptionConfiguration, "
                     "BucketPolicy (TLS-only); with the v7 split resources each is a separate resource the bucket "
                     "component must declare"]


def test_prod_bucket_with_suspended_versioning_is_reported():
    found = check(_bucket(versioning="Suspended"), "s3-bucket-companions", env="prod")
    assert found == ["prod: bucket twincloud-unit-data has no BucketVersioning with status Enabled"]


def test_dev_bucket_may_leave_versioning_off():
    assert check(_bucket(versioning=None), "s3-bucket-companions", env="dev") == []


def test_companions_are_matched_by_explicit_bucket_name():
    assert check(_bucket(explicit_name="twincloud-unit-data-x1"), "s3-bucket-companions", env="prod") == []


def test_companions_are_matched_in_a_preview_when_the_bucket_id_is_unknown(prod_bucket):
    previewed = [with_unknown(r, "bucket") if r.type.startswith("aws:s3/bucket") and r.type != "aws:s3/bucket:Bucket"
                 else r for r in prod_bucket]
    assert messages(previewed, "s3-bucket-companions") == []


def test_public_access_block_with_a_flag_off_is_reported():
    def build():
        aws.s3.BucketPublicAccessBlock(f"{PREFIX}-pab", bucket="b", block_public_acls=True, ignore_public_acls=True,
                                       restrict_public_buckets=True)

    assert check(build, "s3-public-access-block") == [
        "public access block leaves ['blockPublicPolicy'] off; all four flags must be true"]


def test_encryption_algorithm_outside_the_allowed_list_is_reported():
    config = {"s3-encryption": {"allowedAlgorithms": ["aws:kms"]}}
    found = messages(declare(_bucket(sse="AES256")), "s3-encryption", config)
    assert found == ["default encryption algorithm 'AES256' is not allowed; use one of ['aws:kms']"]


def test_encryption_configuration_without_rules_is_reported():
    def build():
        aws.s3.BucketServerSideEncryptionConfiguration(f"{PREFIX}-sse", bucket="b", rules=[])

    assert check(build, "s3-encryption") == [
        "encryption configuration has no rules; add applyServerSideEncryptionByDefault"]


def test_bucket_policy_without_a_tls_deny_is_reported():
    def build():
        aws.s3.BucketPolicy(f"{PREFIX}-policy", bucket="b", policy=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ACCOUNT_ROLE + "reader"}, "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::b/*"}]}))

    assert check(build, "s3-tls-only-policy") == [
        "bucket policy does not deny requests with aws:SecureTransport=false; add a Deny statement for s3:* on "
        "the bucket and its objects with that condition"]


# -- prod-stateful-protected -----------------------------------------------------------------------

def test_unprotected_prod_bucket_is_reported():
    assert check(_bucket(protect=False), "prod-stateful-protected", env="prod") == [
        "prod: stateful Bucket twincloud-unit-data is not protected; pass protect=cfg.protect_stateful so "
        "`pulumi destroy` or a replace cannot delete its data"]


def test_unprotected_dev_bucket_passes():
    assert check(_bucket(protect=False), "prod-stateful-protected", env="dev") == []


def test_unprotected_prod_registry_and_key_are_reported():
    from components.aws.ecr import EcrRepositories, EcrRepositoriesArgs

    def build(protect):
        return lambda: EcrRepositories(f"{PREFIX}-ecr", EcrRepositoriesArgs(services=["api"], namespace=PREFIX,
                                                                           protect=protect))

    found = check(build(False), "prod-stateful-protected", env="prod")
    assert sorted(m.split(" is not")[0] for m in found) == [
        f"prod: stateful Key {PREFIX}-ecr-images", f"prod: stateful Repository {PREFIX}-ecr-api"]
    assert check(build(True), "prod-stateful-protected", env="prod") == []


# -- EKS ------------------------------------------------------------------------------------

@pytest.mark.parametrize("policy", ["eks-endpoint-access", "eks-secrets-encryption", "eks-control-plane-logging",
                                    "eks-node-role-policies", "ecr-immutable-tags", "ecr-scan-on-push",
                                    "security-group-ingress"])
def test_shipped_foundation_passes(policy):
    assert _shipped("dev", policy) == [] and _shipped("prod", policy) == []


def _eks(env_public: bool = True, cidrs=("0.0.0.0/0",), azs=("eu-west-1a", "eu-west-1b"), nat="single"):
    def build():
        vpc = Vpc(f"{PREFIX}-net", VpcArgs(cidr="10.30.0.0/16", availability_zones=list(azs), nat_strategy=nat))
        EksCluster(f"{PREFIX}-eks", EksClusterArgs(
            cluster_name=f"{PREFIX}-eks", version="1.33", region="eu-west-1",
            private_subnet_ids=vpc.private_subnet_ids,
            node_groups=[NodeGroupSpec(name="general", instance_types=["m6i.large"], min_size=1, max_size=3,
                                       desired_size=1)],
            endpoint_public_access=env_public, public_access_cidrs=list(cidrs)))

    return build


@pytest.fixture(scope="module")
def open_prod_cluster():
    """The real components, configured the way prod must not be: public API to the world,
    two AZs, one NAT gateway."""
    return declare(_eks(), env="prod")


def test_public_endpoint_open_to_the_internet_is_reported(open_prod_cluster):
    assert messages(open_prod_cluster, "eks-endpoint-access") == [
        "the public API endpoint allows ['0.0.0.0/0']; list office/VPN CIDRs or keep the endpoint private"]


def test_public_endpoint_limited_to_office_cidrs_passes():
    assert check(_eks(cidrs=("203.0.113.0/24",)), "eks-endpoint-access") == []


@pytest.fixture(scope="module")
def bare_cluster():
    return declare(lambda: aws.eks.Cluster(f"{PREFIX}-bare", role_arn=ACCOUNT_ROLE + "eks",
                                           vpc_config={"subnet_ids": ["subnet-1"]},
                                           enabled_cluster_log_types=["api"]))


def test_cluster_relying_on_the_public_endpoint_default_is_reported(bare_cluster):
    assert messages(bare_cluster, "eks-endpoint-access") == [
        "vpcConfig.endpointPublicAccess is unset, and EKS defaults it to true; set it to false",
        "the public API endpoint has no publicAccessCidrs, so EKS opens it to 0.0.0.0/0"]


def test_cluster_without_secrets_encryption_is_reported(bare_cluster):
    assert messages(bare_cluster, "eks-secrets-encryption") == [
        "Kubernetes secrets are not envelope-encrypted: set encryptionConfig {resources: [secrets], provider.keyArn}"]


def test_cluster_without_all_control_plane_logs_is_reported(bare_cluster):
    assert messages(bare_cluster, "eks-control-plane-logging") == [
        "control-plane log types ['audit', 'authenticator', 'controllerManager', 'scheduler'] are not enabled"]


def test_prod_node_group_in_two_azs_is_reported(open_prod_cluster):
    assert messages(open_prod_cluster, "prod-node-groups-span-azs") == [
        "prod: node group twincloud-unit-eks-general spans 2 AZ(s) ['eu-west-1a', 'eu-west-1b']; it needs at least "
        "3 to survive an AZ outage"]


def test_prod_node_groups_span_three_azs():
    assert _shipped("prod", "prod-node-groups-span-azs") == []


def test_dev_node_group_in_two_azs_passes():
    assert _shipped("dev", "prod-node-groups-span-azs") == [] and plan("dev").config["vpc"]["azCount"] == 2


def test_prod_vpc_with_one_nat_gateway_is_reported(open_prod_cluster):
    assert messages(open_prod_cluster, "prod-nat-per-az") == [
        "prod: VPC twincloud-unit-net has no NAT gateway in ['eu-west-1b']; one NAT per AZ keeps an AZ outage from "
        "cutting the other AZs off (twincloud:vpc.natStrategy: per_az)"]


def test_prod_vpc_with_a_nat_gateway_per_az_passes():
    assert _shipped("prod", "prod-nat-per-az") == []


def test_node_role_missing_managed_policies_is_reported():
    def build():
        role = aws.iam.Role(f"{PREFIX}-node", assume_role_policy=service_trust_policy("ec2.amazonaws.com"))
        aws.iam.RolePolicyAttachment(f"{PREFIX}-node-worker", role=role.name,
                                     policy_arn="arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy")
        aws.eks.NodeGroup(f"{PREFIX}-ng", cluster_name="c", node_role_arn=role.arn, subnet_ids=["subnet-1"],
                          instance_types=["m6i.large"], scaling_config={"min_size": 1, "max_size": 1, "desired_size": 1})

    assert check(build, "eks-node-role-policies") == [
        "node group twincloud-unit-ng uses role twincloud-unit-node, which lacks ['AmazonEKS_CNI_Policy', "
        "'AmazonEC2ContainerRegistryReadOnly']; nodes cannot join, run the VPC CNI or pull images without them"]


# -- Pod Identity ---------------------------------------------------------------------------

def _pod_identity(trust: str):
    def build():
        role = aws.iam.Role(f"{PREFIX}-loki", assume_role_policy=trust)
        aws.eks.PodIdentityAssociation(f"{PREFIX}-loki", cluster_name="c", namespace="monitoring",
                                       service_account="loki", role_arn=role.arn)

    return build


def test_pod_identity_role_trusting_only_eks_pods_passes():
    trust = service_trust_policy("pods.eks.amazonaws.com", ("sts:AssumeRole", "sts:TagSession"))
    assert check(_pod_identity(trust), "pod-identity-role-trust") == []


def test_pod_identity_role_trusting_more_principals_is_reported():
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": ["pods.eks.amazonaws.com", "ec2.amazonaws.com"]},
        "Action": ["sts:AssumeRole", "sts:TagSession"]}]})
    assert check(_pod_identity(trust), "pod-identity-role-trust") == [
        "Pod Identity role twincloud-unit-loki trusts ['Service:ec2.amazonaws.com'] besides pods.eks.amazonaws.com"]


def test_role_used_by_pod_identity_must_trust_eks_pods():
    found = check(_pod_identity(service_trust_policy("ec2.amazonaws.com")), "pod-identity-role-trust")
    assert found == [
        "Pod Identity role twincloud-unit-loki trusts ['Service:ec2.amazonaws.com'] besides pods.eks.amazonaws.com",
        "Pod Identity role twincloud-unit-loki does not trust pods.eks.amazonaws.com"]


def test_pod_identity_role_allowing_extra_actions_is_reported():
    trust = service_trust_policy("pods.eks.amazonaws.com", ("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"))
    assert check(_pod_identity(trust), "pod-identity-role-trust") == [
        "Pod Identity role twincloud-unit-loki allows ['sts:AssumeRoleWithWebIdentity']; Pod Identity needs only "
        "sts:AssumeRole and sts:TagSession"]


# -- ECR ------------------------------------------------------------------------------------

def test_ecr_component_repositories_are_immutable_and_scanned():
    resources = declare(lambda: EcrRepositories(f"{PREFIX}-ecr", EcrRepositoriesArgs(services=["api"],
                                                                                       namespace=PREFIX)))
    assert messages(resources, "ecr-immutable-tags") == [] and messages(resources, "ecr-scan-on-push") == []


@pytest.fixture(scope="module")
def mutable_repository():
    return declare(lambda: aws.ecr.Repository(f"{PREFIX}-repo", name="twincloud-unit/repo"))


def test_mutable_repository_is_reported(mutable_repository):
    assert messages(mutable_repository, "ecr-immutable-tags") == [
        "imageTagMutability is 'MUTABLE'; tags must be immutable so a deployed tag always means one image"]


def test_repository_without_scan_on_push_is_reported(mutable_repository):
    assert messages(mutable_repository, "ecr-scan-on-push") == [
        "imageScanningConfiguration.scanOnPush is not true; every pushed image must be scanned"]


# -- ElastiCache ------------------------------------------------------------------------------

def _redis(secure: bool):
    settings = dict(at_rest_encryption_enabled=True, transit_encryption_enabled=True,
                    auth_token=pulumi.Output.secret("a-generated-token-of-32-characters"),
                    automatic_failover_enabled=True, multi_az_enabled=True, num_cache_clusters=2) if secure else {}
    return lambda: aws.elasticache.ReplicationGroup(f"{PREFIX}-redis", description="cache",
                                                    node_type="cache.r7g.large", **settings)


@pytest.fixture(scope="module")
def insecure_prod_redis():
    return declare(_redis(secure=False), env="prod")


@pytest.mark.parametrize("policy", ["elasticache-encryption", "elasticache-multi-az"])
def test_encrypted_multi_az_prod_redis_passes(policy):
    assert check(_redis(secure=True), policy, env="prod") == []


def test_redis_without_encryption_and_auth_is_reported(insecure_prod_redis):
    assert messages(insecure_prod_redis, "elasticache-encryption") == [
        "atRestEncryptionEnabled is not true", "transitEncryptionEnabled is not true",
        "no AUTH: set authToken (a generated secret) or userGroupIds (RBAC)"]


def test_prod_redis_without_failover_is_reported(insecure_prod_redis):
    assert messages(insecure_prod_redis, "elasticache-multi-az") == [
        "prod: automaticFailoverEnabled is not true", "prod: multiAzEnabled is not true",
        "prod: no replica to fail over to (numCacheClusters >= 2 or replicasPerNodeGroup >= 1)"]


def test_dev_redis_may_run_a_single_node():
    assert check(_redis(secure=False), "elasticache-multi-az", env="dev") == []


def test_unprotected_prod_redis_is_reported(insecure_prod_redis):
    assert messages(insecure_prod_redis, "prod-stateful-protected") == [
        "prod: stateful ReplicationGroup twincloud-unit-redis is not protected; pass protect=cfg.protect_stateful so "
        "`pulumi destroy` or a replace cannot delete its data"]


# -- security groups ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def security_groups():
    def build():
        aws.ec2.SecurityGroup(f"{PREFIX}-web", vpc_id="vpc-1", ingress=[
            {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["0.0.0.0/0"]}])
        aws.ec2.SecurityGroup(f"{PREFIX}-ssh", vpc_id="vpc-1", ingress=[
            {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}])
        aws.ec2.SecurityGroup(f"{PREFIX}-db", vpc_id="vpc-1", ingress=[
            {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_blocks": ["10.30.0.0/16"]}])
        aws.ec2.SecurityGroupRule(f"{PREFIX}-pg", type="ingress", security_group_id="sg-1", protocol="tcp",
                                  from_port=5000, to_port=6000, ipv6_cidr_blocks=["::/0"])
        aws.vpc.SecurityGroupIngressRule(f"{PREFIX}-all", security_group_id="sg-1", ip_protocol="-1",
                                         cidr_ipv4="0.0.0.0/0")

    return declare(build)


def _sg_messages(resources, name, typ):
    urn = named(resources, name, typ).urn
    return [v["message"] for v in violations(resources, "security-group-ingress") if v["urn"] == urn]


def test_https_from_the_internet_is_allowed(security_groups):
    assert _sg_messages(security_groups, f"{PREFIX}-web", "aws:ec2/securityGroup:SecurityGroup") == []


def test_database_port_from_the_vpc_is_allowed(security_groups):
    assert _sg_messages(security_groups, f"{PREFIX}-db", "aws:ec2/securityGroup:SecurityGroup") == []


def test_ssh_from_the_internet_is_reported(security_groups):
    assert _sg_messages(security_groups, f"{PREFIX}-ssh", "aws:ec2/securityGroup:SecurityGroup") == [
        "ingress[0] opens ports 22-22 to ['0.0.0.0/0'], exposing [22] to the internet"]


def test_port_range_covering_databases_from_ipv6_internet_is_reported(security_groups):
    assert _sg_messages(security_groups, f"{PREFIX}-pg", "aws:ec2/securityGroupRule:SecurityGroupRule") == [
        "rule opens ports 5000-6000 to ['::/0'], exposing [5432] to the internet"]


def test_all_traffic_ingress_rule_is_reported(security_groups):
    assert _sg_messages(security_groups, f"{PREFIX}-all",
                        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") == [
        "rule opens all ports to ['0.0.0.0/0'], exposing [22, 3389, 3306, 5432, 6379] to the internet"]


# -- Route 53 and CloudFront ------------------------------------------------------------------

def _record(role: str, health_check: bool):
    def build():
        hc = aws.route53.HealthCheck(f"{PREFIX}-hc", type="HTTPS", fqdn="app.example.com", port=443,
                                     resource_path="/healthz", failure_threshold=3, request_interval=30)
        aws.route53.Record(f"{PREFIX}-{role.lower()}", zone_id="Z1", name="app.example.com", type="CNAME", ttl=60,
                           records=["origin.example.com"], set_identifier=role.lower(),
                           failover_routing_policies=[{"type": role}],
                           health_check_id=hc.id if health_check else None)

    return build


def test_failover_record_with_a_health_check_passes():
    assert check(_record("PRIMARY", health_check=True), "route53-failover-health-check") == []


def test_failover_record_without_a_health_check_is_reported():
    assert check(_record("SECONDARY", health_check=False), "route53-failover-health-check") == [
        "SECONDARY failover record has no healthCheckId; without one Route 53 never fails over (or fails back)"]


def test_plain_record_needs_no_health_check():
    build = lambda: aws.route53.Record(f"{PREFIX}-www", zone_id="Z1", name="www.example.com", type="A", ttl=60,  # noqa: E731
                                       records=["192.0.2.1"])
    assert check(build, "route53-failover-health-check") == []


def _distribution(secure: bool):
    viewer = "redirect-to-https" if secure else "allow-all"
    origin = {"origin_protocol_policy": "https-only" if secure else "http-only", "http_port": 80, "https_port": 443,
              "origin_ssl_protocols": ["TLSv1.2"] if secure else ["TLSv1", "TLSv1.2"]}
    certificate = ({"acm_certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/x",
                    "ssl_support_method": "sni-only", "minimum_protocol_version": "TLSv1.2_2021"}
                   if secure else {"cloudfront_default_certificate": True})
    return lambda: aws.cloudfront.Distribution(
        f"{PREFIX}-cdn", enabled=True,
        origins=[{"origin_id": "azure", "domain_name": "dr.z6.web.core.windows.net", "custom_origin_config": origin}],
        default_cache_behavior={"target_origin_id": "azure", "viewer_protocol_policy": viewer,
                                "allowed_methods": ["GET", "HEAD"], "cached_methods": ["GET", "HEAD"],
                                "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
        restrictions={"geo_restriction": {"restriction_type": "none"}},
        viewer_certificate=certificate,
        web_acl_id="arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1" if secure else None)


def test_https_only_distribution_passes():
    resources = declare(_distribution(secure=True))
    assert messages(resources, "cloudfront-https") == [] and messages(resources, "cloudfront-waf") == []


@pytest.fixture(scope="module")
def plain_http_distribution():
    return declare(_distribution(secure=False))


def test_distribution_serving_http_is_reported(plain_http_distribution):
    assert messages(plain_http_distribution, "cloudfront-https") == [
        "defaultCacheBehavior.viewerProtocolPolicy is 'allow-all'; use redirect-to-https or https-only",
        "the default *.cloudfront.net certificate allows TLSv1; use an ACM certificate with TLSv1.2_2021",
        "origins[0].customOriginConfig.originProtocolPolicy is 'http-only'; use https-only",
        "origins[0].customOriginConfig.originSslProtocols is ['TLSv1', 'TLSv1.2']; use ['TLSv1.2'] only"]


def test_distribution_without_waf_is_an_advisory(plain_http_distribution):
    found = violations(plain_http_distribution, "cloudfront-waf")
    assert [(v["level"], v["message"]) for v in found] == [
        ("advisory", "no WAF web ACL (webAclId) in front of the distribution")]
