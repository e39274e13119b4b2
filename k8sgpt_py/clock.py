"""The one clock: every production read of the current time goes through :func:`now`.

``KAI_NOW`` (ISO 8601, e.g. ``2026-11-23T09:00:00Z``) pins the clock for reproducible runs
and tests: kai, the sandbox it starts and the metric sources then agree on one instant that
does not move. Unset, :func:`now` is the wall clock in UTC. Code below the CLI takes the time
as a ``now`` argument (STYLE.md §3); only the edges call :func:`now`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from k8sgpt_py.errors import UsageError

ENV = "KAI_NOW"
# Far enough from datetime's limits that windows, history starts and next year's holidays
# computed around "now" never overflow.
FIRST_YEAR, LAST_YEAR = 1971, 9000
_EXAMPLE = "2026-11-23T09:00:00Z"


def now() -> datetime:
    """The current time in UTC, or ``KAI_NOW`` when set.

    Raises:
        UsageError: ``KAI_NOW`` is set but not an ISO 8601 time in a usable range (exit 2).
    """
    raw = os.environ.get(ENV, "")
    if not raw.strip():
        return datetime.now(UTC)
    return parse_instant(raw)


def running() -> Callable[[], datetime]:
    """A clock that starts at :func:`now` and moves with real time.

    The sandbox's controllers use it: with ``KAI_NOW`` pinned, their deadlines (a rollout's
    ``progressDeadlineSeconds``, a token's expiry) still pass, counted from that instant.
    """
    start, started = now(), time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - started)


def parse_instant(raw: str) -> datetime:
    """``KAI_NOW``'s value as an aware UTC datetime (naive values are taken as UTC).

    Raises:
        UsageError: Not an ISO 8601 date or time, or outside years 1971-9998.
    """
    text = raw.strip()
    hint = f"unset {ENV}, or give an ISO 8601 time such as {ENV}={_EXAMPLE}"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{ENV} is not an ISO 8601 time: {text[:60]!r}", hint=hint) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # checked before astimezone can overflow
        raise UsageError(
            f"{ENV} must be in the years {FIRST_YEAR} to {LAST_YEAR}, got {text!r}", hint=hint
        )
    return moment.astimezone(UTC)
