"""EKS access entries beyond the admins (twincloud:eks.accessEntries): what the plan declares,
the config checks, and the eks-access-no-cluster-admin-for-non-admins rule on real planned
resources."""

from __future__ import annotations

import json

import pytest

from components.tagging import ACCESS_TAG
from tests.policy_support import messages, with_value
from tests.support import plan
from tests.test_config_schema import one_problem

ENTRY = "aws:eks/accessEntry:AccessEntry"
ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
TEAM = "arn:aws:iam::111122223333:role/team-a-developers"
ENTRIES = json.dumps([{"principalArn": TEAM, "policies": [
    {"policy": "AmazonEKSEditPolicy", "accessScope": {"type": "namespace", "namespaces": ["team-a", "team-a-*"]}},
    {"policy": "AmazonEKSViewPolicy", "accessScope": {"type": "cluster"}},
]}])


@pytest.fixture(scope="module")
def team_plan():
    return plan("dev", f"twincloud:eks.accessEntries={ENTRIES}")


def _associations(p, principal):
    return {r.inputs["policyArn"].rsplit("/", 1)[-1]: r for r in p.of_type(ASSOCIATION)
            if r.inputs["principalArn"] == principal}


def test_a_config_entry_gets_one_standard_access_entry_without_groups(team_plan):
    entries = [r for r in team_plan.of_type(ENTRY) if r.inputs["principalArn"] == TEAM]
    assert len(entries) == 1
    assert entries[0].inputs["type"] == "STANDARD" and not entries[0].inputs.get("kubernetesGroups")
    assert entries[0].inputs["tags"][ACCESS_TAG] == "access"


def test_namespace_scope_carries_its_namespaces_and_cluster_scope_none(team_plan):
    assoc = _associations(team_plan, TEAM)
    assert assoc["AmazonEKSEditPolicy"].inputs["accessScope"] == {"type": "namespace",
                                                                 "namespaces": ["team-a", "team-a-*"]}
    assert assoc["AmazonEKSViewPolicy"].inputs["accessScope"] == {"type": "cluster"}
    assert assoc["AmazonEKSEditPolicy"].inputs["policyArn"] == (
        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy")


def test_admin_and_viewer_entries_keep_their_names_and_policies(dev_plan):
    names = sorted(r.name for r in dev_plan.of_type(ENTRY) if r.name.startswith("twincloud-dev-eks-"))
    assert names == ["twincloud-dev-eks-admin-0", "twincloud-dev-eks-admin-1", "twincloud-dev-eks-viewer-0"]
    policies = {r.name: r.inputs["policyArn"].rsplit("/", 1)[-1] for r in dev_plan.of_type(ASSOCIATION)
                if r.name.startswith("twincloud-dev-eks-")}
    assert policies == {"twincloud-dev-eks-admin-0": "AmazonEKSClusterAdminPolicy",
                        "twincloud-dev-eks-admin-1": "AmazonEKSClusterAdminPolicy",
                        "twincloud-dev-eks-viewer-0": "AmazonEKSAdminViewPolicy"}


def test_a_config_principal_is_a_prerequisite(team_plan):
    assert any(p["configKey"] == "twincloud:eks.accessEntries[0].principalArn" and p["name"] == TEAM
               for p in team_plan.to_json()["prerequisites"])


# -- bad config ---------------------------------------------------------------------------------

def _entries(principal=TEAM, policy="AmazonEKSViewPolicy", scope=None):
    return "twincloud:eks.accessEntries=" + json.dumps([{"principalArn": principal, "policies": [
        {"policy": policy, "accessScope": scope or {"type": "cluster"}}]}])


def test_an_sts_session_arn_is_refused_with_the_role_form():
    msg = one_problem("dev", _entries("arn:aws:sts::111122223333:assumed-role/team-a/alice"))
    assert msg.startswith("twincloud:eks.accessEntries[0].principalArn: an STS session (assumed-role) ARN")


def test_a_principal_that_is_not_an_iam_arn_is_refused():
    msg = one_problem("dev", _entries("team-a-developers"))
    assert msg.startswith("twincloud:eks.accessEntries[0].principalArn: not an IAM role or user ARN")


def test_an_unknown_policy_name_is_refused_listing_the_allowed_ones():
    msg = one_problem("dev", _entries(policy="AmazonEKSClusterAdminPolicy"))
    assert msg.startswith("twincloud:eks.accessEntries[0].policies[0].policy: ")
    assert "AmazonEKSViewPolicy" in msg and "AmazonEKSAdminPolicy" in msg


def test_a_namespace_that_is_not_a_dns_label_is_refused():
    msg = one_problem("dev", _entries(scope={"type": "namespace", "namespaces": ["Team_A"]}))
    assert msg.startswith("twincloud:eks.accessEntries[0].policies[0].accessScope.namespaces: ")
    assert "'Team_A' is not a namespace name" in msg


def test_namespace_scope_without_namespaces_is_refused():
    msg = one_problem("dev", _entries(scope={"type": "namespace"}))
    assert "type namespace needs at least one namespace" in msg


def test_cluster_wide_admin_policy_is_refused_in_config():
    msg = one_problem("dev", _entries(policy="AmazonEKSAdminPolicy"))
    assert msg.startswith("twincloud:eks.accessEntries[0].policies[0].accessScope: ")
    assert "must be namespace-scoped" in msg


def test_an_admin_role_given_an_entry_too_is_refused():
    msg = one_problem("dev", _entries("arn:aws:iam::111122223333:role/platform-admin"))
    assert msg.startswith("twincloud:eks.accessEntries: ") and "also in adminRoleNames" in msg


# -- the rule -----------------------------------------------------------------------------------

def _team_resources(team_plan):
    return [r for r in [*team_plan.of_type(ENTRY), *team_plan.of_type(ASSOCIATION)]]


def test_shipped_and_team_access_pass_the_rule(dev_plan, team_plan):
    assert messages([*dev_plan.of_type(ENTRY), *dev_plan.of_type(ASSOCIATION)],
                    "eks-access-no-cluster-admin-for-non-admins") == []
    assert messages(_team_resources(team_plan), "eks-access-no-cluster-admin-for-non-admins") == []


def test_cluster_wide_admin_on_a_team_entry_is_reported(team_plan):
    view = _associations(team_plan, TEAM)["AmazonEKSViewPolicy"]
    admin = with_value(view, ("policyArn",), "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy")
    resources = [admin if r.urn == view.urn else r for r in _team_resources(team_plan)]
    assert messages(resources, "eks-access-no-cluster-admin-for-non-admins") == [
        f"AmazonEKSClusterAdminPolicy is associated cluster-wide with {TEAM}, whose access entry is not an admin "
        f"entry ({ACCESS_TAG}: access); scope it to namespaces (accessScope type: namespace) or list the role in "
        "twincloud:eks.adminRoleNames"]


def test_namespaced_admin_on_a_team_entry_passes(team_plan):
    edit = _associations(team_plan, TEAM)["AmazonEKSEditPolicy"]
    admin = with_value(edit, ("policyArn",), "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy")
    resources = [admin if r.urn == edit.urn else r for r in _team_resources(team_plan)]
    assert messages(resources, "eks-access-no-cluster-admin-for-non-admins") == []


def test_the_deploy_role_given_an_entry_too_is_refused():
    msg = one_problem("dev", _entries("arn:aws:iam::111122223333:role/twincloud-deploy-dev"))
    assert msg.startswith("twincloud:deploy: ") and "one access entry per principal" in msg
