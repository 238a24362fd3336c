"""The numbers a reviewer asks for: monthly cost, rebuild time, and what a change does.

Hand-built plans whose answers are known pin the arithmetic; the shipped stacks show the
trade-offs the seeds were chosen for."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import pytest

from tests.support import plan
from tools import cost, plandiff, timeline
from tools.engine import ROOT
from tools.prices import AWS, AZURE, HOURS_PER_MONTH, UNVERIFIED, all_rows


def _res(urn_name, typ, inputs=None, parent=None, deps=(), prop_deps=None, protect=False, provider=None):
    return {"urn": f"urn:pulumi:t::twincloud::{typ}::{urn_name}", "type": typ, "name": urn_name, "parent": parent,
            "protect": protect, "inputs": inputs or {}, "provider": provider, "dependencies": list(deps),
            "propertyDependencies": prop_deps or {}}


def _urn(name, typ):
    return f"urn:pulumi:t::twincloud::{typ}::{name}"


# -- prices ---------------------------------------------------------------------------------

def test_every_price_row_names_its_source_and_when_it_was_read():
    for cloud, region, item, price in all_rows():
        assert price.source.strip(), (cloud, region, item)
        assert price.read == UNVERIFIED or len(price.read) == 10, (cloud, region, item, price.read)
        assert price.usd >= 0 and price.unit, (cloud, region, item)


# -- cost -----------------------------------------------------------------------------------

HAND_PLAN = {"stack": "t", "config": {"aws:region": "eu-west-1"}, "resources": [
    _res("net", "twincloud:aws:Vpc"),
    _res("nat-0", "aws:ec2/natGateway:NatGateway", parent=_urn("net", "twincloud:aws:Vpc")),
    _res("ng", "aws:eks/nodeGroup:NodeGroup", {"instanceTypes": ["m6i.large"], "capacityType": "ON_DEMAND",
                                              "scalingConfig": {"desiredSize": 2}, "diskSize": 50}),
    _res("spot", "aws:eks/nodeGroup:NodeGroup", {"instanceTypes": ["m6i.large"], "capacityType": "SPOT",
                                                "scalingConfig": {"desiredSize": 2}, "diskSize": 50}),
    _res("subnet", "aws:ec2/subnet:Subnet"),
]}


def test_hand_built_plan_costs_what_its_prices_say():
    t = AWS["eu-west-1"]
    report = cost.estimate(HAND_PLAN, cost.Assumptions(nat_gb_per_gateway=10, spot_discount=0.5))
    nat = HOURS_PER_MONTH * t["nat.hour"].usd + 10 * t["nat.gb"].usd
    node = HOURS_PER_MONTH * t["ec2.m6i.large"].usd * 2 + 2 * 50 * t["ebs.gp3"].usd
    spot = HOURS_PER_MONTH * t["ec2.m6i.large"].usd * 2 * 0.5 + 2 * 50 * t["ebs.gp3"].usd
    assert report.total == pytest.approx(round(nat, 2) + round(node - 2 * 50 * t["ebs.gp3"].usd, 2)
                                         + round(2 * 50 * t["ebs.gp3"].usd, 2) * 2
                                         + round(spot - 2 * 50 * t["ebs.gp3"].usd, 2), abs=0.05)
    assert report.by_component()["aws:Vpc net"] == pytest.approx(round(nat, 2), abs=0.02)
    assert not [ln for ln in report.lines if ln.resource == "subnet"]  # no direct charge


def test_a_region_without_prices_says_so_instead_of_guessing():
    report = cost.estimate({**HAND_PLAN, "config": {"aws:region": "ap-southeast-7"}})
    assert report.missing_regions == ["aws ap-southeast-7"]
    assert report.total == 0
    assert "NO PRICES for aws ap-southeast-7" in cost.render(report)


def test_an_instance_type_without_a_price_row_is_listed_not_priced():
    p = {**HAND_PLAN, "resources": [_res("ng", "aws:eks/nodeGroup:NodeGroup", {
        "instanceTypes": ["x9z.mega"], "scalingConfig": {"desiredSize": 1}})]}
    report = cost.estimate(p)
    assert [ln.item for ln in report.unpriced] == ["ec2.x9z.mega"]
    assert "no price row" in report.unpriced[0].note


def test_assumptions_are_overridable_and_checked():
    a = cost.Assumptions().with_overrides({"nat_gb_per_gateway": "1000"})
    assert a.nat_gb_per_gateway == 1000
    for bad in ({"nat_gb": "1"}, {"nat_gb_per_gateway": "lots"}, {"spot_discount": "1"}):
        with pytest.raises(ValueError):
            cost.Assumptions().with_overrides(bad)


def test_prod_nat_per_az_costs_three_gateways_and_dev_one():
    dev = cost.estimate(plan("dev").to_json())
    prod = cost.estimate(plan("prod").to_json())
    nat = lambda r: sorted({ln.resource for ln in r.lines if ln.item == "nat.hour"})  # noqa: E731
    assert len(nat(dev)) == 1 and len(nat(prod)) == 3
    per_az = cost.estimate(plan("dev", "twincloud:vpc.natStrategy=per_az").to_json())
    extra = per_az.total - dev.total
    one_gateway = sum(ln.monthly for ln in dev.lines if ln.item.startswith(("nat.", "ipv4.")))
    assert extra == pytest.approx(one_gateway, abs=0.05)


def test_dev_spot_group_costs_less_than_on_demand():
    # Spot capacity in the shipped stacks comes from Karpenter NodePools (not in the plan's
    # prices); price the dev node group as if it were a spot managed node group.
    data = copy.deepcopy(plan("dev").to_json())
    for r in data["resources"]:
        if r["type"] == "aws:eks/nodeGroup:NodeGroup":
            r["inputs"]["capacityType"] = "SPOT"
    report = cost.estimate(data)
    spot = [ln for ln in report.lines if "spot" in ln.note]
    assert spot and all(ln.monthly < ln.monthly / (1 - report.assumptions.spot_discount) for ln in spot)
    assert any("spot node group" in t for t in cost.tradeoffs(report))


def test_prod_shows_what_the_azure_warm_standby_costs():
    report = cost.estimate(plan("prod").to_json())
    azure = report.subtotal(lambda ln: ln.type.startswith("azure-native:"))
    assert 0 < azure < report.total
    assert report.azure_location in AZURE and not report.missing_regions
    assert any(t.startswith("Azure warm standby") for t in cost.tradeoffs(report))


# -- timeline ---------------------------------------------------------------------------------

def test_critical_path_of_a_hand_built_graph():
    c = _urn("c", "aws:eks/cluster:Cluster")
    ng = _urn("ng", "aws:eks/nodeGroup:NodeGroup")
    p = {"stack": "t", "resources": [
        _res("c", "aws:eks/cluster:Cluster"),
        _res("role", "aws:iam/role:Role"),
        _res("ng", "aws:eks/nodeGroup:NodeGroup", deps=[c], prop_deps={"clusterName": [c]}),
        _res("rel", "kubernetes:helm.sh/v3:Release", deps=[ng]),  # explicit wait, no output used
    ]}
    t = timeline.compute(p)
    d = timeline.DURATIONS
    assert t.total_seconds == (d["aws:eks/cluster:Cluster"].seconds + d["aws:eks/nodeGroup:NodeGroup"].seconds
                               + d["kubernetes:helm.sh/v3:Release"].seconds)
    assert [u.rsplit("::", 1)[-1] for u, *_ in t.chain] == ["c", "ng", "rel"]
    assert [(r.rsplit("::", 1)[-1], dep.rsplit("::", 1)[-1]) for r, dep, _ in t.waits] == [("rel", "ng")]


def test_waiting_on_a_component_waits_for_everything_inside_it():
    comp = _urn("eks", "twincloud:aws:EksCluster")
    p = {"stack": "t", "resources": [
        _res("eks", "twincloud:aws:EksCluster"),
        _res("c", "aws:eks/cluster:Cluster", parent=comp),
        _res("sa", "kubernetes:core/v1:ServiceAccount", deps=[comp]),
    ]}
    t = timeline.compute(p)
    assert t.total_seconds == timeline.DURATIONS["aws:eks/cluster:Cluster"].seconds + timeline.DEFAULT.seconds


def test_prod_rebuild_runs_through_the_cluster_and_reports_next_to_the_rto():
    t = timeline.compute(plan("prod").to_json())
    types = [ty for _, ty, _, _ in t.chain]
    assert "aws:eks/cluster:Cluster" in types and types.index("aws:eks/cluster:Cluster") < len(types) - 1
    assert t.total_seconds >= timeline.DURATIONS["aws:eks/cluster:Cluster"].seconds
    assert t.rto_seconds == 120 and t.detection_seconds == 90
    assert "RTO target of 120 s" in timeline.render(t)


# -- diff ---------------------------------------------------------------------------------------

def test_diff_of_hand_built_plans_flags_the_replaced_protected_bucket():
    b = _res("logs", "aws:s3/bucket:Bucket", {"bucket": "logs-1", "tags": {"a": "1"}}, protect=True)
    base = {"resources": [b, _res("role", "aws:iam/role:Role", {"description": "x"})]}
    head = {"resources": [{**b, "inputs": {"bucket": "logs-2", "tags": {"a": "1"}}},
                          _res("role", "aws:iam/role:Role", {"description": "y"}),
                          _res("new", "aws:kms/key:Key")]}
    changes = {c.urn.rsplit("::", 1)[-1]: c for c in plandiff.compare(base, head)}
    assert changes["logs"].kind == "replace" and changes["logs"].dangerous and changes["logs"].keys == ["bucket"]
    assert changes["role"].kind == "update" and not changes["role"].dangerous
    assert changes["new"].kind == "add"
    md = plandiff.render_markdown("t", list(changes.values()), {"violations": []}, (10.0, 12.5), (60, 60))
    assert "**replaces** the protected and stateful `aws:s3/bucket:Bucket` **logs**" in md
    assert "+$2.50" in md


def test_secrets_stay_masked_in_the_diff():
    base = {"resources": [_res("pw", "random:index/randomPassword:RandomPassword", {"keepers": "[secret]"})]}
    head = {"resources": [_res("pw", "random:index/randomPassword:RandomPassword", {"keepers": "[secret]",
                                                                                    "length": 32})]}
    text = plandiff.render_text(plandiff.compare(base, head))
    assert "length" in text and "[secret]" not in text.replace("keepers", "")


def test_renaming_a_bucket_deletes_the_stateful_bucket():
    bucket = "{name: invoices, purpose: PDF invoices, namespace: billing, serviceAccount: invoice-writer}"
    base = plan("dev", f"twincloud:buckets[2]={bucket}").to_json()
    head = plan("dev", f"twincloud:buckets[2]={bucket.replace('invoices,', 'invoices-archive,')}").to_json()
    gone = [c for c in plandiff.compare(base, head) if c.kind == "remove" and c.type == "aws:s3/bucket:Bucket"]
    assert len(gone) == 1 and gone[0].stateful and gone[0].dangerous
    assert "**deletes**" in plandiff.render_markdown("dev", [gone[0]], {"violations": []})


def test_a_saved_plan_is_a_base(tmp_path):
    saved = tmp_path / "dev.json"
    saved.write_text(json.dumps(plan("dev").to_json(), default=str))
    per_az = plan("dev", "twincloud:vpc.natStrategy=per_az").to_json()
    changes = plandiff.compare(plandiff.load_base(str(saved), "dev"), per_az)
    assert {c.type for c in changes if c.kind == "add"} == {"aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip"}


def test_diff_cli_plans_the_base_revision_in_its_own_worktree(tmp_path):
    # TMPDIR of our own, so the clean-up check sees only this run's base worktree (other
    # checkouts of the repository may be planning a diff at the same time)
    out = subprocess.run([sys.executable, "-m", "tools.plan", "--stack", "dev", "--diff", "HEAD",
                          "--set", "twincloud:vpc.natStrategy=per_az", "--format", "markdown"],
                         cwd=ROOT, capture_output=True, text=True, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert "| + | twincloud-dev-net-nat-1 | `aws:ec2/natGateway:NatGateway`" in out.stdout
    assert "**Monthly cost**" in out.stdout and "against the base" in out.stdout
    worktrees = subprocess.run(["git", "worktree", "list"], cwd=ROOT, capture_output=True, text=True).stdout
    assert str(tmp_path) not in worktrees and not list(tmp_path.glob("twincloud-base-*"))  # cleaned up


def test_diff_with_a_bad_base_fails_before_planning():
    from tools.plan import main

    assert main(["--stack", "dev", "--diff", "no-such-rev"]) == 2
    assert main(["--stack", "dev", "--diff", "missing.json"]) == 2
