import json

from tests.support import plan


def test_one_repository_per_service(dev_plan):
    names = sorted(r.inputs["name"] for r in dev_plan.of_type("aws:ecr/repository:Repository"))
    assert names == ["twincloud-dev/api", "twincloud-dev/web", "twincloud-dev/worker"]


def test_repositories_are_immutable_scanned_and_kms_encrypted(prod_plan):
    for repo in prod_plan.of_type("aws:ecr/repository:Repository"):
        assert repo.inputs["imageTagMutability"] == "IMMUTABLE"
        assert repo.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
        enc = repo.inputs["encryptionConfigurations"][0]
        assert enc["encryptionType"] == "KMS" and enc["kmsKey"].startswith("arn:aws:kms:")
        assert repo.inputs["forceDelete"] is False


def test_dev_repositories_may_be_force_deleted(dev_plan):
    assert all(r.inputs["forceDelete"] is True for r in dev_plan.of_type("aws:ecr/repository:Repository"))


def test_lifecycle_keeps_the_last_n_images():
    p = plan("prod")
    policies = p.of_type("aws:ecr/lifecyclePolicy:LifecyclePolicy")
    assert len(policies) == 3
    rule = json.loads(policies[0].inputs["policy"])["rules"][0]
    assert rule["selection"] == {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 50}
    assert rule["action"] == {"type": "expire"}


def test_prod_protects_repositories_and_their_key(dev_plan, prod_plan):
    prod = prod_plan.of_type("aws:ecr/repository:Repository") + [prod_plan.one("aws:kms/key:Key", "twincloud-prod-ecr-images")]
    assert all(r.protect for r in prod)
    assert not any(r.protect for r in dev_plan.of_type("aws:ecr/repository:Repository"))
