"""The architecture diagram is derived from the plan and shows the failover chain."""

from __future__ import annotations

import re

import pytest

from tools.diagram import embedded_diagram, render_mermaid, write_diagram
from tools.engine import ROOT
from tools.plan import main

EDGE = re.compile(r"^\s+(\w+) -->(?:\|([^|]+)\|)? (\w+)$")


def _parse(diagram: str):
    """(kind by node id, name by node id, edges as (from kind, label, to kind))."""
    kinds, names, edges = {}, {}, set()
    for line in diagram.splitlines():
        if m := re.match(r'^\s+(\w+)(?:\["|\(\[")([^<]+)<br/><i>([^<]+)</i>', line):
            kinds[m.group(1)], names[m.group(1)] = m.group(3), m.group(2)
        elif m := EDGE.match(line):
            edges.add((m.group(1), m.group(2), m.group(3)))
    return kinds, names, {(kinds[a], label, kinds[b]) for a, label, b in edges}


@pytest.fixture(scope="module")
def prod_diagram(prod_plan):
    return render_mermaid(prod_plan)


def test_prod_diagram_shows_the_failover_chain(prod_diagram):
    _, _, edges = _parse(prod_diagram)
    assert ("DnsFailover", "SECONDARY", "CloudFrontSite") in edges
    assert ("CloudFrontSite", None, "StaticSite") in edges
    assert ("DnsFailover", "PRIMARY", "load balancer") in edges


def test_primary_load_balancer_is_drawn_outside_the_stack(prod_plan, prod_diagram):
    kinds, names, _ = _parse(prod_diagram)
    (lb,) = [n for n, k in kinds.items() if k == "load balancer"]
    (primary,) = [r for r in prod_plan.of_type("aws:route53/record:Record")
                  if r.inputs.get("failoverRoutingPolicies") == [{"type": "PRIMARY"}]]
    assert names[lb] == primary.inputs["aliases"][0]["name"]
    assert re.search(r'subgraph gx\["Outside this stack"\]\n\s+' + lb, prod_diagram)


def test_ingress_load_balancer_hangs_off_the_ingress_that_made_it(prod_diagram):
    edges = _parse(prod_diagram)[2]
    assert ("load balancer", None, "SharedIngress") in edges
    assert {("SharedIngress", None, "LoadBalancerController"), ("SharedIngress", None, "EksCluster")} <= edges
    assert ("DnsFailover", None, "EksCluster") not in edges


def test_cluster_depends_on_the_network(prod_diagram):
    assert ("EksCluster", None, "Vpc") in _parse(prod_diagram)[2]


def test_components_are_grouped_by_cloud(prod_diagram):
    groups = dict(re.findall(r'subgraph (\w+)\["([^"]+)"\]', prod_diagram))
    assert set(groups.values()) >= {"AWS eu-west-1", "Azure westeurope", "DNS and CDN edge (global)"}
    edge_block = prod_diagram.split('"DNS and CDN edge (global)"]')[1].split("end")[0]
    assert "DnsFailover" in edge_block and "CloudFrontSite" in edge_block and "Vpc" not in edge_block


def test_dev_diagram_has_no_dr_layer(dev_plan):
    diagram = render_mermaid(dev_plan)
    assert "DnsFailover" not in diagram and "Outside this stack" not in diagram
    assert ("EksCluster", None, "Vpc") in _parse(diagram)[2]


def test_cli_prints_mermaid(capsys):
    assert main(["--stack", "prod", "--format", "mermaid"]) == 0
    assert capsys.readouterr().out.startswith("flowchart LR\n")


def test_diagram_file_is_written_between_markers(prod_plan, tmp_path):
    page = tmp_path / "README.md"
    page.write_text("intro\n<!-- diagram:prod:start -->\nold\n<!-- diagram:prod:end -->\noutro\n")
    write_diagram(prod_plan, page)
    text = page.read_text()
    assert text.startswith("intro\n") and text.endswith("outro\n") and "old" not in text
    assert embedded_diagram(text, "prod") == render_mermaid(prod_plan)


@pytest.mark.parametrize("page", ["docs/architecture.md", "README.md"])
def test_architecture_diagram_is_up_to_date(prod_diagram, page):
    embedded = embedded_diagram((ROOT / page).read_text(), "prod")
    assert embedded == prod_diagram, f"regenerate: python -m tools.plan --stack prod --diagram {page}"


def test_azure_global_pseudo_location_does_not_split_groups():
    from tools.diagram import _group
    from tools.engine import Plan, PlannedResource

    def res(typ, location):
        return PlannedResource(urn=f"urn:{typ}:{location}", type=typ, name="x", parent=None, custom=True,
                               protect=False, retain_on_delete=False, inputs={"location": location})

    members = [res("azure-native:network:PrivateEndpoint", "westeurope"),
               res("azure-native:privatedns:PrivateZone", "global")]
    plan = Plan(stack="prod", config={}, resources=members)
    assert _group(plan, members[0], members) == "Azure westeurope"
