"""The one table of pinned versions: EKS add-ons, Helm charts and container images.

Components read pins from here and nothing else writes a version string. The policy pack
checks every Helm release and image the program declares against this table, and rejects
known-bad pins (see ``KNOWN_BAD``). Bump a pin here, run ``make test``, and read the
upstream changelog first; docs/monitoring.md explains the procedure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
        "aws-ebs-csi-driver": "v1.66.0-eksbuild.1",
    },
    # 1.35: standard support until 2027-03; the shipped stacks use it.
    "1.35": {
        "vpc-cni": "v1.20.1-eksbuild.3",
        "coredns": "v1.14.2-eksbuild.4",
        "kube-proxy": "v1.35.3-eksbuild.13",
        "eks-pod-identity-agent": "v1.3.9-eksbuild.1",
        "aws-ebs-csi-driver": "v1.66.0-eksbuild.1",
    },
}
EKS_ADDONS_VERIFIED = {
    "vpc-cni": "awsdocs/amazon-eks-user-guide@057948d93014 latest/ug/networking/managing-vpc-cni.adoc "
               "(latest EKS add-on version v1.20.1-eksbuild.3 for Kubernetes 1.27-1.33; that table predates 1.35, "
               "so unverified for 1.35: confirm with `aws eks describe-addon-versions --addon-name vpc-cni "
               "--kubernetes-version 1.35`)",
    "coredns": "docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html (per-version table)",
    "kube-proxy": "docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html (per-version table)",
    "eks-pod-identity-agent": "aws/eks-hybrid#763 (v1.3.9-eksbuild.1, describe-addon-configuration); "
                              "AWS publishes no per-version table: confirm with "
                              "`aws eks describe-addon-versions --addon-name eks-pod-identity-agent`",
    "aws-ebs-csi-driver": "mitodl/ol-infrastructure#5959 (v1.66.0-eksbuild.1, AWS defaultVersion for 1.36 in "
                          "2026-09; the driver add-on supports every current EKS version)",
}

# EKS-optimised AL2023 AMI release per Kubernetes minor version: managed node groups pin it as
# ``releaseVersion`` and Karpenter's EC2NodeClass as the alias ``al2023@v<date>`` of the same
# release, so a rebuild boots the AMI that was tested (not the newest of the day). The value is
# what ``EKS_AMI_SSM_PARAMETER`` returns; docs/runbooks/node-images.md says how to roll forward.
EKS_AMI_SSM_PARAMETER = "/aws/service/eks/optimized-ami/{version}/amazon-linux-2023/x86_64/standard/recommended/release_version"
EKS_AMI_SSM_PARAMETER_VERIFIED = (
    "awsdocs/amazon-eks-user-guide@4d52b4d05e34 latest/ug/nodes/retrieve-ami-id.adoc (parameter "
    "/aws/service/eks/optimized-ami/<k8s>/amazon-linux-2023/x86_64/standard/recommended/image_id); the sibling "
    "leaf release_version as eksctl's MakeManagedSSMParameterName builds it for AL2023_x86_64_STANDARD, and "
    "terraform-aws-modules/terraform-aws-eks@bef29c4d9523 (tag v21.19.0) modules/eks-managed-node-group/main.tf:418 "
    "(AL2023_x86_64_STANDARD = /aws/service/eks/optimized-ami/<k8s>/amazon-linux-2023/x86_64/standard/recommended/"
    "release_version, read as the node group's release_version)")
_EKS_AMI = "awslabs/amazon-eks-ami@81fec2e89585 CHANGELOG.md"


@dataclass(frozen=True)
class AmiReleasePin:
    """An EKS-optimised AMI release (``<k8s patch>-<YYYYMMDD>``) with where it was verified."""

    release_version: str
    verified: str

    @property
    def release_date(self) -> str:
        """``1.35.6-20260714`` -> ``20260714`` (the amazon-eks-ami release tag without its ``v``)."""
        return self.release_version.rsplit("-", 1)[1]

    @property
    def karpenter_alias(self) -> str:
        """The EC2NodeClass ``amiSelectorTerms[].alias`` of the same release (``al2023@v20260714``)."""
        return f"al2023@v{self.release_date}"


EKS_AMI_RELEASES: dict[str, AmiReleasePin] = {
    "1.33": AmiReleasePin("1.33.13-20260714", f"{_EKS_AMI} \"AMI Release v20260714\", Kubernetes 1.33: "
                                              "amazon-eks-node-al2023-x86_64-standard-1.33-v20260714, release "
                                              "version 1.33.13-20260714 (the same for arm64-standard)"),
    "1.35": AmiReleasePin("1.35.6-20260714", f"{_EKS_AMI} \"AMI Release v20260714\", Kubernetes 1.35: "
                                             "amazon-eks-node-al2023-x86_64-standard-1.35-v20260714, release "
                                             "version 1.35.6-20260714 (the same for arm64-standard)"),
}

# -- Helm charts and images -------------------------------------------------------------
# Each pin records where it was verified: the upstream repository, commit and file that
# pairs the chart version with its app version (or the image tag the chart ships).
# The Grafana Loki/Tempo/Grafana charts moved to grafana-community in 2026 (Grafana and
# Tempo on 2026-01-30, Loki on 2026-03-16, forked at chart 6.55.0); that repository's index
# also serves the pre-move versions, so every Grafana chart except Alloy comes from there.
PROMETHEUS_COMMUNITY = "https://prometheus-community.github.io/helm-charts"
GRAFANA_COMMUNITY = "https://grafana-community.github.io/helm-charts"
GRAFANA = "https://grafana.github.io/helm-charts"
EKS_CHARTS = "https://aws.github.io/eks-charts"

_KPS = "prometheus-community/helm-charts@cf408a290aec charts/kube-prometheus-stack"
_LOKI = "grafana-community/helm-charts@3386a1156177 (tag loki-18.11.0) charts/loki"
_TEMPO = "grafana-community/helm-charts@aaf464d22c4a (tag tempo-1.17.0) charts/tempo"
_ALLOY = "grafana/alloy@233907cff225 (tag helm-chart/1.11.1) operations/helm/charts/alloy"
_GRAFANA = "grafana-community/helm-charts@864f77946836 (tag grafana-12.11.1) charts/grafana"
_LBC = "aws/eks-charts@5239609242f3 stable/aws-load-balancer-controller"

CHARTS: dict[str, ChartPin] = {
    "kube-prometheus-stack": ChartPin(
        repo=PROMETHEUS_COMMUNITY, chart="kube-prometheus-stack", version="88.5.3", app_version="v0.93.1",
        verified=f"{_KPS}/Chart.yaml (version 88.5.3, appVersion v0.93.1 = prometheus-operator)",
    ),
    # The operator's CRDs as their own release (kube-prometheus-stack's crds.enabled is off):
    # same commit, same operator version as kube-prometheus-stack's appVersion.
    "prometheus-operator-crds": ChartPin(
        repo=PROMETHEUS_COMMUNITY, chart="prometheus-operator-crds", version="31.0.1", app_version="v0.93.1",
        verified="prometheus-community/helm-charts@cf408a290aec charts/prometheus-operator-crds/Chart.yaml "
                 "(version 31.0.1, appVersion v0.93.1)",
    ),
    "loki": ChartPin(
        repo=GRAFANA_COMMUNITY, chart="loki", version="18.11.0", app_version="3.7.6",
        verified=f"{_LOKI}/Chart.yaml (version 18.11.0, appVersion 3.7.6); gh-pages index.yaml",
    ),
    "tempo": ChartPin(
        repo=GRAFANA_COMMUNITY, chart="tempo", version="1.17.0", app_version="2.6.1",
        verified=f"{_TEMPO}/Chart.yaml (version 1.17.0, appVersion 2.6.1; 1.13.0-1.17.0 all ship 2.6.1); "
                 "gh-pages index.yaml lists tempo-1.17.0",
    ),
    "alloy": ChartPin(
        repo=GRAFANA, chart="alloy", version="1.11.1", app_version="v1.18.1",
        verified=f"{_ALLOY}/Chart.yaml (version 1.11.1, appVersion v1.18.1); grafana/helm-charts gh-pages "
                 "index.yaml (the Alloy chart did not move to grafana-community)",
    ),
    "grafana": ChartPin(
        repo=GRAFANA_COMMUNITY, chart="grafana", version="12.11.1", app_version="13.2.0",
        verified=f"{_GRAFANA}/Chart.yaml (version 12.11.1, appVersion 13.2.0)",
    ),
    # The controller's IAM policy must match app_version: components/facts/lb_controller_policy.py.
    "aws-load-balancer-controller": ChartPin(
        repo=EKS_CHARTS, chart="aws-load-balancer-controller", version="3.5.0", app_version="v3.5.0",
        verified=f"{_LBC}/Chart.yaml (version 3.5.0, appVersion v3.5.0); aws/eks-charts gh-pages index.yaml "
                 "lists aws-load-balancer-controller-3.5.0.tgz (created 2026-08-03)",
    ),
}

# -- platform services (components/platform/) ---------------------------------------------
# Karpenter tags a release first and bumps charts/ in a follow-up "Release"/"patch release"
# commit, so the chart pin cites that commit (the tag itself still carries the old Chart.yaml).
KARPENTER_OCI = "oci://public.ecr.aws/karpenter"
METRICS_SERVER = "https://kubernetes-sigs.github.io/metrics-server/"
EXTERNAL_SECRETS = "https://charts.external-secrets.io"
ARGO = "https://argoproj.github.io/argo-helm"
OPENCOST = "https://opencost.github.io/opencost-helm-chart"

_KARPENTER = "aws/karpenter-provider-aws@1d927085dd81 (docs: update for patch release v1.14.1, after tag v1.14.1) charts/karpenter"
_METRICS_SERVER = "kubernetes-sigs/metrics-server@842dcc8c42f2 (tag metrics-server-helm-chart-3.13.1) charts/metrics-server"
_ESO = "external-secrets/external-secrets@cc5bfbc2234a (tag helm-chart-2.9.0) deploy/charts/external-secrets"
_ARGOCD = "argoproj/argo-helm@af0a9310bacb (tag argo-cd-10.1.1) charts/argo-cd"
_ROLLOUTS = "argoproj/argo-helm@8796aeaa8242 (tag argo-rollouts-2.41.0) charts/argo-rollouts"
_OPENCOST = "opencost/opencost-helm-chart@725bb939d6a6 (tag opencost-2.5.17) charts/opencost"

PLATFORM_CHARTS: dict[str, ChartPin] = {
    "karpenter": ChartPin(
        repo=KARPENTER_OCI, chart="karpenter", version="1.14.1", app_version="1.14.1",
        verified=f"{_KARPENTER}/Chart.yaml (version 1.14.1, appVersion 1.14.1); install command "
                 "website/content/en/v1.14/getting-started/getting-started-with-karpenter/scripts/"
                 "step08-apply-helm-chart.sh (oci://public.ecr.aws/karpenter/karpenter)",
    ),
    "karpenter-crd": ChartPin(
        repo=KARPENTER_OCI, chart="karpenter-crd", version="1.14.1", app_version="1.14.1",
        verified=f"{_KARPENTER}-crd/Chart.yaml (version 1.14.1); website/content/en/v1.14/upgrading/upgrade-guide.md "
                 "(CRD upgrades: oci://public.ecr.aws/karpenter/karpenter-crd)",
    ),
    "metrics-server": ChartPin(
        repo=METRICS_SERVER, chart="metrics-server", version="3.13.1", app_version="0.8.1",
        verified=f"{_METRICS_SERVER}/Chart.yaml (version 3.13.1, appVersion 0.8.1); README.md helm repo add",
    ),
    "external-secrets": ChartPin(
        repo=EXTERNAL_SECRETS, chart="external-secrets", version="2.9.0", app_version="v2.9.0",
        verified=f"{_ESO}/Chart.yaml (version 2.9.0, appVersion v2.9.0); docs/introduction/getting-started.md "
                 "helm repo add",
    ),
    "argo-cd": ChartPin(
        repo=ARGO, chart="argo-cd", version="10.1.1", app_version="v3.4.4",
        verified=f"{_ARGOCD}/Chart.yaml (version 10.1.1, appVersion v3.4.4); README.md helm repo add",
    ),
    "argo-rollouts": ChartPin(
        repo=ARGO, chart="argo-rollouts", version="2.41.0", app_version="v1.9.0",
        verified=f"{_ROLLOUTS}/Chart.yaml (version 2.41.0, appVersion v1.9.0)",
    ),
    "opencost": ChartPin(
        repo=OPENCOST, chart="opencost", version="2.5.17", app_version="1.120.1",
        verified=f"{_OPENCOST}/Chart.yaml (version 2.5.17, appVersion 1.120.1); README.md helm repo add",
    ),
}
CHARTS.update(PLATFORM_CHARTS)

PLATFORM_IMAGES: dict[str, ImagePin] = {
    "karpenter": ImagePin("public.ecr.aws", "karpenter/controller", "1.14.1",
                          f"{_KARPENTER}/values.yaml controller.image (tag 1.14.1, digest sha256:72313094...)"),
    "metrics-server": ImagePin("registry.k8s.io", "metrics-server/metrics-server", "v0.8.1",
                               f"{_METRICS_SERVER}/values.yaml image.repository; templates/_helpers.tpl "
                               "metrics-server.image ('v' + appVersion)"),
    "external-secrets": ImagePin("ghcr.io", "external-secrets/external-secrets", "v2.9.0",
                                 f"{_ESO}/values.yaml image, webhook.image, certController.image (tag '' = appVersion)"),
    "argocd": ImagePin("quay.io", "argoproj/argocd", "v3.4.4",
                       f"{_ARGOCD}/values.yaml global.image (tag '' = appVersion)"),
    "argocd-dex": ImagePin("ghcr.io", "dexidp/dex", "v2.45.1", f"{_ARGOCD}/values.yaml dex.image"),
    "argocd-redis": ImagePin("ecr-public.aws.com", "docker/library/redis", "8.2.3-alpine",
                             f"{_ARGOCD}/values.yaml redis.image"),
    "argo-rollouts": ImagePin("quay.io", "argoproj/argo-rollouts", "v1.9.0",
                              f"{_ROLLOUTS}/values.yaml controller.image (tag '' = appVersion)"),
    "opencost": ImagePin("ghcr.io", "opencost/opencost", "1.120.1",
                         f"{_OPENCOST}/values.yaml opencost.exporter.image (tag 1.120.1@sha256:b0701f9b...)"),
    "opencost-ui": ImagePin("ghcr.io", "opencost/opencost-ui", "1.120.1",
                            f"{_OPENCOST}/values.yaml opencost.ui.image (tag 1.120.1@sha256:7c086402...)"),
}

IMAGES: dict[str, ImagePin] = {
    # kube-prometheus-stack 88.5.3 and its subcharts
    "prometheus": ImagePin("quay.io", "prometheus/prometheus", "v3.14.0-distroless",
                           f"{_KPS}/values.yaml prometheus.prometheusSpec.image"),
    "alertmanager": ImagePin("quay.io", "prometheus/alertmanager", "v0.34.0",
                             f"{_KPS}/values.yaml alertmanager.alertmanagerSpec.image"),
    "prometheus-operator": ImagePin("quay.io", "prometheus-operator/prometheus-operator", "v0.93.1",
                                    f"{_KPS}/Chart.yaml appVersion (values.yaml tag '' defaults to it)"),
    "prometheus-config-reloader": ImagePin("quay.io", "prometheus-operator/prometheus-config-reloader", "v0.93.1",
                                           f"{_KPS}/Chart.yaml appVersion (prometheusConfigReloader.image)"),
    "kube-webhook-certgen": ImagePin("ghcr.io", "jkroepke/kube-webhook-certgen", "1.8.7",
                                     f"{_KPS}/values.yaml prometheusOperator.admissionWebhooks.patch.image"),
    "kube-state-metrics": ImagePin("registry.k8s.io", "kube-state-metrics/kube-state-metrics", "v2.20.0",
                                   "prometheus-community/helm-charts@cf408a290aec charts/kube-state-metrics/"
                                   "Chart.yaml 8.4.0 (appVersion 2.20.0, tag 'v' + appVersion)"),
    "node-exporter": ImagePin("quay.io", "prometheus/node-exporter", "v1.12.1-distroless",
                              "prometheus-community/helm-charts@cf408a290aec charts/prometheus-node-exporter/"
                              "Chart.yaml 4.56.1 (appVersion 1.12.1; kps sets image.distroless)"),
    # loki 18.11.0
    "loki": ImagePin("docker.io", "grafana/loki", "3.7.6", f"{_LOKI}/Chart.yaml appVersion (loki.image)"),
    "loki-gateway": ImagePin("docker.io", "nginxinc/nginx-unprivileged", "1.31-alpine",
                             f"{_LOKI}/values.yaml gateway.image"),
    "memcached": ImagePin("docker.io", "library/memcached", "1.6.45-alpine", f"{_LOKI}/values.yaml memcached.image"),
    "memcached-exporter": ImagePin("docker.io", "prom/memcached-exporter", "v0.17.0",
                                   f"{_LOKI}/values.yaml memcachedExporter.image"),
    # tempo 1.17.0
    "tempo": ImagePin("docker.io", "grafana/tempo", "2.6.1", f"{_TEMPO}/Chart.yaml appVersion (tempo.repository)"),
    # alloy 1.11.1
    "alloy": ImagePin("docker.io", "grafana/alloy", "v1.18.1", f"{_ALLOY}/Chart.yaml appVersion (image)"),
    "alloy-config-reloader": ImagePin("quay.io", "prometheus-operator/prometheus-config-reloader", "v0.91.0",
                                      f"{_ALLOY}/values.yaml configReloader.image"),
    # grafana 12.11.1
    "grafana": ImagePin("docker.io", "grafana/grafana", "13.2.0", f"{_GRAFANA}/Chart.yaml appVersion (image)"),
    "grafana-sidecar": ImagePin("quay.io", "kiwigrid/k8s-sidecar", "2.10.1",
                                f"{_GRAFANA}/values.yaml sidecar.image; kiwigrid/k8s-sidecar tag 2.10.1 "
                                "(a61c7ac31c82; README: LABEL, LABEL_VALUE, RESOURCE, FOLDER_ANNOTATION)"),
    # aws-load-balancer-controller 3.5.0
    "aws-load-balancer-controller": ImagePin("public.ecr.aws", "eks/aws-load-balancer-controller", "v3.5.0",
                                             f"{_LBC}/values.yaml image (repository, tag)"),
    # the platform's health backend behind the shared ingress: the unprivileged nginx already
    # pinned for the Loki gateway (one nginx tag in the platform)
    "platform-health": ImagePin("docker.io", "nginxinc/nginx-unprivileged", "1.31-alpine",
                                f"{_LOKI}/values.yaml gateway.image (same tag as loki-gateway)"),
}

IMAGES.update(PLATFORM_IMAGES)

# -- Grafana plugins ------------------------------------------------------------------------


@dataclass(frozen=True)
class GrafanaPluginPin:
    """A Grafana plugin pinned to an exact version, installed by the grafana chart's ``plugins``
    value (``<id>@<version>``; Grafana downloads it from grafana.com at start)."""

    plugin_id: str
    version: str
    verified: str

    @property
    def spec(self) -> str:
        return f"{self.plugin_id}@{self.version}"


GRAFANA_PLUGINS: dict[str, GrafanaPluginPin] = {
    # Queries Amazon Managed Service for Prometheus with SigV4 (docs/monitoring.md "Querying AMP").
    "amazon-prometheus": GrafanaPluginPin(
        "grafana-amazonprometheus-datasource", "3.2.0",
        "grafana/grafana-amazonprometheus-datasource@d2a53092ed89 (tag v3.2.0): package.json version 3.2.0, "
        "src/plugin.json grafanaDependency '>=11.6.11-0 <12 || ... || >=12.2.5-0' (admits Grafana 13.2.0); "
        "the grafana.com catalog publishes the plugin for self-managed Grafana (https://grafana.com/grafana/"
        "plugins/grafana-amazonprometheus-datasource/: 'Installing on a local Grafana', current version 3.3.5; "
        "grafana.com/docs/plugins/grafana-amazonprometheus-datasource/latest/install/: 'available in the "
        "Grafana plugin catalog on all Grafana Cloud plans and self-managed Grafana'); that the catalog still "
        "serves the older 3.2.0 is unverified (3.3.x is not in the mirror, so its plugin.json is unchecked)"),
}

# -- known-bad pins -----------------------------------------------------------------------

def _numbers(version: str) -> tuple[int, ...]:
    """``v2.55.1-distroless@sha256:..`` -> ``(2, 55, 1)``; non-numeric parts are ignored."""
    core = version.split("@", 1)[0].lstrip("vV").split("-", 1)[0].split("+", 1)[0]
    out = []
    for part in core.split("."):
        digits = re.match(r"\d+", part)
        if not digits:
            break
        out.append(int(digits.group()))
    return tuple(out)


@dataclass(frozen=True)
class KnownBad:
    """A version range that must never be deployed, with the reason and one example."""

    kind: str  # "chart" or "image"
    names: tuple[str, ...]  # chart names, or image repositories without registry
    matches: Callable[[str], bool]
    reason: str
    example: str  # a version this rule rejects (tests use it)


KNOWN_BAD: tuple[KnownBad, ...] = (
    KnownBad("image", ("prometheus/prometheus",), lambda v: _numbers(v)[:2] == (2, 56),
             "Prometheus v2.56.x never existed (2.x ends at v2.55.1, then v3.0.0); use v2.55.1 or a 3.x tag",
             "v2.56.1"),
    KnownBad("image", ("grafana/loki", "grafana/loki-canary"), lambda v: _numbers(v)[:1] < (3,),
             "Loki 2.x has no Pod Identity support in its S3 client and reads the Loki-2 config format; use 3.x",
             "2.9.10"),
    KnownBad("chart", ("loki",), lambda v: _numbers(v)[:1] < (6,),
             "loki charts before 6.0.0 ship Loki 2.x (no Pod Identity, Loki-2 config); use 6.0.0 or later", "5.47.2"),
    KnownBad("image", ("grafana/tempo",), lambda v: _numbers(v)[:2] < (2, 6),
             "Tempo before 2.6 bundles a minio-go that cannot use EKS Pod Identity credentials; use 2.6.1 or later",
             "2.5.0"),
    KnownBad("chart", ("tempo",), lambda v: _numbers(v)[:2] < (1, 13),
             "tempo charts before 1.13.0 ship Tempo < 2.6 (no Pod Identity); use 1.13.0 or later", "1.12.0"),
    KnownBad("chart", ("tempo-distributed",), lambda v: _numbers(v)[:2] < (1, 18),
             "tempo-distributed charts before 1.18.0 ship Tempo < 2.6 (no Pod Identity); use 1.18.0 or later",
             "1.10.0"),
    KnownBad("image", ("otel/opentelemetry-collector", "otel/opentelemetry-collector-contrib",
                       "otel/opentelemetry-collector-k8s"), lambda v: _numbers(v) == (0, 116, 0),
             "OpenTelemetry Collector 0.116.0 images fail to start (open-telemetry/opentelemetry-collector#11944); "
             "use 0.116.1 or later", "0.116.0"),
    KnownBad("image", ("grafana/alloy",), lambda v: not v.startswith("v"),
             "Alloy images are tagged with a 'v' prefix (v1.18.1); a tag without it does not exist", "1.18.1"),
)

FLOATING_TAGS = frozenset({"", "latest", "main", "master", "stable", "edge", "nightly"})


def _repository(name: str) -> str:
    """``docker.io/grafana/loki`` or ``grafana/loki`` -> ``grafana/loki`` (registry dropped)."""
    parts = name.split("/")
    if len(parts) > 2 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    return "/".join(parts)


def check_pin(kind: str, name: str, version: str) -> list[str]:
    """Problems with deploying ``name`` at ``version``; empty when the pin is acceptable.

    ``kind`` is ``"chart"`` (``name`` = chart name, ``version`` = chart version) or ``"image"``
    (``name`` = repository with or without registry, ``version`` = tag). Pure, so the tests and
    the policy pack share it.
    """
    if kind not in ("chart", "image"):
        raise ValueError(f"kind must be 'chart' or 'image', got {kind!r}")
    version = (version or "").strip()
    key = name if kind == "chart" else _repository(name)
    problems = []
    if kind == "image" and version.split("@", 1)[0] in FLOATING_TAGS:
        problems.append(f"image {key}: tag {version or '(empty)'!r} floats; pin an exact version tag")
    elif kind == "chart" and not _numbers(version):
        problems.append(f"chart {key}: version {version or '(empty)'!r} is not an exact chart version")
    for bad in KNOWN_BAD:
        if bad.kind == kind and key in bad.names and _numbers(version) and bad.matches(version):
            problems.append(f"{kind} {key}:{version}: {bad.reason}")
    return problems


def pinned_problems() -> list[str]:
    """Every problem ``check_pin`` finds in this table (the tests require none)."""
    problems = [p for pin in CHARTS.values() for p in check_pin("chart", pin.chart, pin.version)]
    problems += [p for pin in IMAGES.values() for p in check_pin("image", f"{pin.registry}/{pin.repository}", pin.tag)]
    return problems


# AKS Kubernetes minor versions the Azure platform is tested with. Clusters pin the minor;
# AKS's ``patch`` upgrade channel keeps them on the latest patch of it (``az aks get-versions``).
# AKS calendar: 1.35 GA Mar 2026, end of life Mar 2027; 1.36 GA Jun 2026, end of life Jun 2027.
AKS_KUBERNETES_VERSIONS: tuple[str, ...] = ("1.35", "1.36")
AKS_VERSIONS_VERIFIED = ("MicrosoftDocs/azure-aks-docs articles/aks/supported-kubernetes-versions.md @fb060abe "
                         "(AKS Kubernetes release calendar)")
