"""``EcrRepositories``: one private ECR repository per service.

Secure defaults, a sentence each:
* tags are immutable, so a deployed tag always means the same image;
* every push is scanned for vulnerabilities;
* images are encrypted with a customer-managed, rotating KMS key whose policy lets the
  account use it only through ECR in this region (``key_policies.service_key_policy``);
* a lifecycle policy keeps the last N images so old, unpatched images do not pile up;
* repositories are not force-deleted while they hold images unless asked for (dev only);
* with ``replication_regions``, the registry copies every image pushed under the namespace
  to those regions, so a region rebuild can start pods without the lost region.

The replication configuration is a registry-wide setting (one per account and region):
only one stack per account and region should set ``replication_regions``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.key_policies import service_key_policy
from components.naming import child_name


@dataclass
class EcrRepositoriesArgs:
    """Arguments of :class:`EcrRepositories`."""

    services: list[str]
    namespace: str  # repository names are ``<namespace>/<service>``
    keep_last_images: int = 30
    force_delete: bool = False
    protect: bool = False  # prod: repositories and their key survive a mistaken destroy
    replication_regions: list[str] = field(default_factory=list)  # DR regions that receive every image


def lifecycle_policy(keep_last: int) -> str:
    return json.dumps({"rules": [{
        "rulePriority": 1,
        "description": f"keep the last {keep_last} images",
        "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep_last},
        "action": {"type": "expire"},
    }]})


class EcrRepositories(pulumi.ComponentResource):
    """Private ECR repositories; see the module docstring."""

    repository_urls: pulumi.Output[dict[str, str]]

    def __init__(self, name: str, args: EcrRepositoriesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:EcrRepositories", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=args.protect)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=invoke).account_id
        self.key = aws.kms.Key(
            child_name(name, "images"),
            description=f"ECR image encryption for {args.namespace}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.all(aws.get_partition_output(opts=invoke).partition, account_id,
                                     aws.get_region_output(opts=invoke).region).apply(
                lambda a: service_key_policy(partition=a[0], account_id=a[1], region=a[2], service="ecr")),
            opts=stateful,
        )
        self.repositories: dict[str, aws.ecr.Repository] = {}
        for service in args.services:
            repo = aws.ecr.Repository(
                child_name(name, service),
                name=f"{args.namespace}/{service}",
                image_tag_mutability="IMMUTABLE",
                image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
                encryption_configurations=[aws.ecr.RepositoryEncryptionConfigurationArgs(
                    encryption_type="KMS", kms_key=self.key.arn,
                )],
                force_delete=args.force_delete,
                opts=stateful,
            )
            aws.ecr.LifecyclePolicy(
                child_name(name, service), repository=repo.name,
                policy=lifecycle_policy(args.keep_last_images), opts=child,
            )
            self.repositories[service] = repo
        self.replication = None
        if args.replication_regions:
            self.replication = aws.ecr.ReplicationConfiguration(
                child_name(name, "replication"),
                replication_configuration=aws.ecr.ReplicationConfigurationReplicationConfigurationArgs(
                    rules=[aws.ecr.ReplicationConfigurationReplicationConfigurationRuleArgs(
                        destinations=[
                            aws.ecr.ReplicationConfigurationReplicationConfigurationRuleDestinationArgs(
                                region=region, registry_id=account_id)
                            for region in args.replication_regions
                        ],
                        repository_filters=[
                            aws.ecr.ReplicationConfigurationReplicationConfigurationRuleRepositoryFilterArgs(
                                filter=f"{args.namespace}/", filter_type="PREFIX_MATCH")
                        ],
                    )],
                ),
                opts=child,
            )
        self.repository_urls = pulumi.Output.all(
            **{svc: repo.repository_url for svc, repo in self.repositories.items()}
        )
        self.register_outputs({"repositoryUrls": self.repository_urls})
