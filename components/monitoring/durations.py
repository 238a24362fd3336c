"""Duration and quantity helpers shared by the config schema and the renderers."""

from __future__ import annotations

import re

DURATION = re.compile(r"^(\d+)([hdw])\Z")  # \Z, not $: "14d\n" is not a duration
QUANTITY = re.compile(r"^(\d+)(Mi|Gi|Ti)\Z")
_HOURS = {"h": 1, "d": 24, "w": 24 * 7}
_MIB = {"Mi": 1, "Gi": 1024, "Ti": 1024 * 1024}


def hours(duration: str) -> int:
    """``"14d"`` -> ``336``; accepts whole hours, days or weeks (``h``/``d``/``w``)."""
    m = DURATION.match(duration)
    if not m:
        raise ValueError(f"{duration!r} is not a duration like 12h, 14d or 2w")
    return int(m.group(1)) * _HOURS[m.group(2)]


def go_duration(duration: str) -> str:
    """As a Go ``time.Duration`` (Tempo and Loki limits take ``336h``, not ``14d``)."""
    return f"{hours(duration)}h"


def mebibytes(quantity: str) -> int:
    """``"2Gi"`` -> ``2048``."""
    m = QUANTITY.match(quantity)
    if not m:
        raise ValueError(f"{quantity!r} is not a quantity like 512Mi, 2Gi or 1Ti")
    return int(m.group(1)) * _MIB[m.group(2)]


def retention_size(storage_size: str, fraction: float = 0.85) -> str:
    """Prometheus ``retentionSize`` leaving headroom on the volume (``50Gi`` -> ``45GB``).

    Prometheus deletes the oldest blocks once the TSDB exceeds this size, so a volume that
    fills faster than ``retention`` expects never runs out of space (a full volume stops
    ingestion and can corrupt the WAL).
    """
    mib = mebibytes(storage_size)
    return f"{max(1, int(mib * 1.048576 * fraction / 1000))}GB"
