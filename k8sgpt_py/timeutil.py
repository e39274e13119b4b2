"""Durations as people write them: ``90m``, ``24h``, ``7d``, ``2w``."""

from __future__ import annotations

import re
from datetime import timedelta

from k8sgpt_py.errors import UsageError

_DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(s|m|h|d|w)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_HINT = "use e.g. 90m, 24h, 7d or 2w"


def parse_duration(
    text: str, *, name: str = "duration", at_most: timedelta | None = None, why: str = ""
) -> timedelta:
    """``24h`` -> 24 hours; raise UsageError (exit 2) on anything else.

    Args:
        text: The duration as written.
        name: What it is, for messages (e.g. ``--horizon``).
        at_most: The longest duration accepted (none when None).
        why: Why ``at_most`` is the limit, for the hint (e.g. "kai forecasts at most 28 days
            ahead").

    Raises:
        UsageError: Not a duration, zero, or longer than ``at_most``.
    """
    match = _DURATION.match(text)
    if not match:
        raise UsageError(f"{name} is not a duration: {text[:40]!r}", hint=_HINT)
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]
    limit = f"use at most {_short(at_most)}" if at_most is not None else _HINT
    hint = f"{why}: {limit}" if why else limit
    try:
        value = timedelta(seconds=seconds)
    except OverflowError:  # more than timedelta holds (~2.7 million years)
        raise UsageError(f"{name} {text.strip()[:40]} is too long", hint=hint) from None
    if value <= timedelta(0):
        raise UsageError(f"{name} must be longer than 0, got {text.strip()!r}", hint=_HINT)
    if at_most is not None and value > at_most:
        raise UsageError(f"{name} {text.strip()} is too long", hint=hint)
    return value


def _short(value: timedelta) -> str:
    """``28 days`` -> ``28d``; ``36 hours`` -> ``36h``."""
    seconds = int(value.total_seconds())
    for unit in ("d", "h", "m"):
        if seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"
