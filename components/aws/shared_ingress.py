"""``SharedIngress``: the platform's Ingress in the shared ALB group, with the health endpoint.

Builds the ALB's TLS certificate for the public domain (ACM in the cluster's region,
DNS-validated in the hosted zone), a small platform-owned backend that answers the health
path (an unprivileged nginx Deployment, its ConfigMap and Service, in their own namespace),
and the Ingress of class ``alb`` that routes the health path to it. The AWS Load Balancer
Controller creates (or joins) the group's ALB for it and writes the ALB's DNS name into the
Ingress status; ``hostname`` is that status, and ``alias_target`` pairs it with the region's
ALB hosted zone id, so the DNS failover record follows the load balancer the program made,
never a lookup by tags.

Secure and safe defaults, a sentence each:
* the ALB listens on HTTPS only, with an ACM certificate for the domain; the health path is
  answered on any host name, because Route 53 health checks send the load balancer's own
  name unless ``dr.healthCheck.fqdn`` says otherwise;
* the health backend runs as a non-root user with a read-only root file system, no
  capabilities and the runtime's seccomp profile, on a pinned image (``IMAGES["platform-health"]``);
* the validation record is written with ``allow_overwrite``: ACM asks for the same CNAME for a
  domain in every region of an account (hashicorp/terraform-provider-aws#13653), and the
  CloudFront certificate of the DR site validates through the same record;
* the Ingress waits for the controller and the IngressClass (its admission webhook must be
  serving) and for the backend, and pulumi-kubernetes waits until the controller has written
  the load balancer into the Ingress status before dependants (the failover record) proceed.

Apps take over the domain by adding their own Ingresses to the same group (same class); the
health path stays with this backend until an app answers it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.aws.dns_failover import AliasTarget
from components.facts.aws import alb_zone_id
from components.aws.certificate import dns_validated_certificate
from components.naming import child_name
from components.versions import IMAGES

HEALTH_PORT = 8080  # nginx-unprivileged listens on 8080 (it cannot bind below 1024)
APP_LABEL = "platform-health"


def nginx_config(health_path: str) -> str:
    """The health backend's server block: 200 on the health path, 404 elsewhere."""
    return (f"server {{\n  listen {HEALTH_PORT};\n  access_log off;\n"
            f"  location = {health_path} {{ default_type text/plain; return 200 \"ok\\n\"; }}\n"
            "  location / { return 404; }\n}\n")


def ingress_annotations(certificate_arn: str, health_path: str) -> dict[str, str]:
    """ALB settings of this Ingress (kubernetes-sigs/aws-load-balancer-controller v3.5.0
    docs/guide/ingress/annotations.md: ``listen-ports``, ``certificate-arn``, ``healthcheck-path``);
    group, scheme and target type come from the IngressClassParams."""
    return {
        "alb.ingress.kubernetes.io/listen-ports": json.dumps([{"HTTPS": 443}]),
        "alb.ingress.kubernetes.io/certificate-arn": certificate_arn,
        "alb.ingress.kubernetes.io/healthcheck-path": health_path,
    }


@dataclass
class SharedIngressArgs:
    """Arguments of :class:`SharedIngress`."""

    provider: k8s.Provider
    ingress_class_name: str
    controller_ready: list[pulumi.Resource]  # the controller release and the IngressClass
    domain: str
    zone_id: pulumi.Input[str]
    region: str
    health_path: str = "/healthz"
    namespace: str = "platform-ingress"
    replicas: int = 2


class SharedIngress(pulumi.ComponentResource):
    """The platform's shared ingress and health backend; see the module docstring."""

    hostname: pulumi.Output[str]
    alias_target: AliasTarget
    certificate_arn: pulumi.Output[str]

    def __init__(self, name: str, args: SharedIngressArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        zone = alb_zone_id(args.region)  # before registering anything: an unknown region is refused
        super().__init__("twincloud:aws:SharedIngress", name, None, opts)
        self.certificate_arn = self._certificate(name, args)
        service, backend = self._backend(name, args)
        self.ingress = self._ingress(name, args, service, backend)
        # What the controller wrote once the ALB existed (pulumi-kubernetes waits for it).
        self.hostname = self.ingress.status.apply(lambda s: s.load_balancer.ingress[0].hostname)
        self.alias_target = AliasTarget(dns_name=self.hostname, zone_id=zone)
        self.register_outputs({"hostname": self.hostname, "zoneId": zone, "certificateArn": self.certificate_arn})

    def _certificate(self, name: str, args: SharedIngressArgs) -> pulumi.Output[str]:
        child = pulumi.ResourceOptions(parent=self)
        return dns_validated_certificate(name, args.domain, args.zone_id, certificate_opts=child, record_opts=child)

    def _backend(self, name: str, args: SharedIngressArgs) -> tuple[k8s.core.v1.Service, k8s.apps.v1.Deployment]:
        in_cluster = pulumi.ResourceOptions(parent=self, provider=args.provider)
        ns = k8s.core.v1.Namespace(child_name(name, "ns"), metadata=k8s.meta.v1.ObjectMetaArgs(name=args.namespace),
                                   opts=in_cluster)
        in_ns = pulumi.ResourceOptions.merge(in_cluster, pulumi.ResourceOptions(depends_on=[ns]))
        meta = {"namespace": args.namespace, "labels": {"app.kubernetes.io/name": APP_LABEL}}
        config = k8s.core.v1.ConfigMap(
            child_name(name, "health-config"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name=APP_LABEL, **meta),
            data={"default.conf": nginx_config(args.health_path)},
            opts=in_ns,
        )
        image = IMAGES["platform-health"]
        container = k8s.core.v1.ContainerArgs(
            name="nginx",
            image=image.ref,
            ports=[k8s.core.v1.ContainerPortArgs(name="http", container_port=HEALTH_PORT)],
            readiness_probe=k8s.core.v1.ProbeArgs(http_get=k8s.core.v1.HTTPGetActionArgs(
                path=args.health_path, port=HEALTH_PORT), period_seconds=5),
            # A wedged nginx is restarted instead of failing the Route 53 check until someone looks.
            liveness_probe=k8s.core.v1.ProbeArgs(http_get=k8s.core.v1.HTTPGetActionArgs(
                path=args.health_path, port=HEALTH_PORT), period_seconds=10, failure_threshold=3),
            resources=k8s.core.v1.ResourceRequirementsArgs(
                requests={"cpu": "10m", "memory": "16Mi"}, limits={"cpu": "100m", "memory": "64Mi"}),
            security_context=k8s.core.v1.SecurityContextArgs(
                run_as_non_root=True, read_only_root_filesystem=True, allow_privilege_escalation=False,
                capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"])),
            volume_mounts=[
                k8s.core.v1.VolumeMountArgs(name="config", mount_path="/etc/nginx/conf.d"),
                k8s.core.v1.VolumeMountArgs(name="tmp", mount_path="/tmp"),
            ],
        )
        backend = k8s.apps.v1.Deployment(
            child_name(name, "health"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name=APP_LABEL, **meta),
            spec=k8s.apps.v1.DeploymentSpecArgs(
                replicas=args.replicas,
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"app.kubernetes.io/name": APP_LABEL}),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels={"app.kubernetes.io/name": APP_LABEL}),
                    spec=k8s.core.v1.PodSpecArgs(
                        containers=[container],
                        automount_service_account_token=False,  # nginx never calls the Kubernetes API
                        security_context=k8s.core.v1.PodSecurityContextArgs(
                            run_as_non_root=True, seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault")),
                        volumes=[
                            k8s.core.v1.VolumeArgs(name="config", config_map=k8s.core.v1.ConfigMapVolumeSourceArgs(
                                name=config.metadata.name)),
                            k8s.core.v1.VolumeArgs(name="tmp", empty_dir=k8s.core.v1.EmptyDirVolumeSourceArgs()),
                        ],
                    ),
                ),
            ),
            opts=in_ns,
        )
        if args.replicas > 1:  # a drain (Karpenter consolidation, spot interruption) keeps one answering
            k8s.policy.v1.PodDisruptionBudget(
                child_name(name, "health"),
                metadata=k8s.meta.v1.ObjectMetaArgs(name=APP_LABEL, **meta),
                spec=k8s.policy.v1.PodDisruptionBudgetSpecArgs(
                    min_available=1,
                    selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"app.kubernetes.io/name": APP_LABEL})),
                opts=in_ns,
            )
        service = k8s.core.v1.Service(
            child_name(name, "health"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name=APP_LABEL, **meta),
            spec=k8s.core.v1.ServiceSpecArgs(
                type="ClusterIP",
                selector={"app.kubernetes.io/name": APP_LABEL},
                ports=[k8s.core.v1.ServicePortArgs(name="http", port=80, target_port=HEALTH_PORT)],
            ),
            opts=in_ns,
        )
        return service, backend

    def _ingress(self, name: str, args: SharedIngressArgs, service: k8s.core.v1.Service,
                 backend: k8s.apps.v1.Deployment) -> k8s.networking.v1.Ingress:
        return k8s.networking.v1.Ingress(
            child_name(name, "ingress"),
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name="platform",
                namespace=args.namespace,
                # the group comes from the class's IngressClassParams (spec.group.name)
                annotations=self.certificate_arn.apply(lambda arn: ingress_annotations(arn, args.health_path)),
            ),
            spec=k8s.networking.v1.IngressSpecArgs(
                ingress_class_name=args.ingress_class_name,
                rules=[k8s.networking.v1.IngressRuleArgs(http=k8s.networking.v1.HTTPIngressRuleValueArgs(paths=[
                    k8s.networking.v1.HTTPIngressPathArgs(
                        path=args.health_path, path_type="Exact",
                        backend=k8s.networking.v1.IngressBackendArgs(service=k8s.networking.v1.IngressServiceBackendArgs(
                            name=service.metadata.name, port=k8s.networking.v1.ServiceBackendPortArgs(name="http"))),
                    ),
                ]))],
            ),
            opts=pulumi.ResourceOptions(parent=self, provider=args.provider,
                                        depends_on=[*args.controller_ready, service, backend]),
        )
