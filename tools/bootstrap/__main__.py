"""Bootstrap program: the Pulumi state backend and secrets key for the twincloud stacks.

    cd tools/bootstrap && pulumi login file://~/.pulumi-bootstrap && pulumi up -s state

Its own project (``twincloud-bootstrap``), because the platform's stacks keep their state
in what this creates. See docs/state-backend.md.
"""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import pulumi  # noqa: E402

from tools.bootstrap.state_backend import NAMESPACE, build_state_backend  # noqa: E402

config = pulumi.Config(NAMESPACE)
aws_config = pulumi.Config("aws")
backend = build_state_backend(
    primary_region=aws_config.require("region"),
    dr_region=config.require("drRegion"),
    stack=pulumi.get_stack(),
    protect=config.get_bool("protect") is not False,
)
for key, value in backend.exports().items():
    pulumi.export(key, value)
