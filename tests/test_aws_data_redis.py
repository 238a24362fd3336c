"""RedisCache: the component under the mock engine, and the Redis group in the dev/prod plans."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pulumi
import pulumi_kubernetes as k8s
import pytest

from components.aws.redis import AUTH_TOKEN_SPECIALS, KubernetesSecretTarget, RedisCache, RedisCacheArgs
from tests.support import of_type, run_component
from tools.engine import Secret

GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
SUBNET_GROUP = "aws:elasticache/subnetGroup:SubnetGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
VPC_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
KEY = "aws:kms/key:Key"
PASSWORD = "random:index/randomPassword:RandomPassword"
K8S_SECRET = "kubernetes:core/v1:Secret"
COMPONENT = "twincloud:aws:RedisCache"
CLUSTER_SG = "sg-0eks0cluster0000001"
DB_SUBNETS = ["subnet-db0000000000000a", "subnet-db0000000000000b", "subnet-db0000000000000c"]
AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
ELASTICACHE_TOKEN_CHARS = set(AUTH_TOKEN_SPECIALS)  # the only specials ElastiCache accepts


def build_redis(**overrides):
    def build():
        provider = k8s.Provider("unit-k8s", kubeconfig="{}")
        RedisCache("unit-redis", RedisCacheArgs(**{
            "vpc_id": "vpc-0unit", "subnet_ids": DB_SUBNETS, "client_security_group_id": CLUSTER_SG,
            "availability_zones": AZS, "node_type": "cache.t4g.small", **overrides,
        }), opts=pulumi.ResourceOptions(providers=[provider]))
    return run_component(build)


@pytest.fixture(scope="module")
def redis_with_secret():
    return build_redis(kubernetes_secret=KubernetesSecretTarget(namespace="apps", name="redis-session"))


def only(resources, typ):
    [r] = of_type(resources, typ)
    return r


def redis_of(p):
    [component] = p.of_type(COMPONENT)
    return p.descendants_of(component.urn)


def ingress_rules(resources):
    sg = only(resources, SG)
    return [r for r in of_type(resources, SG_RULE) if r.inputs.get("type") == "ingress"], sg


# -- the plans ----------------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_plan_has_the_redis_group(stack):
    from tests.support import plan

    assert only(redis_of(plan(stack)), GROUP).inputs["engine"] == "redis"


def test_redis_admits_only_the_eks_cluster_sg_on_6379(prod_plan):
    resources = redis_of(prod_plan)
    [rule], sg = ingress_rules(resources)
    assert (rule.inputs["protocol"], rule.inputs["fromPort"], rule.inputs["toPort"]) == ("tcp", 6379, 6379)
    assert rule.inputs["sourceSecurityGroupId"].startswith("sg-")
    for key in ("cidrBlocks", "ipv6CidrBlocks", "prefixListIds", "self"):
        assert not rule.inputs.get(key)
    assert not sg.inputs.get("ingress") and not sg.inputs.get("egress")
    assert only(resources, GROUP).inputs["securityGroupIds"] == [rule.inputs["securityGroupId"]]


def test_no_other_rule_opens_the_redis_sg(prod_plan):
    resources = redis_of(prod_plan)
    [rule], _ = ingress_rules(resources)
    others = [r for r in prod_plan.of_type(SG_RULE) + prod_plan.of_type(VPC_INGRESS)
              if r.inputs.get("securityGroupId") == rule.inputs["securityGroupId"] and r.urn != rule.urn]
    assert others == []


def test_redis_encrypts_in_transit_and_at_rest_with_its_kms_key(prod_plan):
    resources = redis_of(prod_plan)
    group = only(resources, GROUP).inputs
    assert group["transitEncryptionEnabled"] is True and group["atRestEncryptionEnabled"] is True
    assert group["kmsKeyId"].startswith("arn:aws:kms:eu-west-1:")
    assert only(resources, KEY).inputs["enableKeyRotation"] is True


def test_prod_redis_fails_over_across_every_az(prod_plan):
    group = only(redis_of(prod_plan), GROUP).inputs
    assert group["automaticFailoverEnabled"] is True and group["multiAzEnabled"] is True
    assert group["numCacheClusters"] >= prod_plan.config["vpc"]["azCount"] >= 3
    assert set(group["preferredCacheClusterAzs"]) == {"eu-west-1a", "eu-west-1b", "eu-west-1c"}


def test_prod_redis_keeps_snapshots(prod_plan):
    group = only(redis_of(prod_plan), GROUP).inputs
    assert group["snapshotRetentionLimit"] >= 1
    assert group["finalSnapshotIdentifier"] == f"{group['replicationGroupId']}-final"


def test_dev_redis_is_a_single_small_node(dev_plan):
    group = only(redis_of(dev_plan), GROUP).inputs
    assert group["numCacheClusters"] == 1 and group["automaticFailoverEnabled"] is False
    assert group["nodeType"] == "cache.t4g.micro"


def test_auth_token_is_a_secret_everywhere_in_the_plan(prod_plan):
    resources = redis_of(prod_plan)
    assert isinstance(only(resources, GROUP).inputs["authToken"], Secret)
    assert isinstance(only(resources, K8S_SECRET).inputs["stringData"], Secret)
    assert isinstance(prod_plan.outputs["redisAuthToken"], Secret)


def test_auth_token_is_random_long_and_elasticache_safe(prod_plan):
    password = only(redis_of(prod_plan), PASSWORD).inputs
    assert password["length"] >= 32
    assert set(password["overrideSpecial"]) <= ELASTICACHE_TOKEN_CHARS


def test_redis_uses_the_vpc_database_subnets(prod_plan):
    subnets = only(redis_of(prod_plan), SUBNET_GROUP).inputs["subnetIds"]
    assert len(subnets) == 3 and not set(subnets) & set(prod_plan.outputs["privateSubnetIds"])


def test_prod_redis_group_and_key_are_protected(prod_plan):
    resources = redis_of(prod_plan)
    assert only(resources, GROUP).protect and only(resources, KEY).protect


def test_dev_redis_may_be_destroyed(dev_plan):
    resources = redis_of(dev_plan)
    assert not only(resources, GROUP).protect and not only(resources, KEY).protect
    assert "finalSnapshotIdentifier" not in only(resources, GROUP).inputs


def test_stack_exports_redis_endpoints(prod_plan):
    out = prod_plan.outputs
    assert out["redisPrimaryEndpoint"].startswith("master.") and out["redisReaderEndpoint"].startswith("replica.")
    assert out["redisPort"] == 6379


# -- the component ------------------------------------------------------------------------

def test_ingress_source_is_exactly_the_given_cluster_sg(redis_with_secret):
    [rule], _ = ingress_rules(redis_with_secret)
    assert rule.inputs["sourceSecurityGroupId"] == CLUSTER_SG


def test_subnet_group_is_the_given_subnets(redis_with_secret):
    assert only(redis_with_secret, SUBNET_GROUP).inputs["subnetIds"] == DB_SUBNETS


def test_defaults_are_highly_available(redis_with_secret):
    group = only(redis_with_secret, GROUP).inputs
    assert group["numCacheClusters"] == 2 and group["automaticFailoverEnabled"] and group["multiAzEnabled"]
    assert group["preferredCacheClusterAzs"] == AZS[:2]
    assert group["snapshotRetentionLimit"] == 7
    assert only(redis_with_secret, GROUP).protect


def test_kubernetes_secret_holds_the_connection_details(redis_with_secret):
    secret = only(redis_with_secret, K8S_SECRET)
    assert secret.inputs["metadata"]["namespace"] == "apps" and secret.inputs["metadata"]["name"] == "redis-session"
    data = secret.inputs["stringData"].value
    token = only(redis_with_secret, GROUP).inputs["authToken"].value
    assert data["authToken"] == token and data["port"] == "6379" and data["tls"] == "true"
    assert data["host"].startswith("master.") and data["readerHost"].startswith("replica.")
    url = urlsplit(data["url"])
    assert url.scheme == "rediss" and url.hostname == data["host"] and unquote(url.password) == token


def test_no_kubernetes_secret_unless_asked():
    assert of_type(build_redis(), K8S_SECRET) == []


def test_kubernetes_secret_needs_a_kubernetes_provider():
    def build():
        RedisCache("unit-redis", RedisCacheArgs(
            vpc_id="vpc-0unit", subnet_ids=DB_SUBNETS, client_security_group_id=CLUSTER_SG,
            availability_zones=AZS, node_type="cache.t4g.small",
            kubernetes_secret=KubernetesSecretTarget(namespace="apps", name="redis-session")))
    with pytest.raises(Exception, match="Kubernetes provider"):
        run_component(build)


def test_failover_without_a_replica_is_refused():
    with pytest.raises(Exception, match="at least 2 nodes"):
        build_redis(num_cache_clusters=1)
