"""``Karpenter``: node autoscaling for an EKS cluster, drained ahead of spot interruptions.

Builds the controller's IAM role (trusted only by EKS Pod Identity) with the six controller
policies of the upstream CloudFormation template at the pinned release, the SQS interruption
queue with its policy and the five EventBridge rules that feed it, a node IAM role with its
``EC2_LINUX`` access entry, the ``karpenter-crd`` and ``karpenter`` Helm releases (controller
pinned to the system node group) and, from config, one ``EC2NodeClass`` and the ``NodePool``s.

Secure defaults, a sentence each:
* every policy statement is the upstream one, scoped to this cluster's tags, region and
  account (``components/platform/documents.py`` cites the template);
* the queue keeps messages 5 minutes, is encrypted with SQS-managed keys and refuses plain HTTP;
* Karpenter's nodes get their own role and access entry: EKS creates the entry of a managed
  node group's role itself and an IAM principal may be in only one access entry, so the node
  groups' role cannot be reused for a second entry;
* nodes allow IMDSv2 only with one hop, so pods cannot borrow the node role, and their gp3
  root volumes are encrypted with the cluster's node-volume key (whose policy lets EC2 use it
  for this account's principals, Karpenter's ``CreateFleet`` calls included);
* the AMI is the pinned EKS-optimised release (``al2023@v<date>``, components/versions.py
  EKS_AMI_RELEASES, the managed node groups' release), never ``@latest``, so a new AMI rolls
  out when the pin is bumped, not when AWS publishes it;
* CRDs come from the ``karpenter-crd`` chart (upgraded with each release, unlike a chart's
  ``crds/`` folder) and the NodePools wait for them and for the controller.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.bucket_documents import pod_identity_trust_policy
from components.aws.iam import managed_policy_arn, service_trust_policy
from components.facts.aws import service_principal
from components.facts import platform as facts
from components.naming import child_name
from components.platform.documents import (
    INTERRUPTION_EVENTS, INTERRUPTION_QUEUE_RETENTION_SECONDS, INTERRUPTION_TARGET_ID, KARPENTER_NODE_POLICIES,
    AwsScope, interruption_event_pattern, interruption_queue_policy, karpenter_controller_policies,
)
from components.platform.manifests import NodePoolSpec, ec2_node_class, node_pool
from components.platform.release import custom_resource, pinned_release
from components.platform.values import karpenter_values

NAMESPACE = facts.KARPENTER["namespace"].value
SERVICE_ACCOUNT = "karpenter"  # the chart's fullname (release name karpenter)
NODE_CLASS = "default"


@dataclass
class KarpenterArgs:
    """Arguments of :class:`Karpenter`."""

    provider: pulumi.ProviderResource
    cluster_name: pulumi.Input[str]
    scope: AwsScope  # partition, region, account, cluster name (for the policy documents)
    subnet_ids: pulumi.Input[list[str]]
    security_group_id: pulumi.Input[str]
    system_node_group: str  # the managed node group the controller runs on
    node_pools: list[NodePoolSpec]
    ami_alias: str  # a pinned release, e.g. EKS_AMI_RELEASES[version].karpenter_alias
    node_volume_key_arn: pulumi.Input[str]  # EksCluster.node_volume_key
    replicas: int = 2
    tags: dict[str, str] = field(default_factory=dict)
    depends_on: list[pulumi.Resource] = field(default_factory=list)  # node groups, CoreDNS


class Karpenter(pulumi.ComponentResource):
    """Karpenter on EKS; see the module docstring."""

    role_arn: pulumi.Output[str]
    node_role_arn: pulumi.Output[str]
    queue_name: pulumi.Output[str]

    def __init__(self, name: str, args: KarpenterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:Karpenter", name, None, opts)
        self._name, self._args = name, args
        self.node_role = self._node_role()
        self.queue = self._interruption_queue()
        self.role = self._controller_role()
        self.release = self._controller()
        self.node_pools = self._node_pools()
        self.role_arn = self.role.arn
        self.node_role_arn = self.node_role.arn
        self.queue_name = self.queue.name
        self.register_outputs({"roleArn": self.role_arn, "nodeRoleArn": self.node_role_arn,
                               "interruptionQueue": self.queue_name})

    # -- AWS side ---------------------------------------------------------------------
    def _node_role(self) -> aws.iam.Role:
        name, args, child = self._name, self._args, pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(child_name(name, "node"),
                            assume_role_policy=service_trust_policy(service_principal("ec2.amazonaws.com")),
                            opts=child)
        self._node_policies = [
            aws.iam.RolePolicyAttachment(child_name(name, "node", policy), role=role.name,
                                         policy_arn=managed_policy_arn(args.scope.partition, policy), opts=child)
            for policy in KARPENTER_NODE_POLICIES
        ]
        self.access_entry = aws.eks.AccessEntry(child_name(name, "node"), cluster_name=args.cluster_name,
                                                principal_arn=role.arn, type="EC2_LINUX", opts=child)
        return role

    def _interruption_queue(self) -> aws.sqs.Queue:
        name, args, child = self._name, self._args, pulumi.ResourceOptions(parent=self)
        queue = aws.sqs.Queue(child_name(name, "interruption"), name=args.scope.cluster,
                              message_retention_seconds=INTERRUPTION_QUEUE_RETENTION_SECONDS,
                              sqs_managed_sse_enabled=True, opts=child)
        self.queue_policy = aws.sqs.QueuePolicy(child_name(name, "interruption"), queue_url=queue.url,
                                                policy=queue.arn.apply(interruption_queue_policy), opts=child)
        self.rules = {}
        for key, (source, detail_type) in INTERRUPTION_EVENTS.items():
            rule = aws.cloudwatch.EventRule(
                child_name(name, key), description=f"Karpenter interruption: {detail_type}",
                event_pattern=interruption_event_pattern(source, detail_type), opts=child,
            )
            aws.cloudwatch.EventTarget(child_name(name, key), rule=rule.name, arn=queue.arn,
                                       target_id=INTERRUPTION_TARGET_ID, opts=child)
            self.rules[key] = rule
        return queue

    def _controller_role(self) -> aws.iam.Role:
        name, args, child = self._name, self._args, pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(child_name(name, "controller"), assume_role_policy=pod_identity_trust_policy(), opts=child)
        documents = pulumi.Output.all(self.node_role.arn, self.queue.arn).apply(
            lambda a: karpenter_controller_policies(args.scope, a[0], a[1]))
        self._controller_policies = []
        for key in ("node-lifecycle", "iam-integration", "eks-integration", "interruption", "zonal-shift",
                    "resource-discovery"):
            policy = aws.iam.Policy(child_name(name, key), description=f"Karpenter controller: {key}",
                                    policy=documents.apply(lambda d, k=key: json.dumps(d[k])), opts=child)
            self._controller_policies.append(aws.iam.RolePolicyAttachment(
                child_name(name, key), role=role.name, policy_arn=policy.arn, opts=child))
        self.association = aws.eks.PodIdentityAssociation(
            child_name(name, "pod-identity"), cluster_name=args.cluster_name, namespace=NAMESPACE,
            service_account=SERVICE_ACCOUNT, role_arn=role.arn, opts=child)
        return role

    # -- cluster side -----------------------------------------------------------------
    def _controller(self):
        name, args = self._name, self._args
        in_cluster = pulumi.ResourceOptions(parent=self, provider=args.provider, depends_on=args.depends_on)
        self.crds = pinned_release(child_name(name, "crd"), "karpenter-crd", release_name="karpenter-crd",
                                   namespace=NAMESPACE, values={}, opts=in_cluster)
        return pinned_release(
            child_name(name, "controller"), "karpenter", release_name="karpenter", namespace=NAMESPACE,
            values=self.queue.name.apply(lambda queue: karpenter_values(
                cluster_name=args.scope.cluster, queue=queue, replicas=args.replicas,
                system_node_group=args.system_node_group, service_account=SERVICE_ACCOUNT,
                region=args.scope.region)),
            skip_crds=True,
            opts=pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(depends_on=[
                self.crds, self.association, *self._controller_policies, self.queue_policy])),
        )

    def _node_pools(self) -> list:
        name, args = self._name, self._args
        after = pulumi.ResourceOptions(parent=self, provider=args.provider,
                                       depends_on=[self.crds, self.release, self.access_entry, *self._node_policies])
        node_class = pulumi.Output.all(self.node_role.name, args.subnet_ids, args.security_group_id,
                                       args.node_volume_key_arn).apply(
            lambda a: ec2_node_class(NODE_CLASS, role=a[0], ami_alias=args.ami_alias, subnet_ids=list(a[1]),
                                     security_group_ids=[a[2]], tags=args.tags, volume_key_id=a[3]))
        self.node_class = custom_resource(child_name(name, "nodeclass", NODE_CLASS), {
            "apiVersion": "karpenter.k8s.aws/v1", "kind": "EC2NodeClass", "metadata": {"name": NODE_CLASS},
            "spec": node_class.apply(lambda m: m["spec"]),
        }, after)
        pool_opts = pulumi.ResourceOptions.merge(after, pulumi.ResourceOptions(depends_on=[self.node_class]))
        return [custom_resource(child_name(name, "nodepool", spec.name), node_pool(spec, NODE_CLASS), pool_opts)
                for spec in args.node_pools]
