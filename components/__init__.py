"""Reusable Pulumi components for the twincloud platform.

Import the component you need from its module (``from components.aws.vpc import Vpc``);
nothing here has side effects at import time.
"""
