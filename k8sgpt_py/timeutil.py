"""Durations as people write them: ``90m``, ``24h``, ``7d``, ``2w``."""

from __future__ import annotations

import re
from datetime import timedelta

from k8sgpt_py.errors import UsageError

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> timedelta:
    """``24h`` -> 24 hours; raise UsageError (exit 2) on anything else."""
    match = _DURATION.match(text)
    if not match:
        raise UsageError(f"not a duration: {text!r}", hint="use e.g. 90m, 24h, 7d or 2w")
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()])
