"""``KeyVault``: the Azure Key Vault holding the DR platform's application secrets.

Builds a vault with a globally unique name, ``Key Vault Secrets User`` role assignments for
the named readers (the AKS Secrets Store CSI provider identity, workload identities), the
secrets given as values (from config secrets) and the secrets generated with
``pulumi_random`` (e.g. an HMAC signing key, a database password).

Secure defaults, a sentence each:
* authorization is Azure RBAC (no access policies): readers get ``Key Vault Secrets User``,
  which reads secret values and nothing else;
* soft delete keeps deleted secrets and vaults for ``soft_delete_retention_days``, and purge
  protection stops anyone from purging them early (an explicit ``purge_protection=False`` is
  for throw-away dev stacks only; the stack config rejects it in prod);
* the network ACL denies by default and admits only the given subnets (the AKS nodes, via
  their service endpoint) and trusted Azure services;
* every secret value is a Pulumi secret, generated ones are never printed or stored plain;
* every secret carries an expiry date (``secrets_expire_on``) and a content type, so stale
  secrets are visible and consumers know what they hold;
* ``protect`` is on by default for the vault.

Secrets are written through Azure Resource Manager (``Microsoft.KeyVault/vaults/secrets``),
which the vault's network ACL does not block, so ``pulumi up`` works from outside the VNet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.keyvault as keyvault
import pulumi_random as random

from components.azure import roles
from components.naming import child_name, global_name

VAULT_NAME = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$")
SECRET_NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")


@dataclass
class GeneratedSecretSpec:
    """A secret whose value ``pulumi_random.RandomPassword`` generates (and keeps stable)."""

    name: str
    length: int = 32
    special: bool = False


@dataclass
class KeyVaultArgs:
    """Arguments of :class:`KeyVault`."""

    resource_group_name: pulumi.Input[str]
    location: str
    allowed_subnet_ids: list[pulumi.Input[str]] = field(default_factory=list)
    secret_readers: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)  # name -> object id
    secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)  # name -> value
    generated_secrets: list[GeneratedSecretSpec] = field(default_factory=list)
    sku: str = "standard"
    soft_delete_retention_days: int = 90
    purge_protection: bool = True
    protect: bool = True
    vault_name: str | None = None  # default: global_name("kv", stack, location, max 24)
    secrets_expire_on: date | None = None  # required when there are secrets
    content_type: str = "text/plain"


def expiry_epoch(day: date) -> int:
    """Key Vault's ``exp`` attribute: seconds since 1970-01-01T00:00:00Z, at 00:00 UTC of ``day``."""
    return int(datetime.combine(day, time(0, 0), tzinfo=timezone.utc).timestamp())


def vault_name_for(stack: str, location: str) -> str:
    """3-24 characters, letters, digits and single hyphens, starting with a letter."""
    name = global_name("kv", stack=stack, region=location, max_length=24)
    if not VAULT_NAME.match(name):
        raise ValueError(f"generated Key Vault name {name!r} breaks Azure's naming rules")
    return name


def validate_args(args: KeyVaultArgs) -> None:
    if not 7 <= args.soft_delete_retention_days <= 90:
        raise ValueError("soft_delete_retention_days must be 7-90")
    names = [*args.secrets, *(g.name for g in args.generated_secrets)]
    bad = [n for n in names if not SECRET_NAME.match(n)]
    if bad:
        raise ValueError(f"Key Vault secret names are 1-127 letters, digits and '-': {bad}")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"secret names given twice: {dupes}")
    if names and args.secrets_expire_on is None:
        raise ValueError("secrets need an expiry: set secrets_expire_on (rotate them before that day)")


class KeyVault(pulumi.ComponentResource):
    """RBAC-only Key Vault with network deny-by-default; see the module docstring."""

    vault_id: pulumi.Output[str]
    vault_name: pulumi.Output[str]
    vault_uri: pulumi.Output[str]
    secret_ids: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: KeyVaultArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)  # before registering anything
        super().__init__("twincloud:azure:KeyVault", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        physical = args.vault_name or vault_name_for(pulumi.get_stack(), args.location)
        client = authorization.get_client_config_output()

        self.vault = keyvault.Vault(
            name,
            vault_name=physical,
            resource_group_name=args.resource_group_name,
            location=args.location,
            properties=keyvault.VaultPropertiesArgs(
                tenant_id=client.tenant_id,
                sku=keyvault.SkuArgs(family="A", name=args.sku),
                enable_rbac_authorization=True,
                enable_soft_delete=True,
                soft_delete_retention_in_days=args.soft_delete_retention_days,
                # Azure accepts only ``true`` or an absent value here: purge protection can
                # never be switched off again once on.
                enable_purge_protection=True if args.purge_protection else None,
                enabled_for_deployment=False,
                enabled_for_disk_encryption=False,
                enabled_for_template_deployment=False,
                public_network_access="Enabled",  # the ACL below decides who gets in
                network_acls=keyvault.NetworkRuleSetArgs(
                    default_action="Deny",
                    bypass="AzureServices",
                    virtual_network_rules=[keyvault.VirtualNetworkRuleArgs(id=s) for s in args.allowed_subnet_ids],
                    ip_rules=[],
                ),
            ),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )

        secrets_user = roles.subscription_role(roles.KEY_VAULT_SECRETS_USER)
        for reader, principal in args.secret_readers.items():
            authorization.RoleAssignment(
                child_name(name, "secrets-user", reader),
                scope=self.vault.id,
                role_definition_id=secrets_user,
                principal_id=principal,
                principal_type=roles.SERVICE_PRINCIPAL,
                opts=child,
            )

        values: dict[str, pulumi.Input[str]] = dict(args.secrets)
        for spec in args.generated_secrets:
            password = random.RandomPassword(
                child_name(name, spec.name),
                length=spec.length,
                special=spec.special,
                opts=child,
            )
            values[spec.name] = password.result

        self.secret_ids = {}
        for secret_name, value in values.items():
            secret = keyvault.Secret(
                child_name(name, "secret", secret_name),
                secret_name=secret_name,
                vault_name=self.vault.name,
                resource_group_name=args.resource_group_name,
                properties=keyvault.SecretPropertiesArgs(
                    value=pulumi.Output.secret(value),
                    content_type=args.content_type,
                    attributes=keyvault.SecretAttributesArgs(
                        enabled=True, expires=expiry_epoch(args.secrets_expire_on)),  # type: ignore[arg-type]
                ),
                opts=child,
            )
            self.secret_ids[secret_name] = secret.id

        self.vault_id = self.vault.id
        self.vault_name = self.vault.name
        self.vault_uri = self.vault.properties.apply(lambda p: p.vault_uri)
        self.register_outputs({
            "vaultId": self.vault_id,
            "vaultName": self.vault_name,
            "vaultUri": self.vault_uri,
            "secretNames": sorted(values),
        })
