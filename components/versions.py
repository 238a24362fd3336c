"""The one table of pinned versions: EKS add-ons, Helm charts and container images.

Components read pins from here and nothing else writes a version string. The policy pack
checks every Helm release and image the program declares against this table, and rejects
known-bad pins (see ``KNOWN_BAD``). Bump a pin here, run ``make test``, and read the
upstream changelog first; the README explains the procedure.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChartPin:
    """A Helm chart pinned to an exact version, with where the pin was verified."""

    repo: str
    chart: str
    version: str
    app_version: str
    verified: str


@dataclass(frozen=True)
class ImagePin:
    """A container image pinned to an exact tag, with where the tag was verified."""

    registry: str
    repository: str
    tag: str
    verified: str

    @property
    def ref(self) -> str:
        return f"{self.registry}/{self.repository}:{self.tag}"


# EKS managed add-on versions per Kubernetes minor version (``aws eks describe-addon-versions``).
# Pinned so that a cluster rebuild (or a DR rebuild in another region) installs exactly
# what was tested, not whatever is default that day.
EKS_ADDONS: dict[str, dict[str, str]] = {
    "1.32": {
        "vpc-cni": "v1.19.5-eksbuild.1",
        "coredns": "v1.11.4-eksbuild.14",
        "kube-proxy": "v1.32.3-eksbuild.7",
        "eks-pod-identity-agent": "v1.3.7-eksbuild.2",
    },
    "1.33": {
        "vpc-cni": "v1.19.5-eksbuild.1",
        "coredns": "v1.12.1-eksbuild.2",
        "kube-proxy": "v1.33.0-eksbuild.2",
        "eks-pod-identity-agent": "v1.3.7-eksbuild.2",
    },
}
EKS_ADDONS_VERIFIED = "docs.aws.amazon.com/eks/latest/userguide (managing-vpc-cni, managing-coredns, managing-kube-proxy, pod-id-agent-setup)"

# Helm charts and images (filled by the monitoring stack; see README "Pinned versions").
CHARTS: dict[str, ChartPin] = {}
IMAGES: dict[str, ImagePin] = {}

# AKS Kubernetes minor versions the Azure platform is tested with. Clusters pin the minor;
# AKS's ``patch`` upgrade channel keeps them on the latest patch of it (``az aks get-versions``).
AKS_KUBERNETES_VERSIONS: tuple[str, ...] = ("1.32", "1.33")
AKS_VERSIONS_VERIFIED = "learn.microsoft.com/azure/aks/supported-kubernetes-versions (AKS Kubernetes release calendar)"
