"""Architecture diagram (Mermaid) drawn from an offline plan, not by hand.

Nodes are the top-level components of the plan (and top-level resources outside any
component, except providers), grouped by where they run: the AWS region, Azure, the
global DNS/CDN edge, or Kubernetes. An edge ``A --> B`` means some resource inside A
depends on (or is deployed through a provider from) some resource inside B, exactly as
recorded by the engine. Route 53 records whose alias or value comes from outside the
stack (a load balancer from config, an ingress IP) get an external node, and failover
records label their edge ``PRIMARY``/``SECONDARY``.

    python -m tools.plan --stack prod --format mermaid
    python -m tools.plan --stack prod --diagram docs/architecture.md
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from tools.engine import Plan, PlannedResource

EDGE_SERVICES = ("aws:route53/", "aws:cloudfront/", "aws:acm/")
MARK_START = "<!-- diagram:{stack}:start -->"
MARK_END = "<!-- diagram:{stack}:end -->"


def _top_level(plan: Plan) -> dict[str, str]:
    """urn -> urn of its top-level ancestor (itself when top-level)."""
    parents = {r.urn: r.parent for r in plan.resources}
    tops: dict[str, str] = {}
    for urn in parents:
        cur = urn
        while parents.get(cur) in parents:
            cur = parents[cur]  # type: ignore[assignment]
        tops[urn] = cur
    return tops


def _is_provider(r: PlannedResource) -> bool:
    return r.type.startswith("pulumi:providers:")


def _group(plan: Plan, node: PlannedResource, members: list[PlannedResource]) -> str:
    types = [m.type for m in members if m.custom and not _is_provider(m)] or [node.type]
    if all(t.startswith(EDGE_SERVICES) for t in types):
        return "DNS and CDN edge (global)"
    if any(t.startswith("aws:") for t in types):
        region = plan.config.get("aws:region") or "region"
        return f"AWS {region}"
    if any(t.startswith("azure-native:") for t in types):
        # ("global" is where Azure puts location-less things such as private DNS zones)
        locations = sorted({str(m.inputs["location"]) for m in members if m.inputs.get("location")} - {"global"})
        return f"Azure {', '.join(locations)}".strip()
    if any(t.startswith("kubernetes:") for t in types):
        return "Kubernetes"
    return "Other"


def _label(r: PlannedResource) -> str:
    kind = r.type.split(":")[-1]
    return f"{r.name}<br/><i>{kind}</i>"


LOAD_BALANCER_TYPES = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer",
                       "aws:elb/loadBalancer:LoadBalancer")


def _external_targets(r: PlannedResource, tops: dict[str, str], by_urn: dict[str, PlannedResource]) -> list[str]:
    """What a Route 53 record points at that no resource of this stack creates: a load balancer
    from config or made by a Kubernetes controller (found by lookup), an IP, a name from config."""
    if r.type != "aws:route53/record:Record":
        return []
    crosses = [d for d in r.dependencies if tops.get(d, tops[r.urn]) != tops[r.urn]]
    if any(by_urn[d].type in LOAD_BALANCER_TYPES for d in crosses if d in by_urn):
        return []  # a load balancer of this stack: drawn as a normal edge
    names = [str(a.get("name")) for a in r.inputs.get("aliases") or [] if a.get("name")]
    out = [n for n in names if ".elb." in n or not crosses]
    if not names and r.inputs.get("failoverRoutingPolicies"):
        out = [str(v) for v in r.inputs.get("records") or []]
    return out


def _failover_label(r: PlannedResource) -> str | None:
    policies = r.inputs.get("failoverRoutingPolicies") or []
    return str(policies[0].get("type")) if policies else None


def build_graph(plan: Plan) -> tuple[dict[str, PlannedResource], dict[tuple[str, str], set[str]], dict[str, str]]:
    """(nodes by urn, edges (from, to) -> labels, external nodes id -> label)."""
    tops = _top_level(plan)
    by_urn = {r.urn: r for r in plan.resources}
    nodes = {u: by_urn[u] for u in set(tops.values()) if not _is_provider(by_urn[u])}
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    externals: dict[str, str] = {}
    external_names = {t for r in plan.resources for t in _external_targets(r, tops, by_urn)}
    for r in plan.resources:
        src = tops[r.urn]
        if src not in nodes:
            continue
        label = _failover_label(r)
        externals_here = ["ext:" + t for t in _external_targets(r, tops, by_urn)]
        if r.type == "aws:route53/healthCheck:HealthCheck":  # a check probing an external target
            externals_here = ["ext:" + str(r.inputs[k]) for k in ("fqdn", "ipAddress")
                              if r.inputs.get(k) in external_names]
        for ext in externals_here:
            externals[ext] = ext[len("ext:"):]
            labels = edges[(src, ext)]
            if label:
                labels.add(label)
        targets = list(r.dependencies)
        if r.provider:
            targets.append(r.provider.rsplit("::", 1)[0])  # provider reference = "<urn>::<id>"
        for dep in targets:
            dst = tops.get(dep)
            if dst is None or dst == src or dst not in nodes:
                continue
            if externals_here:
                # what the external target came from (e.g. the cluster whose ingress controller
                # made the load balancer) hangs off the external node
                for ext in externals_here:
                    edges.setdefault((ext, dst), set())
                continue
            labels = edges[(src, dst)]
            if label and by_urn[dep].type != "aws:route53/healthCheck:HealthCheck":
                labels.add(label)
    return nodes, dict(edges), externals


def render_mermaid(plan: Plan) -> str:
    """The plan's architecture as a Mermaid flowchart."""
    nodes, edges, externals = build_graph(plan)
    tops = _top_level(plan)
    members: dict[str, list[PlannedResource]] = defaultdict(list)
    for r in plan.resources:
        members[tops[r.urn]].append(r)
    ids: dict[str, str] = {}
    for i, urn in enumerate(sorted(nodes, key=lambda u: (nodes[u].type, nodes[u].name))):
        ids[urn] = f"n{i}"
    for i, ext in enumerate(sorted(externals)):
        ids[ext] = f"x{i}"
    groups: dict[str, list[str]] = defaultdict(list)
    for urn, node in nodes.items():
        groups[_group(plan, node, members[urn])].append(urn)

    lines = ["flowchart LR"]
    for gi, (group, urns) in enumerate(sorted(groups.items())):
        lines.append(f'  subgraph g{gi}["{group}"]')
        for urn in sorted(urns, key=lambda u: ids[u]):
            lines.append(f'    {ids[urn]}["{_label(nodes[urn])}"]')
        lines.append("  end")
    if externals:
        lines.append('  subgraph gx["Outside this stack"]')
        for ext in sorted(externals):
            lines.append(f'    {ids[ext]}(["{_external_label(externals[ext])}"])')
        lines.append("  end")
    for (src, dst), labels in sorted(edges.items(), key=lambda e: (ids[e[0][0]], ids[e[0][1]])):
        arrow = f"-->|{'/'.join(sorted(labels))}|" if labels else "-->"
        lines.append(f"  {ids[src]} {arrow} {ids[dst]}")
    return "\n".join(lines) + "\n"


def _external_label(target: str) -> str:
    kind = "load balancer" if ".elb." in target else "endpoint"
    return f"{target}<br/><i>{kind}</i>"


def write_diagram(plan: Plan, path: Path) -> str:
    """Write the diagram to ``path``: between the ``<!-- diagram:<stack>:start/end -->``
    markers when the file has them (a Markdown page), else the whole file as Mermaid."""
    diagram = render_mermaid(plan)
    start, end = MARK_START.format(stack=plan.stack), MARK_END.format(stack=plan.stack)
    text = path.read_text() if path.exists() else ""
    if start in text and end in text:
        block = f"{start}\n```mermaid\n{diagram}```\n{end}"
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = diagram
    path.write_text(text)
    return text


def embedded_diagram(text: str, stack: str) -> str | None:
    """The Mermaid source embedded between a page's markers for ``stack`` (or None)."""
    start, end = MARK_START.format(stack=stack), MARK_END.format(stack=stack)
    m = re.search(re.escape(start) + r"\s*```mermaid\n(.*?)```\s*" + re.escape(end), text, flags=re.S)
    return m.group(1) if m else None
