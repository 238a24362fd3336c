"""ServiceBus: TLS 1.2, Entra-only in prod, dead-lettering, and per-entity sender/receiver roles."""

import pytest

from components.azure import roles
from components.azure.service_bus import QueueSpec, ServiceBus, ServiceBusArgs, TopicSpec
from tests.azure_support import ROLE, SB_NAMESPACE, SB_QUEUE, SB_SUBSCRIPTION, SB_TOPIC, UAI, role_guid
from tests.support import of_type, run_component


def namespace(p):
    return p.one(SB_NAMESPACE)


def sb_roles(p):
    return {r.name: r for r in p.of_type(ROLE) if r.name.startswith("twincloud-prod-sb-")}


def test_minimum_tls_is_1_2(prod_plan):
    assert namespace(prod_plan).inputs["minimumTlsVersion"] == "1.2"


def test_prod_disables_local_sas_auth(prod_plan):
    assert namespace(prod_plan).inputs["disableLocalAuth"] is True


def test_prod_namespace_is_protected(prod_plan):
    assert namespace(prod_plan).protect is True


def test_queues_from_config_dead_letter_and_cap_deliveries(prod_plan):
    want = {q["name"]: q for q in prod_plan.config["azure"]["serviceBus"]["queues"]}
    got = {q.inputs["queueName"]: q.inputs for q in prod_plan.of_type(SB_QUEUE)}
    assert set(got) == set(want)
    for name, q in got.items():
        assert q["deadLetteringOnMessageExpiration"] is True
        assert q["maxDeliveryCount"] == want[name]["maxDeliveryCount"]


def test_topic_subscriptions_dead_letter_and_cap_deliveries(prod_plan):
    topics = prod_plan.config["azure"]["serviceBus"]["topics"]
    assert {t.inputs["topicName"] for t in prod_plan.of_type(SB_TOPIC)} == {t["name"] for t in topics}
    subs = prod_plan.of_type(SB_SUBSCRIPTION)
    assert len(subs) == sum(len(t["subscriptions"]) for t in topics)
    for s in subs:
        assert s.inputs["deadLetteringOnMessageExpiration"] is True and s.inputs["maxDeliveryCount"] >= 1


def test_queue_sender_gets_data_sender_on_that_queue_only(prod_plan):
    grant = sb_roles(prod_plan)["twincloud-prod-sb-queue-orders-send-api"]
    assert role_guid(grant) == roles.SERVICE_BUS_DATA_SENDER
    assert grant.inputs["scope"].endswith("/queues/orders")
    assert grant.inputs["principalType"] == "ServicePrincipal"
    assert prod_plan.one(UAI, "twincloud-prod-wi-api").urn in grant.dependencies


def test_queue_receiver_gets_data_receiver_on_that_queue_only(prod_plan):
    grant = sb_roles(prod_plan)["twincloud-prod-sb-queue-orders-receive-worker"]
    assert role_guid(grant) == roles.SERVICE_BUS_DATA_RECEIVER
    assert grant.inputs["scope"].endswith("/queues/orders")
    assert prod_plan.one(UAI, "twincloud-prod-wi-worker").urn in grant.dependencies


def test_topic_sender_and_subscription_receiver_are_scoped_to_their_entity(prod_plan):
    grants = sb_roles(prod_plan)
    send = grants["twincloud-prod-sb-topic-events-send-api"]
    receive = grants["twincloud-prod-sb-topic-events-worker-receive-worker"]
    assert role_guid(send) == roles.SERVICE_BUS_DATA_SENDER and send.inputs["scope"].endswith("/topics/events")
    assert role_guid(receive) == roles.SERVICE_BUS_DATA_RECEIVER
    assert receive.inputs["scope"].endswith("/topics/events/subscriptions/worker")


def test_no_role_is_granted_on_the_whole_namespace(prod_plan):
    ns = namespace(prod_plan).inputs["namespaceName"]
    assert all(not g.inputs["scope"].endswith(f"/namespaces/{ns}") for g in sb_roles(prod_plan).values())


def test_endpoint_is_exported(prod_plan):
    assert prod_plan.outputs["serviceBusEndpoint"].startswith("https://")


def build(**overrides):
    base = dict(resource_group_name="rg", location="westeurope", principals={"app": "principal-of-app"},
                queues=[QueueSpec(name="jobs", senders=["app"])])
    base.update(overrides)
    return run_component(lambda: ServiceBus("sb", ServiceBusArgs(**base)))


def test_component_default_is_entra_only():
    assert of_type(build(), SB_NAMESPACE)[0].inputs["disableLocalAuth"] is True


def test_local_auth_needs_the_explicit_arg():
    assert of_type(build(local_auth=True), SB_NAMESPACE)[0].inputs["disableLocalAuth"] is False


def test_component_grants_to_the_named_principal():
    grants = of_type(build(), ROLE)
    assert [g.inputs["principalId"] for g in grants] == ["principal-of-app"]


@pytest.mark.parametrize("bad,match", [
    (dict(queues=[QueueSpec(name="jobs", senders=["ghost"])]), r"unknown principals \['ghost'\]"),
    (dict(sku="Basic", topics=[TopicSpec(name="events")]), "topics need a Standard or Premium"),
    (dict(queues=[QueueSpec(name="x")], topics=[TopicSpec(name="x")]), "unique within a namespace"),
])
def test_component_rejects_bad_args(bad, match):
    base = dict(resource_group_name="rg", location="westeurope", principals={"app": "p"})
    base.update(bad)
    with pytest.raises(ValueError, match=match):
        ServiceBus("sb", ServiceBusArgs(**base))
