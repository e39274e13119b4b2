"""Validate CronJob schedules the way the controller parses them (5 fields or a descriptor)."""

from __future__ import annotations

import re

_DESCRIPTORS = frozenset(
    {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_DAYS = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 6, _DAYS),
)
_DIGITS = re.compile(r"[0-9]+")
_EVERY = re.compile(r"^@every\s+(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")


def schedule_error(schedule: str) -> str | None:
    """Why ``schedule`` is not a valid cron schedule, or ``None`` when it is."""
    spec = schedule.strip()
    if not spec:
        return "schedule is empty"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        return "time zones in the schedule are not allowed: use spec.timeZone"
    if spec.startswith("@"):
        if spec.lower() in _DESCRIPTORS or _EVERY.match(spec):
            return None
        return f"unknown descriptor {spec!r}"
    fields = spec.split()
    if len(fields) != len(_FIELDS):
        return f"expected 5 fields (minute hour day-of-month month day-of-week), got {len(fields)}"
    for value, (label, low, high, names) in zip(fields, _FIELDS, strict=True):
        error = _field_error(value, low, high, names)
        if error:
            return f"{label} field {value!r}: {error}"
    return None


def _field_error(value: str, low: int, high: int, names: dict[str, int]) -> str | None:
    for part in value.split(","):
        base, _, step = part.partition("/")
        if step and (not _DIGITS.fullmatch(step) or int(step) == 0):
            return f"bad step {step!r}"
        if base in ("*", "?"):
            continue
        start, _, end = base.partition("-")
        for bound in (start, end) if end else (start,):
            number = int(bound) if _DIGITS.fullmatch(bound) else names.get(bound.lower())
            if number is None:
                return f"{bound!r} is not a number or name"
            if not low <= number <= high:
                return f"{number} is outside {low}-{high}"
        if end and _value(start, names) > _value(end, names):
            return f"range {base} runs backwards"
    return None


def _value(bound: str, names: dict[str, int]) -> int:
    return int(bound) if _DIGITS.fullmatch(bound) else names[bound.lower()]
