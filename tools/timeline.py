"""Rebuild time of a full ``pulumi up`` from empty (``python -m tools.plan --format timeline``).

The plan JSON records each resource's dependencies (``dependencies``: its ``dependsOn`` and
the resources whose outputs its inputs use; ``propertyDependencies``: the latter per input)
and its provider. Pulumi creates a resource once everything it depends on exists, in
parallel otherwise, so the rebuild time is the longest path through that graph, each
resource weighted by a typical create duration from ``DURATIONS``. Depending on a component
means waiting for every resource inside it (that is how Pulumi treats ``dependsOn`` a
component), which is exactly the kind of wait this report exists to find.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

UNVERIFIED = "unverified"


@dataclass(frozen=True)
class Duration:
    seconds: int
    source: str
    read: str  # date read at the source, or UNVERIFIED (a typical figure from operating it)


_EKS_ROADMAP = ("https://github.com/aws/containers-roadmap/issues/1227 (AWS: 'EKS cluster control plane provisioning "
                "time currently averages 15 minutes')")

# Typical create durations. Anything not listed is one API call (DEFAULT). Every row says
# where its figure comes from; "unverified" rows are operators' typical figures that no
# vendor page here states, kept visible in the report.
DURATIONS: dict[str, Duration] = {
    "aws:eks/cluster:Cluster": Duration(900, _EKS_ROADMAP, "2026-12-05"),
    "aws:eks/nodeGroup:NodeGroup": Duration(240, "EKS managed node group create (EC2 launch + node join)", UNVERIFIED),
    "aws:eks/addon:Addon": Duration(60, "EKS add-on create, waiting for ACTIVE", UNVERIFIED),
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": Duration(5, "one API call", UNVERIFIED),
    "aws:ec2/natGateway:NatGateway": Duration(120, "NAT gateway pending -> available", UNVERIFIED),
    "aws:elasticache/replicationGroup:ReplicationGroup": Duration(
        900, "ElastiCache replication group with Multi-AZ to 'available'", UNVERIFIED),
    "aws:cloudfront/distribution:Distribution": Duration(300, "CloudFront distribution Deployed state", UNVERIFIED),
    "aws:acm/certificateValidation:CertificateValidation": Duration(
        180, "ACM DNS validation once the CNAME resolves", UNVERIFIED),
    "aws:route53/record:Record": Duration(60, "Route 53 change to INSYNC", UNVERIFIED),
    "aws:kms/key:Key": Duration(10, "one API call plus key policy propagation", UNVERIFIED),
    "aws:iam/role:Role": Duration(10, "one API call plus IAM propagation", UNVERIFIED),
    "azure-native:containerservice:ManagedCluster": Duration(600, "AKS cluster create with its pools", UNVERIFIED),
    "azure-native:containerservice:AgentPool": Duration(300, "AKS node pool create", UNVERIFIED),
    "azure-native:redis:Redis": Duration(1200, "Azure Cache for Redis Premium create", UNVERIFIED),
    "azure-native:redisenterprise:RedisEnterprise": Duration(900, "Azure Managed Redis create", UNVERIFIED),
    "azure-native:containerregistry:Registry": Duration(60, "ACR create", UNVERIFIED),
    "azure-native:servicebus:Namespace": Duration(120, "Service Bus namespace create", UNVERIFIED),
    "azure-native:keyvault:Vault": Duration(30, "Key Vault create", UNVERIFIED),
    "azure-native:network:PrivateEndpoint": Duration(60, "private endpoint create", UNVERIFIED),
    "azure-native:storage:StorageAccount": Duration(30, "storage account create", UNVERIFIED),
    "kubernetes:helm.sh/v3:Release": Duration(180, "Helm install with wait (pods Ready)", UNVERIFIED),
    "kubernetes:helm.sh/v4:Chart": Duration(120, "chart objects applied with await", UNVERIFIED),
}
DEFAULT = Duration(5, "one API call (default for types not in DURATIONS)", UNVERIFIED)
INSTANT = ("twincloud:", "pulumi:providers:")  # components and providers take no time of their own


def duration_of(typ: str) -> Duration:
    if typ.startswith(INSTANT):
        return Duration(0, "no cloud call", "n/a")
    return DURATIONS.get(typ, DEFAULT)


def _provider_urn(ref: str | None) -> str | None:
    return ref.split("::", maxsplit=-1)[0] if False else (ref.rsplit("::", 1)[0] if ref and ref.count("::") > 3 else ref)


@dataclass
class Timeline:
    stack: str
    total_seconds: int
    chain: list[tuple[str, str, int, int]]  # (urn, type, duration, finish)
    waits: list[tuple[str, str, int]] = field(default_factory=list)  # (resource, dependency, seconds saved)
    detection_seconds: Any = None
    rto_seconds: Any = None
    unverified_types: list[str] = field(default_factory=list)


class _Graph:
    def __init__(self, plan: Mapping[str, Any]) -> None:
        self.res = {r["urn"]: r for r in plan.get("resources") or []}
        self.children: dict[str, list[str]] = {}
        for r in self.res.values():
            if r.get("parent"):
                self.children.setdefault(r["parent"], []).append(r["urn"])
        self._desc: dict[str, list[str]] = {}

    def is_component(self, urn: str) -> bool:
        r = self.res.get(urn)
        return bool(r) and str(r["type"]).startswith("twincloud:")

    def descendants(self, urn: str) -> list[str]:
        if urn not in self._desc:
            out: list[str] = []
            for kid in self.children.get(urn, []):
                out.append(kid)
                out.extend(self.descendants(kid))
            self._desc[urn] = out
        return self._desc[urn]

    def expand(self, urn: str) -> list[str]:
        """What waiting on ``urn`` means: the resource, or every resource inside a component."""
        if urn not in self.res:
            return []
        return [d for d in self.descendants(urn) if not self.is_component(d)] if self.is_component(urn) else [urn]

    def edges(self, urn: str) -> dict[str, str]:
        """dependency urn -> 'input' (an output it reads) or 'dependsOn' (an explicit wait)."""
        r = self.res[urn]
        inputs = {d for ds in (r.get("propertyDependencies") or {}).values() for d in ds}
        out: dict[str, str] = {}
        for dep in r.get("dependencies") or []:
            kind = "input" if dep in inputs else "dependsOn"
            for d in self.expand(dep):
                if d != urn and out.get(d) != "input":
                    out[d] = kind
        prov = r.get("provider")
        if prov:
            purn = prov.rsplit("::", 1)[0] if prov.rsplit("::", 1)[-1] and prov.count("::") >= 4 else prov
            if purn in self.res and purn != urn:
                out[purn] = "input"
        return out


def _longest(graph: _Graph, removed: tuple[str, str] | None = None) -> tuple[dict[str, int], dict[str, str | None]]:
    finish: dict[str, int] = {}
    pred: dict[str, str | None] = {}
    visiting: set[str] = set()

    def visit(urn: str) -> int:
        if urn in finish:
            return finish[urn]
        if urn in visiting:  # a cycle cannot be planned by Pulumi either; do not loop
            return 0
        visiting.add(urn)
        best, who = 0, None
        for dep in graph.edges(urn):
            if removed and (urn, dep) == removed:
                continue
            f = visit(dep)
            if f > best:
                best, who = f, dep
        visiting.discard(urn)
        finish[urn] = best + duration_of(graph.res[urn]["type"]).seconds
        pred[urn] = who
        return finish[urn]

    for urn in graph.res:
        visit(urn)
    return finish, pred


def compute(plan: Mapping[str, Any]) -> Timeline:
    graph = _Graph(plan)
    finish, pred = _longest(graph)
    if not finish:
        return Timeline(stack=plan.get("stack", "?"), total_seconds=0, chain=[])
    end = max(finish, key=lambda u: (finish[u], u))
    chain_urns: list[str] = []
    node: str | None = end
    while node is not None:
        chain_urns.append(node)
        node = pred.get(node)
    chain_urns.reverse()
    chain = [(u, graph.res[u]["type"], duration_of(graph.res[u]["type"]).seconds, finish[u]) for u in chain_urns
             if duration_of(graph.res[u]["type"]).seconds or u == end]
    total = finish[end]
    # Explicit waits on the critical path: what the total would be without each one.
    waits = []
    for a, b in zip(chain_urns, chain_urns[1:]):
        if graph.edges(b).get(a) == "dependsOn":
            f2, _ = _longest(graph, removed=(b, a))
            saved = total - max(f2.values())
            if saved > 0:
                waits.append((b, a, saved))
    outputs = plan.get("outputs") or {}
    used = {graph.res[u]["type"] for u in chain_urns}
    return Timeline(
        stack=plan.get("stack", "?"), total_seconds=total, chain=chain, waits=waits,
        detection_seconds=outputs.get("failoverDetectionSeconds"), rto_seconds=outputs.get("rtoTargetSeconds"),
        unverified_types=sorted(t for t in used if duration_of(t).read == UNVERIFIED),
    )


def _mmss(seconds: int) -> str:
    return f"{seconds // 60}m{seconds % 60:02d}s"


def render(t: Timeline) -> str:
    lines = [f"Rebuild time of stack '{t.stack}' from empty: {_mmss(t.total_seconds)} on the critical path", ""]
    lines.append("Critical path (each waits for the one before):")
    for urn, typ, secs, fin in t.chain:
        lines.append(f"    {_mmss(fin):>8}  +{_mmss(secs):>7}  {typ}  {urn.rsplit('::', 1)[-1]}")
    lines.append("")
    if t.waits:
        lines.append("Explicit waits on the path (dependsOn, no output used) and what dropping each would save:")
        lines += [f"    {r.rsplit('::', 1)[-1]} waits for {d.rsplit('::', 1)[-1]}: -{_mmss(s)}" for r, d, s in t.waits]
    else:
        lines.append("Every wait on the critical path reads an output of the resource it waits for.")
    if t.detection_seconds is not None:
        lines += ["", f"DR: failover detection {t.detection_seconds} s against an RTO target of {t.rto_seconds} s "
                      f"(DNS failover to the static site); rebuilding the primary takes {_mmss(t.total_seconds)}."]
    if t.unverified_types:
        lines += ["", "Durations marked unverified in tools/timeline.py (operators' typical figures): "
                      + ", ".join(t.unverified_types)]
    return "\n".join(lines) + "\n"


def to_json(t: Timeline) -> dict[str, Any]:
    return {"stack": t.stack, "totalSeconds": t.total_seconds,
            "chain": [{"urn": u, "type": ty, "seconds": s, "finish": f} for u, ty, s, f in t.chain],
            "waits": [{"resource": r, "dependency": d, "secondsSaved": s} for r, d, s in t.waits],
            "failoverDetectionSeconds": t.detection_seconds, "rtoTargetSeconds": t.rto_seconds,
            "unverifiedDurations": t.unverified_types}
