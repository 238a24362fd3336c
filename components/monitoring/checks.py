"""Pure checks over rendered configs and Helm values, shared by the tests and the policy pack.

* ``static_credentials``: any key that would hold a storage or cloud credential;
* ``hpa_conflicts``: a workload with both an enabled autoscaler and a fixed ``replicas``;
* ``image_refs``: every (repository, tag) a values document pins, for the version checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

CREDENTIAL_KEYS = (
    "access_key_id", "secret_access_key", "access_key", "secret_key", "session_token",
    "accessKeyId", "secretAccessKey", "sessionToken",
    "account_key", "accountKey", "connection_string", "connectionString", "sas_token", "sasToken",
    "client_secret", "clientSecret",
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AZURE_CLIENT_SECRET",
    "AZURE_STORAGE_KEY", "AZURE_STORAGE_CONNECTION_STRING",
)
_CREDENTIAL_RE = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, CREDENTIAL_KEYS)) + r")(?![A-Za-z0-9_])")


def static_credentials(document: Any) -> list[str]:
    """Credential-bearing key names found anywhere in ``document``, including inside
    embedded config files (YAML/River strings), as ``path: key`` entries."""
    found = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if str(k) in CREDENTIAL_KEYS:
                    found.append(f"{path}.{k}".lstrip("."))
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")
        elif isinstance(node, str):
            for m in _CREDENTIAL_RE.finditer(node):
                found.append(f"{path.lstrip('.')}: {m.group(1)} (in embedded text)")

    walk(document, "")
    return found


def hpa_conflicts(values: Any) -> list[str]:
    """Paths of blocks with ``autoscaling.enabled: true`` that also set ``replicas``."""
    found = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            scaling = node.get("autoscaling")
            if isinstance(scaling, dict) and scaling.get("enabled") and "replicas" in node:
                found.append(path.lstrip(".") or "(root)")
            for k, v in node.items():
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}[{i}]")

    walk(values, "")
    return found


def image_refs(values: Any) -> Iterator[tuple[str, str, str]]:
    """``(path, repository, tag)`` for every image a values document sets: either
    ``{registry, repository, tag}`` blocks or a ``repository`` + ``tag`` pair (tempo chart)."""

    def walk(node: Any, path: str) -> Iterator[tuple[str, str, str]]:
        if isinstance(node, dict):
            if isinstance(node.get("repository"), str) and "tag" in node:
                registry = node.get("registry")
                repo = f"{registry}/{node['repository']}" if registry else node["repository"]
                yield path.lstrip("."), repo, str(node.get("tag") or "")
            for k, v in node.items():
                yield from walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{path}[{i}]")

    yield from walk(values, "")


def as_text(document: Any) -> str:
    return json.dumps(document, sort_keys=True, default=str)
