"""EKS access: cluster-wide administration only through the admin entries.

Access entries carry a ``twincloud.io/access`` tag naming their kind (components/aws/access_entries.py):
``admin`` (``adminRoleNames``, the deploy role), ``viewer`` (the preview role) or ``access``
(``twincloud:eks.accessEntries``). An administrative access policy associated at cluster scope
to anything but an ``admin`` entry is a second, less visible way to make a cluster admin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from components.tagging import ACCESS_TAG
from policies.common import MANDATORY, UNKNOWN, Graph, Res, StackRule, get

ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
# Access policies that administer what they are scoped to (components/facts/aws.py EKS_ACCESS_POLICIES).
ADMIN_POLICIES = ("AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy")


def _entries_of(graph: Graph, association: Res) -> list[Res]:
    principal = association.get("principalArn")
    return [e for e in graph.of_type(ACCESS_ENTRY)
            if e.urn in association.dependencies or (isinstance(principal, str) and e.get("principalArn") == principal)]


def check_cluster_admin(graph: Graph, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    for association in graph.of_type(ASSOCIATION):
        policy, scope = association.get("policyArn"), association.get("accessScope", "type")
        if UNKNOWN in (policy, scope) or not isinstance(policy, str):
            continue
        name = policy.rsplit("/", 1)[-1]
        if name not in ADMIN_POLICIES or scope != "cluster":
            continue
        kinds = {get(e.props, "tags", ACCESS_TAG) for e in _entries_of(graph, association)}
        if UNKNOWN in kinds or "admin" in kinds:
            continue
        yield association, (f"{name} is associated cluster-wide with {association.get('principalArn')}, whose access "
                            f"entry is not an admin entry ({ACCESS_TAG}: {', '.join(sorted(map(str, kinds))) or 'none'}); "
                            "scope it to namespaces (accessScope type: namespace) or list the role in "
                            "twincloud:eks.adminRoleNames")


EKS_ACCESS_NO_CLUSTER_ADMIN = StackRule(
    name="eks-access-no-cluster-admin-for-non-admins",
    description="EKS admin access policies are cluster-wide only on admin access entries",
    check=check_cluster_admin,
    resource_types=(ACCESS_ENTRY, ASSOCIATION),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Give twincloud:eks.accessEntries admin policies a namespace scope; cluster admins are "
                "twincloud:eks.adminRoleNames.",
    tags=["aws", "eks", "iam"],
)

POLICIES = [EKS_ACCESS_NO_CLUSTER_ADMIN]
