"""``ContainerRegistry``: the Azure Container Registry the AKS nodes pull from.

Builds a registry with a globally unique, deterministic name and an ``AcrPull`` role
assignment for the AKS kubelet identity, scoped to the registry.

Secure defaults, a sentence each:
* the admin user (a shared static password) is disabled; pushes and pulls use Entra;
* nodes pull through ``AcrPull`` on their kubelet identity: no image pull secrets exist;
* anonymous pull is off, and a private Premium registry also blocks export of images;
* Premium sets ``zoneRedundancy: Enabled`` explicitly (required in prod, with geo-replication and
  retention); Basic/Standard are for dev only. Azure now makes every registry, of any tier,
  zone redundant by default in regions with availability zones, while the property may still
  read ``Disabled`` (components/facts/azure.py ``ACR["zone_redundancy_all_tiers"]``);
* public network access is a named, explicit choice (``public_network_access``);
* a Premium registry deletes untagged manifests after ``retention_days`` (7 by default), so tags
  overwritten by re-pushes do not pile up; deploys pull by tag, never by an untagged digest;
* ``replication_locations`` geo-replicates a Premium registry (zone-redundant replicas): pulls
  keep working when the home region is down, only registry configuration waits for it;
* image quarantine (``quarantine``) is off unless asked for: with it on, a pushed image
  cannot be pulled until a scanner holding the quarantine-writer role marks it verified,
  and the platform ships no such scanner (docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.containerregistry as containerregistry

from components.azure import roles
from components.naming import child_name, global_name

SKUS = ("Basic", "Standard", "Premium")


@dataclass
class ContainerRegistryArgs:
    """Arguments of :class:`ContainerRegistry`."""

    resource_group_name: pulumi.Input[str]
    location: str
    kubelet_object_id: pulumi.Input[str]
    sku: str = "Premium"
    zone_redundant: bool = True  # sets the property on Premium only (other tiers: Azure default)
    public_network_access: bool = False
    registry_name: str | None = None  # default: global_name("acr", stack, location)
    quarantine: bool = False  # needs a scanner that releases images (docs/security.md)
    protect: bool = False  # prod: the images a DR start depends on must survive a mistaken destroy
    retention_days: int | None = 7  # untagged manifests; Premium only (None: keep them)
    replication_locations: list[str] = field(default_factory=list)  # Premium only


def registry_name_for(stack: str, location: str) -> str:
    """5-50 lower-case alphanumerics, unique per stack and location."""
    return global_name("acr", stack=stack, region=location, alphanumeric=True, max_length=50)


def _policies(args: ContainerRegistryArgs, premium: bool) -> containerregistry.PoliciesArgs | None:
    """Export blocking (needs a Premium registry closed to the public network), quarantine and the
    retention of untagged manifests (Premium only)."""
    block_export = premium and not args.public_network_access
    retention = premium and args.retention_days is not None
    if not block_export and not args.quarantine and not retention:
        return None
    return containerregistry.PoliciesArgs(
        export_policy=containerregistry.ExportPolicyArgs(status="disabled") if block_export else None,
        quarantine_policy=containerregistry.QuarantinePolicyArgs(status="enabled") if args.quarantine else None,
        retention_policy=containerregistry.RetentionPolicyArgs(status="enabled", days=args.retention_days)
        if retention else None,
    )


class ContainerRegistry(pulumi.ComponentResource):
    """Private container registry with AcrPull for AKS; see the module docstring."""

    registry_id: pulumi.Output[str]
    login_server: pulumi.Output[str]
    registry_name: pulumi.Output[str]

    def __init__(self, name: str, args: ContainerRegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        if args.sku not in SKUS:
            raise ValueError(f"sku must be one of {SKUS}")
        if args.replication_locations and args.sku != "Premium":
            raise ValueError("geo-replication needs sku Premium")
        super().__init__("twincloud:azure:ContainerRegistry", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        premium = args.sku == "Premium"
        physical = args.registry_name or registry_name_for(pulumi.get_stack(), args.location)

        self.registry = containerregistry.Registry(
            name,
            registry_name=physical,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=containerregistry.SkuArgs(name=args.sku),
            admin_user_enabled=False,
            anonymous_pull_enabled=False,
            public_network_access="Enabled" if args.public_network_access else "Disabled",
            zone_redundancy="Enabled" if premium and args.zone_redundant else "Disabled",
            policies=_policies(args, premium),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        self.replicas = [
            containerregistry.Replication(
                child_name(name, "replica", loc),
                registry_name=self.registry.name,
                replication_name=loc,
                resource_group_name=args.resource_group_name,
                location=loc,
                zone_redundancy="Enabled",
                opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
            )
            for loc in args.replication_locations
        ]
        self.acr_pull = authorization.RoleAssignment(
            child_name(name, "kubelet-acrpull"),
            scope=self.registry.id,
            role_definition_id=roles.subscription_role(roles.ACR_PULL),
            principal_id=args.kubelet_object_id,
            principal_type=roles.SERVICE_PRINCIPAL,
            opts=child,
        )
        self.registry_id = self.registry.id
        self.login_server = self.registry.login_server
        self.registry_name = self.registry.name
        self.register_outputs({
            "registryId": self.registry_id,
            "loginServer": self.login_server,
            "registryName": self.registry_name,
        })
