"""``WorkloadBlobStorage``: a storage account whose blob containers Kubernetes workloads on
AKS reach through workload identity, with no account key anywhere.

Builds one StorageV2 account with a globally unique name, its blob service settings (soft
delete for blobs and containers, versioning), a lifecycle rule that expires old blob
versions, and for each consumer (e.g. Loki, Tempo): a private blob container, a
:class:`~components.azure.workload_identity.WorkloadIdentity` federated to the consumer's
``namespace/serviceAccount`` on the AKS OIDC issuer, and a ``Storage Blob Data
Contributor`` role assignment for that identity scoped to that container only.

Secure defaults, a sentence each:
* shared-key access is off and OAuth is the default, so account keys and SAS tokens signed
  with them do not work: every request carries an Entra token (the pod's federated one);
* HTTPS only, with TLS 1.2 as the minimum;
* public blob access is disallowed on the account and every container is private, so no
  container can be opened to anonymous readers later;
* the network rule set denies by default and admits only the given subnets (the AKS nodes,
  through their ``Microsoft.Storage`` service endpoint) and trusted Azure services;
* each identity may read and write only its own container: the role assignment's scope is
  the container, not the account;
* cross-tenant object replication is off and infrastructure (double) encryption is on;
* the default SKU is zone-redundant (``Standard_ZRS``), so a zone outage loses no logs or
  traces; ``Standard_LRS`` must be asked for by name (dev);
* deleted blobs and containers stay recoverable for ``soft_delete_days``, and with
  versioning an overwrite can be undone too (old versions expire after the same period);
* ``protect`` is on by default for the account and its containers (the data lives there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.storage as storage

from components.azure import roles
from components.azure.workload_identity import WorkloadIdentity, WorkloadIdentityArgs
from components.naming import child_name, global_name

SKUS = ("Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS")
ZONE_REDUNDANT_SKUS = ("Standard_ZRS", "Standard_GZRS", "Standard_RAGZRS")
ACCOUNT_NAME = re.compile(r"^[a-z0-9]{3,24}$")
# 3-63 lower-case letters, digits and single dashes, starting and ending with a letter or digit.
CONTAINER_NAME = re.compile(r"^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")
BLOB_SERVICE = "default"  # the only blob service name Azure accepts
MANAGEMENT_POLICY = "default"  # the only lifecycle policy name Azure accepts


@dataclass(frozen=True)
class BlobConsumerSpec:
    """One workload: its container and the service account its identity is federated to."""

    name: str  # a short key (``loki``), used in logical names and outputs
    container: str
    service_account: str
    namespace: str


@dataclass
class WorkloadBlobStorageArgs:
    """Arguments of :class:`WorkloadBlobStorage`."""

    resource_group_name: pulumi.Input[str]
    location: str
    oidc_issuer_url: pulumi.Input[str]
    consumers: list[BlobConsumerSpec]
    label: str = "blob"  # part of the generated account name
    allowed_subnet_ids: list[pulumi.Input[str]] = field(default_factory=list)
    sku: str = "Standard_ZRS"
    soft_delete_days: int = 7
    versioning: bool = True
    protect: bool = True
    account_name: str | None = None  # default: global_name(label, stack, location), 24 alphanumerics


@dataclass(frozen=True)
class BlobConsumer:
    """What a consumer needs to reach its container (all but the names are Outputs)."""

    storage_account: pulumi.Output[str]
    container: pulumi.Output[str]
    container_id: pulumi.Output[str]
    client_id: pulumi.Output[str]
    service_account: str
    namespace: str
    # Created only for this consumer's access; a workload deployed after them gets a token
    # that works on its first request.
    access: tuple[pulumi.Resource, ...] = ()


def storage_account_name_for(label: str, stack: str, location: str) -> str:
    """3-24 lower-case alphanumerics, unique per label, stack and location."""
    name = global_name(label, stack=stack, region=location, alphanumeric=True, max_length=24)
    if not ACCOUNT_NAME.match(name):
        raise ValueError(f"generated storage account name {name!r} breaks Azure's naming rules")
    return name


def args_problems(args: WorkloadBlobStorageArgs) -> list[str]:
    """Everything wrong with ``args`` (checked before any resource is declared)."""
    problems = []
    if args.sku not in SKUS:
        problems.append(f"sku must be one of {SKUS}, got {args.sku!r}")
    if not 1 <= args.soft_delete_days <= 365:
        problems.append(f"soft_delete_days must be 1-365, got {args.soft_delete_days}")
    if args.account_name is not None and not ACCOUNT_NAME.match(args.account_name):
        problems.append(f"account_name must be 3-24 lower-case letters and digits, got {args.account_name!r}")
    if not args.consumers:
        problems.append("give at least one consumer")
    for what, values in (("consumer names", [c.name for c in args.consumers]),
                         ("containers", [c.container for c in args.consumers]),
                         ("service accounts", [(c.namespace, c.service_account) for c in args.consumers])):
        dupes = sorted({str(v) for v in values if values.count(v) > 1})
        if dupes:
            problems.append(f"{what} must be unique (each identity gets its own container): {dupes}")
    bad = [c.container for c in args.consumers if not CONTAINER_NAME.match(c.container)]
    if bad:
        problems.append(f"container names are 3-63 lower-case letters, digits and single dashes: {bad}")
    return problems


class WorkloadBlobStorage(pulumi.ComponentResource):
    """Keyless storage account with one container and one federated identity per consumer;
    see the module docstring."""

    account_name: pulumi.Output[str]
    account_id: pulumi.Output[str]
    blob_endpoint: pulumi.Output[str]
    consumers: dict[str, BlobConsumer]

    def __init__(self, name: str, args: WorkloadBlobStorageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = args_problems(args)
        if problems:
            raise ValueError("WorkloadBlobStorage: " + "; ".join(problems))
        super().__init__("twincloud:azure:WorkloadBlobStorage", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect)
        physical = args.account_name or storage_account_name_for(args.label, pulumi.get_stack(), args.location)
        rg = args.resource_group_name

        self.account = storage.StorageAccount(
            name,
            account_name=physical,
            resource_group_name=rg,
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
            public_network_access=storage.PublicNetworkAccess.ENABLED,  # the rule set below decides who gets in
            network_rule_set=storage.NetworkRuleSetArgs(
                default_action=storage.DefaultAction.DENY,
                bypass=storage.Bypass.AZURE_SERVICES,
                virtual_network_rules=[
                    storage.VirtualNetworkRuleArgs(virtual_network_resource_id=s, action=storage.Action.ALLOW)
                    for s in args.allowed_subnet_ids
                ],
                ip_rules=[],
            ),
            encryption=storage.EncryptionArgs(
                key_source=storage.KeySource.MICROSOFT_STORAGE,
                require_infrastructure_encryption=True,
                services=storage.EncryptionServicesArgs(
                    blob=storage.EncryptionServiceArgs(enabled=True),
                ),
            ),
            opts=stateful,
        )
        retention = storage.DeleteRetentionPolicyArgs(enabled=True, days=args.soft_delete_days)
        self.blob_service = storage.BlobServiceProperties(
            child_name(name, "blob-service"),
            account_name=self.account.name,
            resource_group_name=rg,
            blob_services_name=BLOB_SERVICE,
            delete_retention_policy=storage.DeleteRetentionPolicyArgs(
                enabled=True, days=args.soft_delete_days, allow_permanent_delete=False),
            container_delete_retention_policy=retention,
            is_versioning_enabled=args.versioning,
            opts=child,
        )
        if args.versioning:
            # Versions of overwritten/deleted blobs are kept as long as soft delete keeps blobs.
            storage.ManagementPolicy(
                child_name(name, "lifecycle"),
                account_name=self.account.name,
                resource_group_name=rg,
                management_policy_name=MANAGEMENT_POLICY,
                policy=storage.ManagementPolicySchemaArgs(rules=[storage.ManagementPolicyRuleArgs(
                    name="expire-old-versions",
                    type=storage.RuleType.LIFECYCLE,
                    enabled=True,
                    definition=storage.ManagementPolicyDefinitionArgs(
                        filters=storage.ManagementPolicyFilterArgs(blob_types=["blockBlob"]),
                        actions=storage.ManagementPolicyActionArgs(version=storage.ManagementPolicyVersionArgs(
                            delete=storage.DateAfterCreationArgs(
                                days_after_creation_greater_than=args.soft_delete_days),
                        )),
                    ),
                )]),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.blob_service]),
            )

        contributor = roles.subscription_role(roles.STORAGE_BLOB_DATA_CONTRIBUTOR)
        self.containers: dict[str, storage.BlobContainer] = {}
        self.identities: dict[str, WorkloadIdentity] = {}
        self.consumers = {}
        for spec in args.consumers:
            container = storage.BlobContainer(
                child_name(name, spec.name),
                account_name=self.account.name,
                resource_group_name=rg,
                container_name=spec.container,
                public_access=storage.PublicAccess.NONE,
                opts=pulumi.ResourceOptions.merge(stateful, pulumi.ResourceOptions(depends_on=[self.blob_service])),
            )
            identity = WorkloadIdentity(child_name(name, spec.name, "identity"), WorkloadIdentityArgs(
                resource_group_name=rg,
                location=args.location,
                oidc_issuer_url=args.oidc_issuer_url,
                namespace=spec.namespace,
                service_account=spec.service_account,
            ), opts=child)
            grant = authorization.RoleAssignment(
                child_name(name, spec.name, "blob-contributor"),
                scope=container.id,
                role_definition_id=contributor,
                principal_id=identity.principal_id,
                principal_type=roles.SERVICE_PRINCIPAL,
                opts=child,
            )
            self.containers[spec.name] = container
            self.identities[spec.name] = identity
            self.consumers[spec.name] = BlobConsumer(
                storage_account=self.account.name,
                container=container.name,
                container_id=container.id,
                client_id=identity.client_id,
                service_account=spec.service_account,
                namespace=spec.namespace,
                access=(identity.credential, grant),
            )

        self.account_name = self.account.name
        self.account_id = self.account.id
        self.blob_endpoint = self.account.primary_endpoints.apply(lambda e: e.blob)
        self.register_outputs({
            "accountName": self.account_name,
            "accountId": self.account_id,
            "blobEndpoint": self.blob_endpoint,
            "consumers": {
                key: {"storageAccountName": c.storage_account, "containerName": c.container,
                      "clientId": c.client_id, "serviceAccount": c.service_account, "namespace": c.namespace}
                for key, c in self.consumers.items()
            },
        })
