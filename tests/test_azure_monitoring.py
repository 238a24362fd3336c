"""The monitoring stack on AKS in the prod plan: a second MonitoringStack on the AKS provider
whose Loki and Tempo reach their blob containers through workload identity, with no key."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from components.monitoring.checks import static_credentials
from stacks.config import load_config
from tests.azure_support import FIC, ROLE, UAI, one_problem, role_guid
from tests.monitoring_support import (
    RELEASE, STACK, loki_config_of, raw_objects, stack_of, tempo_config_of, unwrap, values,
)
from tests.support import config_with
from tools.engine import ROOT, _wire_config

ACCOUNT = "azure-native:storage:StorageAccount"
CONTAINER = "azure-native:storage:BlobContainer"
BLOB_SERVICE = "azure-native:storage:BlobServiceProperties"
LIFECYCLE = "azure-native:storage:ManagementPolicy"
SA = "kubernetes:core/v1:ServiceAccount"
STORAGE = "twincloud-prod-mon-blob"
BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
CONSUMERS = {"loki": "loki-chunks", "tempo": "tempo-traces"}


@pytest.fixture(scope="module")
def aks(prod_plan):
    return stack_of(prod_plan, "azure")


@pytest.fixture(scope="module")
def exported(prod_plan):
    return prod_plan.outputs["monitoringStorageAzure"]


def _account(prod_plan):
    return prod_plan.one(ACCOUNT, STORAGE)


def _deps(resource, prop):
    return list(resource.request.propertyDependencies[prop].urns)


def _service_accounts(resources):
    return {r.inputs["metadata"]["name"]: r for r in resources if r.type == SA}


# -- the second stack ---------------------------------------------------------------------------

def test_prod_runs_a_monitoring_stack_on_each_cluster(prod_plan):
    assert sorted(r.name for r in prod_plan.of_type(STACK)) == \
        ["twincloud-prod-monitoring-aws", "twincloud-prod-monitoring-azure"]


def test_every_kubernetes_object_of_the_aks_stack_uses_the_aks_provider(prod_plan, aks):
    [provider] = [r for r in prod_plan.of_type("pulumi:providers:kubernetes") if r.name == "twincloud-prod-aks-k8s"]
    k8s = [r for r in aks if r.type.startswith("kubernetes:")]
    assert len([r for r in k8s if r.type == RELEASE]) == 6
    assert {r.provider.rsplit("::", 1)[0] for r in k8s} == {provider.urn}


def test_aks_stack_is_labelled_with_the_aks_cluster_name(aks):
    assert '"cluster" = "twincloud-prod-aks"' in values(aks, "alloy")["alloy"]["configMap"]["content"]


# -- Loki and Tempo configs ---------------------------------------------------------------------

def test_loki_writes_to_its_container_with_the_federated_token(aks, exported):
    storage = loki_config_of(aks)["common"]["storage"]
    assert storage == {"azure": {"account_name": exported["storageAccount"], "container_name": "loki-chunks",
                                 "use_federated_token": True}}
    # The chart's own storage values fed only the config template our config replaces.
    assert values(aks, "loki")["loki"]["storage"] == {"type": "azure"}


def test_loki_schema_and_compactor_use_the_azure_object_store(aks):
    config = loki_config_of(aks)
    assert [(p["store"], p["object_store"], p["schema"]) for p in config["schema_config"]["configs"]] == \
        [("tsdb", "azure", "v13")]
    assert config["compactor"]["delete_request_store"] == "azure"


def test_tempo_writes_to_its_container_with_the_federated_token(aks, exported):
    trace = tempo_config_of(aks)["storage"]["trace"]
    assert trace["backend"] == "azure"
    assert trace["azure"] == {"storage_account_name": exported["storageAccount"], "container_name": "tempo-traces",
                              "use_federated_token": True}


def test_exported_containers_are_the_ones_declared(prod_plan, exported):
    for consumer, container in CONSUMERS.items():
        declared = prod_plan.one(CONTAINER, f"{STORAGE}-{consumer}")
        assert declared.inputs["containerName"] == exported["consumers"][consumer]["container"] == container


# -- identities --------------------------------------------------------------------------------

@pytest.mark.parametrize("consumer", CONSUMERS)
def test_federated_credential_trusts_the_charts_service_account_on_the_aks_issuer(prod_plan, aks, consumer):
    account = values(aks, consumer)["serviceAccount"]
    assert (account["create"], account["name"]) == (False, consumer)
    fic = prod_plan.one(FIC, f"{STORAGE}-{consumer}-identity-federation")
    assert fic.inputs["subject"] == f"system:serviceaccount:monitoring:{account['name']}"
    assert fic.inputs["issuer"] == prod_plan.outputs["aksOidcIssuerUrl"]
    assert fic.inputs["audiences"] == ["api://AzureADTokenExchange"]
    [uai] = _deps(fic, "resourceName")
    assert uai == prod_plan.one(UAI, f"{STORAGE}-{consumer}-identity").urn


@pytest.mark.parametrize("consumer", CONSUMERS)
def test_service_account_carries_its_identitys_client_id(prod_plan, aks, exported, consumer):
    sa = _service_accounts(aks)[consumer]
    assert sa.inputs["metadata"]["namespace"] == "monitoring"
    client_id = sa.inputs["metadata"]["annotations"]["azure.workload.identity/client-id"]
    assert client_id == exported["consumers"][consumer]["clientId"]
    assert [uai.rsplit("::", 1)[-1] for uai in _deps(sa, "metadata")] == [f"{STORAGE}-{consumer}-identity"]


def test_the_two_consumers_have_distinct_identities(exported):
    ids = {c["clientId"] for c in exported["consumers"].values()}
    assert len(ids) == 2


def test_loki_and_tempo_pods_opt_into_workload_identity(aks):
    assert values(aks, "loki")["defaults"]["podLabels"] == {"azure.workload.identity/use": "true"}
    assert values(aks, "tempo")["podLabels"] == {"azure.workload.identity/use": "true"}


def test_loki_gateway_and_caches_get_no_storage_token(aks):
    assert values(aks, "loki")["loki"]["podLabels"] == {}


@pytest.mark.parametrize("consumer", CONSUMERS)
def test_release_waits_for_its_federated_credential_and_role_assignment(prod_plan, aks, consumer):
    [release] = [r for r in aks if r.type == RELEASE and r.inputs["chart"] == consumer]
    needed = {prod_plan.one(FIC, f"{STORAGE}-{consumer}-identity-federation").urn,
              prod_plan.one(ROLE, f"{STORAGE}-{consumer}-blob-contributor").urn}
    assert needed <= set(release.dependencies)


# -- role assignments ----------------------------------------------------------------------------

@pytest.mark.parametrize("consumer", CONSUMERS)
def test_identity_is_blob_data_contributor_on_its_container_only(prod_plan, exported, consumer):
    grant = prod_plan.one(ROLE, f"{STORAGE}-{consumer}-blob-contributor")
    assert role_guid(grant) == BLOB_DATA_CONTRIBUTOR
    assert grant.inputs["principalType"] == "ServicePrincipal"
    assert _deps(grant, "scope") == [prod_plan.one(CONTAINER, f"{STORAGE}-{consumer}").urn]
    assert grant.inputs["scope"].endswith(
        f"/storageAccounts/{exported['storageAccount']}/blobServices/default/containers/{CONSUMERS[consumer]}")
    assert _deps(grant, "principalId") == [prod_plan.one(UAI, f"{STORAGE}-{consumer}-identity").urn]


def test_no_role_is_granted_on_the_whole_account(prod_plan):
    account = _account(prod_plan).urn
    assert [g.name for g in prod_plan.of_type(ROLE) if account in _deps(g, "scope")] == []


# -- the storage account -------------------------------------------------------------------------

def test_storage_account_is_keyless_https_tls12_and_private(prod_plan):
    inputs = _account(prod_plan).inputs
    assert (inputs["kind"], inputs["enableHttpsTrafficOnly"], inputs["minimumTlsVersion"]) == \
        ("StorageV2", True, "TLS1_2")
    assert (inputs["allowBlobPublicAccess"], inputs["allowSharedKeyAccess"]) == (False, False)
    assert inputs["defaultToOAuthAuthentication"] is True
    for consumer in CONSUMERS:
        assert prod_plan.one(CONTAINER, f"{STORAGE}-{consumer}").inputs["publicAccess"] == "None"


def test_storage_network_denies_all_but_the_aks_subnet(prod_plan):
    account = _account(prod_plan)
    rules = account.inputs["networkRuleSet"]
    assert (rules["defaultAction"], rules["bypass"], rules["ipRules"]) == ("Deny", "AzureServices", [])
    [rule] = rules["virtualNetworkRules"]
    assert rule["virtualNetworkResourceId"].endswith("/subnets/aks") and rule["action"] == "Allow"
    aks_subnet = prod_plan.one("azure-native:network:Subnet", "twincloud-prod-az-net-aks")
    assert aks_subnet.urn in _deps(account, "networkRuleSet")
    assert {"service": "Microsoft.Storage"} in aks_subnet.inputs["serviceEndpoints"]


def test_prod_storage_is_zone_redundant_and_protected_with_its_containers(prod_plan):
    account = _account(prod_plan)
    assert account.inputs["sku"] == {"name": "Standard_ZRS"}
    assert account.protect is True
    assert all(c.protect for c in prod_plan.of_type(CONTAINER) if c.parent == account.parent)


def test_blobs_and_containers_are_soft_deleted_and_versioned(prod_plan):
    service = prod_plan.one(BLOB_SERVICE, f"{STORAGE}-blob-service")
    days = prod_plan.config["azure"]["monitoring"]["softDeleteDays"]
    assert service.inputs["deleteRetentionPolicy"] == {"enabled": True, "days": days, "allowPermanentDelete": False}
    assert service.inputs["containerDeleteRetentionPolicy"] == {"enabled": True, "days": days}
    assert service.inputs["isVersioningEnabled"] is True
    [rule] = prod_plan.one(LIFECYCLE, f"{STORAGE}-lifecycle").inputs["policy"]["rules"]
    assert rule["definition"]["actions"] == {"version": {"delete": {"daysAfterCreationGreaterThan": days}}}


# -- no keys -------------------------------------------------------------------------------------

def test_no_storage_credential_in_any_input_of_the_plan(prod_plan):
    for r in prod_plan.resources:
        assert static_credentials(unwrap(r.inputs)) == [], r.name
        text = yaml.safe_dump(unwrap(r.inputs))
        assert "AccountKey=" not in text and "SharedAccessSignature=" not in text, r.name


def test_no_code_reads_storage_account_keys():
    calls = ("list_storage_account_keys", "list_storage_account_sas", "list_storage_account_service_sas")
    sources = [*(ROOT / "components").rglob("*.py"), *(ROOT / "stacks").rglob("*.py")]
    offenders = [str(p.relative_to(ROOT)) for p in sources if any(call in Path(p).read_text() for call in calls)]
    assert offenders == []


# -- Kubernetes objects --------------------------------------------------------------------------

def test_raw_kubernetes_objects_on_aks_validate_against_the_aks_version(prod_plan, aks):
    version = prod_plan.config["azure"]["aks"]["version"]
    objects = raw_objects(aks)
    assert {r.type for r in objects} >= {"kubernetes:core/v1:Namespace", "kubernetes:core/v1:ServiceAccount",
                                         "kubernetes:networking.k8s.io/v1:NetworkPolicy"}
    for r in objects:
        assert kubernetes_validate.validate(unwrap(r.inputs), version, strict=True) == version, r.name


def test_aks_namespaces_pin_pod_security_to_the_aks_version(prod_plan, aks):
    version = prod_plan.config["azure"]["aks"]["version"]
    [ns] = [r for r in aks if r.type == "kubernetes:core/v1:Namespace" and r.inputs["metadata"]["name"] == "monitoring"]
    assert ns.inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce-version"] == f"v{version}"


# -- config ----------------------------------------------------------------------------------------

def _effective(stack: str, *overrides: str):
    wire, _ = _wire_config(config_with(stack, *overrides))
    return load_config(wire, stack=stack)


def test_storage_sku_defaults_to_zrs_in_prod_and_lrs_in_dev():
    unset = "twincloud:azure.monitoring={}"
    assert _effective("prod", unset).azure.monitoring.storage_sku == "Standard_ZRS"
    assert _effective("prod", unset, "twincloud:environment=dev").azure.monitoring.storage_sku == "Standard_LRS"


def test_prod_rejects_a_storage_sku_without_zone_redundancy():
    assert one_problem("prod", "twincloud:azure.monitoring.storageSku=Standard_GRS") == (
        "twincloud:azure.monitoring.storageSku: prod keeps logs and traces through a zone outage: use a zone-redundant "
        "SKU (Standard_ZRS, Standard_GZRS or Standard_RAGZRS) (got 'Standard_GRS')")


def test_soft_delete_days_outside_azure_limits_are_rejected():
    assert one_problem("prod", "twincloud:azure.monitoring.softDeleteDays=400").startswith(
        "twincloud:azure.monitoring.softDeleteDays: Input should be less than or equal to 365")


def test_a_bad_aks_storage_class_is_rejected():
    assert one_problem("prod", "twincloud:azure.monitoring.storageClass=Managed_CSI") == (
        "twincloud:azure.monitoring.storageClass: not a StorageClass name; omit it to use the AKS default "
        "StorageClass (managed-csi) (got 'Managed_CSI')")


def test_an_app_identity_on_a_monitoring_service_account_is_rejected():
    assert one_problem("prod", "twincloud:azure.workloadIdentities.2={name: logs, namespace: monitoring, "
                               "serviceAccount: loki}") == (
        "twincloud:azure.workloadIdentities[2].serviceAccount: monitoring/loki is the monitoring stack's own service "
        "account on AKS (its identity comes with the Loki/Tempo storage); give this workload another service account "
        "(got 'loki')")


def test_storage_classes_are_per_cluster():
    from stacks.monitoring import _storage_class

    cfg = _effective("prod", "twincloud:monitoring.storageClass=gp3", "twincloud:azure.monitoring.storageClass=zrs-csi")
    assert (_storage_class(cfg, "aws"), _storage_class(cfg, "azure")) == ("gp3", "zrs-csi")


def test_no_aks_storage_when_monitoring_is_disabled():
    from stacks.monitoring import azure_monitoring_storage

    cfg = _effective("prod", "twincloud:monitoring.enabled=false")
    assert azure_monitoring_storage(cfg, "twincloud-prod", azure_platform=None) is None
