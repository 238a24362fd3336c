"""Tagging and naming schema: every taggable AWS/Azure resource carries the platform's tags
with allowed values, and logical names follow ``<project>-<stack>-...``.

The tags come from one stack transformation (``components/tagging.py``): Environment,
Project and ManagedBy from the platform, Owner and CostCenter from ``twincloud:tags``.
A resource without them escaped the transformation (a ``tags`` input it does not pass on,
or a resource created outside ``stacks/``) and is invisible to cost reports and to the
environment-aware rules of this pack.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from policies.common import MANDATORY, UNKNOWN, Res, ResourceRule, urn_parts
from policies.taggable import is_taggable

DEFAULT_REQUIRED_TAGS: dict[str, list[str]] = {
    "Environment": ["dev", "prod"],
    "Project": ["twincloud"],
    "ManagedBy": ["pulumi"],
    "Owner": [],
    "CostCenter": [],
}
DEFAULT_NAME_PATTERN = r"^{project}-{stack}(-[A-Za-z0-9_.]+)*$"


def check_required_tags(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    tags = res.tags
    if tags is UNKNOWN:
        return
    required: Mapping[str, list[str]] = cfg["requiredTags"]
    missing = sorted(k for k in required if tags.get(k) in (None, ""))
    if missing:
        yield (f"missing required tags {missing}; tags come from the stack transformation "
               f"(components/tagging.py) and twincloud:tags (Owner, CostCenter)")
    for key, allowed in sorted(required.items()):
        value = tags.get(key)
        if value in (None, "") or value is UNKNOWN or not allowed:
            continue
        if value not in allowed:
            yield f"tag {key}={value!r} is not an allowed value; allowed: {list(allowed)}"


def check_name(res: Res, cfg: Mapping[str, Any]) -> Iterable[str]:
    parts = urn_parts(res.urn)
    pattern = str(cfg["namePattern"]).format(project=re.escape(parts["project"]), stack=re.escape(parts["stack"]))
    if not re.match(pattern, res.name):
        yield (f"logical name {res.name!r} does not follow the project pattern {pattern}; derive names from "
               f"the '<project>-<stack>' prefix with components.naming.child_name")


REQUIRED_TAGS = ResourceRule(
    name="required-tags",
    description="Every taggable AWS and Azure resource carries the required tags with allowed values",
    check=check_required_tags,
    resource_types=("every aws:* / azure-native:* type with a tags map (policies/taggable_types.txt)",),
    applies=is_taggable,
    severity=Severity.MEDIUM,
    enforcement=MANDATORY,
    remediation="Create the resource inside stacks/ so the tag transformation reaches it, pass the `tags` input "
                "through in custom components, and set Owner/CostCenter under twincloud:tags.",
    config={"requiredTags": {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "default": DEFAULT_REQUIRED_TAGS,
        "description": "Tag name -> allowed values (an empty list allows any non-empty value).",
    }},
    tags=["tagging", "cost"],
)

RESOURCE_NAMING = ResourceRule(
    name="resource-naming",
    description="Logical names of AWS/Azure resources and our components start with '<project>-<stack>'",
    check=check_name,
    resource_types=("aws:*", "azure-native:*", "twincloud:*"),
    severity=Severity.LOW,
    enforcement=MANDATORY,
    remediation="Name resources with components.naming.child_name(<component name>, ...) starting from the "
                "stack prefix that stacks/__main__.py passes to every build_* function.",
    config={"namePattern": {
        "type": "string",
        "default": DEFAULT_NAME_PATTERN,
        "description": "Regular expression for logical names; {project} and {stack} are filled in from the URN.",
    }},
    tags=["naming"],
)

POLICIES = [REQUIRED_TAGS, RESOURCE_NAMING]
