"""twincloud's components as a Pulumi source-based plugin package, for other languages.

Teams writing Pulumi in TypeScript, Go, C#, Java or YAML run
``pulumi package add <git url of this repository>@v<version>``: the Pulumi CLI reads
``PulumiPlugin.yaml`` at the repository root, starts ``twincloud/package/__main__.py``
through the Python language host, and generates an SDK in the consumer's language from the
schema that ``pulumi.provider.experimental`` infers from the type annotations below.

Each class here is a thin, schema-friendly front for the component of the same name in
``components/``: its args are a ``TypedDict`` of plain values (the underlying components
compute subnets, names and policies from them, so they cannot be unknown outputs), its
outputs are ``pulumi.Output`` attributes, and its type token is ``twincloud:index:<Name>``
(the analyzer puts every component in the ``index`` module). The secure defaults are the
underlying component's, unchanged.

This module deliberately does not use ``from __future__ import annotations``: the schema
analyzer reads ``__init__``'s annotations as live types.
"""

from typing import Optional, TypedDict

import pulumi

try:  # Python 3.11 has NotRequired in typing
    from typing import NotRequired
except ImportError:  # pragma: no cover
    from typing_extensions import NotRequired

from components.aws import ecr as _ecr
from components.aws import pod_identity_bucket as _bucket
from components.aws import vpc as _vpc

PACKAGE_NAME = "twincloud"


def _token(component: str) -> str:
    return f"{PACKAGE_NAME}:index:{component}"


class VpcArgs(TypedDict):
    """Inputs of :class:`Vpc`."""

    cidr: str
    """The VPC's IPv4 CIDR block (RFC 1918), carved into public, private and database subnets."""
    availability_zones: list[str]
    """The AZs to spread subnets over (2 or more)."""
    nat_strategy: NotRequired[str]
    """'per_az' (default: no single point of failure) or 'single' (cheaper, dev only)."""
    cluster_name: NotRequired[str]
    """EKS cluster name for the load-balancer discovery tags on the subnets."""
    flow_log_retention_days: NotRequired[int]
    """Days the VPC flow logs are kept (default 90)."""


class Vpc(pulumi.ComponentResource):
    """Three-tier VPC: public, private and database subnets per AZ, NAT by strategy, flow logs,
    the default security group emptied, database subnets without an internet route."""

    vpc_id: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]
    database_subnet_ids: pulumi.Output[list[str]]
    nat_gateway_ids: pulumi.Output[list[str]]

    def __init__(self, name: str, args: VpcArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(_token("Vpc"), name, {}, opts)
        inner = _vpc.Vpc(name, _vpc.VpcArgs(**dict(args)), pulumi.ResourceOptions(parent=self))
        self.vpc_id = inner.vpc_id
        self.public_subnet_ids = inner.public_subnet_ids
        self.private_subnet_ids = inner.private_subnet_ids
        self.database_subnet_ids = inner.database_subnet_ids
        self.nat_gateway_ids = inner.nat_gateway_ids
        self.register_outputs({
            "vpcId": self.vpc_id,
            "publicSubnetIds": self.public_subnet_ids,
            "privateSubnetIds": self.private_subnet_ids,
            "databaseSubnetIds": self.database_subnet_ids,
            "natGatewayIds": self.nat_gateway_ids,
        })


class EcrRepositoriesArgs(TypedDict):
    """Inputs of :class:`EcrRepositories`."""

    services: list[str]
    """One repository per service, named <namespace>/<service>."""
    namespace: str
    """Repository name prefix (usually the team or platform name)."""
    keep_last_images: NotRequired[int]
    """How many images the lifecycle policy keeps (default 30)."""
    replication_regions: NotRequired[list[str]]
    """AWS regions that receive a copy of every image (DR)."""
    protect: NotRequired[bool]
    """Protect the repositories and their key from deletion (production)."""


class EcrRepositories(pulumi.ComponentResource):
    """Private ECR repositories: immutable tags, scan on push, KMS encryption, lifecycle, replication."""

    repository_urls: pulumi.Output[dict[str, str]]

    def __init__(self, name: str, args: EcrRepositoriesArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(_token("EcrRepositories"), name, {}, opts)
        inner = _ecr.EcrRepositories(name, _ecr.EcrRepositoriesArgs(**dict(args)),
                                     pulumi.ResourceOptions(parent=self))
        self.repository_urls = inner.repository_urls
        self.register_outputs({"repositoryUrls": self.repository_urls})


class PodIdentityBucketArgs(TypedDict):
    """Inputs of :class:`PodIdentityBucket`."""

    bucket_name: str
    """Globally unique physical bucket name."""
    region: str
    """The bucket's AWS region."""
    cluster_name: str
    """The EKS cluster whose pods get access."""
    namespace: str
    """Kubernetes namespace of the pods."""
    service_account: str
    """Kubernetes service account the Pod Identity association binds."""
    access: NotRequired[str]
    """'read-only' (default) or 'read-write'."""
    versioning: NotRequired[bool]
    """Object versioning (default on)."""
    purpose: NotRequired[str]
    """What the bucket holds, for the tags and the role description."""
    protect: NotRequired[bool]
    """Protect the bucket from deletion (default on)."""


class PodIdentityBucket(pulumi.ComponentResource):
    """Private, KMS-encrypted, TLS-only S3 bucket reachable by one Kubernetes service account
    through EKS Pod Identity (no static keys, no IRSA). The service account itself is the
    consumer's to create (this front has no Kubernetes provider)."""

    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: PodIdentityBucketArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        super().__init__(_token("PodIdentityBucket"), name, {}, opts)
        inner = _bucket.PodIdentityBucket(
            name,
            _bucket.PodIdentityBucketArgs(**dict(args), create_service_account=False),
            pulumi.ResourceOptions(parent=self),
        )
        self.bucket_name = inner.bucket_name
        self.bucket_arn = inner.bucket_arn
        self.role_arn = inner.role_arn
        self.register_outputs({"bucketName": self.bucket_name, "bucketArn": self.bucket_arn,
                               "roleArn": self.role_arn})


COMPONENTS = [Vpc, EcrRepositories, PodIdentityBucket]
