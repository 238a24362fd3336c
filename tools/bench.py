"""Benchmark the offline plan: wall time, peak memory and resource counts per stack.

    python -m tools.bench [--stacks dev prod] [--repeat 3]

Each stack is planned in a fresh process (imports included, as a user would see it).
Target on a 2-core machine: the prod offline plan under 10 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from tools.engine import ROOT

_CHILD = """
import json, resource, sys, time
t0 = time.perf_counter()
from tools.engine import plan_stack
plan = plan_stack(sys.argv[1])
elapsed = time.perf_counter() - t0
print(json.dumps({"seconds": elapsed, "resources": len(plan.resources),
                  "custom": sum(r.custom for r in plan.resources),
                  "violations": len(plan.violations),
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def bench(stack: str) -> dict:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _CHILD, stack], cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - t0
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench")
    parser.add_argument("--stacks", nargs="+", default=["dev", "prod"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{'stack':<8}{'resources':>10}{'custom':>8}{'plan s (best)':>15}{'process s':>11}{'peak MiB':>10}")
    for stack in args.stacks:
        runs = [bench(stack) for _ in range(args.repeat)]
        best = min(runs, key=lambda r: r["seconds"])
        print(f"{stack:<8}{best['resources']:>10}{best['custom']:>8}{best['seconds']:>15.2f}"
              f"{min(r['process_seconds'] for r in runs):>11.2f}{max(r['peak_mib'] for r in runs):>10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
