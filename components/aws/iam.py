"""Pure IAM document builders shared by the AWS components (no resources here)."""

from __future__ import annotations

import json
from collections.abc import Sequence


def service_trust_policy(service: str, actions: Sequence[str] = ("sts:AssumeRole",)) -> str:
    """Trust policy letting one AWS service principal assume a role."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": list(actions) if len(actions) > 1 else actions[0],
        }],
    })


def managed_policy_arn(partition: str, name: str) -> str:
    """``managed_policy_arn("aws", "AmazonEKSWorkerNodePolicy")``."""
    return f"arn:{partition}:iam::aws:policy/{name}"
