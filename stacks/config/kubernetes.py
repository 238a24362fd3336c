"""Kubernetes label and taint syntax, as the API server validates it.

Label keys and taint keys are "qualified names": an optional DNS-1123 subdomain prefix (at
most 253 characters) and ``/``, then a name of at most 63 characters that starts and ends
with a letter or digit and has letters, digits, ``-``, ``_`` and ``.`` between. Label and
taint values are empty or such a name. Source: kubernetes/apimachinery
pkg/util/validation/validation.go (``qualifiedNameFmt``, ``IsQualifiedName``,
``IsValidLabelValue``, ``LabelValueMaxLength = 63``; read through the copies found by the
search tools, upstream commit unverified) and https://kubernetes.io/docs/reference/kubectl/
generated/kubectl_taint ("The key must begin with a letter or number, and may contain
letters, numbers, hyphens, dots, and underscores ... Optionally, the key can begin with a
DNS subdomain prefix and a single '/' ... The value ... up to 63 characters").
Cloud APIs can be stricter (EKS: label and taint keys at most 63 characters, label values
1-63; callers pass those limits from ``components.facts.catalogs``).
"""

from __future__ import annotations

import re

QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def qualified_name_problem(key: str) -> str | None:
    """Why ``key`` is not a Kubernetes qualified name (label or taint key), or None."""
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not DNS1123_SUBDOMAIN.fullmatch(prefix)):
        return (f"{key!r}: the prefix before '/' must be a DNS subdomain (lower-case letters, digits, '-' and '.', "
                "at most 253 characters), e.g. twincloud.io/role")
    if not name or len(name) > 63 or not QUALIFIED_NAME.fullmatch(name):
        return (f"{key!r}: the name must be 1-63 letters, digits, '-', '_' or '.', starting and ending with a "
                "letter or digit")
    return None


def label_value_problem(value: str, *, min_length: int = 0, max_length: int = 63) -> str | None:
    """Why ``value`` is not a Kubernetes label value (within the caller's length limits), or None."""
    if not min_length <= len(value) <= max_length or (value and not QUALIFIED_NAME.fullmatch(value)):
        return (f"{value!r}: label and taint values are {min_length}-{max_length} letters, digits, '-', '_' or "
                "'.', starting and ending with a letter or digit")
    return None


def label_problems(labels: dict[str, str], *, key_max: int = 316, value_min: int = 0,
                   value_max: int = 63) -> list[str]:
    """Every problem with a map of node labels (``key_max``: the cloud API's limit on the key)."""
    problems = []
    for key, value in labels.items():
        problem = qualified_name_problem(key)
        if problem is None and len(key) > key_max:
            problem = f"{key!r}: at most {key_max} characters here"
        if problem is None:
            problem = label_value_problem(value, min_length=value_min, max_length=value_max)
        if problem:
            problems.append(problem)
    return problems


def taint_key_problem(key: str, *, key_max: int = 316) -> str | None:
    problem = qualified_name_problem(key)
    if problem is None and len(key) > key_max:
        problem = f"{key!r}: at most {key_max} characters here"
    return problem


def taint_value_problem(value: str | None, *, value_max: int = 63) -> str | None:
    return None if value is None else label_value_problem(value, max_length=value_max)
