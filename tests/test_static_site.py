"""StaticSite (Azure Storage static website) under the mock engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.azure.static_site import STORAGE_BLOB_DATA_CONTRIBUTOR, StaticSite, StaticSiteArgs, web_host
from stacks.dr import SITE_DIR, site_files
from tests.support import named, of_type, run_component

ACCOUNT = "twincloudunitweudrsite01"


def _site(**overrides):
    args = dict(location="northeurope", account_name=ACCOUNT, files=site_files())
    args.update(overrides)
    return run_component(lambda: StaticSite("drsite", StaticSiteArgs(**args)))


@pytest.fixture(scope="module")
def resources():
    return _site()


@pytest.mark.parametrize("key,value", [
    ("enableHttpsTrafficOnly", True),
    ("minimumTlsVersion", "TLS1_2"),
    ("allowBlobPublicAccess", False),
    ("allowSharedKeyAccess", False),
    ("allowCrossTenantReplication", False),
    ("defaultToOAuthAuthentication", True),
    ("kind", "StorageV2"),
])
def test_storage_account_secure_default(resources, key, value):
    account = named(resources, "azure-native:storage:StorageAccount", "drsite-account")
    assert account.inputs[key] == value


def test_account_and_group_live_in_the_given_location(resources):
    account = named(resources, "azure-native:storage:StorageAccount", "drsite-account")
    group = named(resources, "azure-native:resources:ResourceGroup", "drsite-rg")
    assert account.inputs["location"] == group.inputs["location"] == "northeurope"
    assert account.inputs["accountName"] == ACCOUNT


def test_account_is_zone_redundant(resources):
    account = named(resources, "azure-native:storage:StorageAccount", "drsite-account")
    assert account.inputs["sku"] == {"name": "Standard_ZRS"}


def test_static_website_serves_the_maintenance_page_for_index_and_404(resources):
    website = named(resources, "azure-native:storage:StorageAccountStaticWebsite", "drsite-website")
    assert website.inputs["indexDocument"] == "index.html"
    assert website.inputs["error404Document"] == "index.html"


def test_page_from_the_repo_is_uploaded_to_web_container_as_html(resources):
    blob = named(resources, "azure-native:storage:Blob", "drsite-index-html")
    assert blob.inputs["containerName"] == "$web"
    assert blob.inputs["blobName"] == "index.html"
    assert blob.inputs["contentType"] == "text/html"
    assert Path(blob.inputs["source"]["path"]) == SITE_DIR / "index.html"


def test_every_site_file_becomes_one_blob(resources):
    blobs = of_type(resources, "azure-native:storage:Blob")
    assert sorted(b.inputs["blobName"] for b in blobs) == sorted(site_files())


def test_deployer_may_write_blobs_with_entra_id_on_this_account_only(resources):
    grant = named(resources, "azure-native:authorization:RoleAssignment", "drsite-deployer-blob-writer")
    account = named(resources, "azure-native:storage:StorageAccount", "drsite-account")
    assert grant.inputs["roleDefinitionId"].endswith(f"/roleDefinitions/{STORAGE_BLOB_DATA_CONTRIBUTOR}")
    assert grant.inputs["scope"].endswith(f"/storageAccounts/{ACCOUNT}")
    assert grant.inputs["principalType"] == "ServicePrincipal"
    assert grant.urn in named(resources, "azure-native:storage:Blob", "drsite-index-html").dependencies
    assert account.urn in grant.dependencies  # scope is the account id


def test_no_role_assignment_when_upload_grant_is_off():
    resources = _site(grant_deployer_upload=False)
    assert of_type(resources, "azure-native:authorization:RoleAssignment") == []


def test_account_name_longer_than_24_characters_is_rejected():
    with pytest.raises(Exception, match="must be 3-24 lower-case letters and digits"):
        _site(account_name="a" * 25)


def test_missing_index_document_is_rejected(tmp_path):
    other = tmp_path / "about.html"
    other.write_text("<p>about</p>")
    with pytest.raises(Exception, match="must include the index"):
        _site(files={"about.html": other})


def test_web_host_strips_scheme_and_slash():
    assert web_host("https://acct.z6.web.core.windows.net/") == "acct.z6.web.core.windows.net"
    with pytest.raises(ValueError):
        web_host("http://acct.z6.web.core.windows.net/")
