"""Naming rules shared by every component.

Logical names are lower-case kebab (``dev-net-private-0``). Physical names of globally
unique resources (S3 buckets, registries, Key Vaults, storage accounts) derive from the
project, stack and region plus a short stable hash, so two regions or two stacks never
collide and a region rebuild needs no hand-picked names.
"""

from __future__ import annotations

import hashlib
import re

LOGICAL_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# Short region codes keep physical names inside the tight limits (24 chars for storage
# accounts and Key Vaults). Unknown regions fall back to a deterministic abbreviation.
_REGION_WORDS = {
    "north": "n", "south": "s", "east": "e", "west": "w", "central": "c",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}


def region_code(region: str) -> str:
    """``eu-west-1`` -> ``euw1``; ``westeurope`` -> ``weu``; stable for any input."""
    region = region.lower()
    if "-" in region:  # AWS style: eu-west-1, us-gov-west-1, ap-southeast-2
        parts = region.split("-")
        out = ""
        for p in parts:
            out += _REGION_WORDS.get(p, p[:2] if not p.isdigit() else p)
        return out
    # Azure style: westeurope, eastus2, southeastasia
    for word, code in sorted(_REGION_WORDS.items(), key=lambda kv: -len(kv[0])):
        if region.startswith(word):
            rest = region[len(word):]
            digits = "".join(ch for ch in rest if ch.isdigit())
            letters = "".join(ch for ch in rest if ch.isalpha())
            return code + letters[:2] + digits
    return re.sub(r"[^a-z0-9]", "", region)[:6]


def short_hash(*parts: str, length: int = 6) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def global_name(
    *parts: str,
    stack: str,
    region: str,
    max_length: int = 63,
    separator: str = "-",
    alphanumeric: bool = False,
) -> str:
    """A globally unique, deterministic physical name.

    ``global_name("loki", "chunks", stack="prod", region="eu-west-1")`` ->
    ``twincloud-prod-euw1-loki-chunks-<hash>``. The hash covers every input, so the same
    stack in another region (or another stack) always yields a different name, while the
    same inputs always give the same name (no churn on re-runs).
    ``alphanumeric=True`` drops separators for resources that allow only [a-z0-9]
    (storage accounts, ACR). The result is truncated from the middle, never dropping the hash.
    """
    words = ["twincloud", stack, region_code(region), *parts]
    digest = short_hash(*words, region)
    sep = "" if alphanumeric else separator
    words = [re.sub(r"[^a-z0-9]" if alphanumeric else r"[^a-z0-9-]", "", w.lower()) for w in words]
    body = sep.join(w for w in words if w)
    room = max_length - len(digest) - len(sep)
    if room <= 0:
        raise ValueError(f"max_length {max_length} leaves no room for a name")
    return f"{body[:room].rstrip('-')}{sep}{digest}"


def child_name(parent: str, *parts: str | int) -> str:
    """Logical name of a child: ``child_name("dev-net", "private", 0)`` -> ``dev-net-private-0``."""
    return "-".join([parent, *(str(p) for p in parts)])
