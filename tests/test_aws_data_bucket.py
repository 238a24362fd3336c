"""PodIdentityBucket: the component under the mock engine, and its instances in the dev/prod plans."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s
import pytest

from components.aws.bucket_documents import as_list, statements
from components.aws.pod_identity_bucket import (
    LifecycleRule,
    LifecycleTransition,
    PodIdentityBucket,
    PodIdentityBucketArgs,
)
from components.naming import global_name
from tests.support import named, of_type, plan, policy_json, run_component

BUCKET = "aws:s3/bucket:Bucket"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
KEY = "aws:kms/key:Key"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
NAMESPACE = "kubernetes:core/v1:Namespace"
COMPONENT = "twincloud:aws:PodIdentityBucket"
MONITORING_BUCKETS = {"loki-chunks": "loki", "tempo-traces": "tempo"}
PHYSICAL = "twincloud-unit-euw1-app-data-abc123"


def build_bucket(**overrides):
    def build():
        provider = k8s.Provider("unit-k8s", kubeconfig="{}")
        PodIdentityBucket("app-data", PodIdentityBucketArgs(**{
            "bucket_name": PHYSICAL, "region": "eu-west-1", "cluster_name": "unit-eks",
            "namespace": "apps", "service_account": "app", **overrides,
        }), opts=pulumi.ResourceOptions(providers=[provider]))
    return run_component(build)


@pytest.fixture(scope="module")
def default_bucket():
    return build_bucket()


@pytest.fixture(scope="module")
def sse_s3_read_write_bucket():
    return build_bucket(encryption="sse-s3", access="read-write", versioning=False, lifecycle_rules=[
        LifecycleRule(id="archive", prefix="logs/", expiration_days=365,
                      transitions=[LifecycleTransition(days=30, storage_class="STANDARD_IA")]),
    ])


def plan_buckets(p):
    """Every PodIdentityBucket component of a plan with its descendants, keyed by logical name."""
    return {c.name: p.descendants_of(c.urn) for c in p.of_type(COMPONENT)}


def only(resources, typ):
    [r] = of_type(resources, typ)
    return r


def actions_of(doc):
    return {a for s in statements(doc) for a in as_list(s["Action"])}


# -- the plans ----------------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_plan_has_monitoring_buckets_each_with_a_pod_identity_association(stack):
    p = plan(stack)
    for bucket, sa in MONITORING_BUCKETS.items():
        resources = plan_buckets(p)[f"twincloud-{stack}-{bucket}"]
        association = only(resources, ASSOCIATION)
        assert (association.inputs["namespace"], association.inputs["serviceAccount"]) == ("monitoring", sa)
        assert association.inputs["clusterName"] == f"twincloud-{stack}-eks"
        assert association.inputs["roleArn"].split(":role/")[1].startswith(only(resources, ROLE).name)


def test_trust_policy_allows_only_pod_identity(prod_plan):
    for resources in plan_buckets(prod_plan).values():
        [stmt] = statements(policy_json(only(resources, ROLE).inputs["assumeRolePolicy"]))
        assert stmt["Effect"] == "Allow"
        assert stmt["Principal"] == {"Service": "pods.eks.amazonaws.com"}
        assert sorted(as_list(stmt["Action"])) == ["sts:AssumeRole", "sts:TagSession"]
        assert "Condition" not in stmt or stmt["Condition"]


def test_access_policy_resources_are_exactly_the_bucket_and_its_objects(prod_plan):
    for resources in plan_buckets(prod_plan).values():
        arn = f"arn:aws:s3:::{only(resources, BUCKET).inputs['bucket']}"
        doc = policy_json(only(resources, ROLE_POLICY).inputs["policy"])
        assert {r for s in statements(doc) for r in as_list(s["Resource"])} == {arn, f"{arn}/*"}


def test_no_policy_grants_wildcard_actions_on_wildcard_resources(prod_plan):
    for resources in plan_buckets(prod_plan).values():
        for s in statements(policy_json(only(resources, ROLE_POLICY).inputs["policy"])):
            assert not {"*", "s3:*"} & set(as_list(s["Action"]))
            assert "*" not in as_list(s["Resource"])


def test_monitoring_buckets_are_read_write(prod_plan):
    for resources in plan_buckets(prod_plan).values():
        assert {"s3:PutObject", "s3:DeleteObject"} <= actions_of(policy_json(only(resources, ROLE_POLICY).inputs["policy"]))


def test_public_access_block_sets_all_four_flags(prod_plan):
    for resources in plan_buckets(prod_plan).values():
        pab = only(resources, PAB).inputs
        assert all(pab[f] is True for f in
                   ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))


def test_default_encryption_uses_the_buckets_own_kms_key(prod_plan):
    for resources in plan_buckets(prod_plan).values():
        [rule] = only(resources, SSE).inputs["rules"]
        default = rule["applyServerSideEncryptionByDefault"]
        assert default["sseAlgorithm"] == "aws:kms" and rule["bucketKeyEnabled"] is True
        assert default["kmsMasterKeyId"].startswith("arn:aws:kms:eu-west-1:")
        assert only(resources, KEY).inputs["enableKeyRotation"] is True


def test_bucket_key_lets_only_the_workload_role_use_it_through_s3(default_bucket):
    role_arn = only(default_bucket, ASSOCIATION).inputs["roleArn"]
    doc = policy_json(only(default_bucket, KEY).inputs["policy"])
    [workload] = [s for s in statements(doc) if s["Principal"] == {"AWS": role_arn}]
    assert as_list(workload["Action"]) == ["kms:Decrypt"]
    assert workload["Condition"]["StringEquals"]["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"


def test_prod_buckets_are_versioned(prod_plan):
    for resources in plan_buckets(prod_plan).values():
        assert only(resources, VERSIONING).inputs["versioningConfiguration"]["status"] == "Enabled"


def test_dev_versioning_follows_config(dev_plan):
    for resources in plan_buckets(dev_plan).values():
        assert only(resources, VERSIONING).inputs["versioningConfiguration"]["status"] == "Suspended"


def test_bucket_policy_denies_non_tls_requests(prod_plan):
    for resources in plan_buckets(prod_plan).values():
        arn = f"arn:aws:s3:::{only(resources, BUCKET).inputs['bucket']}"
        [stmt] = statements(policy_json(only(resources, BUCKET_POLICY).inputs["policy"]))
        assert (stmt["Effect"], stmt["Principal"], stmt["Action"]) == ("Deny", "*", "s3:*")
        assert stmt["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert set(stmt["Resource"]) == {arn, f"{arn}/*"}


def test_ownership_is_bucket_owner_enforced(prod_plan):
    for resources in plan_buckets(prod_plan).values():
        assert only(resources, OWNERSHIP).inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}


def test_bucket_names_derive_from_stack_and_region(prod_plan):
    for bucket in MONITORING_BUCKETS:
        resources = plan_buckets(prod_plan)[f"twincloud-prod-{bucket}"]
        assert only(resources, BUCKET).inputs["bucket"] == global_name(bucket, stack="prod", region="eu-west-1")


def test_rebuild_in_another_region_gets_new_bucket_names(prod_plan):
    # the Loki and Tempo buckets and the stack's access-log bucket
    moved = plan("prod", "aws:region=us-west-2")
    before = {r.inputs["bucket"] for r in prod_plan.of_type(BUCKET)}
    after = {r.inputs["bucket"] for r in moved.of_type(BUCKET)}
    assert len(after) == len(before) == len(MONITORING_BUCKETS) + 1 and not before & after


def test_prod_bucket_and_its_key_are_protected(prod_plan):
    for resources in plan_buckets(prod_plan).values():
        assert only(resources, BUCKET).protect and only(resources, KEY).protect
        assert only(resources, BUCKET).inputs["forceDestroy"] is False


def test_dev_buckets_may_be_destroyed(dev_plan):
    for resources in plan_buckets(dev_plan).values():
        assert not only(resources, BUCKET).protect and not only(resources, KEY).protect
        assert only(resources, BUCKET).inputs["forceDestroy"] is True


def test_every_association_has_its_service_account_on_the_eks_cluster(prod_plan):
    # The monitoring buckets' accounts are created by the monitoring stack (it owns them on
    # both clouds); whoever creates them, the associated account must exist, on this cluster.
    [eks_provider] = [r for r in prod_plan.of_type("pulumi:providers:kubernetes") if r.name.endswith("-eks-k8s")]
    # prod also runs the monitoring stack on AKS, with accounts of the same names there.
    on_eks = {(r.inputs["metadata"]["namespace"], r.inputs["metadata"]["name"])
              for r in prod_plan.of_type(SERVICE_ACCOUNT) if r.provider.startswith(eks_provider.urn + "::")}
    for resources in plan_buckets(prod_plan).values():
        association = only(resources, ASSOCIATION)
        assert (association.inputs["namespace"], association.inputs["serviceAccount"]) in on_eks


def test_shared_namespace_is_created_once_per_cluster(prod_plan):
    namespaces = [(r.provider.split("::")[-2], r.inputs["metadata"]["name"]) for r in prod_plan.of_type(NAMESPACE)]
    assert namespaces.count(("twincloud-prod-eks-k8s", "monitoring")) == 1
    assert namespaces.count(("twincloud-prod-aks-k8s", "monitoring")) == 1


# -- the component ------------------------------------------------------------------------

def test_access_is_read_only_by_default(default_bucket):
    actions = actions_of(policy_json(only(default_bucket, ROLE_POLICY).inputs["policy"]))
    assert "s3:GetObject" in actions
    assert not actions & {"s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}


def test_read_write_access_can_put_and_delete(sse_s3_read_write_bucket):
    actions = actions_of(policy_json(only(sse_s3_read_write_bucket, ROLE_POLICY).inputs["policy"]))
    assert {"s3:PutObject", "s3:DeleteObject", "s3:ListBucket"} <= actions


def test_encryption_and_versioning_are_on_by_default(default_bucket):
    [rule] = only(default_bucket, SSE).inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert only(default_bucket, VERSIONING).inputs["versioningConfiguration"]["status"] == "Enabled"


def test_sse_s3_encrypts_with_aes256_and_creates_no_key(sse_s3_read_write_bucket):
    [rule] = only(sse_s3_read_write_bucket, SSE).inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}
    assert of_type(sse_s3_read_write_bucket, KEY) == []


def test_component_protects_bucket_by_default(default_bucket):
    assert only(default_bucket, BUCKET).protect and only(default_bucket, KEY).protect
    assert only(default_bucket, BUCKET).inputs["forceDestroy"] is False


def test_lifecycle_keeps_housekeeping_and_adds_configured_rules(sse_s3_read_write_bucket):
    rules = {r["id"]: r for r in only(sse_s3_read_write_bucket, LIFECYCLE).inputs["rules"]}
    assert rules["housekeeping"]["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
    assert rules["archive"]["filter"] == {"prefix": "logs/"}
    assert rules["archive"]["expiration"] == {"days": 365}
    assert rules["archive"]["transitions"] == [{"days": 30, "storageClass": "STANDARD_IA"}]


def test_versioned_bucket_expires_old_versions(default_bucket):
    [rule] = only(default_bucket, LIFECYCLE).inputs["rules"]
    assert rule["noncurrentVersionExpiration"] == {"noncurrentDays": 30}


def test_component_creates_the_service_account_it_binds(default_bucket):
    sa = only(default_bucket, SERVICE_ACCOUNT)
    assert (sa.inputs["metadata"]["namespace"], sa.inputs["metadata"]["name"]) == ("apps", "app")
    association = only(default_bucket, ASSOCIATION)
    assert (association.inputs["namespace"], association.inputs["serviceAccount"]) == ("apps", "app")
    assert of_type(default_bucket, NAMESPACE) == []


def test_component_creates_namespace_when_asked():
    resources = build_bucket(create_namespace=True)
    assert only(resources, NAMESPACE).inputs["metadata"]["name"] == "apps"


def test_service_account_needs_a_kubernetes_provider():
    def build():
        PodIdentityBucket("app-data", PodIdentityBucketArgs(
            bucket_name=PHYSICAL, region="eu-west-1", cluster_name="unit-eks", namespace="apps",
            service_account="app"))
    with pytest.raises(Exception, match="Kubernetes provider"):
        run_component(build)


def test_component_rejects_an_invalid_bucket_name():
    with pytest.raises(Exception, match="must not contain '.'"):
        build_bucket(bucket_name="app.data.example")


def test_association_uses_the_components_role(default_bucket):
    role = named(default_bucket, ROLE, "app-data-role")
    assert only(default_bucket, ASSOCIATION).inputs["roleArn"].split("/")[-1].startswith(role.name)


def test_without_kubernetes_objects_no_provider_is_needed():
    def build():
        PodIdentityBucket("app-data", PodIdentityBucketArgs(
            bucket_name=PHYSICAL, region="eu-west-1", cluster_name="unit-eks", namespace="apps",
            service_account="app", create_service_account=False))
    resources = run_component(build)
    assert of_type(resources, SERVICE_ACCOUNT) == [] and len(of_type(resources, ASSOCIATION)) == 1


def test_component_rejects_an_unknown_storage_class():
    with pytest.raises(Exception, match="unknown storage classes"):
        build_bucket(lifecycle_rules=[LifecycleRule(id="cold", transitions=[LifecycleTransition(30, "COLD")])])
