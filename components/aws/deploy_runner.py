"""``DeployRunner``: a CodeBuild-hosted GitHub Actions runner in the platform VPC's private subnets.

Builds a CodeBuild project whose builds register as ephemeral GitHub Actions runners for the
jobs that ask for them (``runs-on: codebuild-<project>-${{ github.run_id }}-${{ github.run_attempt }}``),
its webhook (only ``WORKFLOW_JOB_QUEUED`` events of the named workflows start a build), its
service role and log group, a security group for the builds, and the rule that lets them reach
the EKS API on 443. The builds leave the VPC through its NAT gateways, whose addresses the AKS
API allow-list admits, so the same runner reaches both private control planes.

Why CodeBuild-hosted runners: nothing to patch or scale (one fresh container per job), no
long-lived runner token (GitHub access goes through a CodeConnections connection), VPC
placement is a project setting, and the job still signs in to AWS and Azure with the
workflow's own OIDC token, so the project's service role needs no cloud permissions beyond
its logs, the connection and its network interfaces.

Secure defaults, a sentence each:
* the webhook starts builds only for queued workflow jobs of the listed workflows, so another
  workflow in the repository cannot borrow a runner inside the network;
* the service role may only write its own log group, use its connection, and manage the
  network interfaces CodeBuild creates for it (``ec2:AuthorizedService`` = CodeBuild);
* the builds' security group has no ingress; its one purpose is to be named in the cluster
  security group's 443 rule;
* build logs are kept for a bounded time (``log_retention_days``), encrypted with a rotating
  key that CloudWatch Logs may use for this log group only.

Facts: the runner label and the ``EVENT``/``WORKFLOW_JOB_QUEUED`` filter are from
docs.aws.amazon.com/codebuild/latest/userguide/action-runner-questions.html and
action-runner-troubleshoot-webhook.html; the VPC network-interface actions from the CodeBuild
user guide's service-role policy for VPC access (enabling-vpc-access-in-projects.html, as
reproduced in aws-quickstart/quickstart-git2s3#76); the CodeConnections actions
(``codeconnections:GetConnectionToken``, ``GetConnection``, ``UseConnection``) are unverified.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.iam import service_trust_policy
from components.aws.key_policies import log_group_key_policy
from components.facts.aws import service_principal
from components.naming import child_name

VPC_DESCRIBE_ACTIONS = ("ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
                        "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs")
VPC_INTERFACE_ACTIONS = ("ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface")
CONNECTION_ACTIONS = ("codeconnections:GetConnectionToken", "codeconnections:GetConnection",
                      "codeconnections:UseConnection")


def runner_label(project_name: str) -> str:
    """The ``runs-on`` label a workflow job uses to get a build of ``project_name``."""
    return f"codebuild-{project_name}-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}"


def workflow_name_pattern(workflows: list[str]) -> str:
    """Webhook ``WORKFLOW_NAME`` filter (a regular expression) matching exactly these names."""
    return "^(" + "|".join(w.replace(".", r"\.") for w in workflows) + ")$"


@dataclass
class DeployRunnerArgs:
    """Arguments of :class:`DeployRunner`."""

    project_name: str
    repository: str  # https://github.com/<owner>/<repo>
    connection_arn: str
    vpc_id: pulumi.Input[str]
    private_subnet_ids: pulumi.Input[list[str]]
    cluster_security_group_id: pulumi.Input[str]
    region: str
    partition: str
    account_id: str
    workflows: list[str] = field(default_factory=lambda: ["deploy", "preview"])
    compute_type: str = "BUILD_GENERAL1_MEDIUM"
    image: str = "aws/codebuild/standard:7.0"
    log_retention_days: int = 365
    protect: bool = False  # prod: the build logs' key survives a mistaken destroy


class DeployRunner(pulumi.ComponentResource):
    """The in-network runner for deploy and preview jobs; see the module docstring."""

    label: str
    project_name: pulumi.Output[str]
    security_group_id: pulumi.Output[str]

    def __init__(self, name: str, args: DeployRunnerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:DeployRunner", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.label = runner_label(args.project_name)
        log_group_name = f"/aws/codebuild/{args.project_name}"
        log_key = aws.kms.Key(
            child_name(name, "logs"),
            description=f"CloudWatch Logs encryption for {log_group_name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=log_group_key_policy(partition=args.partition, account_id=args.account_id, region=args.region,
                                        log_group_name=log_group_name),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        log_group = aws.cloudwatch.LogGroup(
            child_name(name, "logs"), name=log_group_name,
            retention_in_days=args.log_retention_days, kms_key_id=log_key.arn, opts=child)
        security_group = self._network(name, args)
        role, access = self._role(name, args, log_group)
        project = aws.codebuild.Project(
            child_name(name, "project"),
            name=args.project_name,
            description="GitHub Actions runner inside the platform VPC (pulumi preview/up of private clusters)",
            service_role=role.arn,
            source=aws.codebuild.ProjectSourceArgs(
                type="GITHUB", location=args.repository,
                auth=aws.codebuild.ProjectSourceAuthArgs(type="CODECONNECTIONS", resource=args.connection_arn)),
            artifacts=aws.codebuild.ProjectArtifactsArgs(type="NO_ARTIFACTS"),
            environment=aws.codebuild.ProjectEnvironmentArgs(
                type="LINUX_CONTAINER", compute_type=args.compute_type, image=args.image,
                image_pull_credentials_type="CODEBUILD"),
            vpc_config=aws.codebuild.ProjectVpcConfigArgs(
                vpc_id=args.vpc_id, subnets=args.private_subnet_ids, security_group_ids=[security_group.id]),
            logs_config=aws.codebuild.ProjectLogsConfigArgs(
                cloudwatch_logs=aws.codebuild.ProjectLogsConfigCloudwatchLogsArgs(
                    status="ENABLED", group_name=log_group.name)),
            # CodeBuild checks the role's network permissions when the project is created.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access]),
        )
        aws.codebuild.Webhook(
            child_name(name, "webhook"),
            project_name=project.name,
            build_type="BUILD",
            filter_groups=[aws.codebuild.WebhookFilterGroupArgs(filters=[
                aws.codebuild.WebhookFilterGroupFilterArgs(type="EVENT", pattern="WORKFLOW_JOB_QUEUED"),
                aws.codebuild.WebhookFilterGroupFilterArgs(
                    type="WORKFLOW_NAME", pattern=workflow_name_pattern(args.workflows)),
            ])],
            opts=child,
        )
        self.project_name = project.name
        self.security_group_id = security_group.id
        self.register_outputs({"label": self.label, "projectName": self.project_name,
                               "securityGroupId": self.security_group_id})

    def _network(self, name: str, args: DeployRunnerArgs) -> aws.ec2.SecurityGroup:
        child = pulumi.ResourceOptions(parent=self)
        security_group = aws.ec2.SecurityGroup(
            child_name(name, "sg"),
            vpc_id=args.vpc_id,
            description="CodeBuild-hosted GitHub Actions runner (no ingress)",
            egress=[aws.ec2.SecurityGroupEgressArgs(
                protocol="tcp", from_port=443, to_port=443, cidr_blocks=["0.0.0.0/0"],
                description="HTTPS: GitHub, AWS and Azure APIs (through NAT), the EKS API (in the VPC)")],
            tags={"Name": child_name(name, "sg")},
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            child_name(name, "to-eks-api"),
            security_group_id=args.cluster_security_group_id,
            referenced_security_group_id=security_group.id,
            ip_protocol="tcp", from_port=443, to_port=443,
            description="deploy runner to the EKS API",
            opts=child,
        )
        return security_group

    def _role(self, name: str, args: DeployRunnerArgs,
              log_group: aws.cloudwatch.LogGroup) -> tuple[aws.iam.Role, aws.iam.RolePolicy]:
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(child_name(name, "role"), assume_role_policy=service_trust_policy(service_principal("codebuild.amazonaws.com")),
                            opts=child)
        ec2_arn = f"arn:{args.partition}:ec2:{args.region}:{args.account_id}"
        eni_arn = f"{ec2_arn}:network-interface/*"
        policy = log_group.arn.apply(lambda logs: json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                 "Resource": [logs, f"{logs}:*"]},
                {"Sid": "Connection", "Effect": "Allow", "Action": list(CONNECTION_ACTIONS),
                 "Resource": args.connection_arn},
                {"Sid": "VpcDescribe", "Effect": "Allow", "Action": list(VPC_DESCRIBE_ACTIONS), "Resource": "*"},
                # in this account and region only (the CodeBuild guide's sample uses "*")
                {"Sid": "VpcInterfaces", "Effect": "Allow", "Action": list(VPC_INTERFACE_ACTIONS),
                 "Resource": [eni_arn, f"{ec2_arn}:subnet/*", f"{ec2_arn}:security-group/*"]},
                {"Sid": "VpcInterfacePermission", "Effect": "Allow", "Action": "ec2:CreateNetworkInterfacePermission",
                 "Resource": eni_arn,
                 "Condition": {"StringEquals": {"ec2:AuthorizedService": "codebuild.amazonaws.com"}}},
            ],
        }))
        access = aws.iam.RolePolicy(child_name(name, "policy"), role=role.id, policy=policy, opts=child)
        return role, access
