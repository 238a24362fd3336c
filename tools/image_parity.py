"""Before a failover to the Azure warm standby: is every image the primary runs also in ACR?

Compares three listings the runbook collects (docs/runbooks/dr-rebuild.md, "Before failing
over to Azure"):

* the images deployed on the primary, one reference per line (``kubectl get pods -A -o
  jsonpath=...``); only those from a private ECR registry are checked;
* ``aws ecr describe-images --repository-name <repo> --output json`` per repository (``--ecr``,
  repeatable): resolves a deployed tag to its digest (the shape is botocore's
  ``DescribeImagesResponse``: ``imageDetails[].repositoryName/imageDigest/imageTags``);
* ``az acr manifest list-metadata --registry <acr> --name <repo> --output json`` per repository
  (``--acr <repo>=<file>``, repeatable): the manifests in ACR with their ``digest`` and ``tags``.
  The command returns the registry's ``/acr/v1/<repo>/_manifests`` items as they are
  (Azure/azure-cli@047368d76536 src/azure-cli/azure/cli/command_modules/acr/manifest.py,
  ``acr_manifest_metadata_list``; each item has ``digest``, read there too); each item's ``tags``
  list (absent/null when untagged) is what the command's own help filters on (azure-cli 2.91.0
  wheel, acr/_help.py ``az acr manifest list-metadata -r myregistry -n hello-world --query
  "[?tags==null]"``; ``--registry/-r`` and ``--name/-n`` in acr/_params.py).

Exit 0: every deployed ECR image is in ACR under the same tag with the same digest; 1: some are
missing or differ (each is printed); 2: bad input.

    python -m tools.image_parity --deployed deployed.txt --ecr ecr-api.json \
        --acr twincloud-prod/api=acr-api.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

# <account>.dkr.ecr.<region>.amazonaws.com (the private registry host ECR documents).
ECR_HOST = re.compile(r"\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")
REFERENCE = re.compile(r"(?P<host>[^/]+)/(?P<repo>[^:@]+)(:(?P<tag>[^@]+))?(@(?P<digest>sha256:[0-9a-f]{64}))?")


@dataclass(frozen=True)
class Image:
    """One deployed image from ECR: repository, tag (may be None) and digest (may be None)."""

    repository: str
    tag: str | None
    digest: str | None

    def __str__(self) -> str:
        return f"{self.repository}{':' + self.tag if self.tag else ''}{'@' + self.digest if self.digest else ''}"


def deployed_images(lines: list[str]) -> tuple[list[Image], list[str]]:
    """The ECR images among ``lines`` (deduplicated, sorted), and the references left unchecked."""
    images, others = set(), []
    for raw in lines:
        ref = raw.strip()
        if not ref:
            continue
        m = REFERENCE.fullmatch(ref)
        if not m or not ECR_HOST.fullmatch(m["host"]):
            others.append(ref)
            continue
        images.add(Image(m["repo"], m["tag"], m["digest"]))
    return sorted(images, key=str), sorted(set(others))


def ecr_tags(documents: list[dict]) -> dict[tuple[str, str], str]:
    """(repository, tag) -> digest from ``aws ecr describe-images`` outputs."""
    out = {}
    for doc in documents:
        for detail in doc["imageDetails"]:
            for tag in detail.get("imageTags") or []:
                out[(detail["repositoryName"], tag)] = detail["imageDigest"]
    return out


def acr_manifests(listings: dict[str, list[dict]]) -> dict[str, dict[str, set[str]]]:
    """repository -> digest -> tags from ``az acr manifest list-metadata`` outputs."""
    return {repo: {m["digest"]: set(m.get("tags") or []) for m in manifests} for repo, manifests in listings.items()}


def problems(images: list[Image], ecr: dict[tuple[str, str], str],
             acr: dict[str, dict[str, set[str]]]) -> list[str]:
    """What would stop the standby running what the primary runs, one line each."""
    found = []
    for image in images:
        digest = image.digest or (ecr.get((image.repository, image.tag)) if image.tag else None)
        manifests = acr.get(image.repository)
        if manifests is None:
            found.append(f"{image}: no ACR listing for {image.repository} (give --acr {image.repository}=<file>)")
            continue
        if image.tag:
            in_acr = [d for d, tags in manifests.items() if image.tag in tags]
            if not in_acr:
                found.append(f"{image}: tag {image.tag} is not in ACR; run the mirror job for it "
                             "(.github/workflows/mirror-image.yml)")
                continue
            if digest is None:
                found.append(f"{image}: no ECR digest for this tag (give --ecr for {image.repository}), so the "
                             "ACR copy cannot be compared")
            elif in_acr[0] != digest:
                found.append(f"{image}: ACR has {in_acr[0]} under tag {image.tag}, ECR has {digest}")
        elif digest not in manifests:
            found.append(f"{image}: digest {digest} is not in ACR")
    return found


def _load_json(path: str) -> object:
    text = sys.stdin.read() if path == "-" else Path(path).read_text()
    return json.loads(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.image_parity", description=__doc__.split("\n\n")[0])
    parser.add_argument("--deployed", required=True, help="image references deployed on the primary, one a line")
    parser.add_argument("--ecr", action="append", default=[], help="aws ecr describe-images JSON (repeatable)")
    parser.add_argument("--acr", action="append", default=[], metavar="REPO=FILE",
                        help="az acr manifest list-metadata JSON of one repository (repeatable)")
    args = parser.parse_args(argv)
    try:
        lines = Path(args.deployed).read_text().splitlines()
        ecr = ecr_tags([_load_json(p) for p in args.ecr])
        listings = {}
        for spec in args.acr:
            repo, sep, path = spec.partition("=")
            if not sep or not repo:
                raise ValueError(f"--acr {spec!r}: use REPOSITORY=FILE")
            listings[repo] = _load_json(path)
        acr = acr_manifests(listings)
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"image_parity: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    images, others = deployed_images(lines)
    found = problems(images, ecr, acr)
    for line in found:
        print(f"MISSING {line}")
    print(f"{len(images) - len(found)}/{len(images)} deployed ECR images are in ACR with the same digest; "
          f"{len(others)} references not from ECR were not checked")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
