"""``twincloud:eks.accessEntries``: IAM principals given EKS access beyond the admins.

Each entry names a principal (an IAM role or user ARN) and the access policies it gets, each
at cluster scope or limited to namespaces::

    accessEntries:
      - principalArn: arn:aws:iam::111122223333:role/team-a-developers
        policies:
          - policy: AmazonEKSEditPolicy
            accessScope: {type: namespace, namespaces: [team-a, team-a-*]}
          - policy: AmazonEKSViewPolicy
            accessScope: {type: cluster}

Cluster administrators are ``twincloud:eks.adminRoleNames``; AmazonEKSAdminPolicy here must be
namespace-scoped (cluster-wide it would be a second, less visible way to make an admin).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from components.aws.access_entries import TEAM_ACCESS_POLICIES
from components.facts.aws import EKS_ACCESS_ENTRIES
from stacks.config.base import Model

# Kubernetes namespace names are DNS-1123 labels; EKS also takes a trailing `*` (facts: namespace_wildcard).
NAMESPACE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
NAMESPACE_PREFIX = re.compile(r"[a-z0-9][-a-z0-9]*\*")
ROLE_OR_USER = r"(role|user)/([\w+=,.@-]+/)*[\w+=,.@-]{1,64}"


@cache
def _partitions() -> tuple[str, ...]:
    from components.facts.aws import endpoints_catalog

    return tuple(p["partition"] for p in endpoints_catalog()["partitions"])


def principal_problem(arn: str) -> str | None:
    """Why ``arn`` cannot be an access entry's principal, or None."""
    if re.fullmatch(rf"arn:[a-z-]+:sts::\d{{12}}:assumed-role/.+", arn):
        return ("an STS session (assumed-role) ARN; access entries take the IAM role itself: "
                "arn:aws:iam::<account>:role/<name> (EKS refuses session principals)")
    m = re.fullmatch(rf"arn:([a-z-]+):iam::(\d{{12}}):{ROLE_OR_USER}", arn)
    if not m:
        return ("not an IAM role or user ARN; use arn:<partition>:iam::<12-digit account>:role/<name> "
                "(or user/<name>)")
    if m.group(1) not in _partitions():
        return f"unknown partition {m.group(1)!r}; known: {', '.join(_partitions())} (botocore endpoints.json)"
    return None


def namespace_problem(value: str) -> str | None:
    if len(value) <= 63 and (NAMESPACE.fullmatch(value) or NAMESPACE_PREFIX.fullmatch(value)):
        return None
    return (f"{value!r} is not a namespace name: a DNS-1123 label (at most 63 lower-case letters, digits and "
            "'-', starting and ending with a letter or digit), optionally ending in '*' for every namespace "
            "with that prefix")


class AccessScopeConfig(Model):
    """``accessScope``: ``{type: cluster}`` or ``{type: namespace, namespaces: [...]}``."""

    type: Literal["cluster", "namespace"]
    namespaces: list[str] = []

    @field_validator("namespaces")
    @classmethod
    def _namespaces(cls, v: list[str], info: ValidationInfo) -> list[str]:
        kind = info.data.get("type")
        if kind == "cluster" and v:
            raise ValueError("type cluster takes no namespaces; use type: namespace to limit the policy to them")
        if kind == "namespace" and not v:
            raise ValueError("type namespace needs at least one namespace")
        problems = [p for p in map(namespace_problem, v) if p]
        if problems:
            raise ValueError("; ".join(problems))
        if len(set(v)) != len(v):
            raise ValueError("namespaces must be unique")
        return v


class AccessPolicyConfig(Model):
    """One access policy of an entry and its scope."""

    policy: Literal[TEAM_ACCESS_POLICIES]  # type: ignore[valid-type]
    access_scope: AccessScopeConfig

    @field_validator("access_scope")
    @classmethod
    def _no_cluster_admin(cls, v: AccessScopeConfig, info: ValidationInfo) -> AccessScopeConfig:
        if info.data.get("policy") == "AmazonEKSAdminPolicy" and v.type == "cluster":
            raise ValueError("AmazonEKSAdminPolicy must be namespace-scoped here (type: namespace); cluster "
                             "administrators are listed in twincloud:eks.adminRoleNames")
        return v


class AccessEntryConfig(Model):
    """One entry of ``twincloud:eks.accessEntries``."""

    principal_arn: str
    policies: Annotated[list[AccessPolicyConfig], Field(min_length=1)]

    @field_validator("principal_arn")
    @classmethod
    def _principal(cls, v: str) -> str:
        problem = principal_problem(v)
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("policies")
    @classmethod
    def _unique(cls, v: list[AccessPolicyConfig]) -> list[AccessPolicyConfig]:
        names = [p.policy for p in v]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"{dupes} listed twice; an entry has one association per policy, with one scope "
                             "(list every namespace in that scope)")
        return v


def access_entry_problems(entries: list[AccessEntryConfig], admin_role_names: list[str]) -> list[str]:
    """One access entry per principal (EKS_ACCESS_ENTRIES one_entry_per_principal), and none for
    a role that ``adminRoleNames`` already enters."""
    EKS_ACCESS_ENTRIES["one_entry_per_principal"]
    arns = [e.principal_arn for e in entries]
    problems = [f"{a} has two entries; EKS allows one access entry per principal: merge their policies"
                for a in sorted({a for a in arns if arns.count(a) > 1})]
    admins = set(admin_role_names)
    problems += [f"{e.principal_arn} is also in adminRoleNames (cluster admin); EKS allows one access entry per "
                 "principal: remove it from one of the two" for e in entries
                 if e.principal_arn.split(":", 5)[-1].startswith("role/")
                 and e.principal_arn.rsplit("/", 1)[-1] in admins]
    return problems
