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
from stacks.monitoring import MonitoringStorage, build_monitoring  # noqa: E402
from components.monitoring.storage import AwsObjectStorage  # noqa: E402
from components.naming import global_name  # noqa: E402

cfg = load_config()  # raises ConfigError (every problem, no traceback) before any resource
stack = pulumi.get_stack()
prefix = f"{pulumi.get_project()}-{stack}"

apply_default_tags(base_tags(cfg.environment, pulumi.get_project(), cfg.tags))
aws_platform = build_aws(cfg, prefix)

# TODO(lead, at merge): replace these derived names with the PodIdentityBucket outputs
# (bucket name, region, service account, namespace) of the Loki and Tempo buckets, e.g.
# AwsObjectStorage(bucket=loki_bucket.bucket_name, region=loki_bucket.region,
#                  service_account=loki_bucket.service_account, namespace=loki_bucket.namespace).
build_monitoring(
    cfg, prefix, aws_platform.eks.provider, "aws",
    MonitoringStorage(
        loki=AwsObjectStorage(bucket=global_name("loki-chunks", stack=stack, region=cfg.aws_region),
                              region=cfg.aws_region, service_account="loki"),
        tempo=AwsObjectStorage(bucket=global_name("tempo-traces", stack=stack, region=cfg.aws_region),
                               region=cfg.aws_region, service_account="tempo"),
    ),
    kubernetes_version=cfg.eks.version,
    cluster_name=f"{prefix}-eks",
)
