"""tools/image_parity.py: the DR check that every image the primary runs is in ACR, on fixtures
shaped like `aws ecr describe-images` and `az acr manifest list-metadata` output."""

from __future__ import annotations

import json
from pathlib import Path

from tools.image_parity import deployed_images, main

DATA = Path(__file__).parent / "data" / "image_parity"
API, WEB, WORKER = "twincloud-prod/api", "twincloud-prod/web", "twincloud-prod/worker"


def run(*acr: str, ecr: tuple[str, ...] = ("ecr-api.json", "ecr-web.json"), deployed: str = "deployed.txt") -> int:
    argv = ["--deployed", str(DATA / deployed)]
    for f in ecr:
        argv += ["--ecr", str(DATA / f)]
    for spec in acr:
        repo, _, f = spec.partition("=")
        argv += ["--acr", f"{repo}={DATA / f}"]
    return main(argv)


ALL_IN_ACR = (f"{API}=acr-api.json", f"{WEB}=acr-web.json", f"{WORKER}=acr-worker.json")


def test_fixture_listings_have_the_fields_the_clis_print():
    ecr = json.loads((DATA / "ecr-api.json").read_text())
    assert {"repositoryName", "imageDigest", "imageTags"} <= set(ecr["imageDetails"][0])  # botocore ImageDetail
    assert {"digest", "tags"} <= set(json.loads((DATA / "acr-api.json").read_text())[0])


def test_only_ecr_references_are_checked_once_each():
    images, others = deployed_images((DATA / "deployed.txt").read_text().splitlines())
    assert [str(i) for i in images][0] == f"{API}:1.4.2"
    assert len(images) == 3 and others == ["registry.k8s.io/metrics-server/metrics-server:v0.8.0"]


def test_passes_when_every_deployed_image_is_in_acr_with_its_digest(capsys):
    assert run(*ALL_IN_ACR) == 0
    assert "3/3 deployed ECR images are in ACR" in capsys.readouterr().out


def test_fails_naming_a_tag_missing_from_acr(capsys):
    assert run(f"{API}=acr-api-behind.json", f"{WEB}=acr-web.json", f"{WORKER}=acr-worker.json") == 1
    assert f"MISSING {API}:1.4.2: tag 1.4.2 is not in ACR" in capsys.readouterr().out


def test_fails_when_acr_holds_another_digest_under_the_tag(capsys):
    assert run(f"{API}=acr-api.json", f"{WEB}=acr-web-stale.json", f"{WORKER}=acr-worker.json") == 1
    assert "ACR has sha256:bbbb" in capsys.readouterr().out


def test_fails_when_a_repository_has_no_acr_listing(capsys):
    assert run(f"{API}=acr-api.json", f"{WEB}=acr-web.json") == 1
    assert f"no ACR listing for {WORKER}" in capsys.readouterr().out


def test_a_tag_without_an_ecr_digest_cannot_pass(capsys):
    assert run(*ALL_IN_ACR, ecr=("ecr-api.json",)) == 1
    assert "no ECR digest for this tag" in capsys.readouterr().out


def test_bad_input_exits_2_without_a_traceback(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["--deployed", str(DATA / "deployed.txt"), "--acr", f"{API}={bad}"]) == 2
    assert capsys.readouterr().err.startswith("image_parity: JSONDecodeError")
