"""The twincloud Pulumi program: validate config once, then compose components.

Run by ``pulumi preview/up`` (``main: stacks/`` in Pulumi.yaml) and, offline, by
``python -m tools.plan`` under Pulumi's mock engine. Holds no resource details.
"""

import sys
from pathlib import Path

# `pulumi` runs this directory as a script; make the project root importable.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import pulumi  # noqa: E402

from components.tagging import apply_default_tags, base_tags  # noqa: E402
from stacks.aws_platform import build_aws  # noqa: E402
from stacks.config import load_config  # noqa: E402
from stacks.dr import build_dr  # noqa: E402

cfg = load_config()  # raises ConfigError (every problem, no traceback) before any resource
stack = pulumi.get_stack()
prefix = f"{pulumi.get_project()}-{stack}"

apply_default_tags(base_tags(cfg.environment, pulumi.get_project(), cfg.tags))
aws_platform = build_aws(cfg, prefix)
dr_layer = build_dr(cfg, prefix, cluster_name=aws_platform.eks.cluster_name)
