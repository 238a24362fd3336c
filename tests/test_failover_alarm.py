"""The failover alarm: a us-east-1 CloudWatch alarm on the primary health check, an encrypted
SNS topic and the on-call receivers from ``twincloud:dr.failoverAlarm``."""

from __future__ import annotations

import pytest

from components.aws.cloudfront_site import GLOBAL_SERVICES_REGION
from components.aws.failover_alarm import FailoverAlarm, FailoverAlarmArgs, Receiver
from components.facts.aws import ROUTE53_METRICS
from tests.dr_support import config_problems, global_provider
from tests.support import of_type, plan, policy_json, run_component
from tools.engine import Secret

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
KEY = "aws:kms/key:Key"
SUB = "aws:sns/topicSubscription:TopicSubscription"
PREFIX = "twincloud-prod-dr-failover-alarm"


def test_route53_metrics_region_is_the_dr_layers_global_region():
    assert ROUTE53_METRICS["region"].value == GLOBAL_SERVICES_REGION == "us-east-1"


def test_prod_alarm_watches_the_primary_health_check_status(prod_plan):
    alarm = prod_plan.one(ALARM, f"{PREFIX}-primary-unhealthy")
    check = prod_plan.one("aws:route53/healthCheck:HealthCheck", "twincloud-prod-dr-dns-primary")
    assert (alarm.inputs["namespace"], alarm.inputs["metricName"]) == ("AWS/Route53", "HealthCheckStatus")
    assert alarm.inputs["dimensions"] == {"HealthCheckId": prod_plan.outputs["primaryHealthCheckId"]}
    assert check.urn in alarm.property_dependencies["dimensions"]
    assert (alarm.inputs["comparisonOperator"], alarm.inputs["threshold"]) == ("LessThanThreshold", 1)
    assert alarm.inputs["treatMissingData"] == "breaching"


def test_prod_alarm_is_created_in_us_east_1(prod_plan):
    provider = prod_plan.one("pulumi:providers:aws", global_provider("prod"))
    for typ in (ALARM, TOPIC, KEY, SUB):
        (res,) = [r for r in of_type(prod_plan.resources, typ) if r.name.startswith(PREFIX)]
        assert res.provider.startswith(provider.urn + "::"), res.name


def test_prod_alarm_notifies_the_topic_on_failover_and_fail_back(prod_plan):
    alarm = prod_plan.one(ALARM, f"{PREFIX}-primary-unhealthy")
    topic = prod_plan.one(TOPIC, f"{PREFIX}-topic")
    assert topic.urn in alarm.property_dependencies["alarmActions"]
    assert topic.urn in alarm.property_dependencies["okActions"]


def test_prod_topic_is_encrypted_with_a_key_cloudwatch_may_use(prod_plan):
    topic = prod_plan.one(TOPIC, f"{PREFIX}-topic")
    key = prod_plan.one(KEY, f"{PREFIX}-topic")
    assert key.urn in topic.property_dependencies["kmsMasterKeyId"]
    assert key.inputs["enableKeyRotation"] is True and key.protect
    (use,) = [s for s in policy_json(key.inputs["policy"])["Statement"]
              if s.get("Principal", {}).get("Service") == "cloudwatch.amazonaws.com"]
    assert sorted(use["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert use["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"


def test_prod_receiver_endpoint_stays_secret(prod_plan):
    sub = prod_plan.one(SUB, f"{PREFIX}-receiver-0")
    assert sub.inputs["protocol"] == "https"
    assert isinstance(sub.inputs["endpoint"], Secret)


def test_prod_without_receivers_is_a_config_error():
    problems = config_problems("prod", "twincloud:dr.failoverAlarm.receivers=[]")
    assert any("failoverAlarm" in p and "at least one" in p for p in problems), problems


def test_disabling_the_alarm_trips_the_failover_alarm_policy():
    result = plan("prod", "twincloud:dr.failoverAlarm.enabled=false", policies=True)
    assert not [r for r in result.resources if r.type == ALARM]
    assert any(v["policy"] == "route53-failover-alarm" for v in result.violations), result.violations


def test_unknown_receiver_protocol_is_rejected():
    with pytest.raises(ValueError, match="unsupported SNS protocols"):
        run_component(lambda: FailoverAlarm("a", FailoverAlarmArgs(
            health_check_id="hc", domain="app.example.com", receivers=[Receiver("pager", "x")])))
