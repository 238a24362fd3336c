"""Version schema: every Helm chart, container image and EKS add-on the program declares
matches the one pins table (``components/versions.py``) exactly.

A floating version (``latest``, a missing tag, a chart without a version or with a range)
means a rebuild -- or a DR rebuild in another region -- installs something nobody tested.
Known-bad pins (a release with a published regression or CVE) are rejected through
``components.versions.check_pin``.

Interface this module expects from ``components/versions.py``:
``CHARTS: dict[str, ChartPin]`` (repo, chart, version, app_version), ``IMAGES: dict[str,
ImagePin]`` (registry, repository, tag), ``EKS_ADDONS: {k8s version: {add-on: version}}``,
and ``check_pin(kind, name, version) -> str | None`` returning why a pin is known-bad
(kind ``"chart"`` or ``"image"``, name the chart name or the image's ``[registry/]repository``).
Without ``check_pin``, ``KNOWN_BAD: {(kind, name, version): reason}`` is consulted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import Severity

from components import versions as pins
from policies.common import MANDATORY, UNKNOWN, Res, ResourceRule, as_list, get, walk, string_list

HELM_TYPES = ("kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart")
DEFAULT_FLOATING_TAGS = ["latest", "stable", "main", "master", "edge", "nightly", "dev"]

_RANGE = re.compile(r"[\^~*<>| ,]|(^|\.)[xX](\.|$)")
_IMAGE_KEY = re.compile(r"^(image|[A-Za-z]+Image)$")
_DOCKER_HUB = {"docker.io", "index.docker.io", "registry-1.docker.io"}


# -- pins table access ----------------------------------------------------------------------

def known_bad(kind: str, name: str, version: str) -> str | None:
    """Why ``name@version`` is a known-bad pin, or None (see the module docstring)."""
    check = getattr(pins, "check_pin", None)
    if callable(check):
        try:
            result = check(kind, name, version)
        except ValueError as e:
            return str(e)
        if result is None or result is True:
            return None
        if result is False:
            return "known-bad pin"
        if isinstance(result, (list, tuple)):
            return "; ".join(map(str, result)) or None
        return str(result) or None
    bad = getattr(pins, "KNOWN_BAD", {}) or {}
    reason = bad.get((kind, name, version)) if isinstance(bad, Mapping) else None
    return str(reason) if reason else None


def chart_pins() -> dict[str, Any]:
    return dict(getattr(pins, "CHARTS", {}) or {})


def image_pins() -> dict[str, Any]:
    return dict(getattr(pins, "IMAGES", {}) or {})


# -- images ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImageRef:
    """A container image reference as written (``text``) and its parts."""

    text: str
    registry: str | None
    repository: str
    tag: str | None
    digest: str | None

    @property
    def normalized(self) -> tuple[str, str]:
        return normalize_repo(self.registry, self.repository)


def normalize_repo(registry: str | None, repository: str) -> tuple[str, str]:
    """(registry, repository) with Docker Hub's aliases and ``library/`` folded."""
    reg = (registry or "docker.io").lower()
    if reg in _DOCKER_HUB:
        reg = "docker.io"
        if "/" not in repository:
            repository = f"library/{repository}"
    return reg, repository


def parse_image(text: str) -> ImageRef:
    """``[registry/]repository[:tag][@digest]`` -> parts (the registry is the first path part
    when it looks like a host: has a dot or a port, or is ``localhost``)."""
    rest, _, digest = text.strip().partition("@")
    name, tag = rest, None
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        name, tag = rest[:colon], rest[colon + 1:]
    registry = None
    first, sep, remainder = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, name = first, remainder
    return ImageRef(text=text.strip(), registry=registry, repository=name, tag=tag or None, digest=digest or None)


def _from_mapping(value: Mapping[str, Any]) -> ImageRef | None:
    repo = value.get("repository")
    if not isinstance(repo, str) or not repo:
        return None
    registry = value.get("registry")
    tag = value.get("tag")
    digest = value.get("digest")
    if any(v is UNKNOWN for v in (registry, tag, digest)):
        return None
    parsed = parse_image(repo)
    reg = registry if isinstance(registry, str) and registry else parsed.registry
    tag_text = str(tag) if tag not in (None, "") else parsed.tag
    digest_text = str(digest) if digest not in (None, "") else parsed.digest
    text = "/".join(p for p in (reg, parsed.repository) if p)
    if tag_text:
        text += f":{tag_text}"
    if digest_text:
        text += f"@{digest_text}"
    return ImageRef(text=text, registry=reg, repository=parsed.repository, tag=tag_text, digest=digest_text)


def find_images(tree: Any) -> list[tuple[str, ImageRef]]:
    """Every container image a values tree or workload spec declares, with its path.

    Strings under an ``image``/``*Image`` key, and maps with a ``repository`` (helm style
    ``{registry, repository, tag}``) under such a key or next to a ``tag``/``registry``.
    """
    found: list[tuple[str, ImageRef]] = []
    for path, value in walk(tree):
        key = path[-1] if path else None
        image_key = isinstance(key, str) and bool(_IMAGE_KEY.match(key))
        where = ".".join(str(p) for p in path)
        if isinstance(value, str) and image_key and value.strip() and " " not in value.strip():
            found.append((where, parse_image(value)))
        elif isinstance(value, Mapping) and isinstance(value.get("repository"), str):
            if image_key or any(k in value for k in ("tag", "registry", "digest")):
                ref = _from_mapping(value)
                if ref is not None:
                    found.append((where, ref))
    return found


def match_image_pins(ref: ImageRef) -> list[tuple[str, Any]]:
    """The pin entries for ``ref``'s repository: same registry+repository, or (registry not
    given) the same repository under any registry. One repository may be pinned more than
    once (each chart pins the config-reloader its own release was tested with)."""
    table = image_pins()
    want = ref.normalized
    found = [(key, pin) for key, pin in table.items() if normalize_repo(pin.registry, pin.repository) == want]
    if not found and ref.registry is None:
        found = [(key, pin) for key, pin in table.items() if pin.repository == ref.repository]
    return found


def match_image_pin(ref: ImageRef) -> tuple[str, Any] | None:
    """The pin matching ``ref``'s tag, else the first pin of its repository, else None."""
    found = match_image_pins(ref)
    for key, pin in found:
        if ref.tag is not None and pin.tag == ref.tag:
            return key, pin
    return found[0] if found else None


def image_problems(ref: ImageRef, floating: Iterable[str]) -> list[str]:
    if ref.tag is None and ref.digest is None:
        return [f"image {ref.text!r} has no tag; pin the exact tag from components/versions.py IMAGES"]
    if ref.tag is not None and ref.tag.lower() in {t.lower() for t in floating}:
        return [f"image {ref.text!r} uses the floating tag {ref.tag!r}; pin an exact version in components/versions.py"]
    problems = []
    match = match_image_pin(ref)
    if match is None:
        problems.append(f"image {ref.text!r} is not in the pins table (components/versions.py IMAGES)")
    else:
        key, pin = match
        if ref.tag is not None and ref.tag != pin.tag:
            problems.append(f"image {ref.text!r} differs from its pin {pin.ref!r} "
                            f"(components/versions.py IMAGES[{key!r}])")
    # Known-bad ranges are keyed by repository (grafana/tempo), not by the table's keys, and
    # apply whether or not the image is in the table: say why the version must not ship.
    name = "/".join(p for p in (ref.registry, ref.repository) if p)
    reason = known_bad("image", name, ref.tag or ref.digest or "")
    if reason:
        problems.append(f"image {ref.text!r} is a known-bad pin: {reason}")
    return problems


def floating_tag_overrides(tree: Any, floating: Iterable[str]) -> list[tuple[str, str]]:
    """Helm ``image: {tag: latest}`` overrides that keep the chart's repository."""
    moving = {t.lower() for t in floating}
    found = []
    for path, value in walk(tree):
        key = path[-1] if path else None
        if (isinstance(key, str) and _IMAGE_KEY.match(key) and isinstance(value, Mapping)
                and "repository" not in value and isinstance(value.get("tag"), str)
                and value["tag"].lower() in moving):
            found.append((".".join(str(p) for p in path), value["tag"]))
    return found


def check_images(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    helm = res.type in HELM_TYPES
    tree = res.get("values", default={}) if helm else res.props
    prefix = "values." if helm else ""
    for where, ref in find_images(tree):
        for problem in image_problems(ref, cfg["floatingTags"]):
            yield f"{problem} (at {prefix}{where})"
    for where, tag in floating_tag_overrides(tree, cfg["floatingTags"]):
        yield f"image tag override {tag!r} is floating; pin an exact version in components/versions.py (at {prefix}{where})"


# -- charts ---------------------------------------------------------------------------------

def chart_name_and_repo(chart: str, repo: Any) -> tuple[str, str | None]:
    """``oci://host/path/chart`` carries its repository; ``alias/chart`` relies on the
    local Helm repo list (no repository we can pin)."""
    if chart.startswith("oci://"):
        base, _, name = chart.rpartition("/")
        return name, base
    return chart, repo if isinstance(repo, str) and repo else None


def check_chart(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    chart, version = res.get("chart"), res.get("version")
    repo = res.get("repositoryOpts", "repo")
    if not isinstance(chart, str) or version is UNKNOWN or repo is UNKNOWN:
        return
    name, repo_url = chart_name_and_repo(chart, repo)
    if not version:
        yield f"chart {name!r} has no version: an unpinned chart installs whatever is newest; pin it in components/versions.py CHARTS"
        return
    version = str(version)
    if _RANGE.search(version):
        yield f"chart {name!r} version {version!r} is a range; pin one exact version in components/versions.py CHARTS"
        return
    matches = [(k, p) for k, p in chart_pins().items() if p.chart == name]
    if not matches:
        yield f"chart {name!r} {version} is not in the pins table (components/versions.py CHARTS)"
    else:
        if repo_url is None:
            yield (f"chart {name!r} has no repository (repositoryOpts.repo); it would resolve from the local Helm "
                   f"client, not the pinned {matches[0][1].repo}")
        exact = [(k, p) for k, p in matches
                 if p.version == version and (repo_url is None or p.repo.rstrip("/") == repo_url.rstrip("/"))]
        if not exact:
            key, pin = matches[0]
            yield (f"chart {name!r} {version} from {repo_url} differs from its pin {pin.chart} {pin.version} from "
                   f"{pin.repo} (components/versions.py CHARTS[{key!r}])")
    # Known-bad ranges apply to any version of the chart, pinned or not: say why it must not ship.
    reason = known_bad("chart", name, version)
    if reason:
        yield f"chart {name!r} {version} is a known-bad pin: {reason}"


# -- EKS add-ons -------------------------------------------------------------------------

def check_addon(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    name, version = res.get("addonName"), res.get("addonVersion")
    if not isinstance(name, str) or version is UNKNOWN:
        return
    pinned = {v[name] for v in getattr(pins, "EKS_ADDONS", {}).values() if name in v}
    if not pinned:
        yield f"EKS add-on {name!r} is not in the pins table (components/versions.py EKS_ADDONS)"
    elif not version:
        yield f"EKS add-on {name!r} has no addonVersion: EKS would install its default of the day; pin one of {sorted(pinned)}"
    elif version not in pinned:
        yield f"EKS add-on {name!r} version {version!r} is not pinned; pinned versions: {sorted(pinned)}"


# -- node images ---------------------------------------------------------------------------

def check_node_image(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    """Managed node groups pin ``releaseVersion`` and Karpenter's EC2NodeClass a dated alias,
    both from ``EKS_AMI_RELEASES`` (unset or ``@latest``: whatever AMI is newest that day)."""
    releases = getattr(pins, "EKS_AMI_RELEASES", {})
    if res.type == "aws:eks/nodeGroup:NodeGroup":
        version, release = res.get("version"), res.get("releaseVersion")
        if UNKNOWN in (version, release):
            return
        pin = releases.get(version)
        if not release:
            yield ("no releaseVersion: EKS would boot the newest AMI of the day, so a rebuild differs from what "
                   f"was tested; pin {pin.release_version if pin else 'one'} (components/versions.py EKS_AMI_RELEASES)")
        elif pin is None or release != pin.release_version:
            yield (f"releaseVersion {release!r} is not the pinned AMI release for Kubernetes {version} "
                   f"({pin.release_version if pin else 'none pinned'}; components/versions.py EKS_AMI_RELEASES)")
        return
    terms = res.get("spec", "amiSelectorTerms")
    if terms is UNKNOWN:
        return
    aliases = [get(t, "alias") for t in as_list(terms)]
    for alias in aliases:
        if isinstance(alias, str) and alias.endswith("@latest"):
            yield (f"amiSelectorTerms alias {alias!r} floats: every AMI AWS publishes rolls every node; use the "
                   "pinned al2023@v<date> (components/versions.py EKS_AMI_RELEASES karpenter_alias)")


HELM_CHART_PINNED = ResourceRule(
    name="helm-chart-pinned",
    description="Every Helm release names a chart, exact version and repository from the pins table",
    check=check_chart,
    resource_types=HELM_TYPES,
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Read chart, version and repository from components/versions.py CHARTS (add or bump the pin "
                "there, after reading the chart's changelog) instead of writing them in the component.",
    tags=["versions", "supply-chain"],
)

CONTAINER_IMAGE_PINNED = ResourceRule(
    name="container-image-pinned",
    description="Every container image in Helm values and Kubernetes workloads is pinned in the pins table",
    check=check_images,
    resource_types=("kubernetes:*",),
    checkov=("CKV_K8S_14",),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set image registry/repository/tag from components/versions.py IMAGES (ImagePin.ref); never "
                "use latest or leave the tag to the chart.",
    config={"floatingTags": string_list(DEFAULT_FLOATING_TAGS, "Tags that move and so never count as a pin.")},
    tags=["versions", "supply-chain"],
)

EKS_ADDON_PINNED = ResourceRule(
    name="eks-addon-pinned",
    description="EKS managed add-ons run a version from the pins table",
    check=check_addon,
    resource_types=("aws:eks/addon:Addon",),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Take addon_version from components/versions.py EKS_ADDONS for the cluster's Kubernetes version "
                "(aws eks describe-addon-versions lists the candidates).",
    tags=["versions", "eks"],
)

NODE_IMAGE_PINNED = ResourceRule(
    name="eks-node-image-pinned",
    description="EKS managed node groups and Karpenter EC2NodeClasses boot a pinned AMI release",
    check=check_node_image,
    resource_types=("aws:eks/nodeGroup:NodeGroup", "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"),
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Take releaseVersion (node groups) and the al2023@v<date> alias (Karpenter) from "
                "components/versions.py EKS_AMI_RELEASES; docs/runbooks/node-images.md rolls to a new release.",
    tags=["versions", "eks"],
)

POLICIES = [HELM_CHART_PINNED, CONTAINER_IMAGE_PINNED, EKS_ADDON_PINNED, NODE_IMAGE_PINNED]

