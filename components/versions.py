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
    # 1.33: in extended (paid) support since 2026-07-29; kept so existing clusters can be planned.
    "1.33": {
        "vpc-cni": "v1.20.1-eksbuild.3",
        "coredns": "v1.13.2-eksbuild.4",
        "kube-proxy": "v1.33.10-eksbuild.13",
        "eks-pod-identity-agent": "v1.3.9-eksbuild.1",
    },
    # 1.35: standard support until 2027-03; the shipped stacks use it.
    "1.35": {
        "vpc-cni": "v1.20.1-eksbuild.3",
        "coredns": "v1.14.2-eksbuild.4",
        "kube-proxy": "v1.35.3-eksbuild.13",
        "eks-pod-identity-agent": "v1.3.9-eksbuild.1",
    },
}
EKS_ADDONS_VERIFIED = {
    "vpc-cni": "awsdocs/amazon-eks-user-guide latest/ug/networking/managing-vpc-cni.adoc @057948d9 "
               "(v1.20.x supports 1.25 and later)",
    "coredns": "docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html (per-version table)",
    "kube-proxy": "docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html (per-version table)",
    "eks-pod-identity-agent": "aws/eks-hybrid#763 (v1.3.9-eksbuild.1, describe-addon-configuration); "
                              "AWS publishes no per-version table: confirm with "
                              "`aws eks describe-addon-versions --addon-name eks-pod-identity-agent`",
}

# Helm charts and images (filled by the monitoring stack; see README "Pinned versions").
CHARTS: dict[str, ChartPin] = {}
IMAGES: dict[str, ImagePin] = {}

# AKS Kubernetes minor versions the Azure platform is tested with. Clusters pin the minor;
# AKS's ``patch`` upgrade channel keeps them on the latest patch of it (``az aks get-versions``).
# AKS calendar: 1.35 GA Mar 2026, end of life Mar 2027; 1.36 GA Jun 2026, end of life Jun 2027.
AKS_KUBERNETES_VERSIONS: tuple[str, ...] = ("1.35", "1.36")
AKS_VERSIONS_VERIFIED = ("MicrosoftDocs/azure-aks-docs articles/aks/supported-kubernetes-versions.md @fb060abe "
                         "(AKS Kubernetes release calendar)")
