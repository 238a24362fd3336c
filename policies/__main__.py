"""Entry point of the policy pack: ``pulumi preview --policy-pack policies`` runs this file.

The Pulumi CLI starts it as a script from the pack directory, so the project root (the
parent of ``policies/``) is added to ``sys.path`` first: the rules import the pins table
from ``components/versions.py``.
"""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from pulumi_policy import PolicyPack  # noqa: E402

from policies import ENFORCEMENT_LEVEL, INITIAL_CONFIG, PACK_DESCRIPTION, PACK_NAME, POLICIES  # noqa: E402

PolicyPack(
    name=PACK_NAME,
    policies=POLICIES,
    enforcement_level=ENFORCEMENT_LEVEL,
    initial_config=INITIAL_CONFIG,
    description=PACK_DESCRIPTION,
)
