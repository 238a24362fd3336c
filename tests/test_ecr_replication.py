"""ECR images replicate to the DR region(s), so a region rebuild can start pods there."""

from __future__ import annotations

from components.aws.ecr import EcrRepositories, EcrRepositoriesArgs
from tests.support import of_type, run_component
from tools.mocks import ACCOUNT_ID

REPLICATION = "aws:ecr/replicationConfiguration:ReplicationConfiguration"


def _ecr(regions):
    return run_component(lambda: EcrRepositories("ecr", EcrRepositoriesArgs(
        services=["api", "web"], namespace="twincloud-unit", replication_regions=regions)))


def test_images_replicate_to_every_configured_region_in_this_account():
    (replication,) = of_type(_ecr(["eu-central-1", "us-west-2"]), REPLICATION)
    (rule,) = replication.inputs["replicationConfiguration"]["rules"]
    assert rule["destinations"] == [{"region": "eu-central-1", "registryId": ACCOUNT_ID},
                                    {"region": "us-west-2", "registryId": ACCOUNT_ID}]


def test_only_this_stacks_namespace_is_replicated():
    (replication,) = of_type(_ecr(["eu-central-1"]), REPLICATION)
    (rule,) = replication.inputs["replicationConfiguration"]["rules"]
    assert rule["repositoryFilters"] == [{"filter": "twincloud-unit/", "filterType": "PREFIX_MATCH"}]


def test_no_replication_unless_configured():
    assert of_type(_ecr([]), REPLICATION) == []


def test_prod_replicates_to_its_configured_dr_region(prod_plan):
    (replication,) = prod_plan.of_type(REPLICATION)
    regions = [d["region"] for d in replication.inputs["replicationConfiguration"]["rules"][0]["destinations"]]
    assert regions == prod_plan.config["ecr"]["replicationRegions"] == ["eu-central-1"]


def test_dev_does_not_replicate(dev_plan):
    assert dev_plan.of_type(REPLICATION) == []
