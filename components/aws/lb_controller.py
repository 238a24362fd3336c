"""``LoadBalancerController``: the AWS Load Balancer Controller on EKS, with its IngressClass.

Builds the controller's IAM role (trusting EKS Pod Identity) with the upstream policy of the
pinned release (``components/facts/lb_controller_policy.py``), the Pod Identity association for
its service account, the Helm release of the pinned chart (``CHARTS["aws-load-balancer-controller"]``),
and the platform's IngressClass ``alb`` with its ``IngressClassParams``: every Ingress of the
class joins one ingress group (one shared, internet-facing ALB) and targets pods by IP.

Secure and safe defaults, a sentence each:
* credentials come from EKS Pod Identity, scoped to ``kube-system/aws-load-balancer-controller``;
  the nodes' role gets nothing, and no IMDS access is needed (region and VPC id are passed);
* the IAM policy is upstream's for the exact controller version the chart ships, so a chart
  bump that needs new permissions shows up as a reviewed policy change;
* the release waits for the association (credentials on the first pod start), and for the
  cluster's node groups and CoreDNS through the Kubernetes provider it uses;
* the chart's Service mutating webhook is off: with ``failurePolicy: Fail`` it intercepts the
  creation of every Service in the cluster (chart 3.5.0 templates/webhook.yaml,
  ``mservice.elbv2.k8s.aws``), so Services created while the controller is not yet serving
  (first ``up``, or a controller outage) would fail; Services of type LoadBalancer that want
  this controller set ``loadBalancerClass: service.k8s.aws/nlb`` themselves;
* the IngressClass and its parameters are ours, not the chart's (``createIngressClassResource:
  false``): the chart's values note that its validation webhook ignores chart-made
  IngressClassParams and recommend creating them after the controller runs, which the
  dependency on the release (whose CRDs define IngressClassParams) guarantees.

Facts, each verified at aws/eks-charts@5239609242f3 stable/aws-load-balancer-controller (chart
3.5.0) or kubernetes-sigs/aws-load-balancer-controller@11eb202c97e4 (tag v3.5.0): the values keys
used below (values.yaml), the controller name ``ingress.k8s.aws/alb`` (templates/ingressclass.yaml),
``IngressClassParams`` ``elbv2.k8s.aws/v1beta1`` spec fields ``group.name``, ``scheme``,
``targetType``, ``ipAddressType`` (config/crd/bases/elbv2.k8s.aws_ingressclassparams.yaml), and
Pod Identity as a supported credential source (docs/deploy/installation.md, "Option B").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.aws.iam import service_trust_policy
from components.facts.lb_controller_policy import policy_document
from components.facts.aws import service_principal
from components.naming import child_name
from components.versions import CHARTS, IMAGES

CHART_KEY = "aws-load-balancer-controller"
NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "aws-load-balancer-controller"
INGRESS_CLASS = "alb"
CONTROLLER = "ingress.k8s.aws/alb"  # templates/ingressclass.yaml spec.controller
PARAMS_API_VERSION = "elbv2.k8s.aws/v1beta1"
# IngressClassParams spec fields this component sets, each a property of the v3.5.0 CRD schema.
PARAMS_SPEC_FIELDS = ("group", "scheme", "targetType", "ipAddressType")


@dataclass
class LoadBalancerControllerArgs:
    """Arguments of :class:`LoadBalancerController`."""

    cluster_name: pulumi.Input[str]
    region: str
    vpc_id: pulumi.Input[str]
    partition: str
    provider: k8s.Provider  # the cluster's provider (itself waiting for node groups and CoreDNS)
    group_name: str = "web"  # the shared ingress group every Ingress of the class joins
    replicas: int = 2
    depends_on: Sequence[pulumi.Resource] = field(default_factory=list)


def ingress_class_params_spec(group_name: str) -> dict[str, object]:
    """The class-wide settings: one shared, internet-facing ALB per group, IP targets (the VPC
    CNI gives pods VPC addresses), IPv4."""
    return {"group": {"name": group_name}, "scheme": "internet-facing", "targetType": "ip", "ipAddressType": "ipv4"}


def controller_values(cluster_name: str, region: str, vpc_id: str, replicas: int) -> dict[str, object]:
    """Helm values (chart 3.5.0 values.yaml keys)."""
    image = IMAGES[CHART_KEY]
    return {
        "clusterName": cluster_name,
        "region": region,
        "vpcId": vpc_id,
        "replicaCount": replicas,
        "image": {"repository": f"{image.registry}/{image.repository}", "tag": image.tag},
        "serviceAccount": {"create": True, "name": SERVICE_ACCOUNT},
        "createIngressClassResource": False,
        "ingressClassParams": {"create": False},
        "enableServiceMutatorWebhook": False,
        "podDisruptionBudget": {"maxUnavailable": 1} if replicas > 1 else {},
        "resources": {"requests": {"cpu": "50m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
    }


class LoadBalancerController(pulumi.ComponentResource):
    """The AWS Load Balancer Controller and the ``alb`` IngressClass; see the module docstring."""

    role_arn: pulumi.Output[str]
    ingress_class_name: str
    ready: list[pulumi.Resource]

    def __init__(self, name: str, args: LoadBalancerControllerArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        policy = policy_document(args.partition)  # refuses partitions without a recorded policy
        super().__init__("twincloud:aws:LoadBalancerController", name, None, opts)
        association = self._identity(name, args, policy)
        self.release = self._release(name, args, association)
        self.ingress_class = self._ingress_class(name, args)
        self.ingress_class_name = INGRESS_CLASS
        # What an Ingress of this class needs before it is created: the controller serving its
        # webhooks, and the class.
        self.ready = [self.release, self.ingress_class]
        self.register_outputs({"roleArn": self.role_arn, "ingressClassName": INGRESS_CLASS})

    def _identity(self, name: str, args: LoadBalancerControllerArgs, policy: str) -> aws.eks.PodIdentityAssociation:
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            child_name(name, "role"),
            assume_role_policy=service_trust_policy(service_principal("pods.eks.amazonaws.com"),
                                                    ("sts:AssumeRole", "sts:TagSession")),
            opts=child,
        )
        attached = aws.iam.RolePolicy(child_name(name, "policy"), role=role.id, policy=policy, opts=child)
        self.role_arn = role.arn
        return aws.eks.PodIdentityAssociation(
            child_name(name, "pod-identity"),
            cluster_name=args.cluster_name,
            namespace=NAMESPACE,
            service_account=SERVICE_ACCOUNT,
            role_arn=role.arn,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[attached]),
        )

    def _release(self, name: str, args: LoadBalancerControllerArgs,
                 association: aws.eks.PodIdentityAssociation) -> k8s.helm.v3.Release:
        pin = CHARTS[CHART_KEY]
        values = pulumi.Output.all(args.cluster_name, args.vpc_id).apply(
            lambda a: controller_values(a[0], args.region, a[1], args.replicas))
        return k8s.helm.v3.Release(
            child_name(name, "release"),
            name=CHART_KEY,
            chart=pin.chart,
            version=pin.version,
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=pin.repo),
            namespace=NAMESPACE,
            values=values,
            create_namespace=False,
            cleanup_on_fail=True,
            max_history=10,
            timeout=600,
            opts=pulumi.ResourceOptions(parent=self, provider=args.provider,
                                        depends_on=[association, *args.depends_on]),
        )

    def _ingress_class(self, name: str, args: LoadBalancerControllerArgs) -> k8s.networking.v1.IngressClass:
        in_cluster = pulumi.ResourceOptions(parent=self, provider=args.provider)
        # A custom resource: its CRD comes with the chart, so it waits for the release.
        params = k8s.apiextensions.CustomResource(
            child_name(name, "class-params"),
            api_version=PARAMS_API_VERSION,
            kind="IngressClassParams",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=INGRESS_CLASS),
            spec=ingress_class_params_spec(args.group_name),
            opts=pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(depends_on=[self.release])),
        )
        return k8s.networking.v1.IngressClass(
            child_name(name, "class"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name=INGRESS_CLASS),
            spec=k8s.networking.v1.IngressClassSpecArgs(
                controller=CONTROLLER,
                parameters=k8s.networking.v1.IngressClassParametersReferenceArgs(
                    api_group=PARAMS_API_VERSION.split("/")[0], kind="IngressClassParams", name=INGRESS_CLASS),
            ),
            opts=pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(depends_on=[params])),
        )
