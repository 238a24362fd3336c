"""``ServiceBus``: a Service Bus namespace with its queues, topics and subscriptions.

Builds the namespace, every queue and topic (with subscriptions) from the args, and
``Azure Service Bus Data Sender``/``Data Receiver`` role assignments for named principals
(workload identities), each scoped to the one entity it may use.

Secure defaults, a sentence each:
* the minimum TLS version is 1.2;
* local (SAS key) authentication is disabled, so only Entra identities can connect; an
  explicit ``local_auth=True`` re-enables it (dev only: the stack config rejects it in prod);
* senders get Data Sender on their queue or topic only, receivers Data Receiver on their
  queue or subscription only: no namespace-wide or Manage rights;
* every queue and subscription dead-letters expired messages and caps delivery attempts,
  so a poison message ends in the dead-letter queue instead of looping forever;
* a Premium namespace is zone-redundant;
* ``protect`` is on by default for the namespace (messages in flight are data).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native.authorization as authorization
import pulumi_azure_native.servicebus as servicebus

from components.azure import roles
from components.naming import child_name, global_name


@dataclass
class QueueSpec:
    name: str
    max_delivery_count: int = 10
    lock_duration: str = "PT1M"
    default_message_time_to_live: str = "P14D"
    senders: list[str] = field(default_factory=list)  # principal names (keys of ``principals``)
    receivers: list[str] = field(default_factory=list)


@dataclass
class SubscriptionSpec:
    name: str
    max_delivery_count: int = 10
    lock_duration: str = "PT1M"
    default_message_time_to_live: str = "P14D"
    receivers: list[str] = field(default_factory=list)


@dataclass
class TopicSpec:
    name: str
    subscriptions: list[SubscriptionSpec] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)
    default_message_time_to_live: str = "P14D"


@dataclass
class ServiceBusArgs:
    """Arguments of :class:`ServiceBus`."""

    resource_group_name: pulumi.Input[str]
    location: str
    sku: str = "Standard"
    queues: list[QueueSpec] = field(default_factory=list)
    topics: list[TopicSpec] = field(default_factory=list)
    principals: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)  # name -> object id
    local_auth: bool = False
    public_network_access: bool = True  # Standard has no private endpoints; auth is Entra-only
    protect: bool = True
    namespace_name: str | None = None  # default: global_name("sb", stack, location)


def validate_args(args: ServiceBusArgs) -> None:
    """Unknown principals, duplicate names or topics on Basic fail before any resource."""
    if args.sku not in ("Basic", "Standard", "Premium"):
        raise ValueError(f"sku must be Basic, Standard or Premium, got {args.sku!r}")
    if args.topics and args.sku == "Basic":
        raise ValueError("topics need a Standard or Premium namespace")
    refs = [p for q in args.queues for p in (*q.senders, *q.receivers)]
    refs += [p for t in args.topics for p in t.senders]
    refs += [p for t in args.topics for s in t.subscriptions for p in s.receivers]
    unknown = sorted(set(refs) - set(args.principals))
    if unknown:
        raise ValueError(f"unknown principals {unknown}; known: {sorted(args.principals)}")
    names = [q.name for q in args.queues] + [t.name for t in args.topics]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"queue/topic names must be unique within a namespace: {dupes}")


class ServiceBus(pulumi.ComponentResource):
    """Entra-only Service Bus namespace; see the module docstring."""

    namespace_id: pulumi.Output[str]
    namespace_name: pulumi.Output[str]
    endpoint: pulumi.Output[str]

    def __init__(self, name: str, args: ServiceBusArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        validate_args(args)  # before registering anything
        super().__init__("twincloud:azure:ServiceBus", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        rg = args.resource_group_name
        premium = args.sku == "Premium"
        physical = args.namespace_name or global_name("sb", stack=pulumi.get_stack(), region=args.location, max_length=50)

        self.namespace = servicebus.Namespace(
            name,
            namespace_name=physical,
            resource_group_name=rg,
            location=args.location,
            sku=servicebus.SBSkuArgs(name=args.sku, tier=args.sku, capacity=1 if premium else None),
            minimum_tls_version="1.2",
            disable_local_auth=not args.local_auth,
            public_network_access="Enabled" if args.public_network_access else "Disabled",
            zone_redundant=True if premium else None,
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        ns = self.namespace.name
        sender = roles.subscription_role(roles.SERVICE_BUS_DATA_SENDER)
        receiver = roles.subscription_role(roles.SERVICE_BUS_DATA_RECEIVER)

        def grant(label: str, scope: pulumi.Input[str], role: pulumi.Input[str], who: str) -> None:
            authorization.RoleAssignment(
                child_name(name, label, who),
                scope=scope,
                role_definition_id=role,
                principal_id=args.principals[who],
                principal_type=roles.SERVICE_PRINCIPAL,
                opts=child,
            )

        self.queues: dict[str, servicebus.Queue] = {}
        for q in args.queues:
            queue = servicebus.Queue(
                child_name(name, "queue", q.name),
                queue_name=q.name,
                namespace_name=ns,
                resource_group_name=rg,
                dead_lettering_on_message_expiration=True,
                max_delivery_count=q.max_delivery_count,
                lock_duration=q.lock_duration,
                default_message_time_to_live=q.default_message_time_to_live,
                opts=child,
            )
            self.queues[q.name] = queue
            for who in q.senders:
                grant(f"queue-{q.name}-send", queue.id, sender, who)
            for who in q.receivers:
                grant(f"queue-{q.name}-receive", queue.id, receiver, who)

        self.topics: dict[str, servicebus.Topic] = {}
        self.subscriptions: dict[str, servicebus.Subscription] = {}
        for t in args.topics:
            topic = servicebus.Topic(
                child_name(name, "topic", t.name),
                topic_name=t.name,
                namespace_name=ns,
                resource_group_name=rg,
                default_message_time_to_live=t.default_message_time_to_live,
                opts=child,
            )
            self.topics[t.name] = topic
            for who in t.senders:
                grant(f"topic-{t.name}-send", topic.id, sender, who)
            for s in t.subscriptions:
                sub = servicebus.Subscription(
                    child_name(name, "topic", t.name, s.name),
                    subscription_name=s.name,
                    topic_name=topic.name,
                    namespace_name=ns,
                    resource_group_name=rg,
                    dead_lettering_on_message_expiration=True,
                    max_delivery_count=s.max_delivery_count,
                    lock_duration=s.lock_duration,
                    default_message_time_to_live=s.default_message_time_to_live,
                    opts=child,
                )
                self.subscriptions[f"{t.name}/{s.name}"] = sub
                for who in s.receivers:
                    grant(f"topic-{t.name}-{s.name}-receive", sub.id, receiver, who)

        self.namespace_id = self.namespace.id
        self.namespace_name = self.namespace.name
        self.endpoint = self.namespace.service_bus_endpoint
        self.register_outputs({
            "namespaceId": self.namespace_id,
            "namespaceName": self.namespace_name,
            "endpoint": self.endpoint,
        })
