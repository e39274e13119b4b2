"""Plain-English time phrases ("Friday evening", "in 3 hours", "Black Friday") to time windows.

Pure functions: the clock is the ``now`` argument and results use ``now``'s timezone (UTC when
``now`` is naive). Windows are half-open ``[start, end)``.

Conventions:
* A weekday ("Friday") is the next such day, or today if today is that day and not over; the
  window runs from the later of midnight and ``now`` to the next midnight. "next Friday" is the
  first Friday after today.
* Parts of the day are 3-hour windows: morning 08–11, midday/noon 11–14, afternoon 14–17,
  evening 18–21, night 21–24; "tonight" is 18–24 today.
* A clock time ("Friday 18:00", "Friday at 6pm") is the hour starting then.
* "in 3 hours" is the hour starting 3 hours from now; "the next 3 hours" is now to now + 3 h;
  "in 2 days" is that whole day.
* "next week" is next Monday 00:00 to the Monday after; "this weekend" is Saturday 00:00 to
  Monday 00:00 (from now if the weekend has started).
* Named days: "Black Friday" (day after the fourth Thursday of November), "Cyber Monday",
  "Christmas", "Christmas Eve", "New Year's Eve", "New Year", this year's or, when over, next
  year's; a ``holidays`` mapping overrides or adds names.
* ISO dates ("2026-11-27") are whole days; ISO date-times are the hour starting then.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

HolidayValue = date | datetime | tuple[datetime, datetime]

WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
    "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip
PARTS_OF_DAY = {
    "morning": (8, 11), "midday": (11, 14), "noon": (11, 14), "lunchtime": (11, 14),
    "afternoon": (14, 17), "evening": (18, 21), "night": (21, 24),
}  # fmt: skip
UNITS = {"minute": 60, "min": 60, "hour": 3600, "hr": 3600, "day": 86400, "week": 604800}
_TIME_RE = re.compile(r"^(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|h)?$")
_IN_RE = re.compile(r"^in\s+(\d+|an?|one)\s+(minute|min|hour|hr|day|week)s?$")
_NEXT_RE = re.compile(
    r"^(?:the\s+)?(?:next|coming|within(?:\s+the\s+next)?)\s+(\d+|an?|one)?\s*"
    r"(minute|min|hour|hr|day|week)s?$"
)


@dataclass(frozen=True)
class TimeWindow:
    """A half-open time window [start, end) with the phrase it came from.

    Attributes:
        start: Start of the window (timezone-aware).
        end: End of the window (exclusive).
        label: A short human label, e.g. "Friday 2026-11-27 18:00–21:00".
    """

    start: datetime
    end: datetime
    label: str


def black_friday(year: int) -> date:
    """US Black Friday: the day after the fourth Thursday of November."""
    first = date(year, 11, 1)
    first_thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + timedelta(days=22)


def _default_holidays(year: int) -> dict[str, date]:
    """Built-in named days for one year."""
    friday = black_friday(year)
    return {
        "black friday": friday,
        "cyber monday": friday + timedelta(days=3),
        "christmas eve": date(year, 12, 24),
        "christmas": date(year, 12, 25),
        "christmas day": date(year, 12, 25),
        "new year's eve": date(year, 12, 31),
        "new years eve": date(year, 12, 31),
        "new year": date(year + 1, 1, 1),
        "new year's day": date(year + 1, 1, 1),
    }


def _clamp(start: datetime, end: datetime, now: datetime) -> tuple[datetime, datetime]:
    """A window in progress starts now; past and future windows are left as they are."""
    return (now, end) if start < now < end else (start, end)


def _day_window(day: date, tz: tzinfo, now: datetime) -> tuple[datetime, datetime]:
    """Whole day in ``tz``, from ``now`` if the day is in progress."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    return _clamp(start, start + timedelta(days=1), now)


def _fmt_day(day: date) -> str:
    return f"{day:%A} {day.isoformat()}"


def _hours_label(day: date, start_hour: float, end_hour: float) -> str:
    def hhmm(hour: float) -> str:
        return f"{int(hour):02d}:{round((hour % 1) * 60):02d}"

    return f"{_fmt_day(day)} {hhmm(start_hour)}–{hhmm(end_hour)}"


def _parse_clock(text: str) -> float | None:
    """Hour of day (float) from "18:00", "6pm", "at 6 pm", "18h"; None if not a time."""
    match = _TIME_RE.match(text.strip())
    if not match:
        return None
    hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if suffix == "pm" and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    if suffix is None and match.group(2) is None:
        return None  # a bare number is not a time
    if hour > 23 or minute > 59:
        return None
    return hour + minute / 60.0


def _within_day(day: date, rest: str, tz: tzinfo, now: datetime) -> TimeWindow | None:
    """A window on ``day`` from the rest of the phrase: '', a part of day, or a clock time."""
    rest = rest.strip()
    if rest in ("", "all day", "whole day"):
        start, end = _day_window(day, tz, now)
        return TimeWindow(start, end, _fmt_day(day))
    hours: tuple[float, float] | None = PARTS_OF_DAY.get(rest.removeprefix("in the ").strip())
    if hours is None:
        clock = _parse_clock(rest)
        if clock is None:
            return None
        hours = (clock, clock + 1.0)
    midnight = datetime.combine(day, time(0), tzinfo=tz)
    start, end = _clamp(
        midnight + timedelta(hours=hours[0]), midnight + timedelta(hours=hours[1]), now
    )
    return TimeWindow(start, end, _hours_label(day, hours[0], hours[1]))


def _holiday(
    text: str, now: datetime, tz: tzinfo, holidays: Mapping[str, HolidayValue] | None
) -> TimeWindow | None:
    """Windows for named days, from ``holidays`` first, then the built-in list."""
    named: dict[str, HolidayValue] = {}
    for year in (now.year, now.year + 1):
        for name, day in _default_holidays(year).items():
            if (
                name not in named
                and datetime.combine(day, time(0), tzinfo=tz) + timedelta(days=1) > now
            ):
                named[name] = day
    named.update({k.lower().strip(): v for k, v in (holidays or {}).items()})
    for name in sorted(named, key=len, reverse=True):
        if not (text == name or text.startswith(name + " ")):
            continue
        value, rest = named[name], text[len(name) :].strip()
        if isinstance(value, tuple):
            return TimeWindow(value[0], value[1], name.title()) if not rest else None
        if isinstance(value, datetime):
            start = value if value.tzinfo else value.replace(tzinfo=tz)
            return TimeWindow(start, start + timedelta(hours=1), name.title()) if not rest else None
        window = _within_day(value, rest, tz, now)
        if window is not None:
            return TimeWindow(window.start, window.end, f"{name.title()} ({window.label})")
    return None


def _relative_day(text: str, now: datetime, tz: tzinfo) -> TimeWindow | None:
    """Today / tonight / tomorrow / day after tomorrow, optionally with a part of day or time."""
    today = now.date()
    if text == "tonight":
        start, end = _clamp(
            datetime.combine(today, time(18), tzinfo=tz),
            datetime.combine(today + timedelta(days=1), time(0), tzinfo=tz),
            now,
        )
        return TimeWindow(start, end, f"tonight ({_fmt_day(today)} 18:00–24:00)")
    for word, offset in (("day after tomorrow", 2), ("tomorrow", 1), ("today", 0)):
        if text == word or text.startswith(word + " "):
            day = today + timedelta(days=offset)
            return _within_day(day, text[len(word) :], tz, now)
    return None


def _weekday(text: str, now: datetime, tz: tzinfo) -> TimeWindow | None:
    """Friday, next Friday, this Friday, Friday evening, Friday at 6pm."""
    first, _, rest = text.partition(" ")
    is_next = first == "next"
    if first in ("next", "this", "coming", "on"):
        first, _, rest = rest.partition(" ")
    if first not in WEEKDAYS:
        return None
    today = now.date()
    ahead = (WEEKDAYS[first] - today.weekday()) % 7
    if is_next and ahead == 0:
        ahead = 7
    window = _within_day(today + timedelta(days=ahead), rest, tz, now)
    if window is not None and window.end <= now and not is_next:
        window = _within_day(today + timedelta(days=ahead + 7), rest, tz, now)
    return window


def _weeks(text: str, now: datetime, tz: tzinfo) -> TimeWindow | None:
    """Next week, this week, this weekend, next weekend."""
    monday = datetime.combine(now.date() - timedelta(days=now.weekday()), time(0), tzinfo=tz)
    if text == "next week":
        start = monday + timedelta(days=7)
        return TimeWindow(start, start + timedelta(days=7), f"next week (from {start:%Y-%m-%d})")
    if text == "this week":
        return TimeWindow(now, monday + timedelta(days=7), "this week")
    if text in ("weekend", "the weekend", "this weekend", "next weekend"):
        saturday = monday + timedelta(days=5)
        if text == "next weekend" and now >= saturday:
            saturday += timedelta(days=7)
        end = saturday + timedelta(days=2)
        return TimeWindow(max(now, saturday), end, f"weekend of {saturday:%Y-%m-%d}")
    return None


def _count(word: str | None) -> int:
    return 1 if word in (None, "a", "an", "one") else int(str(word))


def _offsets(text: str, now: datetime, tz: tzinfo) -> TimeWindow | None:
    """In 3 hours, in a day, (the) next 3 hours, within 2 hours."""
    match = _IN_RE.match(text)
    if match:
        seconds = _count(match.group(1)) * UNITS[match.group(2)]
        start = now + timedelta(seconds=seconds)
        if match.group(2) in ("day", "week"):
            day_start = datetime.combine(start.date(), time(0), tzinfo=tz)
            return TimeWindow(day_start, day_start + timedelta(days=1), _fmt_day(start.date()))
        return TimeWindow(start, start + timedelta(hours=1), f"{text} ({start:%a %H:%M})")
    match = _NEXT_RE.match(text)
    if match:
        seconds = _count(match.group(1)) * UNITS[match.group(2)]
        return TimeWindow(now, now + timedelta(seconds=seconds), text)
    return None


def _iso(text: str, now: datetime, tz: tzinfo) -> TimeWindow | None:
    """2026-11-27 (whole day) or 2026-11-27T18:00[Z] (the hour starting then)."""
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(0), tzinfo=tz)
            return TimeWindow(start, start + timedelta(days=1), _fmt_day(day))
        moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=tz)
    return TimeWindow(moment, moment + timedelta(hours=1), f"{moment:%A %Y-%m-%d %H:%M}")


def _clock_only(text: str, now: datetime, tz: tzinfo) -> TimeWindow | None:
    """'at 6pm' / '18:00': today if still ahead (or in progress), else tomorrow."""
    clock = _parse_clock(text)
    if clock is None:
        return None
    window = _within_day(now.date(), text, tz, now)
    if window is not None and window.end <= now:
        window = _within_day(now.date() + timedelta(days=1), text, tz, now)
    return window


def _normalise(text: str) -> str:
    text = re.sub(r"\s+", " ", text.lower().replace("’", "'")).strip(" .,!?;")
    for prefix in ("on ", "for ", "during ", "by "):
        text = text.removeprefix(prefix)
    return text


def parse_time_phrase(
    text: str, *, now: datetime, holidays: Mapping[str, HolidayValue] | None = None
) -> TimeWindow:
    """Turn a time phrase into a window (conventions in the module docstring).

    Args:
        text: The phrase, e.g. "Friday", "friday evening", "tomorrow at 9am", "in 3 hours",
            "next week", "Black Friday", "2026-11-27".
        now: The current time; naive values are taken as UTC.
        holidays: Extra or overriding named days: a date (whole day), a datetime (the hour
            starting then) or a (start, end) pair.

    Returns:
        The window.

    Raises:
        ValueError: The phrase is not understood.
    """
    tz = now.tzinfo or UTC
    now = now if now.tzinfo else now.replace(tzinfo=tz)
    phrase = _normalise(text)
    window = _holiday(phrase, now, tz, holidays) if phrase else None
    parsers: tuple[Callable[[str, datetime, tzinfo], TimeWindow | None], ...] = (
        _relative_day,
        _weekday,
        _weeks,
        _offsets,
        _iso,
        _clock_only,
    )
    try:
        for parse in parsers:
            if window is None and phrase:
                window = parse(phrase, now, tz)
    except OverflowError:  # "in 99999999 days": past the calendar's end
        raise ValueError(f"time phrase {text!r} is too far from now") from None
    if window is not None:
        return window
    raise ValueError(
        f"unknown time phrase {text!r}: try a weekday ('Friday', 'Friday 18:00', 'friday "
        "evening'), 'tomorrow', 'tonight', 'next week', 'this weekend', 'in 3 hours', a "
        "holiday ('Black Friday') or an ISO date (2026-11-27)"
    )


def find_time_phrase(
    request: str, *, now: datetime, holidays: Mapping[str, HolidayValue] | None = None
) -> TimeWindow | None:
    """Find the longest time phrase inside a request ("scale checkout for Friday traffic").

    Args:
        request: A whole request in plain English.
        now: The current time.
        holidays: As for :func:`parse_time_phrase`.

    Returns:
        The window of the longest (then leftmost) phrase found, or None.
    """
    words = re.findall(r"[\w:'’+-]+", request)
    for length in range(min(6, len(words)), 0, -1):
        for first in range(len(words) - length + 1):
            candidate = " ".join(words[first : first + length])
            lowered = candidate.lower()
            if length == 1 and ((lowered in WEEKDAYS and len(lowered) <= 4) or lowered.isdigit()):
                continue  # "sat", "sun", "wed", bare numbers: too ambiguous inside prose
            try:
                return parse_time_phrase(candidate, now=now, holidays=holidays)
            except ValueError:
                continue
    return None
