"""ElastiCache baseline for production: automatic backups, and patching and snapshots in chosen windows.

checkov's CKV_AWS_134 asks for automatic backups on ``aws_elasticache_cluster`` only; this rule
holds production replication groups to the same, and to windows of their own (without
them ElastiCache picks a random hour, which may be the busiest one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from policies.common import MANDATORY, UNKNOWN, Res, ResourceRule, as_int, environments_schema

REPLICATION_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"


def check_backups_and_windows(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    env = res.environment
    if env not in cfg["environments"]:
        return
    retention, maintenance, snapshot = (res.get("snapshotRetentionLimit"), res.get("maintenanceWindow"),
                                        res.get("snapshotWindow"))
    if retention is not UNKNOWN:
        days, minimum = as_int(retention) or 0, int(cfg["minSnapshotRetentionDays"])
        if days < minimum:
            yield (f"{env}: snapshotRetentionLimit is {days}: automatic backups are off or kept under {minimum} "
                   "days; set twincloud:redis.snapshotRetentionDays")
    if maintenance is not UNKNOWN and not maintenance:
        yield f"{env}: no maintenanceWindow: ElastiCache patches at a random hour; set twincloud:redis.maintenanceWindow"
    if snapshot is not UNKNOWN and not snapshot and retention is not UNKNOWN and (as_int(retention) or 0) > 0:
        yield f"{env}: no snapshotWindow: snapshots start at a random hour; set twincloud:redis.snapshotWindow"


PROD_ELASTICACHE_BACKUPS = ResourceRule(
    name="prod-elasticache-backups-and-windows",
    description="Production ElastiCache replication groups keep automatic snapshots and have maintenance and "
                "snapshot windows",
    check=check_backups_and_windows,
    resource_types=(REPLICATION_GROUP,),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Set twincloud:redis.snapshotRetentionDays (7 or more), maintenanceWindow and snapshotWindow "
                "(components/aws/redis.py sets both windows by default).",
    config={
        "environments": environments_schema(["prod"], "replication groups must keep backups in set windows"),
        "minSnapshotRetentionDays": {"type": "integer", "default": 1,
                                     "description": "Fewest days automatic snapshots are kept."},
    },
    tags=["aws", "elasticache", "backup"],
)

POLICIES = [PROD_ELASTICACHE_BACKUPS]
