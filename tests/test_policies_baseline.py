"""The shapes issue 13 found the pack missing: each rule is shown quiet on the shipped
plans and firing on a real planned resource (from the dev/prod offline plan) with one field
changed, run through the real pack's validator (tools.policy_eval)."""

from __future__ import annotations

import json

import pytest

from tests.policy_support import DELETE, messages, replaced, violations, with_value
from tests.support import plan, policy_json

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


BASELINE_MANDATORY = ["ecr-kms-encryption", "key-vault-firewall-deny", "acr-anonymous-pull-disabled",
                      "azure-redis-private", "azure-managed-redis-private", "iam-role-trust-no-wildcard",
                      "iam-no-wildcard-grants", "eks-node-group-ssh-restricted", "kms-key-policy",
                      "cloudwatch-log-group-baseline", "prod-azure-redis-zone-redundant",
                      "route53-detection-within-rto", "prod-nat-per-az", "s3-bucket-companions",
                      "launch-template-imdsv2-only", "karpenter-nodeclass-imdsv2-only", "node-metadata-hop-limit"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_stacks_pass_every_baseline_rule(stack):
    bad = [(v["policy"], v["message"]) for v in plan(stack, policies=True).violations
           if v["policy"] in BASELINE_MANDATORY]
    assert bad == []


# -- IAM -------------------------------------------------------------------------------------

def _doc(resource, key):
    return policy_json(resource.inputs[key])


def test_role_trusting_any_aws_principal_is_reported(prod_plan):
    role = prod_plan.one(ROLE, "twincloud-prod-loki-chunks-role")
    doc = _doc(role, "assumeRolePolicy")
    doc["Statement"][0]["Principal"] = {"AWS": "*"}
    found = messages([with_value(role, ("assumeRolePolicy",), json.dumps(doc))], "iam-role-trust-no-wildcard")
    assert found == ["the trust policy lets any AWS principal ('*') assume the role; name the service or the "
                     "role/account ARNs that may assume it"]


@pytest.mark.parametrize("action", ["*", "s3:*"])
def test_inline_policy_granting_a_wildcard_on_every_resource_is_reported(prod_plan, action):
    policy = prod_plan.one(ROLE_POLICY, "twincloud-prod-loki-chunks-access")
    doc = _doc(policy, "policy")
    doc["Statement"][0].update(Action=action, Resource="*")
    found = messages([with_value(policy, ("policy",), json.dumps(doc))], "iam-no-wildcard-grants")
    assert found == [f"policy grants {action!r} on '*'; name the actions and the resources (bucket ARNs) the "
                     "workload needs"]


def test_scoped_s3_actions_pass(prod_plan):
    assert messages([prod_plan.one(ROLE_POLICY, "twincloud-prod-loki-chunks-access")], "iam-no-wildcard-grants") == []


# -- EKS, ECR, KMS, logs ----------------------------------------------------------------------

def test_node_group_with_ssh_and_no_source_restriction_is_reported(prod_plan):
    group = prod_plan.one("aws:eks/nodeGroup:NodeGroup", "twincloud-prod-eks-system")
    found = messages([with_value(group, ("remoteAccess",), {"ec2SshKey": "ops"})], "eks-node-group-ssh-restricted")
    assert len(found) == 1 and "opens port 22 to 0.0.0.0/0" in found[0]


def test_node_group_ssh_limited_to_a_security_group_passes(prod_plan):
    group = prod_plan.one("aws:eks/nodeGroup:NodeGroup", "twincloud-prod-eks-system")
    access = {"ec2SshKey": "ops", "sourceSecurityGroupIds": ["sg-0123456789abcdef0"]}
    assert messages([with_value(group, ("remoteAccess",), access)], "eks-node-group-ssh-restricted") == []


def test_ecr_repository_without_kms_is_reported(prod_plan):
    repo = prod_plan.one("aws:ecr/repository:Repository", "twincloud-prod-ecr-api")
    mutated = with_value(repo, ("encryptionConfigurations", 0, "encryptionType"), "AES256")
    assert messages([mutated], "ecr-kms-encryption") == [
        "encryptionConfigurations.0.encryptionType is 'AES256'; set it to 'KMS'"]


def test_kms_key_without_a_policy_is_reported(prod_plan):
    key = prod_plan.one("aws:kms/key:Key", "twincloud-prod-ecr-images")
    assert len(messages([with_value(key, ("policy",), DELETE)], "kms-key-policy")) == 1


def test_log_group_without_key_or_with_short_retention_is_reported(prod_plan):
    group = prod_plan.one("aws:cloudwatch/logGroup:LogGroup", "twincloud-prod-net-flow-logs")
    mutated = with_value(with_value(group, ("kmsKeyId",), DELETE), ("retentionInDays",), 90)
    found = messages([mutated], "cloudwatch-log-group-baseline")
    assert found[0] == "kmsKeyId is unset: log events are not encrypted with our key"
    assert found[1].startswith("retentionInDays is 90; keep logs at least 365 days")


# -- S3 versioning and NAT per AZ (stack rules, on the whole prod plan) -------------------------

def test_prod_bucket_with_versioning_suspended_is_reported(prod_plan):
    versioning = prod_plan.one("aws:s3/bucketVersioning:BucketVersioning", "twincloud-prod-loki-chunks-versioning")
    mutated = with_value(versioning, ("versioningConfiguration", "status"), "Suspended")
    found = messages(replaced(prod_plan, (versioning, mutated)), "s3-bucket-companions")
    assert found == ["prod: bucket twincloud-prod-loki-chunks has no BucketVersioning with status Enabled"]


def test_prod_with_fewer_nat_gateways_than_azs_is_reported(prod_plan):
    nat = prod_plan.one("aws:ec2/natGateway:NatGateway", "twincloud-prod-net-nat-2")
    found = messages(replaced(prod_plan, (nat, None)), "prod-nat-per-az")
    assert len(found) == 1 and "has no NAT gateway in ['eu-west-1c']" in found[0]


def test_detection_time_above_the_rto_target_is_reported(prod_plan):
    check = next(r for r in prod_plan.of_type("aws:route53/healthCheck:HealthCheck") if r.name.endswith("-primary"))
    mutated = with_value(check, ("requestInterval",), 30)
    found = messages(replaced(prod_plan, (check, mutated)), "route53-detection-within-rto")
    assert found == ["failover takes up to 150 s (30 s x 3 failures + 60 s TTL), above the 120 s RTO target; "
                     "lower twincloud:dr.healthCheck.requestInterval or failureThreshold"]


# -- Azure ---------------------------------------------------------------------------------------

def test_key_vault_firewall_defaulting_to_allow_is_reported(prod_plan):
    vault = prod_plan.one("azure-native:keyvault:Vault")
    mutated = with_value(vault, ("properties", "networkAcls", "defaultAction"), "Allow")
    assert messages([mutated], "key-vault-firewall-deny") == [
        "properties.networkAcls.defaultAction is 'Allow'; set it to 'Deny'"]


def test_acr_anonymous_pull_is_reported(prod_plan):
    registry = prod_plan.one("azure-native:containerregistry:Registry")
    assert messages([with_value(registry, ("anonymousPullEnabled",), True)], "acr-anonymous-pull-disabled") == [
        "anonymousPullEnabled is True; set it to False"]


def test_managed_redis_with_public_network_access_is_reported(prod_plan):
    cache = prod_plan.one("azure-native:redisenterprise:RedisEnterprise")
    assert messages([with_value(cache, ("publicNetworkAccess",), "Enabled")], "azure-managed-redis-private") == [
        "publicNetworkAccess is 'Enabled'; set it to 'Disabled'"]


def test_prod_managed_redis_without_zone_redundancy_is_reported(prod_plan):
    cache = prod_plan.one("azure-native:redisenterprise:RedisEnterprise")
    found = messages([with_value(cache, ("highAvailability",), "Disabled")], "prod-azure-redis-zone-redundant")
    assert len(found) == 1 and found[0].startswith("prod: highAvailability is Disabled")


# Azure Cache for Redis (the component kept for tenants that still have it; prod plans Managed Redis).
@pytest.fixture(scope="module")
def prod_cache():
    from components.azure.redis import AzureRedisCache, AzureRedisCacheArgs
    from tests.policy_support import declare

    resources = declare(lambda: AzureRedisCache("twincloud-unit-redis", AzureRedisCacheArgs(
        resource_group_name="rg", location="westeurope", sku="Premium", zones=["1", "2", "3"])), env="prod")
    return next(r for r in resources if r.type == "azure-native:redis:Redis")


def test_azure_cache_for_redis_private_and_zonal_passes(prod_cache):
    assert messages([prod_cache], "azure-redis-private") == []
    assert messages([prod_cache], "prod-azure-redis-zone-redundant") == []


def test_azure_cache_for_redis_with_public_network_access_is_reported(prod_cache):
    assert messages([with_value(prod_cache, ("publicNetworkAccess",), "Enabled")], "azure-redis-private") == [
        "publicNetworkAccess is 'Enabled'; set it to 'Disabled'"]


def test_prod_azure_cache_for_redis_without_zones_is_reported(prod_cache):
    found = messages([with_value(prod_cache, ("zones",), DELETE)], "prod-azure-redis-zone-redundant")
    assert found == ["prod: the cache runs in 0 availability zone(s); list at least two zones"]


def test_detection_time_is_judged_against_the_rto_tagged_on_the_health_check(prod_plan):
    check = next(r for r in prod_plan.of_type("aws:route53/healthCheck:HealthCheck") if r.name.endswith("-primary"))
    assert check.inputs["tags"]["twincloud.io/rto-target-seconds"] == "120"  # twincloud:dr.rtoTargetSeconds
    relaxed = with_value(with_value(check, ("requestInterval",), 30), ("tags", "twincloud.io/rto-target-seconds"),
                         "300")
    assert messages(replaced(prod_plan, (check, relaxed)), "route53-detection-within-rto") == []


def test_cloudfront_geo_restriction_comes_from_config():
    restrictions = plan("prod", "twincloud:dr.geoRestriction.restrictionType=whitelist",
                        "twincloud:dr.geoRestriction.locations=[DE,FR]").one(
        "aws:cloudfront/distribution:Distribution").inputs["restrictions"]
    assert restrictions == {"geoRestriction": {"restrictionType": "whitelist", "locations": ["DE", "FR"]}}


def test_documented_choices_stay_visible_as_advisories(prod_plan):
    advisories = {v["policy"] for v in plan("prod", policies=True).violations if v["level"] == "advisory"}
    assert {"s3-access-logging-and-replication", "cloudfront-geo-restriction-and-failover", "acr-quarantine",
            "storage-account-geo-replication"} <= advisories
