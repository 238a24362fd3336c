"""WorkloadBlobStorage on its own: secure defaults, argument checks, outputs and names."""

from __future__ import annotations

import pulumi
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.azure.blob_storage import (
    ACCOUNT_NAME,
    BlobConsumerSpec,
    WorkloadBlobStorage,
    WorkloadBlobStorageArgs,
    args_problems,
    storage_account_name_for,
)
from tests.azure_support import FIC, ROLE, UAI
from tests.support import of_type, run_component
from tools.engine import run_under_mocks

ACCOUNT = "azure-native:storage:StorageAccount"
CONTAINER = "azure-native:storage:BlobContainer"
BLOB_SERVICE = "azure-native:storage:BlobServiceProperties"
LIFECYCLE = "azure-native:storage:ManagementPolicy"
LOKI = BlobConsumerSpec(name="loki", container="loki-chunks", service_account="loki", namespace="monitoring")
TEMPO = BlobConsumerSpec(name="tempo", container="tempo-traces", service_account="tempo", namespace="monitoring")


def _args(**overrides) -> WorkloadBlobStorageArgs:
    return WorkloadBlobStorageArgs(**{"resource_group_name": "rg", "location": "westeurope",
                                      "oidc_issuer_url": "https://issuer.example/", "consumers": [LOKI, TEMPO],
                                      **overrides})


def _run(**overrides):
    seen = {}

    def build():
        storage = WorkloadBlobStorage("obs", _args(**overrides))
        consumer = storage.consumers["loki"]
        pulumi.Output.all(consumer.client_id, storage.identities["loki"].client_id, consumer.container,
                          consumer.storage_account, storage.account_name).apply(lambda v: seen.setdefault("ids", v))
        seen["consumer"] = consumer

    return run_component(build), seen


@pytest.fixture(scope="module")
def defaults():
    return _run()


def test_defaults_are_zone_redundant_protected_and_closed_to_every_network(defaults):
    resources, _ = defaults
    [account] = of_type(resources, ACCOUNT)
    assert account.inputs["sku"] == {"name": "Standard_ZRS"} and account.protect is True
    rules = account.inputs["networkRuleSet"]
    assert (rules["defaultAction"], rules.get("virtualNetworkRules", [])) == ("Deny", [])
    assert all(c.protect for c in of_type(resources, CONTAINER))


def test_defaults_keep_versions_and_deleted_blobs_for_a_week(defaults):
    resources, _ = defaults
    [service] = of_type(resources, BLOB_SERVICE)
    assert (service.inputs["isVersioningEnabled"], service.inputs["deleteRetentionPolicy"]["days"]) == (True, 7)
    assert len(of_type(resources, LIFECYCLE)) == 1


def test_each_consumer_gets_a_container_an_identity_and_one_grant(defaults):
    resources, _ = defaults
    assert sorted(c.inputs["containerName"] for c in of_type(resources, CONTAINER)) == ["loki-chunks", "tempo-traces"]
    assert len(of_type(resources, UAI)) == len(of_type(resources, FIC)) == len(of_type(resources, ROLE)) == 2
    assert sorted(f.inputs["subject"] for f in of_type(resources, FIC)) == [
        "system:serviceaccount:monitoring:loki", "system:serviceaccount:monitoring:tempo"]


def test_consumer_outputs_are_its_identity_container_and_account(defaults):
    _, seen = defaults
    client_id, identity_client_id, container, account, account_name = seen["ids"]
    assert client_id == identity_client_id
    assert (container, account) == ("loki-chunks", account_name)
    assert (seen["consumer"].service_account, seen["consumer"].namespace) == ("loki", "monitoring")
    assert len(seen["consumer"].access) == 2  # federated credential, role assignment


def test_dev_choices_are_explicit_and_versioning_can_be_left_off():
    resources, _ = _run(sku="Standard_LRS", protect=False, versioning=False)
    [account] = of_type(resources, ACCOUNT)
    assert account.inputs["sku"] == {"name": "Standard_LRS"} and account.protect is False
    [service] = of_type(resources, BLOB_SERVICE)
    assert service.inputs["isVersioningEnabled"] is False and of_type(resources, LIFECYCLE) == []


def test_bad_arguments_fail_before_any_resource():
    problems = args_problems(_args(sku="Premium_LRS", soft_delete_days=0,
                                   consumers=[LOKI, BlobConsumerSpec("tempo", "loki-chunks", "tempo", "monitoring"),
                                              BlobConsumerSpec("x", "Bad--Name", "loki", "monitoring")]))
    assert problems == [
        "sku must be one of ('Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_RAGRS', 'Standard_GZRS', "
        "'Standard_RAGZRS'), got 'Premium_LRS'",
        "soft_delete_days must be 1-365, got 0",
        "containers must be unique (each identity gets its own container): ['loki-chunks']",
        "service accounts must be unique (each identity gets its own container): [\"('monitoring', 'loki')\"]",
        "container names are 3-63 lower-case letters, digits and single dashes: ['Bad--Name']",
    ]
    registered: list[str] = []
    with pytest.raises(ValueError, match="give at least one consumer"):
        run_under_mocks(lambda: WorkloadBlobStorage("obs", _args(consumers=[])), stack="unit", config={},
                        registered=registered)
    assert registered == []


@settings(max_examples=200, deadline=None)
@given(label=st.from_regex(r"[a-z]{1,12}", fullmatch=True),
       stack=st.from_regex(r"[a-z][a-z0-9-]{0,30}", fullmatch=True),
       location=st.sampled_from(["westeurope", "northeurope", "eastus2", "southeastasia", "germanywestcentral"]))
def test_generated_account_names_are_valid_storage_account_names(label, stack, location):
    name = storage_account_name_for(label, stack, location)
    assert ACCOUNT_NAME.match(name)
    assert name != storage_account_name_for(label, stack + "x", location)
