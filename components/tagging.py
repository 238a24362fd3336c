"""One mechanism for tags: a stack transformation that merges the platform's tags into
every taggable resource (AWS and Azure alike), so no component repeats them.

A resource is taggable when its provider schema has a ``tags`` map input (every AWS and
azure-native resource that supports tags does); resource-specific tags (for example the
EKS subnet-discovery tags) win over the defaults for the same key.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

import pulumi

# The kind of an EKS access entry (admin, viewer, access): components/aws/access_entries.py sets
# it, the eks-access-no-cluster-admin-for-non-admins rule reads it.
ACCESS_TAG = "twincloud.io/access"


def base_tags(environment: str, project: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The tag set every resource carries: Environment, Project, ManagedBy plus config extras."""
    tags = {"Environment": environment, "Project": project, "ManagedBy": "pulumi"}
    tags.update(extra or {})
    return tags


def _merge(defaults: Mapping[str, str], own):
    if own is None:
        return dict(defaults)
    if isinstance(own, Mapping):
        return {**defaults, **own}
    # An Output or awaitable map: merge once it resolves.
    return pulumi.Output.from_input(own).apply(lambda o: {**defaults, **(o or {})})


def tag_transformation(tags: Mapping[str, str]) -> pulumi.ResourceTransformation:
    """A transformation adding ``tags`` to every custom resource whose args take a tag map."""
    defaults = dict(tags)

    def transform(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        if not isinstance(args.resource, pulumi.CustomResource):
            return None
        # Generated SDKs pass an input-type object (its __dict__ holds snake_case keys and
        # the type maps them to the engine's camelCase names); copy it, never flatten it.
        fields = args.props if isinstance(args.props, dict) else getattr(args.props, "__dict__", {})
        if "tags" not in fields:
            return None
        own = fields["tags"]
        if own is not None and not isinstance(own, (Mapping, pulumi.Output)):
            return None  # list-shaped tags (e.g. autoscaling groups) are left alone
        if isinstance(args.props, dict):
            props = {**args.props, "tags": _merge(defaults, own)}
        else:
            props = copy.copy(args.props)
            props.__dict__["tags"] = _merge(defaults, own)
        return pulumi.ResourceTransformationResult(props=props, opts=args.opts)

    return transform


def apply_default_tags(tags: Mapping[str, str]) -> None:
    """Register the tag transformation on the current stack (call once, from ``stacks/``)."""
    pulumi.runtime.register_stack_transformation(tag_transformation(tags))
