"""Empty-account plans: lookups answer as a new AWS account / Azure subscription would, and the
plan lists what must exist before the first `up`."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest

from stacks.prerequisites import prerequisites
from tests.dr_support import stack_config
from tools.engine import PlanError, declared_lookups, plan_config, run_under_mocks
from tools.mocks import Existing, NotFound

# What stacks/dr.py did before the platform owned its ingress: find the ALB the AWS Load
# Balancer Controller made for ingress group "web" by the tags it puts on it.
OLD_TAGS = {"elbv2.k8s.aws/cluster": "twincloud-prod-eks", "ingress.k8s.aws/stack": "web",
            "ingress.k8s.aws/resource": "LoadBalancer"}


def _old_dr_lookup():
    lb = aws.lb.get_load_balancer_output(tags=OLD_TAGS)
    aws.route53.Record("primary", zone_id="Z0123456789ABCDEFGHIJ", name="app.example.com", type="A",
                       aliases=[aws.route53.RecordAliasArgs(name=lb.dns_name, zone_id=lb.zone_id,
                                                            evaluate_target_health=True)])


def test_shipped_stacks_plan_cleanly_as_an_empty_account(dev_plan, prod_plan):
    # the session plans are empty-account plans: every lookup they make was answered
    assert dev_plan.empty_account and prod_plan.empty_account
    assert len(dev_plan.resources) > 100 and len(prod_plan.resources) > 200


def test_the_old_dr_lookup_of_the_load_balancer_by_tags_fails_in_an_empty_account():
    with pytest.raises(NotFound, match="no matching ELBv2 Load Balancer found"):
        run_under_mocks(_old_dr_lookup, stack="prod", config={"aws:region": "eu-west-1"},
                        empty_account=declared_lookups(prerequisites(stack_config("prod"))))


def test_the_old_dr_lookup_succeeded_only_because_the_mocks_answered_everything():
    resources, _ = run_under_mocks(_old_dr_lookup, stack="prod", config={"aws:region": "eu-west-1"})
    assert [r.name for r in resources] == ["primary"]


def test_a_hosted_zone_not_declared_in_config_is_not_found():
    def lookup():
        aws.route53.get_zone_output(name="other.example.org", private_zone=False)

    with pytest.raises(NotFound, match="no matching Route 53 Hosted Zone"):
        run_under_mocks(lookup, stack="prod", config={"aws:region": "eu-west-1"},
                        empty_account=Existing(hosted_zone_names=frozenset({"example.com"})))


def test_a_stack_reference_to_an_undeclared_stack_is_unknown():
    with pytest.raises(NotFound, match="unknown stack"):
        run_under_mocks(lambda: pulumi.StackReference("acme/other/prod"), stack="prod",
                        config={"aws:region": "eu-west-1"}, empty_account=Existing())


def test_a_failed_lookup_is_a_plan_error_naming_it(monkeypatch):
    from tests.support import config_with

    monkeypatch.setattr("tools.engine.declared_lookups", lambda items: Existing())  # the zone is not there
    with pytest.raises(PlanError, match="empty-account plan of 'prod'.*Hosted Zone"):
        plan_config("prod", config_with("prod"), policies=False, empty_account=True)


def test_prod_plan_lists_what_must_exist_before_the_first_up(prod_plan):
    listed = {(p["kind"], p["name"], p["configKey"]) for p in prod_plan.prerequisites}
    assert {
        ("route53-hosted-zone", "example.com", "twincloud:dr.hostedZoneName"),
        ("iam-role", "platform-admin", "twincloud:eks.adminRoleNames[0]"),
        ("iam-role", "twincloud-deploy-prod", "twincloud:deploy.awsRoleName"),
        ("iam-role", "twincloud-preview", "twincloud:deploy.previewRoleName"),
        ("codeconnections-connection", "00000000-0000-0000-0000-000000000000", "twincloud:deploy.runner.connectionId"),
    } <= listed
    assert prod_plan.prerequisites[0]["kind"] == "pulumi-state-backend"  # created first, by tools/bootstrap
