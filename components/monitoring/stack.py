"""``MonitoringStack``: metrics, logs and traces for one Kubernetes cluster (EKS or AKS).

Builds two namespaces (``monitoring`` for the backends, ``monitoring-agents`` for the node
agents), the service accounts bound to the cloud identities of the Loki and Tempo buckets,
the Alertmanager config and Grafana admin Secrets, the dashboard ConfigMaps, NetworkPolicies,
and six pinned Helm releases: prometheus-operator-crds (the operator's CRDs, installed and
upgraded before everything else), kube-prometheus-stack (Prometheus, Alertmanager, operator,
node-exporter, kube-state-metrics), Loki 3, Tempo 2.6 (single binary), Alloy (DaemonSet)
and Grafana.

Secure defaults, a sentence each:
* every chart and image version comes from ``components/versions.py``, and the pins are
  checked against the known-bad list before anything is declared;
* object storage is reached only through the pod's cloud identity (EKS Pod Identity or AKS
  workload identity); no config, value or Secret holds a storage key;
* Loki and Tempo run as service accounts this component creates with exactly the names the
  identity bindings carry, and the charts are told not to create or rename them;
* the backends' namespace enforces the ``baseline`` Pod Security level (``restricted`` is
  audited and warned); only the agents' namespace, which needs host access for
  node-exporter and pod logs, is ``privileged``;
* NetworkPolicies admit traffic to the backends only from the two monitoring namespaces
  (plus the API server to the operator's webhook), and to the agents only on the OTLP ports;
* the Alertmanager config (receiver URLs, routing and API keys, the SMTP password) and the Grafana admin password
  (generated with pulumi-random) are Pulumi secrets stored in Kubernetes Secrets, never in
  Helm values;
* the backends' namespace can be protected, so a stray ``pulumi destroy`` cannot delete the
  Prometheus and Loki volumes with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random
import yaml

from components.monitoring.alert_rules import alert_rules
from components.monitoring.alertmanager_config import Receiver, Routing, Smtp, alertmanager_config
from components.monitoring.alloy_config import alloy_config
from components.monitoring.endpoints import (
    ALLOY_RELEASE, CRDS_RELEASE, GRAFANA_RELEASE, LOKI_RELEASE, OPERATOR_WEBHOOK_PORT, OTLP_GRPC_PORT, OTLP_HTTP_PORT,
    PROMETHEUS_RELEASE, TEMPO_RELEASE, StackEndpoints,
)
from components.monitoring.grafana import DASHBOARD_LABEL, amp_datasource, dashboard_json, dashboards, datasources
from components.monitoring.loki_config import loki_config
from components.monitoring.storage import AwsObjectStorage, AzureObjectStorage, ObjectStorage, resolved
from components.monitoring.tempo_config import tempo_config
from components.monitoring.values import (
    WORKLOAD_IDENTITY_CLIENT_ID, AlertmanagerSizing, RemoteWriteTarget, GrafanaSizing, LokiSizing, PrometheusSizing, TempoSizing,
    alloy_values, grafana_values, loki_values, prometheus_stack_values, tempo_values,
)
from components.naming import child_name
from components.versions import CHARTS, GRAFANA_PLUGINS, pinned_problems

ALERTMANAGER_SECRET = "alertmanager-twincloud"
GRAFANA_ADMIN_SECRET = "grafana-admin"


@dataclass
class AlertReceiverSpec:
    """An Alertmanager receiver. ``url`` (webhook, Slack; Opsgenie's API URL), ``routing_key``
    (PagerDuty) and ``api_key`` (Opsgenie) should be Pulumi secrets; ``to``: e-mail address(es)."""

    name: str
    url: pulumi.Input[str] | None = None
    type: Literal["webhook", "slack", "pagerduty", "opsgenie", "email"] = "webhook"
    channel: str | None = None
    send_resolved: bool = True
    routing_key: pulumi.Input[str] | None = None
    api_key: pulumi.Input[str] | None = None
    to: str | None = None


@dataclass
class SmtpSpec:
    """The mail relay of ``email`` receivers; ``password`` should be a Pulumi secret."""

    smarthost: str  # host:port
    sender: str
    username: str | None = None
    password: pulumi.Input[str] | None = None
    require_tls: bool = True


@dataclass
class MonitoringStackArgs:
    """Arguments of :class:`MonitoringStack`."""

    provider: k8s.Provider
    cloud: Literal["aws", "azure"]
    loki_storage: ObjectStorage
    tempo_storage: ObjectStorage
    kubernetes_version: str  # the cluster's minor version, for the Pod Security labels
    cluster_name: str  # the ``cluster`` label on logs and agent metrics
    loki_mode: Literal["single-binary", "simple-scalable"] = "single-binary"
    log_retention: str = "31d"
    trace_retention: str = "14d"
    prometheus: PrometheusSizing = field(default_factory=PrometheusSizing)
    alertmanager: AlertmanagerSizing = field(default_factory=AlertmanagerSizing)
    receivers: list[AlertReceiverSpec] = field(default_factory=list)
    alert_routing: Routing | None = None  # None: every alert to every receiver
    smtp: SmtpSpec | None = None
    loki: LokiSizing = field(default_factory=LokiSizing)
    tempo: TempoSizing = field(default_factory=TempoSizing)
    grafana: GrafanaSizing = field(default_factory=GrafanaSizing)
    storage_class: str | None = None  # None: the cluster's default StorageClass
    namespace: str = "monitoring"
    agents_namespace: str = "monitoring-agents"
    network_policies: bool = True
    protect: bool = False
    # Every pod's PriorityClass (None: the cluster default), and what the releases wait for
    # (the PriorityClass itself: the API server rejects pods naming a class that does not exist).
    priority_class: str | None = None
    depends_on: tuple[pulumi.Resource, ...] = ()
    # Long-term metrics: Prometheus remote-writes here (None: local TSDB only).
    remote_write: RemoteWriteTarget | None = None


def pod_security_labels(level: str, audit: str, version: str) -> dict[str, str]:
    """Pod Security admission labels, pinned to the cluster's minor version."""
    v = f"v{version}" if not version.startswith("v") else version
    return {
        "pod-security.kubernetes.io/enforce": level, "pod-security.kubernetes.io/enforce-version": v,
        "pod-security.kubernetes.io/audit": audit, "pod-security.kubernetes.io/audit-version": v,
        "pod-security.kubernetes.io/warn": audit, "pod-security.kubernetes.io/warn-version": v,
    }


def check_bindings(args: MonitoringStackArgs) -> list[str]:
    """Problems with the storage bindings (wrong cloud, wrong namespace, shared accounts)."""
    problems = []
    expected = AwsObjectStorage if args.cloud == "aws" else AzureObjectStorage
    for consumer, binding in (("loki", args.loki_storage), ("tempo", args.tempo_storage)):
        if not isinstance(binding, expected):
            problems.append(f"{consumer}_storage must be {expected.__name__} on {args.cloud}, "
                            f"got {type(binding).__name__}")
        elif binding.namespace != args.namespace:
            problems.append(f"{consumer}_storage is bound to service account {binding.namespace}/"
                            f"{binding.service_account}, but the stack runs in namespace {args.namespace}")
    if args.loki_storage.service_account == args.tempo_storage.service_account:
        problems.append("Loki and Tempo must use different service accounts (each is bound to its own bucket)")
    return problems


class MonitoringStack(pulumi.ComponentResource):
    """Prometheus, Alertmanager, Loki, Tempo, Alloy and Grafana; see the module docstring."""

    namespace: pulumi.Output[str]
    grafana_admin_password: pulumi.Output[str]
    endpoints: StackEndpoints

    def __init__(self, name: str, args: MonitoringStackArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:k8s:MonitoringStack", name, None, opts)
        problems = pinned_problems() + check_bindings(args)
        if problems:
            raise ValueError("MonitoringStack: " + "; ".join(problems))
        self.endpoints = ep = StackEndpoints(namespace=args.namespace, agents_namespace=args.agents_namespace)
        child = pulumi.ResourceOptions(parent=self, provider=args.provider)
        azure = args.cloud == "azure"

        # -- namespaces ------------------------------------------------------------------
        ns = k8s.core.v1.Namespace(
            child_name(name, "ns"),
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=args.namespace,
                labels={**pod_security_labels("baseline", "restricted", args.kubernetes_version),
                        "app.kubernetes.io/part-of": "twincloud-monitoring"},
            ),
            opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(protect=args.protect)),
        )
        agents_ns = k8s.core.v1.Namespace(
            child_name(name, "agents-ns"),
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=args.agents_namespace,
                labels={**pod_security_labels("privileged", "baseline", args.kubernetes_version),
                        "app.kubernetes.io/part-of": "twincloud-monitoring"},
            ),
            opts=child,
        )
        in_ns = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[ns]))

        # -- identities: the service accounts the bucket bindings name -------------------
        service_accounts = {
            consumer: k8s.core.v1.ServiceAccount(
                child_name(name, consumer, "sa"),
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=binding.service_account,
                    namespace=args.namespace,
                    labels={"app.kubernetes.io/name": consumer, "app.kubernetes.io/part-of": "twincloud-monitoring"},
                    annotations={WORKLOAD_IDENTITY_CLIENT_ID: binding.client_id}
                    if isinstance(binding, AzureObjectStorage) else None,
                ),
                automount_service_account_token=False,
                opts=in_ns,
            )
            for consumer, binding in (("loki", args.loki_storage), ("tempo", args.tempo_storage))
        }

        # -- secrets -----------------------------------------------------------------------
        am_yaml = _alertmanager_yaml(args)
        am_secret = k8s.core.v1.Secret(
            child_name(name, "alertmanager-config"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name=ALERTMANAGER_SECRET, namespace=args.namespace),
            type="Opaque",
            string_data={"alertmanager.yaml": pulumi.Output.secret(am_yaml)},
            opts=in_ns,
        )
        admin_password = random.RandomPassword(
            child_name(name, "grafana-admin"), length=32, special=False, opts=pulumi.ResourceOptions(parent=self),
        )
        self.grafana_admin_password = pulumi.Output.secret(admin_password.result)
        grafana_secret = k8s.core.v1.Secret(
            child_name(name, "grafana-admin"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name=GRAFANA_ADMIN_SECRET, namespace=args.namespace),
            type="Opaque",
            string_data={"admin-user": "admin", "admin-password": self.grafana_admin_password},
            opts=in_ns,
        )

        # -- dashboards (loaded by the Grafana sidecar) -------------------------------------
        dashboard_maps = [
            k8s.core.v1.ConfigMap(
                child_name(name, "dashboard", file.removesuffix(".json")),
                metadata=k8s.meta.v1.ObjectMetaArgs(
                    name=f"dashboard-{file.removesuffix('.json')}", namespace=args.namespace,
                    labels={DASHBOARD_LABEL: "1"}, annotations={"grafana_folder": "twincloud"},
                ),
                data={file: dashboard_json(model)},
                opts=in_ns,
            )
            for file, model in dashboards(ep).items()
        ]

        # -- network policies --------------------------------------------------------------
        if args.network_policies:
            self._network_policies(name, args, ep, in_ns, agents_ns)

        # -- Helm releases ---------------------------------------------------------------
        def release(key: str, release_name: str, namespace: str, values: Any, deps: list[pulumi.Resource]):
            pin = CHARTS[key]
            return k8s.helm.v3.Release(
                child_name(name, release_name),
                name=release_name,
                chart=pin.chart,
                version=pin.version,
                repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=pin.repo),
                namespace=namespace,
                values=values,
                create_namespace=False,
                cleanup_on_fail=True,
                max_history=10,
                timeout=900,
                opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(
                    depends_on=[*deps, *args.depends_on])),
            )

        # The operator's CRDs first, as their own release: Helm upgrades what a chart's
        # templates hold, never what its crds/ directory installed.
        self.crds = release("prometheus-operator-crds", CRDS_RELEASE, args.namespace, {}, [ns])
        self.prometheus_stack = release("kube-prometheus-stack", PROMETHEUS_RELEASE, args.namespace,
                                        prometheus_stack_values(
                                            endpoints=ep, prometheus=args.prometheus, alertmanager=args.alertmanager,
                                            alertmanager_secret=ALERTMANAGER_SECRET, rules=alert_rules(ep),
                                            storage_class=args.storage_class, dashboard_label=DASHBOARD_LABEL,
                                            priority_class=args.priority_class, release=PROMETHEUS_RELEASE,
                                            remote_write=args.remote_write,
                                        ), [ns, agents_ns, am_secret, self.crds,
                                            *(args.remote_write.depends_on if args.remote_write else ())])
        after_crds = [self.crds]  # ServiceMonitors need only the CRDs

        loki_values_out = resolved(args.loki_storage).apply(lambda target: loki_values(
            mode=args.loki_mode,
            config=loki_config(mode=args.loki_mode, storage=target, retention=args.log_retention, endpoints=ep,
                               replication_factor=_replication_factor(args), caches=args.loki.caches),
            storage=target, service_account=args.loki_storage.service_account, sizing=args.loki,
            storage_class=args.storage_class, workload_identity=azure, priority_class=args.priority_class,
        ))
        self.loki = release("loki", LOKI_RELEASE, args.namespace, loki_values_out,
                            [service_accounts["loki"], *_access(args.loki_storage), *after_crds])

        tempo_values_out = resolved(args.tempo_storage).apply(lambda target: tempo_values(
            config=tempo_config(storage=target, retention=args.trace_retention, endpoints=ep),
            service_account=args.tempo_storage.service_account, sizing=args.tempo,
            storage_class=args.storage_class, workload_identity=azure, priority_class=args.priority_class,
        ))
        self.tempo = release("tempo", TEMPO_RELEASE, args.namespace, tempo_values_out,
                             [service_accounts["tempo"], *_access(args.tempo_storage), *after_crds])

        self.alloy = release("alloy", ALLOY_RELEASE, args.agents_namespace,
                             alloy_values(config=alloy_config(ep, args.cluster_name), priority_class=args.priority_class),
                             [agents_ns, *after_crds])

        # Long-term metrics: Grafana queries the AMP workspace through the plugin, as its own
        # Pod Identity (the association must exist before the pod starts).
        amp = args.remote_write if args.remote_write is not None and args.remote_write.query_url is not None else None
        self.grafana = release("grafana", GRAFANA_RELEASE, args.namespace, grafana_values(
            datasources=datasources(ep, amp_datasource(amp.query_url, amp.region) if amp else None),
            admin_secret=GRAFANA_ADMIN_SECRET, sizing=args.grafana,
            storage_class=args.storage_class, dashboard_label=DASHBOARD_LABEL, priority_class=args.priority_class,
            plugins=(GRAFANA_PLUGINS["amazon-prometheus"].spec,) if amp else (),
        ), [grafana_secret, *dashboard_maps, *after_crds, *(amp.query_access if amp else ())])

        self.namespace = ns.metadata.apply(lambda m: m.name)
        self.register_outputs({
            "namespace": self.namespace,
            "agentsNamespace": args.agents_namespace,
            "grafanaAdminPassword": self.grafana_admin_password,
            "grafanaUrl": f"http://{GRAFANA_RELEASE}.{args.namespace}.svc",
            "otlpGrpcEndpoint": ep.otlp_grpc_endpoint,
            "otlpHttpEndpoint": ep.otlp_http_endpoint,
            "lokiPushUrl": ep.loki_push_url,
            "prometheusUrl": ep.prometheus_url,
        })

    def _network_policies(self, name: str, args: MonitoringStackArgs, ep: StackEndpoints,
                          in_ns: pulumi.ResourceOptions, agents_ns: k8s.core.v1.Namespace) -> None:
        np = k8s.networking.v1
        from_monitoring = np.NetworkPolicyPeerArgs(namespace_selector=k8s.meta.v1.LabelSelectorArgs(
            match_expressions=[k8s.meta.v1.LabelSelectorRequirementArgs(
                key="kubernetes.io/metadata.name", operator="In",
                values=[args.namespace, args.agents_namespace])]))
        tcp = lambda port: np.NetworkPolicyPortArgs(port=port, protocol="TCP")  # noqa: E731
        np.NetworkPolicy(
            child_name(name, "backends-ingress"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name="monitoring-backends-ingress", namespace=args.namespace),
            spec=np.NetworkPolicySpecArgs(
                pod_selector=k8s.meta.v1.LabelSelectorArgs(),
                policy_types=["Ingress"],
                ingress=[np.NetworkPolicyIngressRuleArgs(from_=[from_monitoring])],
            ),
            opts=in_ns,
        )
        np.NetworkPolicy(
            child_name(name, "operator-webhook"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name="prometheus-operator-webhook", namespace=args.namespace),
            spec=np.NetworkPolicySpecArgs(
                # The API server calls the admission webhook from outside any namespace.
                pod_selector=k8s.meta.v1.LabelSelectorArgs(match_labels={"app": ep.operator_app_label}),
                policy_types=["Ingress"],
                ingress=[np.NetworkPolicyIngressRuleArgs(ports=[tcp(OPERATOR_WEBHOOK_PORT)])],
            ),
            opts=in_ns,
        )
        np.NetworkPolicy(
            child_name(name, "agents-ingress"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name="monitoring-agents-ingress", namespace=args.agents_namespace),
            spec=np.NetworkPolicySpecArgs(
                pod_selector=k8s.meta.v1.LabelSelectorArgs(),
                policy_types=["Ingress"],
                ingress=[
                    np.NetworkPolicyIngressRuleArgs(from_=[from_monitoring]),
                    # Applications in any namespace send OTLP to the agent on their node.
                    np.NetworkPolicyIngressRuleArgs(
                        from_=[np.NetworkPolicyPeerArgs(namespace_selector=k8s.meta.v1.LabelSelectorArgs())],
                        ports=[tcp(OTLP_GRPC_PORT), tcp(OTLP_HTTP_PORT)],
                    ),
                ],
            ),
            opts=pulumi.ResourceOptions.merge(in_ns, pulumi.ResourceOptions(depends_on=[agents_ns])),
        )


def _alertmanager_yaml(args: MonitoringStackArgs) -> pulumi.Output[str]:
    """``alertmanager.yaml`` from the receivers (their secrets resolved), routing and SMTP relay."""
    secrets = [pulumi.Output.all(r.url, r.routing_key, r.api_key) for r in args.receivers]
    password = args.smtp.password if args.smtp is not None else None

    def render(values: list[Any]) -> str:
        smtp = args.smtp
        receivers = [Receiver(name=r.name, type=r.type, url=url, routing_key=key, api_key=api, to=r.to,
                              channel=r.channel, send_resolved=r.send_resolved)
                     for r, (url, key, api) in zip(args.receivers, values[1:])]
        relay = None if smtp is None else Smtp(smarthost=smtp.smarthost, sender=smtp.sender, username=smtp.username,
                                               password=values[0], require_tls=smtp.require_tls)
        return yaml.safe_dump(alertmanager_config(receivers, args.alert_routing, relay), sort_keys=False)

    return pulumi.Output.all(password, *secrets).apply(render)


def _replication_factor(args: MonitoringStackArgs) -> int:
    """Loki's replication factor: 3 once there are three ingesters (write or single-binary pods), else 1."""
    return 3 if args.loki.replicas >= 3 else 1


def _access(binding: ObjectStorage) -> list[pulumi.Resource]:
    """The cloud resources granting the binding's access (AWS: the Pod Identity association;
    Azure: federated credential and role assignment): the release waits for them."""
    return list(binding.depends_on)
