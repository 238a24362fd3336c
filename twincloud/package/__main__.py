"""Entry point of the source-based plugin package (``PulumiPlugin.yaml`` names it).

The Pulumi CLI runs this file through the Python language host when a consumer runs
``pulumi package add``; ``component_provider_host`` serves the schema and ``Construct``.
"""

import sys
from pathlib import Path

# Run from a checkout (pulumi package add clones the repository): make the root importable.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from pulumi.provider.experimental import component_provider_host  # noqa: E402

from twincloud import __version__  # noqa: E402
from twincloud.package import COMPONENTS, PACKAGE_NAME, EcrRepositories, PodIdentityBucket, Vpc  # noqa: E402,F401

if __name__ == "__main__":
    component_provider_host(COMPONENTS, name=PACKAGE_NAME, version=__version__)
