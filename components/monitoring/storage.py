"""Storage bindings: which bucket/container a consumer (Loki, Tempo) writes to and which
Kubernetes service account the cloud identity is bound to.

The bucket components (Pod Identity buckets on AWS, storage containers with federated
workload identities on Azure) create the identity side; these bindings carry just what the
monitoring stack needs to render configs that reach that identity with no static keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import pulumi

from components.facts.aws import regional_name


@dataclass(frozen=True)
class AwsObjectStorage:
    """An S3 bucket reached through an EKS Pod Identity association.

    ``service_account`` (in ``namespace``) is the account the association names; the
    consumer's pods must run as exactly that account.
    """

    bucket: pulumi.Input[str]
    region: str
    service_account: str
    namespace: str = "monitoring"
    # The Pod Identity association: the release waits for it, so its first pods get credentials.
    depends_on: tuple[pulumi.Resource, ...] = ()

    @property
    def cloud(self) -> str:
        return "aws"


@dataclass(frozen=True)
class AzureObjectStorage:
    """A blob container reached through a user-assigned identity with a federated credential
    for ``system:serviceaccount:<namespace>:<service_account>``."""

    storage_account: pulumi.Input[str]
    container: pulumi.Input[str]
    client_id: pulumi.Input[str]
    service_account: str
    namespace: str = "monitoring"
    # The federated credential and the role assignment: the consumer's release waits for
    # them, so its pods' first token exchange and first write succeed.
    depends_on: tuple[pulumi.Resource, ...] = ()

    @property
    def cloud(self) -> str:
        return "azure"


ObjectStorage = Union[AwsObjectStorage, AzureObjectStorage]


@dataclass(frozen=True)
class S3Target:
    """Resolved (plain) S3 location handed to the pure config renderers."""

    bucket: str
    region: str

    @property
    def endpoint(self) -> str:
        return s3_endpoint(self.region)


@dataclass(frozen=True)
class AzureBlobTarget:
    """Resolved (plain) Azure Blob location handed to the pure config renderers."""

    storage_account: str
    container: str


StorageTarget = Union[S3Target, AzureBlobTarget]


def s3_endpoint(region: str) -> str:
    """The regional S3 endpoint (``s3.eu-west-1.amazonaws.com``; ``.com.cn`` in China)."""
    return regional_name("s3 endpoint", region=region)


def resolved(binding: ObjectStorage) -> pulumi.Output[StorageTarget]:
    """The binding's location as an Output of a plain target (bucket names may be Outputs)."""
    if isinstance(binding, AwsObjectStorage):
        return pulumi.Output.from_input(binding.bucket).apply(lambda b: S3Target(bucket=b, region=binding.region))
    return pulumi.Output.all(binding.storage_account, binding.container).apply(
        lambda a: AzureBlobTarget(storage_account=a[0], container=a[1]))
