"""The monitoring stack's pins, under the name the monitoring components look for first.

The one table lives in ``components/versions.py`` (EKS add-ons, AKS versions, Helm charts
and images together, so the policy pack reads a single source). This module re-exports it;
it defines no version of its own.
"""

from components.versions import (  # noqa: F401
    CHARTS,
    FLOATING_TAGS,
    IMAGES,
    KNOWN_BAD,
    ChartPin,
    ImagePin,
    KnownBad,
    check_pin,
    pinned_problems,
)

__all__ = ["CHARTS", "FLOATING_TAGS", "IMAGES", "KNOWN_BAD", "ChartPin", "ImagePin", "KnownBad", "check_pin",
           "pinned_problems"]
