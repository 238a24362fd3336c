"""What must exist before a stack's first ``pulumi up``, read from its validated config.

The program creates everything else. Whatever it only looks up or refers to must exist
beforehand, and stack config is where each such thing is declared: the offline plan lists
these (``python -m tools.plan --empty-account``), and in that mode a lookup of anything not
declared here fails as it would in a new account (tools/mocks.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from stacks.config import StackConfig


@dataclass(frozen=True)
class Prerequisite:
    """One thing that must exist before the first ``up``."""

    kind: str  # what it is, e.g. "route53-hosted-zone"
    name: str  # how the program refers to it
    config_key: str  # where stack config declares it ("" when it is not stack config)
    how: str  # how to create it

    def to_json(self) -> dict[str, str]:
        return {("configKey" if k == "config_key" else k): v for k, v in asdict(self).items()}


def prerequisites(cfg: StackConfig) -> list[Prerequisite]:
    """Everything the stack needs to exist before its first ``up``, in the order to create it."""
    out = [
        Prerequisite("pulumi-state-backend", "s3 bucket + KMS key alias/twincloud-pulumi-state", "",
                     "tools/bootstrap (docs/state-backend.md), once per account"),
        Prerequisite("deploy-identity", "the AWS role and Azure app registration CI signs in as", "",
                     "OIDC trust for the repository's environments (docs/ci.md)"),
    ]
    deploy = cfg.deploy
    if deploy.aws_role_name:
        out.append(Prerequisite("iam-role", deploy.aws_role_name, "twincloud:deploy.awsRoleName",
                                "the role deploy.yml assumes; gets an EKS access entry (cluster admin)"))
    if deploy.preview_role_name:
        out.append(Prerequisite("iam-role", deploy.preview_role_name, "twincloud:deploy.previewRoleName",
                                "the role preview.yml assumes; gets an EKS access entry (admin view)"))
    if deploy.runner is not None:
        out.append(Prerequisite("codeconnections-connection", deploy.runner.connection_id,
                                "twincloud:deploy.runner.connectionId",
                                f"a GitHub connection in aws:region ({cfg.aws_region}) authorized for "
                                f"{deploy.runner.repository} (console)"))
    for i, role in enumerate(cfg.eks.admin_role_names):
        out.append(Prerequisite("iam-role", role, f"twincloud:eks.adminRoleNames[{i}]",
                                "an IAM role for people; gets an EKS access entry (cluster admin)"))
    for i, entry in enumerate(cfg.eks.access_entries):
        policies = ", ".join(f"{p.policy} ({p.access_scope.type})" for p in entry.policies)
        out.append(Prerequisite("iam-principal", entry.principal_arn, f"twincloud:eks.accessEntries[{i}].principalArn",
                                f"an IAM role or user; gets an EKS access entry with {policies}"))
    if cfg.azure is not None:
        for i, group in enumerate(cfg.azure.aks.admin_group_object_ids):
            out.append(Prerequisite("entra-group", group, f"twincloud:azure.aks.adminGroupObjectIds[{i}]",
                                    "an Entra ID group; gets Azure Kubernetes Service RBAC Cluster Admin"))
    dr = cfg.dr
    if dr.enabled:
        if dr.hosted_zone_id:
            out.append(Prerequisite("route53-hosted-zone", dr.hosted_zone_id, "twincloud:dr.hostedZoneId",
                                    f"the public zone holding {dr.domain}, delegated from the registrar"))
        elif dr.hosted_zone_name:
            out.append(Prerequisite("route53-hosted-zone", dr.hosted_zone_name, "twincloud:dr.hostedZoneName",
                                    f"the public zone holding {dr.domain}, delegated from the registrar"))
        if dr.primary_stack_reference is not None:
            out.append(Prerequisite("pulumi-stack", dr.primary_stack_reference.stack,
                                    "twincloud:dr.primaryStackReference.stack",
                                    "the stack exporting the primary load balancer, deployed first"))
    return out
