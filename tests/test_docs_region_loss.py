"""docs/data-region-loss.md covers every store of the prod plan that holds data: a protected
(stateful) resource type the page does not name fails here, so a new data store cannot land
without saying what a region loss does to it."""

from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[1] / "docs" / "data-region-loss.md"

# The page's row label for each data-holding resource type of the plan.
ROWS = {
    "aws:ecr/repository:Repository": "Container images, AWS",
    "aws:elasticache/replicationGroup:ReplicationGroup": "Sessions (AWS)",
    "aws:s3/bucket:Bucket": "Logs and traces (Loki, Tempo)",
    "aws:amp/workspace:Workspace": "Long-term metrics (AWS)",
    "azure-native:containerregistry:Registry": "Container images, Azure",
    "azure-native:containerregistry:Replication": "Container images, Azure",
    "azure-native:keyvault:Vault": "Secrets (Azure)",
    "azure-native:redisenterprise:RedisEnterprise": "Sessions (Azure)",
    "azure-native:redisenterprise:Database": "Sessions (Azure)",
    "azure-native:servicebus:Namespace": "Messages",
    "azure-native:storage:StorageAccount": "Monitoring data on Azure",
    "azure-native:storage:BlobContainer": "Monitoring data on Azure",
    "azure-native:operationalinsights:Workspace": "Container insights / AKS logs",
}
# Protected for other reasons than data they hold: keys (their loss is covered by the state
# backend's multi-Region key and each store's row), the cluster, namespaces.
NOT_DATA = {
    "aws:kms/key:Key",
    "aws:eks/cluster:Cluster",
    "kubernetes:core/v1:Namespace",
}


def page_rows() -> set[str]:
    return {line.split("|")[1].strip() for line in PAGE.read_text().splitlines()
            if line.startswith("| ") and not line.startswith("| store")}


def test_every_protected_type_of_the_prod_plan_is_a_row_or_known_not_to_hold_data(prod_plan):
    unknown = {r.type for r in prod_plan.resources if r.protect} - set(ROWS) - NOT_DATA
    assert not unknown, f"add these data stores to docs/data-region-loss.md and ROWS: {sorted(unknown)}"


@pytest.mark.parametrize("type_token", sorted(ROWS))
def test_the_page_has_the_row_for(type_token):
    assert ROWS[type_token] in page_rows()


def test_the_redis_facts_on_the_page_match_the_prod_plan(prod_plan):
    text = PAGE.read_text()
    [group] = [r for r in prod_plan.resources
               if r.type == "aws:elasticache/replicationGroup:ReplicationGroup"]
    [cache] = [r for r in prod_plan.resources
               if r.type == "azure-native:redisenterprise:RedisEnterprise"]
    assert f"`snapshotRetentionLimit` {group.inputs['snapshotRetentionLimit']}" in text
    assert f"`{cache.inputs['sku']['name']}`" in text
