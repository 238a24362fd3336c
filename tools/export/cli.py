"""``python -m tools.plan --format tfplan|arm|manifests``: one export as text."""

from __future__ import annotations

import json

from tools.engine import Plan


def render_export(plan: Plan, fmt: str) -> str:
    """The export named ``fmt`` of ``plan``; ValueError (a user-facing message) when it cannot be made."""
    from tools.export.arm import ArmExportError, export_arm
    from tools.export.manifests import export_manifests
    from tools.export.tfplan import ExportError, export_tfplan

    try:
        if fmt == "tfplan":
            return json.dumps(export_tfplan(plan), indent=2, default=str) + "\n"
        if fmt == "arm":
            return json.dumps(export_arm(plan), indent=2, default=str) + "\n"
        if fmt == "manifests":
            return export_manifests(plan)
    except (ExportError, ArmExportError) as e:
        raise ValueError(str(e)) from None
    raise ValueError(f"unknown export format {fmt!r}")
