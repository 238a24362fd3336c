"""Version schema: Helm charts, container images and EKS add-ons must match the pins table.

The pins are set per test (the monitoring stack fills the real table); the releases and
workloads are real pulumi_kubernetes resources run under the mock engine.
"""

from __future__ import annotations

import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components import versions
from components.versions import ChartPin, ImagePin
from policies.versions import find_images, parse_image
from tests.policy_support import PREFIX, declare, messages
from tests.support import plan

GRAFANA = "https://grafana.github.io/helm-charts"


@pytest.fixture
def pins(monkeypatch):
    monkeypatch.setattr(versions, "CHARTS", {
        "loki": ChartPin(repo=GRAFANA, chart="loki", version="6.30.1", app_version="3.5.0", verified="test"),
    })
    monkeypatch.setattr(versions, "IMAGES", {
        "loki": ImagePin(registry="docker.io", repository="grafana/loki", tag="3.5.0", verified="test"),
        "api": ImagePin(registry="123456789012.dkr.ecr.eu-west-1.amazonaws.com", repository="twincloud/api",
                        tag="1.4.2", verified="test"),
    })
    bad = {("chart", "loki", "6.30.1"): "loki chart 6.30.1 ships a broken memcached config"}
    monkeypatch.setattr(versions, "check_pin", lambda kind, name, version: bad.get((kind, name, version)),
                        raising=False)


def _release(name="loki", chart="loki", version="6.30.1", repo=GRAFANA, values=None):
    return lambda: k8s.helm.v3.Release(
        f"{PREFIX}-{name}", chart=chart, version=version,
        repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=repo) if repo else None,
        values=values if values is not None else {"loki": {"image": {"registry": "docker.io",
                                                                      "repository": "grafana/loki",
                                                                      "tag": "3.5.0"}}})


def _messages(build, policy):
    return messages(declare(build), policy)


# -- charts ---------------------------------------------------------------------------------

def test_release_matching_its_pin_passes(pins, monkeypatch):
    monkeypatch.setattr(versions, "check_pin", lambda *a: None, raising=False)
    assert _messages(_release(), "helm-chart-pinned") == []


def test_known_bad_chart_pin_is_reported(pins):
    assert _messages(_release(), "helm-chart-pinned") == [
        "chart 'loki' 6.30.1 is a known-bad pin: loki chart 6.30.1 ships a broken memcached config"]


def test_release_without_a_version_is_unpinned(pins):
    found = _messages(_release(version=None), "helm-chart-pinned")
    assert found == ["chart 'loki' has no version: an unpinned chart installs whatever is newest; pin it in "
                     "components/versions.py CHARTS"]


def test_release_with_a_version_range_is_unpinned(pins):
    found = _messages(_release(version="^6.30.0"), "helm-chart-pinned")
    assert found == ["chart 'loki' version '^6.30.0' is a range; pin one exact version in components/versions.py CHARTS"]


def test_release_with_another_version_than_its_pin_is_reported(pins):
    found = _messages(_release(version="6.29.0"), "helm-chart-pinned")
    assert found == [f"chart 'loki' 6.29.0 from {GRAFANA} differs from its pin loki 6.30.1 from {GRAFANA} "
                     "(components/versions.py CHARTS['loki'])"]


def test_chart_missing_from_the_pins_table_is_reported(pins):
    found = _messages(_release(name="redis", chart="redis", version="20.1.0", repo="https://charts.bitnami.com"),
                      "helm-chart-pinned")
    assert found == ["chart 'redis' 20.1.0 is not in the pins table (components/versions.py CHARTS)"]


def test_release_without_a_repository_is_reported(pins, monkeypatch):
    monkeypatch.setattr(versions, "check_pin", lambda *a: None, raising=False)
    found = _messages(_release(repo=None), "helm-chart-pinned")
    assert found == [f"chart 'loki' has no repository (repositoryOpts.repo); it would resolve from the local Helm "
                     f"client, not the pinned {GRAFANA}"]


# -- images ---------------------------------------------------------------------------------

def test_pinned_image_in_release_values_passes(pins):
    assert _messages(_release(), "container-image-pinned") == []


def test_latest_image_in_release_values_is_reported(pins):
    values = {"loki": {"image": {"registry": "docker.io", "repository": "grafana/loki", "tag": "latest"}}}
    assert _messages(_release(values=values), "container-image-pinned") == [
        "image 'docker.io/grafana/loki:latest' uses the floating tag 'latest'; pin an exact version in "
        "components/versions.py (at values.loki.image)"]


def test_floating_tag_override_of_the_chart_image_is_reported(pins):
    values = {"loki": {"image": {"registry": "docker.io", "repository": "grafana/loki", "tag": "3.5.0"}},
              "gateway": {"image": {"tag": "latest"}}}
    assert _messages(_release(values=values), "container-image-pinned") == [
        "image tag override 'latest' is floating; pin an exact version in components/versions.py "
        "(at values.gateway.image)"]


def test_image_without_a_tag_is_reported(pins):
    values = {"sidecar": {"image": {"repository": "kiwigrid/k8s-sidecar"}}}
    assert _messages(_release(values=values), "container-image-pinned") == [
        "image 'kiwigrid/k8s-sidecar' has no tag; pin the exact tag from components/versions.py IMAGES "
        "(at values.sidecar.image)"]


def test_image_missing_from_the_pins_table_is_reported(pins):
    values = {"gateway": {"image": "nginxinc/nginx-unprivileged:1.27-alpine"}}
    assert _messages(_release(values=values), "container-image-pinned") == [
        "image 'nginxinc/nginx-unprivileged:1.27-alpine' is not in the pins table (components/versions.py IMAGES) "
        "(at values.gateway.image)"]


def test_image_with_another_tag_than_its_pin_is_reported(pins):
    values = {"loki": {"image": {"repository": "grafana/loki", "tag": "3.4.2"}}}
    assert _messages(_release(values=values), "container-image-pinned") == [
        "image 'grafana/loki:3.4.2' differs from its pin 'docker.io/grafana/loki:3.5.0' "
        "(components/versions.py IMAGES['loki']) (at values.loki.image)"]


def test_known_bad_image_pin_is_reported(pins, monkeypatch):
    monkeypatch.setattr(versions, "check_pin", lambda kind, name, version: "CVE-2025-0001" if kind == "image" else None,
                        raising=False)
    assert _messages(_release(), "container-image-pinned") == [
        "image 'docker.io/grafana/loki:3.5.0' is a known-bad pin: CVE-2025-0001 (at values.loki.image)"]


@pytest.mark.parametrize("bad", [b for b in versions.KNOWN_BAD if b.kind == "image"],
                         ids=lambda b: f"{b.names[0]}:{b.example}")
def test_each_known_bad_image_is_reported_with_its_reason(bad):
    values = {"app": {"image": {"registry": "docker.io", "repository": bad.names[0], "tag": bad.example}}}
    found = _messages(_release(values=values), "container-image-pinned")
    assert any("is a known-bad pin" in m and bad.reason in m for m in found), found


@pytest.mark.parametrize("bad", [b for b in versions.KNOWN_BAD if b.kind == "chart"],
                         ids=lambda b: f"{b.names[0]}-{b.example}")
def test_each_known_bad_chart_is_reported_with_its_reason(bad):
    release = _release(name=bad.names[0], chart=bad.names[0], version=bad.example, repo=versions.GRAFANA_COMMUNITY,
                       values={})
    found = _messages(release, "helm-chart-pinned")
    assert any("is a known-bad pin" in m and bad.reason in m for m in found), found


def _deployment(image: str):
    return lambda: k8s.apps.v1.Deployment(f"{PREFIX}-api", spec={
        "selector": {"matchLabels": {"app": "api"}},
        "template": {"metadata": {"labels": {"app": "api"}},
                     "spec": {"containers": [{"name": "api", "image": image}]}},
    })


def test_pinned_image_in_a_deployment_passes(pins):
    assert _messages(_deployment("123456789012.dkr.ecr.eu-west-1.amazonaws.com/twincloud/api:1.4.2"),
                     "container-image-pinned") == []


def test_latest_image_in_a_deployment_is_reported(pins):
    assert _messages(_deployment("nginx:latest"), "container-image-pinned") == [
        "image 'nginx:latest' uses the floating tag 'latest'; pin an exact version in components/versions.py "
        "(at spec.template.spec.containers.0.image)"]


def test_untagged_image_in_a_deployment_is_reported(pins):
    found = _messages(_deployment("nginx"), "container-image-pinned")
    assert found == ["image 'nginx' has no tag; pin the exact tag from components/versions.py IMAGES "
                     "(at spec.template.spec.containers.0.image)"]


# -- image reference parsing ------------------------------------------------------------------------

@pytest.mark.parametrize("text,registry,repository,tag,digest", [
    ("nginx", None, "nginx", None, None),
    ("grafana/loki:3.5.0", None, "grafana/loki", "3.5.0", None),
    ("docker.io/grafana/loki:3.5.0", "docker.io", "grafana/loki", "3.5.0", None),
    ("localhost:5000/app:1", "localhost:5000", "app", "1", None),
    ("ghcr.io/org/app@sha256:abc", "ghcr.io", "org/app", None, "sha256:abc"),
    ("123456789012.dkr.ecr.eu-west-1.amazonaws.com/twincloud/api:1.4.2",
     "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "twincloud/api", "1.4.2", None),
])
def test_parse_image_splits_registry_repository_tag_and_digest(text, registry, repository, tag, digest):
    ref = parse_image(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (registry, repository, tag, digest)


_part = st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True)


@given(registry=st.one_of(st.none(), st.builds(lambda a, b: f"{a}.{b}", _part, _part)),
       path=st.lists(_part, min_size=1, max_size=3),
       tag=st.one_of(st.none(), st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True)))
def test_parse_image_round_trips(registry, path, tag):
    text = "/".join([*([registry] if registry else []), *path]) + (f":{tag}" if tag else "")
    ref = parse_image(text)
    assert (ref.registry, ref.repository, ref.tag) == (registry, "/".join(path), tag)


def test_find_images_reads_helm_maps_and_strings():
    values = {"a": {"image": {"repository": "r/x", "tag": "1"}}, "b": {"repository": "r/y", "tag": "2"},
              "c": {"initImage": "r/z:3"}, "d": {"repository": "not-an-image"}}
    assert sorted(ref.text for _, ref in find_images(values)) == ["r/x:1", "r/y:2", "r/z:3"]


# -- EKS add-ons ----------------------------------------------------------------------------

def test_shipped_addons_use_pinned_versions():
    assert [v for v in plan("dev", policies=True).violations if v["policy"] == "eks-addon-pinned"] == []


def _addon(name: str, version: str | None):
    return lambda: aws.eks.Addon(f"{PREFIX}-{name}", cluster_name="c", addon_name=name, addon_version=version)


def test_addon_with_an_unpinned_version_is_reported():
    found = _messages(_addon("coredns", "v1.99.0-eksbuild.1"), "eks-addon-pinned")
    from components.versions import EKS_ADDONS

    pinned = sorted({pins["coredns"] for pins in EKS_ADDONS.values()})
    assert found == [f"EKS add-on 'coredns' version 'v1.99.0-eksbuild.1' is not pinned; pinned versions: {pinned}"]


def test_addon_without_a_version_is_reported():
    found = _messages(_addon("kube-proxy", None), "eks-addon-pinned")
    assert found and found[0].startswith("EKS add-on 'kube-proxy' has no addonVersion")


def test_addon_missing_from_the_pins_table_is_reported():
    assert _messages(_addon("aws-efs-csi-driver", "v2.1.0-eksbuild.1"), "eks-addon-pinned") == [
        "EKS add-on 'aws-efs-csi-driver' is not in the pins table (components/versions.py EKS_ADDONS)"]
