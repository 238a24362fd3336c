"""``FailoverAlarm``: tell on-call when Route 53 fails the primary over.

Builds a CloudWatch metric alarm on the primary health check's ``HealthCheckStatus``
(namespace ``AWS/Route53``, dimension ``HealthCheckId``), an SNS topic the alarm notifies
both when it fires (failover) and when it clears (fail-back), a customer managed KMS key
encrypting that topic, and one subscription per on-call receiver.

Secure and safe defaults, a sentence each:
* everything is created through the caller's us-east-1 provider, because Route 53 publishes
  its health-check metrics to CloudWatch only there (``ROUTE53_METRICS['region']``);
* the topic is encrypted with our own key, because CloudWatch cannot publish to a topic
  encrypted with the AWS managed ``aws/sns`` key; the key lets the CloudWatch service
  principal generate data keys only for this account (``aws:SourceAccount``) and rotates yearly;
* missing data counts as unhealthy (``breaching``): a health check that stops reporting is
  not a reason to stay quiet;
* the alarm evaluates the Minimum over one-minute periods, so one failed minute pages (the
  health check itself already needed ``failureThreshold`` failures to turn unhealthy).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.key_policies import topic_publisher_key_policy
from components.facts.aws import ROUTE53_METRICS, service_principal
from components.naming import child_name

# Protocols an on-call receiver can subscribe with (pulumi_aws sns/topic_subscription.py:39:
# sqs, sms, lambda, firehose, application; email, email-json, http, https "partially
# supported": they need the receiver to confirm the subscription).
SUBSCRIPTION_PROTOCOLS = ("email", "email-json", "http", "https", "sms", "sqs", "lambda", "firehose", "application")


@dataclass
class Receiver:
    """One on-call receiver: an SNS protocol and its endpoint (may be a secret)."""

    protocol: str
    endpoint: pulumi.Input[str]


@dataclass
class FailoverAlarmArgs:
    """Arguments of :class:`FailoverAlarm`."""

    health_check_id: pulumi.Input[str]
    domain: str
    receivers: list[Receiver] = field(default_factory=list)
    period_seconds: int = 60
    evaluation_periods: int = 1
    protect: bool = False  # protect the topic key (prod): deleting it makes the topic unusable


class FailoverAlarm(pulumi.ComponentResource):
    """CloudWatch alarm + encrypted SNS topic for a failover; see the module docstring."""

    topic_arn: pulumi.Output[str]
    alarm_name: pulumi.Output[str]

    def __init__(self, name: str, args: FailoverAlarmArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:FailoverAlarm", name, None, opts)
        bad = [r.protocol for r in args.receivers if r.protocol not in SUBSCRIPTION_PROTOCOLS]
        if bad:
            raise ValueError(f"unsupported SNS protocols {bad}; use one of {SUBSCRIPTION_PROTOCOLS}")
        child = pulumi.ResourceOptions(parent=self)
        key = self._key(name, args.protect)
        topic = aws.sns.Topic(child_name(name, "topic"), kms_master_key_id=key.arn, opts=child)
        for i, receiver in enumerate(args.receivers):
            aws.sns.TopicSubscription(
                child_name(name, f"receiver-{i}"), topic=topic.arn,
                protocol=receiver.protocol, endpoint=receiver.endpoint, opts=child)
        alarm = aws.cloudwatch.MetricAlarm(
            child_name(name, "primary-unhealthy"),
            alarm_description=(f"Route 53 health check of the primary behind {args.domain} is failing: "
                               "DNS is sending users to the DR secondary (docs/runbooks/dr-rebuild.md)."),
            namespace=ROUTE53_METRICS["namespace"].value,
            metric_name=ROUTE53_METRICS["metric"].value,
            dimensions={ROUTE53_METRICS["dimension"].value: args.health_check_id},
            statistic="Minimum",
            period=args.period_seconds,
            evaluation_periods=args.evaluation_periods,
            comparison_operator="LessThanThreshold",
            threshold=1,
            treat_missing_data="breaching",
            alarm_actions=[topic.arn],
            ok_actions=[topic.arn],
            opts=child,
        )
        self.topic_arn = topic.arn
        self.alarm_name = alarm.name
        self.register_outputs({"topicArn": self.topic_arn, "alarmName": self.alarm_name})

    def _key(self, name: str, protect: bool) -> aws.kms.Key:
        invoke = pulumi.InvokeOutputOptions(parent=self)
        return aws.kms.Key(
            child_name(name, "topic"),
            description="Encrypts the DR failover alarm topic (CloudWatch publishes to it)",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.all(aws.get_partition_output(opts=invoke).partition,
                                     aws.get_caller_identity_output(opts=invoke).account_id).apply(
                lambda a: topic_publisher_key_policy(
                    partition=a[0], account_id=a[1],
                    service_principal=service_principal("cloudwatch.amazonaws.com"))),
            opts=pulumi.ResourceOptions(parent=self, protect=protect),
        )
