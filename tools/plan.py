"""Offline plan: the real stack program under Pulumi's mock engine, plus policy results.

    python -m tools.plan --stack dev
    python -m tools.plan --stack prod --set aws:region=us-west-2 --json
    python -m tools.plan --stack dev --policy-pack-config policy-config.json
    python -m tools.plan --stack prod --format mermaid          # architecture diagram
    python -m tools.plan --stack prod --format tfplan > plan.json  # for checkov & co (docs/scanners.md)
    python -m tools.plan --stack prod --diagram docs/architecture.md
    python -m tools.plan --stack prod --empty-account          # as a new account answers lookups

Prints every resource that would be created (type, name, parent, key inputs) as a tree,
or the whole plan as JSON with ``--json``, or the architecture as a Mermaid diagram
(``--format mermaid``; ``--diagram FILE`` writes it into FILE), and what must exist before the
first ``up``. ``--empty-account`` answers lookups as a new AWS account and Azure subscription
would: anything the program does not create and the config does not declare is "not found".
Exits 2 on bad config (the schema's message, no traceback) or a failed empty-account lookup,
and 1 on any mandatory policy violation, like ``pulumi preview --policy-pack``;
3 means a bug in twincloud itself (with its traceback), never bad config; 141 means the reader
closed the pipe before the output was written (``--json | head``), as a shell reports SIGPIPE.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path
from typing import Any

from tools.engine import Plan, PlannedResource, PlanError, jsonable, plan_project, plan_stack

# Scanner exports (tools/export): Terraform plan JSON, ARM template, Kubernetes manifests.
EXPORT_FORMATS = ("tfplan", "arm", "manifests")

# Inputs worth showing in the tree view per type (everything is in --json).
KEY_INPUTS = (
    "name", "cidrBlock", "availabilityZone", "version", "instanceTypes", "capacityType", "scalingConfig",
    "imageTagMutability", "engineVersion", "nodeType", "bucket", "chart", "location", "sku",
    "addressPrefix", "addonVersion", "natStrategy", "vpcConfig", "routes", "numCacheClusters",
)


def _short(value: Any, limit: int = 100) -> str:
    text = json.dumps(jsonable(value), separators=(",", ":"), default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def render_tree(plan: Plan) -> str:
    lines = [f"Offline plan of stack '{plan.stack}' ({len(plan.resources)} resources)", ""]
    by_parent: dict[str | None, list[PlannedResource]] = {}
    urns = {r.urn for r in plan.resources}
    for r in plan.resources:
        parent = r.parent if r.parent in urns else None
        by_parent.setdefault(parent, []).append(r)

    def walk(parent: str | None, depth: int) -> None:
        for r in sorted(by_parent.get(parent, []), key=lambda r: (r.custom, r.type, r.name)):
            flag = " [protect]" if r.protect else ""
            lines.append(f"{'  ' * depth}+ {r.type}  {r.name}{flag}")
            for key in KEY_INPUTS:
                if key in r.inputs and r.inputs[key] not in (None, [], {}):
                    lines.append(f"{'  ' * depth}    {key}: {_short(r.inputs[key])}")
            walk(r.urn, depth + 1)

    walk(None, 0)
    if plan.outputs:
        lines += ["", "Outputs:"]
        lines += [f"  {k}: {_short(v)}" for k, v in plan.outputs.items()]
    failover = render_failover(plan)
    if failover:
        lines += ["", failover]
    lines += ["", render_prerequisites(plan)]
    lines += ["", render_violations(plan)]
    return "\n".join(lines)


SEVERITY_ORDER = ("critical", "high", "medium", "low", "unspecified")


def render_prerequisites(plan: Plan) -> str:
    """What must exist before the first `pulumi up` (stacks/prerequisites.py)."""
    mode = " (planned as an empty account answers)" if plan.empty_account else ""
    lines = [f"Before the first `pulumi up`{mode}, these must exist:"]
    for p in plan.prerequisites:
        key = f"  [{p['configKey']}]" if p["configKey"] else ""
        lines.append(f"  - {p['kind']}: {p['name']}{key}: {p['how']}")
    return "\n".join(lines)


def render_failover(plan: Plan) -> str | None:
    """One line on DNS failover timing, when the stack has the DR layer."""
    seconds = plan.outputs.get("failoverDetectionSeconds")
    if seconds is None:
        return None
    hc = (plan.config.get("dr") or {}).get("healthCheck") or {}
    rto = plan.outputs.get("rtoTargetSeconds")
    detail = (f" ({hc.get('requestInterval')} s interval x {hc.get('failureThreshold')} failures"
              f" + alias TTL)" if hc else "")
    target = f", RTO target {rto} s" if rto is not None else ""
    return f"Failover: DNS moves users to the secondary within {seconds} s of the primary failing{detail}{target}."


def render_violations(plan: Plan) -> str:
    """Violations grouped by severity (critical first), each with its enforcement level."""
    if not plan.violations:
        return "Policies: no violations."
    mandatory = sum(1 for v in plan.violations if v["level"] == "mandatory")
    lines = [f"Policy violations ({len(plan.violations)}: {mandatory} mandatory, "
             f"{len(plan.violations) - mandatory} advisory):"]
    for severity in SEVERITY_ORDER:
        group = [v for v in plan.violations if v.get("severity", "unspecified") == severity]
        if not group:
            continue
        lines.append(f"  {severity}:")
        for v in sorted(group, key=lambda v: (v["level"] != "mandatory", v["policy"], v["urn"])):
            lines.append(f"    {v['level']} [{v['policy']}] {v['urn']}")
            lines += [f"      {line}" for line in str(v["message"]).splitlines()]
    return "\n".join(lines)


def _read_policy_config(path: str | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise PlanError(f"--policy-pack-config {path}: {e}") from None
    if not isinstance(data, dict):
        raise PlanError(f"--policy-pack-config {path}: expected a JSON object of policy name -> config")
    return data


def _assumptions(items: list[str]):
    from tools.cost import Assumptions

    pairs = {}
    for item in items:
        if "=" not in item:
            raise PlanError(f"--assume expects KEY=VALUE, got {item!r}")
        key, value = item.split("=", 1)
        pairs[key.strip()] = value.strip()
    try:
        return Assumptions().with_overrides(pairs)
    except ValueError as e:
        raise PlanError(str(e)) from None


def _report(plan: Plan, args: argparse.Namespace, fmt: str) -> int:
    """Cost, rebuild timeline and diff views of the plan (docs/cost.md)."""
    from tools import cost, timeline

    assumptions = _assumptions(args.assume)
    head = plan.to_json()
    failed = 1 if any(v["level"] == "mandatory" for v in plan.violations) else 0
    if not args.diff:
        if fmt == "cost":
            print(cost.render(cost.estimate(head, assumptions)), end="")
        elif fmt == "timeline":
            print(timeline.render(timeline.compute(head)), end="")
        else:
            raise PlanError("--format markdown needs --diff BASE (the comment compares with a base revision)")
        return failed
    from tools import plandiff

    base = plandiff.load_base(args.diff, args.stack)  # the base as committed; --set changes the head only
    changes = plandiff.compare(base, head)
    costs = (cost.estimate(base, assumptions).total, cost.estimate(head, assumptions).total)
    rebuild = (timeline.compute(base).total_seconds, timeline.compute(head).total_seconds)
    if fmt == "markdown":
        print(plandiff.render_markdown(plan.stack, changes, head, costs, rebuild), end="")
    else:
        print(plandiff.render_text(changes), end="")
        print(f"\nmonthly cost: ${costs[0]:,.2f} -> ${costs[1]:,.2f}; rebuild: {rebuild[0]} s -> {rebuild[1]} s")
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.plan", description=__doc__.split("\n")[0])
    parser.add_argument("--stack", "-s", default="dev", help="stack name (reads Pulumi.<stack>.yaml)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config value like `pulumi config set --path`, e.g. aws:region=us-west-2, "
                             "twincloud:vpc.azCount=3 or twincloud:eks.nodeGroups[0].minSize=2")
    parser.add_argument("--project-dir", metavar="DIR", default=None,
                        help="plan another Pulumi project built from the twincloud package (its Pulumi.yaml "
                             "and Pulumi.<stack>.yaml), e.g. examples/team-platform")
    parser.add_argument("--unset", dest="unset", action="append", default=[], metavar="KEY",
                        help="remove a config value like `pulumi config rm --path`, e.g. twincloud:redis")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.add_argument("--empty-account", action="store_true",
                        help="answer lookups as a new account/subscription would: only what stack config declares "
                             "exists (the plan lists it as prerequisites)")
    parser.add_argument("--policy-pack-config", metavar="FILE",
                        help="policy pack config JSON, as for `pulumi preview --policy-pack-config`")
    parser.add_argument("--format", choices=("tree", "json", "mermaid", "cost", "timeline", "markdown",
                                             *EXPORT_FORMATS), default=None,
                        help="output format (default tree; --json is the same as --format json): cost = monthly "
                             "estimate, timeline = rebuild critical path, markdown = the pull-request comment "
                             "(with --diff); tfplan, arm and manifests are the scanner exports of docs/scanners.md")
    parser.add_argument("--assume", action="append", default=[], metavar="KEY=VALUE",
                        help="a usage assumption of the cost estimate, e.g. nat_gb_per_gateway=500 (docs/cost.md)")
    parser.add_argument("--diff", metavar="BASE", default=None,
                        help="compare with the plan at git revision BASE (or a plan JSON file saved with --json): "
                             "added, removed, changed and replaced resources, cost and rebuild time of both")
    parser.add_argument("--diagram", metavar="FILE", default=None,
                        help="write the Mermaid architecture diagram into FILE (between its "
                             "<!-- diagram:<stack>:start/end --> markers if present, else the whole file)")
    args = parser.parse_args(argv)
    fmt = args.format or ("json" if args.json else "tree")
    try:
        if args.diff:
            from tools.plandiff import check_base

            check_base(args.diff)  # a bad revision fails before any planning
        policy_config = _read_policy_config(args.policy_pack_config)
        if args.project_dir:
            plan = plan_project(Path(args.project_dir), args.stack, args.overrides, policies=policy_config is None,
                                unset=args.unset, empty_account=args.empty_account)
        else:
            plan = plan_stack(args.stack, args.overrides, policies=policy_config is None, unset=args.unset,
                              empty_account=args.empty_account)
        if policy_config is not None:
            from tools.policy_eval import PolicyConfigError, evaluate

            try:
                plan.violations = evaluate(plan, policy_config)
            except PolicyConfigError as e:
                raise PlanError(str(e)) from None
    except PlanError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Exception:  # noqa: BLE001 - not the config, not a policy: a bug, and its own exit code
        import traceback

        traceback.print_exc()
        print("error: the offline plan failed inside twincloud (a bug, not your config); exit code 3",
              file=sys.stderr)
        return 3
    if args.diff or fmt in ("cost", "timeline", "markdown"):
        try:
            return _report(plan, args, fmt)
        except PlanError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    if args.diagram:
        from tools.diagram import write_diagram

        write_diagram(plan, Path(args.diagram))
        print(f"wrote the {plan.stack} architecture diagram to {args.diagram}", file=sys.stderr)
    elif fmt == "json":
        print(json.dumps(plan.to_json(), indent=2, sort_keys=False, default=str))
    elif fmt in EXPORT_FORMATS:
        from tools.export.cli import render_export

        try:
            print(render_export(plan, fmt), end="")
        except ValueError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    elif fmt == "mermaid":
        from tools.diagram import render_mermaid

        print(render_mermaid(plan), end="")
    else:
        print(render_tree(plan))
    return 1 if any(v["level"] == "mandatory" for v in plan.violations) else 0


CLOSED_PIPE_EXIT = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader left


def exit_process(code: int) -> None:
    """End the CLI process with ``code`` once its output is flushed, without the interpreter's
    teardown: freeing the SDK modules and the plan's objects one by one takes about a second
    of CPU (README "Tests and performance") and changes nothing a user sees. Only for the
    command line; a library caller keeps its process. If a stream cannot be flushed (a closed
    pipe), the normal exit path reports it as before."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - let the interpreter's own exit handle and report it
        sys.exit(code)
    os._exit(code)


def cli() -> None:
    """The command line (``python -m tools.plan``, the ``twincloud-plan`` script): a one-shot
    process that ends in ``exit_process``, so the cyclic garbage collector only costs time
    here (its passes over the SDK's objects; README "Tests and performance")."""
    gc.disable()
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader closed the pipe (``... --json | head``): say nothing more and exit as a
        # process killed by SIGPIPE does in a shell (128 + 13), not with a traceback and not
        # with 1, which means a policy violation.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        os._exit(CLOSED_PIPE_EXIT)
    exit_process(code)


if __name__ == "__main__":
    cli()
