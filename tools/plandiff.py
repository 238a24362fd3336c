"""What a change does to a stack (``python -m tools.plan --stack S --diff BASE``).

Plans the stack at git revision ``BASE`` in a temporary worktree (the same offline plan,
run by the same Python), plans the working tree, and compares them resource by resource:
added, removed, changed (with the changed inputs; secrets stay ``[secret]``), and which
changes replace a resource (``REPLACE_ON_CHANGE``), flagged loudly when the resource is
protected or holds state. Cost and rebuild time of both sides come along for the
pull-request comment (``--format markdown``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.engine import ROOT, PlanError

UNVERIFIED = "unverified"
_TF_AWS = "hashicorp/terraform-provider-aws (bridged by pulumi-aws 7.x)"

# Inputs whose change replaces the resource (delete + create), per type. Pulumi's bridged
# AWS provider takes these from the Terraform provider's ForceNew attributes; Azure Native
# from ARM, where a resource's id (resource group, name) cannot change. (keys, source)
REPLACE_ON_CHANGE: dict[str, tuple[tuple[str, ...], str]] = {
    "aws:s3/bucket:Bucket": (("bucket",), "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html "
                                          "(a bucket's name cannot be changed after creation)"),
    "aws:elasticache/replicationGroup:ReplicationGroup": (
        ("replicationGroupId", "atRestEncryptionEnabled", "kmsKeyId", "subnetGroupName"),
        f"{_TF_AWS}: internal/service/elasticache/replication_group.go replication_group_id ForceNew (seen); "
        f"the others {UNVERIFIED}"),
    "aws:eks/cluster:Cluster": (("name", "kubernetesNetworkConfig"), f"{_TF_AWS} internal/service/eks/cluster.go, "
                                                                     f"{UNVERIFIED}"),
    "aws:eks/nodeGroup:NodeGroup": (("nodeGroupName", "instanceTypes", "capacityType", "amiType", "diskSize",
                                     "subnetIds", "clusterName"),
                                    f"{_TF_AWS} internal/service/eks/node_group.go, {UNVERIFIED}"),
    "aws:ecr/repository:Repository": (("name", "encryptionConfigurations"),
                                      f"{_TF_AWS} internal/service/ecr/repository.go, {UNVERIFIED}"),
    "aws:kms/key:Key": (("customerMasterKeySpec", "keyUsage"), f"{_TF_AWS} internal/service/kms/key.go, {UNVERIFIED}"),
    "aws:ec2/vpc:Vpc": (("cidrBlock",), f"{_TF_AWS} internal/service/ec2/vpc_.go, {UNVERIFIED}"),
    "aws:ec2/subnet:Subnet": (("cidrBlock", "availabilityZone", "vpcId"),
                              f"{_TF_AWS} internal/service/ec2/vpc_subnet.go, {UNVERIFIED}"),
    "aws:iam/role:Role": (("name",), f"{_TF_AWS} internal/service/iam/role.go, {UNVERIFIED}"),
}
# Every azure-native resource: the ARM id is built from these. (UNVERIFIED per type)
AZURE_ID_KEYS = ("resourceGroupName", "location")
AZURE_NAME_SUFFIX = "Name"  # e.g. accountName, registryName, resourceName: part of the ARM id
KUBERNETES_ID_KEYS = ("metadata.name", "metadata.namespace")

# Types that hold data: losing one loses the data, not just a configuration.
STATEFUL = {
    "aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:eks/cluster:Cluster", "aws:ecr/repository:Repository", "aws:cloudwatch/logGroup:LogGroup",
    "aws:amp/workspace:Workspace",
    "azure-native:storage:StorageAccount", "azure-native:storage:BlobContainer", "azure-native:redis:Redis",
    "azure-native:redisenterprise:RedisEnterprise", "azure-native:redisenterprise:Database",
    "azure-native:keyvault:Vault", "azure-native:keyvault:Secret", "azure-native:containerregistry:Registry",
    "azure-native:servicebus:Namespace", "azure-native:containerservice:ManagedCluster",
    "kubernetes:core/v1:PersistentVolumeClaim", "kubernetes:core/v1:Secret",
}


@dataclass
class Change:
    urn: str
    type: str
    kind: str  # "add", "remove", "update", "replace"
    keys: list[str] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    protected: bool = False
    stateful: bool = False

    @property
    def dangerous(self) -> bool:
        return self.kind in ("remove", "replace") and (self.protected or self.stateful)


def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value}


def _replacing_keys(typ: str, changed: Iterable[str]) -> list[str]:
    changed = list(changed)
    if typ.startswith("azure-native:"):
        return [k for k in changed if k.split(".")[0] in AZURE_ID_KEYS or
                (k.split(".")[0].endswith(AZURE_NAME_SUFFIX) and "." not in k)]
    if typ.startswith("kubernetes:"):
        return [k for k in changed if k in KUBERNETES_ID_KEYS]
    keys = REPLACE_ON_CHANGE.get(typ, ((), ""))[0]
    return [k for k in changed if k.split(".")[0] in keys]


def compare(base: Mapping[str, Any], head: Mapping[str, Any]) -> list[Change]:
    before = {r["urn"]: r for r in base.get("resources") or []}
    after = {r["urn"]: r for r in head.get("resources") or []}
    out: list[Change] = []
    for urn in sorted(after.keys() - before.keys()):
        r = after[urn]
        out.append(Change(urn, r["type"], "add", protected=bool(r.get("protect")), stateful=r["type"] in STATEFUL))
    for urn in sorted(before.keys() - after.keys()):
        r = before[urn]
        out.append(Change(urn, r["type"], "remove", protected=bool(r.get("protect")),
                          stateful=r["type"] in STATEFUL))
    for urn in sorted(before.keys() & after.keys()):
        b, a = _flat(before[urn].get("inputs") or {}), _flat(after[urn].get("inputs") or {})
        keys = sorted(k for k in b.keys() | a.keys() if b.get(k) != a.get(k) and k)
        protect_changed = bool(before[urn].get("protect")) != bool(after[urn].get("protect"))
        if not keys and not protect_changed:
            continue
        typ = after[urn]["type"]
        kind = "replace" if _replacing_keys(typ, keys) else "update"
        out.append(Change(urn, typ, kind, keys + (["(protect)"] if protect_changed else []),
                          {k: b.get(k) for k in keys}, {k: a.get(k) for k in keys},
                          protected=bool(before[urn].get("protect")), stateful=typ in STATEFUL))
    return out


def check_base(base: str) -> None:
    """Fail early (before planning anything) on a base that is neither a plan JSON file nor a revision."""
    if Path(base).suffix == ".json":
        if not Path(base).is_file():
            raise PlanError(f"--diff {base}: no such plan JSON file")
        return
    try:
        subprocess.run(["git", "rev-parse", "--verify", f"{base}^{{commit}}"], cwd=ROOT, check=True,
                       capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        raise PlanError(f"--diff {base}: not a git revision of {ROOT} (nor a plan JSON file)") from None


def load_base(base: str, stack: str) -> dict[str, Any]:
    """The base of a comparison: a plan JSON file (``--json`` output saved earlier) or a git revision."""
    path = Path(base)
    if path.suffix == ".json" and path.is_file():
        try:
            doc = json.loads(path.read_text())
        except ValueError as e:
            raise PlanError(f"--diff {base}: not a plan JSON ({e})") from None
        if not isinstance(doc, dict) or "resources" not in doc:
            raise PlanError(f"--diff {base}: not a plan JSON (no 'resources'); write one with --json")
        return doc
    return plan_at_revision(base, stack)


def plan_at_revision(rev: str, stack: str, overrides: Iterable[str] = ()) -> dict[str, Any]:
    """The offline plan JSON of ``stack`` as the code at git revision ``rev`` builds it."""
    check_base(rev)
    tmp = Path(tempfile.mkdtemp(prefix="twincloud-base-"))
    worktree = tmp / "base"
    try:
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(worktree), rev], cwd=ROOT, check=True,
                       capture_output=True, text=True)
        cmd = [sys.executable, "-m", "tools.plan", "--stack", stack, "--json"]
        for item in overrides:
            cmd += ["--set", item]
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PULUMI_CONFIG")}
        proc = subprocess.run(cmd, cwd=worktree, capture_output=True, text=True, env=env)
        if proc.returncode not in (0, 1):  # 1: policy violations at the base, still a plan
            raise PlanError(f"--diff {rev}: the base revision does not plan stack {stack!r}: "
                            f"{proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}")
        return json.loads(proc.stdout)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def _short(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _fmt(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def render_markdown(stack: str, changes: list[Change], head: Mapping[str, Any],
                    cost: tuple[float, float] | None = None, rebuild: tuple[int, int] | None = None) -> str:
    """The pull-request comment for one stack."""
    count = {k: sum(c.kind == k for c in changes) for k in ("add", "update", "replace", "remove")}
    danger = [c for c in changes if c.dangerous]
    lines = [f"### `{stack}`: +{count['add']} ~{count['update']} ±{count['replace']} -{count['remove']}", ""]
    if danger:
        lines.append("> [!CAUTION]")
        for c in danger:
            what = "deletes" if c.kind == "remove" else "replaces"
            flags = " and ".join(f for f, on in (("protected", c.protected), ("stateful", c.stateful)) if on)
            extra = (" `pulumi up` will refuse while it is protected; removing protection first loses its data."
                     if c.protected else " Its data is lost.")
            lines.append(f"> This change **{what}** the {flags} `{c.type}` **{_short(c.urn)}**"
                         f"{' (' + ', '.join(c.keys) + ')' if c.keys else ''}.{extra}")
        lines.append("")
    violations = head.get("violations") or []
    mandatory = [v for v in violations if v.get("level") == "mandatory"]
    lines.append(f"**Policies**: {'no violations' if not violations else f'{len(mandatory)} mandatory, {len(violations) - len(mandatory)} advisory'}")
    for v in mandatory[:10]:
        lines.append(f"- `{v.get('policy')}` {_short(str(v.get('urn', '')))}: {v.get('message')}")
    if cost:
        delta = cost[1] - cost[0]
        lines.append(f"**Monthly cost**: ${cost[1]:,.2f} ({'+' if delta >= 0 else '-'}${abs(delta):,.2f} against the base)")
    if rebuild:
        lines.append(f"**Rebuild from empty**: {rebuild[1] // 60} min {rebuild[1] % 60} s "
                     f"(base {rebuild[0] // 60} min {rebuild[0] % 60} s)")
    lines.append("")
    if changes:
        lines += ["<details><summary>Resources</summary>", "", "| | resource | type | inputs |", "|---|---|---|---|"]
        mark = {"add": "+", "update": "~", "replace": "±", "remove": "-"}
        for c in changes:
            detail = "; ".join(f"`{k}`: {_fmt(c.before.get(k))} → {_fmt(c.after.get(k))}" for k in c.keys
                               if k != "(protect)")
            lines.append(f"| {mark[c.kind]} | {_short(c.urn)} | `{c.type}` | {detail} |")
        lines += ["", "</details>"]
    else:
        lines.append("No resource changes.")
    return "\n".join(lines) + "\n"


def render_text(changes: list[Change]) -> str:
    if not changes:
        return "No resource changes.\n"
    mark = {"add": "+", "update": "~", "replace": "+-", "remove": "-"}
    lines = []
    for c in changes:
        flag = "  !! " + ("PROTECTED " if c.protected else "") + ("STATEFUL" if c.stateful else "") if c.dangerous else ""
        lines.append(f"{mark[c.kind]:>2} {c.type}  {_short(c.urn)}{flag}")
        for k in c.keys:
            if k != "(protect)":
                lines.append(f"       {k}: {_fmt(c.before.get(k))} -> {_fmt(c.after.get(k))}")
    return "\n".join(lines) + "\n"
