"""Facts from elsewhere: values a cloud or an upstream project defines, one table per kind.

Each entry is a ``Fact``: the value and where it was verified (a documentation URL, or
``owner/repo@commit:path``). Nothing here is derived from our own code, and nothing is
written from memory: an entry that could not be checked says ``unverified`` in its source.
``tables()`` lists every table in the project (these modules and the version pins in
``components/versions.py``); ``tests/test_facts.py`` walks them and fails on an entry
without a source. README "Facts from elsewhere" says how to refresh them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fact:
    """A value defined outside this project, with the source it was checked against."""

    value: Any
    source: str


def tables() -> dict[str, dict[str, str]]:
    """Every facts table as ``{table name: {entry: source}}`` (for the source check)."""
    from components import versions
    from components.facts import aws, azure, catalogs, eks_calendar, platform

    out: dict[str, dict[str, str]] = {}
    for module in (aws, azure, eks_calendar, catalogs, platform):
        for name in module.TABLES:
            table = getattr(module, name)
            out[f"{module.__name__}.{name}"] = {str(k): _source(v) for k, v in table.items()}
    out["components.versions.CHARTS"] = {k: p.verified for k, p in versions.CHARTS.items()}
    out["components.versions.IMAGES"] = {k: p.verified for k, p in versions.IMAGES.items()}
    out["components.versions.EKS_ADDONS"] = {
        f"{minor}/{addon}": versions.EKS_ADDONS_VERIFIED.get(addon, "")
        for minor, addons in versions.EKS_ADDONS.items() for addon in addons
    }
    out["components.versions.EKS_AMI_RELEASES"] = {
        minor: f"{pin.verified}; parameter: {versions.EKS_AMI_SSM_PARAMETER_VERIFIED}"
        for minor, pin in versions.EKS_AMI_RELEASES.items()
    }
    out["components.versions.AKS_KUBERNETES_VERSIONS"] = {
        v: versions.AKS_VERSIONS_VERIFIED for v in versions.AKS_KUBERNETES_VERSIONS
    }
    return out


def _source(entry: Any) -> str:
    return getattr(entry, "source", "") or ""
