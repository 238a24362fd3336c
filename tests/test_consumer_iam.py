"""Every IAM policy document in the dev and prod plans, through parliament (PyPI, pinned in
requirements.txt), the IAM linter whose bundled action/resource database comes from AWS's
Service Authorization Reference.

* identity policies (role inline policies, ``RolePolicy``, managed ``Policy``) and resource
  policies (bucket and KMS key policies): parliament's full analysis, so every action exists,
  resource ARNs fit the action's resource types, and ``Resource: "*"`` is reported where the
  action supports resource-level permissions (``RESOURCE_STAR``);
* trust policies (``assumeRolePolicy``) have no ``Resource`` element, which parliament's
  identity-policy analysis requires, so for them every action is looked up in the same database.

The few findings that are right for the document they appear in are accepted by ``ACCEPTED``
below, one row each with the AWS documentation that says why. parliament's database knows every
action the plans use, including EKS Pod Identity and access entries, except one ELB action the
AWS Load Balancer Controller's v3.5.0 policy names (``NEWER_THAN_DATABASE``, with its source).
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass

import pytest

from tests.support import policy_json

with warnings.catch_warnings():  # parliament imports pkg_resources, which warns on import
    warnings.simplefilter("ignore")
    from parliament import UnknownActionException, UnknownPrefixException, analyze_policy_string, expand_action
    from parliament import iam_definition

IDENTITY = {"aws:iam/rolePolicy:RolePolicy": "policy", "aws:iam/policy:Policy": "policy",
            "aws:iam/userPolicy:UserPolicy": "policy", "aws:iam/groupPolicy:GroupPolicy": "policy"}
RESOURCE = {"aws:s3/bucketPolicy:BucketPolicy": "policy", "aws:kms/key:Key": "policy",
            "aws:kms/keyPolicy:KeyPolicy": "policy", "aws:ecr/repositoryPolicy:RepositoryPolicy": "policy",
            "aws:ecr/registryPolicy:RegistryPolicy": "policy", "aws:sqs/queuePolicy:QueuePolicy": "policy",
            "aws:sns/topicPolicy:TopicPolicy": "policy"}
TRUST = {"aws:iam/role:Role": "assumeRolePolicy"}

KEY_POLICY_DOC = "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html"
LOGS_KMS_DOC = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html"
KARPENTER_CFN = ("aws/karpenter-provider-aws@1d927085dd81 website/content/en/v1.14/getting-started/"
                 "getting-started-with-karpenter/cloudformation.yaml")


@dataclass(frozen=True)
class Accepted:
    """A parliament finding that is correct for this kind of document, and why."""

    issue: str
    resource_type: str
    detail_contains: str
    why: str
    source: str


ACCEPTED = (
    Accepted("RESOURCE_STAR", "aws:kms/key:Key", "kms:",
             'In a key policy, the value of the Resource element is "*", which means "this KMS key."',
             KEY_POLICY_DOC + " (Resource: Required)"),
    Accepted("UNKNOWN_CONDITION_FOR_ACTION", "aws:kms/key:Key", "kms:EncryptionContext:aws:logs:arn for action kms:Describe",
             "the CloudWatch Logs key-policy statement scopes kms:Describe* with the log group's encryption context, "
             "as AWS's statement for log-group encryption does; the condition never matches Describe*, which "
             "CloudWatch Logs does not need for encryption",
             LOGS_KMS_DOC + " (key policy for logs.<region>.amazonaws.com, kms:EncryptionContext:aws:logs:arn)"),
    Accepted("MISMATCHED_TYPE", "aws:kms/key:Key", "ArnEquals requires a value of type Arn but given String",
             "kms:EncryptionContext:aws:logs:arn holds the log group ARN; AWS's statement compares it with ArnEquals/"
             "ArnLike, while parliament types every kms:EncryptionContext:* key as String",
             LOGS_KMS_DOC),
    # Karpenter's controller policies, exactly as upstream writes them (components/platform/documents.py).
    Accepted("RESOURCE_MISMATCH", "aws:iam/policy:Policy", '"action": "ec2:RunInstances"',
             "Karpenter splits RunInstances/CreateFleet over three statements, each covering the resource types "
             "its condition applies to (untagged images/subnets/groups, tagged launch templates, tagged new "
             "instances); together they cover every type parliament asks for",
             KARPENTER_CFN + " NodeLifecyclePolicy"),
    Accepted("RESOURCE_STAR", "aws:iam/policy:Policy", "arc-zonal-shift:GetManagedResource",
             "upstream scopes it by the arc-zonal-shift:ResourceIdentifier condition to this cluster's ARN",
             KARPENTER_CFN + " ZonalShiftPolicy"),
    Accepted("RESOURCE_MISMATCH", "aws:iam/policy:Policy", '"action": "ssm:GetParameter"',
             "AWS public parameters (/aws/service/*) live under an ARN with no account, as upstream writes it",
             KARPENTER_CFN + " ResourceDiscoveryPolicy AllowSSMReadActions"),
)
# Actions AWS added after parliament's bundled database, each with where it is documented.
NEWER_THAN_DATABASE: dict[str, str] = {
    "elasticloadbalancing:ModifyIpPools": "kubernetes-sigs/aws-load-balancer-controller@11eb202c97e4 (tag v3.5.0) "
                                          "docs/install/iam_policy.json (the controller's IPAM pool support)",
}


@dataclass(frozen=True)
class Document:
    stack: str
    resource_type: str
    resource: str
    kind: str  # identity | resource | trust
    doc: dict

    @property
    def where(self) -> str:
        return f"{self.stack}: {self.resource_type} {self.resource}"


def documents(plan, stack: str) -> list[Document]:
    out = []
    for r in plan.resources:
        for kind, table in (("identity", IDENTITY), ("resource", RESOURCE), ("trust", TRUST)):
            key = table.get(r.type)
            if key and r.inputs.get(key) not in (None, ""):
                out.append(Document(stack, r.type, r.name, kind, policy_json(r.inputs[key])))
        if r.type == "aws:iam/role:Role":
            for inline in r.inputs.get("inlinePolicies") or []:
                if inline.get("policy"):
                    out.append(Document(stack, r.type + " inlinePolicy", r.name, "identity",
                                        policy_json(inline["policy"])))
    return out


def _statements(doc: dict) -> list[dict]:
    statements = doc.get("Statement", [])
    return [statements] if isinstance(statements, dict) else statements


def _actions(doc: dict) -> list[str]:
    out = []
    for statement in _statements(doc):
        for key in ("Action", "NotAction"):
            value = statement.get(key, [])
            out += [value] if isinstance(value, str) else value
    return out


def unknown_actions(doc: dict) -> list[str]:
    """Actions (patterns) that match nothing in parliament's database, less NEWER_THAN_DATABASE."""
    bad = []
    for action in _actions(doc):
        if action in NEWER_THAN_DATABASE or action == "*":
            continue
        try:
            if not expand_action(action):
                bad.append(action)
        except (UnknownActionException, UnknownPrefixException, ValueError):
            bad.append(action)
    return bad


def is_upstream_controller_policy(doc: dict) -> bool:
    """The AWS Load Balancer Controller's policy exactly as upstream publishes it for the pinned
    release (components/facts/lb_controller_policy.py): used verbatim so a chart bump shows
    upstream's own diff; its ``Resource: "*"`` statements are scoped by the controller's tag
    conditions, and it names ELB actions newer than parliament's database."""
    from components.facts.lb_controller_policy import policy_document

    return doc == json.loads(policy_document("aws"))


def findings(document: Document) -> list[str]:
    """Unaccepted problems of one document (parliament findings, or unknown actions for trust policies)."""
    if is_upstream_controller_policy(document.doc):
        return []
    if document.kind == "trust":
        return [f"unknown action {a}" for a in unknown_actions(document.doc)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        policy = analyze_policy_string(json.dumps(document.doc))
    problems = []
    for finding in policy.findings:
        detail = json.dumps(finding.detail, default=str) if not isinstance(finding.detail, str) else finding.detail
        if any(a.issue == finding.issue and a.resource_type == document.resource_type and a.detail_contains in detail
               for a in ACCEPTED):
            continue
        problems.append(f"{finding.issue}: {detail[:300]}")
    return problems


@pytest.fixture(scope="module")
def all_documents(dev_plan, prod_plan) -> list[Document]:
    return documents(dev_plan, "dev") + documents(prod_plan, "prod")


# -- the plans --------------------------------------------------------------------------

def test_plans_hold_every_kind_of_policy_document(all_documents):
    kinds = {(d.kind, d.resource_type) for d in all_documents}
    assert {("identity", "aws:iam/rolePolicy:RolePolicy"), ("resource", "aws:s3/bucketPolicy:BucketPolicy"),
            ("resource", "aws:kms/key:Key"), ("trust", "aws:iam/role:Role")} <= kinds


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_policy_document_passes_parliament(stack, all_documents):
    problems = {d.where: findings(d) for d in all_documents if d.stack == stack}
    assert {where: p for where, p in problems.items() if p} == {}


def test_every_action_in_the_plans_is_in_parliaments_database(all_documents):
    assert sorted({a for d in all_documents for a in unknown_actions(d.doc)}) == []


def test_parliament_database_knows_eks_pod_identity_and_access_entries():
    eks = next(s for s in iam_definition if s["prefix"] == "eks")
    known = {p["privilege"] for p in eks["privileges"]}
    assert {"CreatePodIdentityAssociation", "DescribePodIdentityAssociation", "CreateAccessEntry",
            "AssociateAccessPolicy"} <= known
    assert expand_action("sts:TagSession")  # the pods.eks.amazonaws.com trust needs it


def test_every_accepted_finding_and_newer_action_has_a_source():
    # AWS documentation, or the upstream repository@commit:path a copied policy comes from
    assert all((a.source.startswith("https://docs.aws.amazon.com/") or "@" in a.source) and a.why for a in ACCEPTED)
    assert all(source for source in NEWER_THAN_DATABASE.values())


# -- known-bad documents ----------------------------------------------------------------

def _identity(statement: dict) -> Document:
    return Document("test", "aws:iam/rolePolicy:RolePolicy", "bad", "identity",
                    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]})


def test_parliament_rejects_an_action_that_does_not_exist():
    bad = _identity({"Action": ["s3:GetObjectz"], "Resource": "arn:aws:s3:::bucket/*"})
    assert [p for p in findings(bad) if p.startswith("UNKNOWN_ACTION")]


def test_parliament_rejects_a_wildcard_resource_for_an_action_with_resource_level_permissions():
    bad = _identity({"Action": ["s3:GetObject"], "Resource": "*"})
    assert [p for p in findings(bad) if p.startswith("RESOURCE_STAR")]


def test_parliament_rejects_a_resource_arn_of_the_wrong_type():
    bad = _identity({"Action": ["logs:PutLogEvents"], "Resource": "arn:aws:cloudwatch:eu-west-1:123456789012:loggroup/x"})
    assert [p for p in findings(bad) if p.startswith("RESOURCE_MISMATCH")]


def test_parliament_accepts_a_scoped_identity_policy():
    assert findings(_identity({"Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::bucket/*"})) == []


def test_trust_policy_check_rejects_an_action_that_does_not_exist():
    bad = Document("test", "aws:iam/role:Role", "bad", "trust", {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
        "Action": ["sts:AssumeRole", "sts:TagSessions"]}]})
    assert findings(bad) == ["unknown action sts:TagSessions"]


def test_key_policy_star_is_accepted_only_on_key_policies():
    statement = {"Action": ["kms:Decrypt"], "Resource": "*", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}
    key = Document("test", "aws:kms/key:Key", "k", "resource", {"Version": "2012-10-17",
                                                                "Statement": [{"Effect": "Allow", **statement}]})
    assert findings(key) == []
    assert [p for p in findings(_identity({"Action": ["kms:Decrypt"], "Resource": "*"})) if p.startswith("RESOURCE_STAR")]

