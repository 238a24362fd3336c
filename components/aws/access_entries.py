"""EKS access entries (authentication mode ``API``): who may use the cluster, and with which
access policy at which scope. Declared by :class:`components.aws.eks.EksCluster` as its children.

Three kinds of entry:
* ``admin`` (people in ``adminRoleNames``, the CI deploy role): AmazonEKSClusterAdminPolicy,
  cluster-wide;
* ``viewer`` (the pull-request preview role): AmazonEKSAdminViewPolicy, cluster-wide read-only;
* ``access`` (``twincloud:eks.accessEntries``): any of AmazonEKSViewPolicy, AmazonEKSEditPolicy,
  AmazonEKSAdminPolicy and AmazonEKSAdminViewPolicy, cluster-wide or limited to namespaces.

Secure defaults, a sentence each:
* each entry is ``STANDARD`` with no Kubernetes groups, so its rights are exactly the access
  policies listed;
* every entry carries a ``twincloud.io/access`` tag naming its kind, and the
  ``eks-access-no-cluster-admin-for-non-admins`` rule refuses cluster-wide admin policies on
  anything but an ``admin`` entry;
* policy ARNs come from the facts table (components/facts/aws.py EKS_ACCESS_POLICIES) in the
  stack's partition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.facts.aws import access_policy_arn
from components.naming import child_name, short_hash
from components.tagging import ACCESS_TAG
CLUSTER_ADMIN_ACCESS_POLICY = "AmazonEKSClusterAdminPolicy"
ADMIN_VIEW_ACCESS_POLICY = "AmazonEKSAdminViewPolicy"
# What twincloud:eks.accessEntries may grant (cluster admins are adminRoleNames, never an entry here).
TEAM_ACCESS_POLICIES = ("AmazonEKSViewPolicy", "AmazonEKSEditPolicy", "AmazonEKSAdminPolicy",
                        "AmazonEKSAdminViewPolicy")
_SHORT = {"AmazonEKSViewPolicy": "view", "AmazonEKSEditPolicy": "edit", "AmazonEKSAdminPolicy": "admin",
          "AmazonEKSAdminViewPolicy": "admin-view", "AmazonEKSClusterAdminPolicy": "cluster-admin"}


@dataclass
class AccessPolicySpec:
    """One access policy of an entry: ``scope`` ``cluster`` or ``namespace`` (with ``namespaces``)."""

    policy: str
    scope: str = "cluster"
    namespaces: list[str] = field(default_factory=list)


@dataclass
class AccessEntrySpec:
    """A principal (IAM role or user ARN) and the access policies associated with its entry."""

    principal_arn: str
    policies: list[AccessPolicySpec]


def entry_slug(principal_arn: str) -> str:
    """A name part from the principal ARN: the role or user name, lower-case (``team-a-dev``),
    with a hash of the ARN so two accounts' roles of one name stay apart."""
    base = re.sub(r"[^a-z0-9-]+", "-", principal_arn.rsplit("/", 1)[-1].lower()).strip("-")[:40] or "principal"
    return f"{base}-{short_hash(principal_arn, length=4)}"


def declare_access_entries(parent: pulumi.Resource, name: str, cluster_name: pulumi.Input[str], partition: str, *,
                           admins: list[pulumi.Input[str]], viewers: list[pulumi.Input[str]],
                           entries: list[AccessEntrySpec]) -> list[aws.eks.AccessEntry]:
    """Declare every access entry and its policy associations as children of ``parent``
    (names ``<name>-admin-<i>``, ``<name>-viewer-<i>`` and ``<name>-access-<slug>[-<policy>]``)."""
    declared: list[aws.eks.AccessEntry] = []

    def entry(logical: str, kind: str, principal: pulumi.Input[str],
              policies: list[tuple[str, AccessPolicySpec]]) -> None:
        access_entry = aws.eks.AccessEntry(
            logical, cluster_name=cluster_name, principal_arn=principal, type="STANDARD",
            tags={ACCESS_TAG: kind}, opts=pulumi.ResourceOptions(parent=parent),
        )
        declared.append(access_entry)
        for association_name, spec in policies:
            aws.eks.AccessPolicyAssociation(
                association_name,
                cluster_name=cluster_name,
                principal_arn=principal,
                policy_arn=access_policy_arn(spec.policy, partition=partition),
                access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(
                    type=spec.scope, namespaces=list(spec.namespaces) if spec.scope == "namespace" else None),
                opts=pulumi.ResourceOptions(parent=parent, depends_on=[access_entry]),
            )

    # People and the deploy role administer the cluster; the preview role only reads it.
    for kind, principals, policy in (("admin", admins, CLUSTER_ADMIN_ACCESS_POLICY),
                                     ("viewer", viewers, ADMIN_VIEW_ACCESS_POLICY)):
        for i, principal in enumerate(principals):
            logical = child_name(name, kind, i)
            entry(logical, kind, principal, [(logical, AccessPolicySpec(policy))])
    for spec in entries:
        logical = child_name(name, "access", entry_slug(spec.principal_arn))
        entry(logical, "access", spec.principal_arn,
              [(child_name(logical, _SHORT[p.policy]), p) for p in spec.policies])
    return declared
