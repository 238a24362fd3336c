"""Benchmark the offline plan against its floor: the SDK imports of the types it plans.

    python -m tools.bench [--stacks dev prod] [--repeat 3]

For each stack, a first (unmeasured) plan gives the resource types it registers. Each type
token maps to its SDK module and class through the table the SDK itself registers
(``_utilities.register(resource_modules=..., resource_packages=...)`` in each
``pulumi_<pkg>/__init__.py``), and a child program is generated that does only
``from pulumi_aws.ec2 import Vpc`` ... for exactly those types: the floor. Then floor and
full plan (``python -m tools.plan --stack S --json`` as a user runs it, split into phases)
run interleaved, ``--repeat`` rounds, each in a fresh process, so both see the same load.
The project's modules are byte-compiled first, as pip compiles the SDK's at install.

Reported per stack (median of the rounds): CPU seconds (user + system of the child process,
fairer than wall time on a loaded machine), wall seconds, the ratio plan / floor on CPU time,
peak memory (max RSS), and the plan's breakdown in CPU seconds:

- imports: the same SDK imports the floor does, done first in the plan's process;
- program: config load, the stack program and the registration of every resource through
  the mock engine (any further imports the program makes fall here);
- policy: the policy pack evaluated through its analyzer;
- startup: the rest of the child's CPU time (interpreter start, and exit as the CLI exits:
  ``tools.plan.exit_process``, output flushed, no interpreter teardown);
- output: the plan serialized as ``--json`` prints it (written to /dev/null).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tools.engine import ROOT

PHASES = ("startup", "imports", "program", "policy", "output")
SDK_PACKAGES = ("pulumi_aws", "pulumi_azure_native", "pulumi_kubernetes", "pulumi_random")

_TYPES_CHILD = """
import json, sys
from tools.engine import plan_stack
plan = plan_stack(sys.argv[1], policies=False)
print(json.dumps(sorted({r.type for r in plan.resources if r.custom})))
"""

# The full plan in phases; the clock is this process's own CPU time (time.process_time).
_PLAN_CHILD = """
import json, os, resource, sys, time
cpu, wall = time.process_time, time.perf_counter
phases = {}
t = cpu()
%(imports)s
phases["imports"] = cpu() - t; t = cpu()
# From here on as `python -m tools.plan` runs (gc off, tools/plan.py); the imports above ran
# with the collector on, as the floor's do, so the ratio does not credit the CLI for that.
import gc; gc.disable()
from tools.engine import evaluate_policies, plan_stack
plan = plan_stack(sys.argv[1], policies=False)
phases["program"] = cpu() - t; t = cpu()
plan.violations = evaluate_policies(plan)
phases["policy"] = cpu() - t; t = cpu()
with open(os.devnull, "w") as sink:
    sink.write(json.dumps(plan.to_json(), indent=2, sort_keys=False, default=str))
phases["output"] = cpu() - t
print(json.dumps({"phases": phases, "resources": len(plan.resources), "violations": len(plan.violations),
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
from tools.plan import exit_process
exit_process(0)  # the process ends as `python -m tools.plan` ends
"""


def sdk_classes() -> dict[str, tuple[str, str]]:
    """Type token -> (module, class), from the registration table each SDK package ships."""
    table: dict[str, tuple[str, str]] = {}
    for package in SDK_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            continue
        text = Path(spec.origin).read_text()
        for kind in ("resource_modules", "resource_packages"):
            m = re.search(kind + r'="""(.*?)"""', text, re.S)
            for entry in json.loads(m.group(1)) if m else []:
                if "classes" in entry:
                    table.update({tok: (entry["fqn"], cls) for tok, cls in entry["classes"].items()})
                else:
                    table[entry["token"]] = (entry["fqn"], entry["class"])
    return table


# Kubernetes types the SDK has no class for are custom resources: the SDK registers them as
# ``kubernetes:{apiVersion}:{kind}`` through this one class
# (pulumi_kubernetes 4.x, apiextensions/CustomResource.py: ``f"kubernetes:{api_version}:{kind}"``).
_CUSTOM_RESOURCE = ("pulumi_kubernetes.apiextensions", "CustomResource")


def floor_source(types: list[str], table: dict[str, tuple[str, str]]) -> str:
    """The import lines of the floor: one ``from module import Class`` per planned type."""
    table = {**table, **{t: _CUSTOM_RESOURCE for t in types if t not in table and t.startswith("kubernetes:")}}
    missing = [t for t in types if t not in table]
    if missing:
        raise SystemExit(f"bench: no SDK class registered for {missing}")
    return "\n".join(sorted({f"from {table[t][0]} import {table[t][1]}" for t in types}))


def _run(args: list[str]) -> dict:
    """Run a child; its CPU time (user + sys, from RUSAGE_CHILDREN), wall time and peak RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"bench: child failed ({out.returncode}):\n{out.stderr[-2000:]}")
    lines = out.stdout.strip().splitlines()
    result = json.loads(lines[-1]) if lines else {}
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["wall"] = wall
    return result  # peak_mib comes from the child (RUSAGE_CHILDREN's max RSS is the largest child so far)


# The project's own packages, byte-compiled before measuring as pip byte-compiles the SDK's at
# install: where PYTHONDONTWRITEBYTECODE is set (this project's machines), Python would
# otherwise compile our ~150 modules in every plan (about 0.1 s) and never in the floor.
PROJECT_PACKAGES = ("components", "stacks", "tools", "policies", "twincloud")


def byte_compile() -> None:
    import compileall

    for package in PROJECT_PACKAGES:
        if not compileall.compile_dir(str(ROOT / package), quiet=1):
            raise SystemExit(f"bench: byte-compiling {package} failed")


def bench(stacks: list[str], repeat: int) -> list[dict]:
    byte_compile()
    table = sdk_classes()
    floors = {}
    for stack in stacks:
        floors[stack] = floor_source(_types(stack), table)
    runs: dict[str, dict[str, list[dict]]] = {s: {"floor": [], "plan": []} for s in stacks}
    for _ in range(repeat):  # interleaved: floor and plan of each stack in every round
        for stack in stacks:
            floor = floors[stack]
            runs[stack]["floor"].append(_run(["-c", floor + _FLOOR_PEAK]))
            runs[stack]["plan"].append(_run(["-c", _PLAN_CHILD % {"imports": floor}, stack]))
    rows = []
    for stack in stacks:
        f, p = runs[stack]["floor"], runs[stack]["plan"]
        med = statistics.median
        rows.append({
            "stack": stack, "resources": p[0]["resources"], "types": floors[stack].count("\n") + 1,
            "floor_cpu": med(r["cpu"] for r in f), "plan_cpu": med(r["cpu"] for r in p),
            "floor_wall": med(r["wall"] for r in f), "plan_wall": med(r["wall"] for r in p),
            "ratio": med(b["cpu"] / a["cpu"] for a, b in zip(f, p)),
            "floor_mib": max(r["peak_mib"] for r in f), "plan_mib": max(r["peak_mib"] for r in p),
            "phases": {**{k: med(r["phases"][k] for r in p) for k in p[0]["phases"]},
                       "startup": med(r["cpu"] - sum(r["phases"].values()) for r in p)},
        })
    return rows


_FLOOR_PEAK = "\nimport json, resource\nprint(json.dumps({'peak_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"


def _types(stack: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", _TYPES_CHILD, stack], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"bench: planning {stack} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench")
    parser.add_argument("--stacks", nargs="+", default=["dev", "prod"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = bench(args.stacks, args.repeat)
    print(f"median of {args.repeat} interleaved runs; CPU = user+sys seconds of the child process")
    print(f"{'stack':<7}{'res':>5}{'types':>6}{'floor cpu':>10}{'plan cpu':>9}{'ratio':>7}"
          f"{'floor wall':>11}{'plan wall':>10}{'floor MiB':>10}{'plan MiB':>9}")
    for r in rows:
        print(f"{r['stack']:<7}{r['resources']:>5}{r['types']:>6}{r['floor_cpu']:>10.2f}{r['plan_cpu']:>9.2f}"
              f"{r['ratio']:>6.2f}x{r['floor_wall']:>11.2f}{r['plan_wall']:>10.2f}{r['floor_mib']:>10.0f}"
              f"{r['plan_mib']:>9.0f}")
    print("\nplan breakdown, CPU s (startup = interpreter start and exit, the rest of the child's CPU time):")
    for r in rows:
        print(f"{r['stack']:<7}" + "  ".join(f"{k} {r['phases'][k]:.2f}" for k in PHASES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
