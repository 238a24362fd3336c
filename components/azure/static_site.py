"""``StaticSite``: an Azure Storage static website (the DR/maintenance page origin).

Builds a resource group in the given location, a StorageV2 account with the static
website feature (index and 404 documents), a role assignment that lets the deploying
identity write blobs with Entra ID, and one blob per site file in the ``$web`` container.
Its web endpoint (``primary_endpoints.web``) is the origin CloudFront fronts.

Secure defaults, a sentence each:
* HTTPS only (``enable_https_traffic_only``), so the origin never answers in clear text;
* minimum TLS 1.2, so the account rejects outdated protocol versions;
* no anonymous blob access (``allow_blob_public_access`` false): only the static website
  endpoint serves the site, read-only, never the blob containers themselves;
* no shared-key access (``allow_shared_key_access`` false): account keys and SAS tokens
  are refused, and uploads authenticate with Entra ID (the azure-native provider uploads
  blobs and sets the website properties with its Entra ID token), so the deployer gets
  ``Storage Blob Data Contributor`` on this account only;
* Entra ID is the portal default and cross-tenant replication is off;
* zone-redundant storage (``Standard_ZRS``), so one datacenter failure does not take the
  DR page down with it.

Public network access stays enabled on purpose: CloudFront reaches the web endpoint over
the internet. Azure RBAC propagation can take a few minutes; if the first ``pulumi up``
fails to upload with 403, run it again.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pulumi
from pulumi_azure_native import authorization, resources, storage

from components.azure.roles import STORAGE_BLOB_DATA_CONTRIBUTOR, role_definition_id
from components.naming import child_name

# Marks a storage account whose only public surface is a static website (read by CloudFront).
PUBLIC_WEBSITE_TAG = "twincloud.io/public-website"

WEB_CONTAINER = "$web"


@dataclass
class StaticSiteArgs:
    """Arguments of :class:`StaticSite`."""

    location: str
    account_name: str  # globally unique, 3-24 lower-case letters and digits (see naming.global_name)
    files: dict[str, Path]  # blob name -> local file
    index_document: str = "index.html"
    error_document: str = "index.html"  # the maintenance page answers every unknown path
    sku: str = "Standard_ZRS"
    grant_deployer_upload: bool = True  # Storage Blob Data Contributor for the deploying identity
    # Kind of the deploying identity: CI signs in as a service principal (OIDC); a person as User.
    # Azure rejects role assignments whose principal type does not match the identity.
    deployer_principal_type: str = "ServicePrincipal"


def web_host(endpoint_url: str) -> str:
    """``https://acct.z6.web.core.windows.net/`` -> ``acct.z6.web.core.windows.net``."""
    parsed = urlparse(endpoint_url)
    if parsed.scheme != "https" or not parsed.hostname:
        raise ValueError(f"expected an https:// endpoint URL, got {endpoint_url!r}")
    return parsed.hostname


def content_type(path: Path) -> str:
    """MIME type a browser needs to render the file (``text/html`` etc.)."""
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def validate_account_name(name: str) -> str:
    if not (3 <= len(name) <= 24 and name.isalnum() and name.islower()):
        raise ValueError(f"storage account name {name!r} must be 3-24 lower-case letters and digits")
    return name


class StaticSite(pulumi.ComponentResource):
    """Azure Storage static website; see the module docstring."""

    account_name: pulumi.Output[str]
    web_endpoint: pulumi.Output[str]
    web_host: pulumi.Output[str]
    resource_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: StaticSiteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:azure:StaticSite", name, None, opts)
        validate_account_name(args.account_name)
        missing = sorted(str(p) for p in args.files.values() if not Path(p).is_file())
        if missing:
            raise ValueError(f"static site files not found: {missing}")
        if args.index_document not in args.files or args.error_document not in args.files:
            raise ValueError(f"files must include the index ({args.index_document}) and error "
                             f"({args.error_document}) documents")
        child = pulumi.ResourceOptions(parent=self)

        group = resources.ResourceGroup(child_name(name, "rg"), location=args.location, opts=child)
        self.account = storage.StorageAccount(
            child_name(name, "account"),
            account_name=args.account_name,
            resource_group_name=group.name,
            location=args.location,
            kind=storage.Kind.STORAGE_V2,
            sku=storage.SkuArgs(name=args.sku),
            access_tier=storage.AccessTier.HOT,
            enable_https_traffic_only=True,
            minimum_tls_version=storage.MinimumTlsVersion.TLS1_2,
            allow_blob_public_access=False,
            allow_shared_key_access=False,
            default_to_o_auth_authentication=True,
            allow_cross_tenant_replication=False,
            # The website is public by design (CloudFront fetches it from the internet): the tag
            # records that for the policy pack, which otherwise wants a deny-by-default network.
            public_network_access=storage.PublicNetworkAccess.ENABLED,
            tags={PUBLIC_WEBSITE_TAG: "true"},
            opts=child,
        )
        upload_deps: list[pulumi.Resource] = []
        if args.grant_deployer_upload:
            client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
            upload_deps.append(authorization.RoleAssignment(
                child_name(name, "deployer-blob-writer"),
                principal_id=client.object_id,
                role_definition_id=client.subscription_id.apply(
                    lambda sub: role_definition_id(sub, STORAGE_BLOB_DATA_CONTRIBUTOR)),
                scope=self.account.id,
                principal_type=args.deployer_principal_type,
                description="pulumi deployer uploads the DR site with Entra ID (shared keys are disabled)",
                opts=child,
            ))
        website = storage.StorageAccountStaticWebsite(
            child_name(name, "website"),
            account_name=self.account.name,
            resource_group_name=group.name,
            index_document=args.index_document,
            error404_document=args.error_document,
            opts=pulumi.ResourceOptions(parent=self, depends_on=upload_deps),
        )
        for blob_name, path in sorted(args.files.items()):
            storage.Blob(
                child_name(name, blob_name.replace("/", "-").replace(".", "-")),
                account_name=self.account.name,
                resource_group_name=group.name,
                container_name=website.container_name,
                blob_name=blob_name,
                source=pulumi.FileAsset(str(path)),
                content_type=content_type(Path(path)),
                type=storage.BlobType.BLOCK,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[website, *upload_deps]),
            )

        self.account_name = self.account.name
        self.resource_group_name = group.name
        self.web_endpoint = self.account.primary_endpoints.apply(lambda e: e.web)
        self.web_host = self.web_endpoint.apply(web_host)
        self.register_outputs({
            "accountName": self.account_name,
            "webEndpoint": self.web_endpoint,
            "webHost": self.web_host,
        })
