"""``twincloud:deploy``: who deploys the stack, and the in-network runner that can reach its clusters.

Example (prod)::

    twincloud:deploy:
      awsRoleName: twincloud-deploy-prod        # the role deploy.yml assumes (OIDC): EKS cluster admin
      previewRoleName: twincloud-preview        # the role preview.yml assumes: EKS read-only (admin view)
      runner:                                   # CodeBuild-hosted GitHub Actions runner in the private subnets
        repository: https://github.com/acme/twincloud
        connectionId: 0c9e5a4e-...            # a CodeConnections GitHub connection in aws:region
        computeType: BUILD_GENERAL1_MEDIUM

The roles and the CodeConnections connection exist before the first ``up`` (they are listed
as prerequisites by the offline plan); the program gives the roles EKS access entries and
creates the runner. docs/ci.md explains the two-stage deploy that uses the runner.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import field_validator

from stacks.config.base import Model

IAM_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
GITHUB_REPO_URL = re.compile(r"^https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
# The id at the end of an AWS CodeConnections connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>).
CONNECTION_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# CodeBuild container compute types (pulumi-aws 7.51.1 ProjectEnvironmentArgs.compute_type).
COMPUTE_TYPES = Literal["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE",
                        "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"]


def _role(v: str | None) -> str | None:
    if v is not None and not IAM_ROLE_NAME.match(v):
        raise ValueError("not an IAM role name (1-64 letters, digits and +=,.@_-); give the name, not the ARN")
    return v


class RunnerConfig(Model):
    """``twincloud:deploy.runner``: the CodeBuild project whose builds run the workflows'
    in-network jobs (``runs-on: codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}``)."""

    repository: str
    # The connection lives in aws:region, so a region rebuild names the new region's connection.
    connection_id: str
    compute_type: COMPUTE_TYPES = "BUILD_GENERAL1_MEDIUM"
    # A CodeBuild curated Ubuntu image (actions/setup-python supports Ubuntu self-hosted runners);
    # the name follows build-env-ref-available.html and is not verified offline.
    image: str = "aws/codebuild/standard:7.0"
    workflows: list[str] = ["deploy", "preview"]  # only jobs of these workflows may start a build

    @field_validator("repository")
    @classmethod
    def _repository(cls, v: str) -> str:
        if not GITHUB_REPO_URL.match(v):
            raise ValueError("not a GitHub repository URL; use https://github.com/<owner>/<repo>")
        return v

    @field_validator("connection_id")
    @classmethod
    def _connection(cls, v: str) -> str:
        if not CONNECTION_ID.match(v):
            raise ValueError("not a CodeConnections connection id; create the GitHub connection in aws:region "
                             "(console: Developer Tools > Connections), authorize it, and give the id that ends "
                             "its ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>)")
        return v

    @field_validator("workflows")
    @classmethod
    def _workflows(cls, v: list[str]) -> list[str]:
        if not v or any(not re.fullmatch(r"[A-Za-z0-9 _.-]+", w) for w in v):
            raise ValueError("list the workflow names (their `name:`) whose jobs may use the runner, e.g. [deploy, preview]")
        return v


class DeployConfig(Model):
    """``twincloud:deploy``: the CI identities and the in-network runner."""

    aws_role_name: str | None = None
    preview_role_name: str | None = None
    runner: RunnerConfig | None = None

    @field_validator("aws_role_name", "preview_role_name")
    @classmethod
    def _roles(cls, v: str | None) -> str | None:
        return _role(v)
