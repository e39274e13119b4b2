"""Time phrases to windows, with a fixed clock (Wednesday 2026-11-25T10:00Z)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from k8sgpt_py.advisors.timephrase import (
    black_friday,
    find_time_phrase,
    parse_time_phrase,
)

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def _at(day: int, hour: int = 0, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.mark.parametrize(
    ("phrase", "start", "end"),
    [
        ("Friday", _at(27), _at(28)),
        ("friday", _at(27), _at(28)),
        ("Friday 18:00", _at(27, 18), _at(27, 19)),
        ("Friday at 6pm", _at(27, 18), _at(27, 19)),
        ("friday evening", _at(27, 18), _at(27, 21)),
        ("on Friday", _at(27), _at(28)),
        ("next friday", _at(27), _at(28)),
        ("Wednesday", NOW, _at(26)),  # today, not over: from now
        ("next Wednesday", _at(2, month=12), _at(3, month=12)),
        ("wednesday morning", NOW, _at(25, 11)),  # in progress: from now
        ("wednesday night", _at(25, 21), _at(26)),
        ("tomorrow", _at(26), _at(27)),
        ("tomorrow morning", _at(26, 8), _at(26, 11)),
        ("tomorrow at 9am", _at(26, 9), _at(26, 10)),
        ("today", NOW, _at(26)),
        ("tonight", _at(25, 18), _at(26)),
        ("next week", _at(30), _at(7, month=12)),
        ("this weekend", _at(28), _at(30)),
        ("in 3 hours", _at(25, 13), _at(25, 14)),
        ("in an hour", _at(25, 11), _at(25, 12)),
        ("the next 3 hours", NOW, _at(25, 13)),
        ("in 2 days", _at(27), _at(28)),
        ("Black Friday", _at(27), _at(28)),
        ("black friday evening", _at(27, 18), _at(27, 21)),
        ("Cyber Monday", _at(30), _at(1, month=12)),
        ("2026-12-01", _at(1, month=12), _at(2, month=12)),
        ("2026-12-01T18:00Z", _at(1, 18, month=12), _at(1, 19, month=12)),
        ("at 6pm", _at(25, 18), _at(25, 19)),
        ("8am", _at(26, 8), _at(26, 9)),  # today's 8am is over
    ],
)
def test_parse_time_phrase_windows(phrase: str, start: datetime, end: datetime) -> None:
    window = parse_time_phrase(phrase, now=NOW)
    assert (window.start, window.end) == (start, end)
    assert window.label


def test_parse_time_phrase_labels_are_readable() -> None:
    assert parse_time_phrase("friday evening", now=NOW).label == "Friday 2026-11-27 18:00–21:00"
    assert parse_time_phrase("Black Friday", now=NOW).label == "Black Friday (Friday 2026-11-27)"


def test_parse_time_phrase_friday_today_until_over() -> None:
    friday_noon = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    window = parse_time_phrase("Friday", now=friday_noon)
    assert (window.start, window.end) == (friday_noon, _at(28))
    late = parse_time_phrase("friday morning", now=friday_noon)
    assert late.start == _at(4, 8, month=12)  # this morning is over: next week's


def test_parse_time_phrase_holiday_mapping_overrides_default() -> None:
    holidays = {"Black Friday": date(2026, 11, 20), "launch": (_at(1, 9, 12), _at(1, 17, 12))}
    window = parse_time_phrase("black friday", now=NOW, holidays=holidays)
    assert (window.start, window.end) == (_at(20), _at(21))
    launch = parse_time_phrase("Launch", now=NOW, holidays=holidays)
    assert (launch.start, launch.end) == (_at(1, 9, 12), _at(1, 17, 12))


def test_parse_time_phrase_black_friday_rolls_to_next_year_when_over() -> None:
    december = datetime(2026, 12, 5, tzinfo=UTC)
    window = parse_time_phrase("Black Friday", now=december)
    assert window.start.date() == black_friday(2027) == date(2027, 11, 26)


def test_black_friday_dates() -> None:
    assert black_friday(2025) == date(2025, 11, 28)
    assert black_friday(2026) == date(2026, 11, 27)
    assert black_friday(2030) == date(2030, 11, 29)


def test_parse_time_phrase_naive_now_is_utc() -> None:
    window = parse_time_phrase("tomorrow", now=datetime(2026, 11, 25, 10))
    assert window.start == _at(26)


@pytest.mark.parametrize("phrase", ["someday", "", "friday 25:00", "next fortnight", "3"])
def test_parse_time_phrase_unknown_raises_clear_error(phrase: str) -> None:
    with pytest.raises(ValueError, match="unknown time phrase"):
        parse_time_phrase(phrase, now=NOW)


@pytest.mark.parametrize(
    ("request_text", "start", "end"),
    [
        ("scale checkout to handle Friday traffic", _at(27), _at(28)),
        ("scale checkout for friday at 6pm please", _at(27, 18), _at(27, 19)),
        ("get ready for Black Friday", _at(27), _at(28)),
        ("will frontend cope tomorrow morning?", _at(26, 8), _at(26, 11)),
        ("what about the next 3 hours?", NOW, _at(25, 13)),
    ],
)
def test_find_time_phrase_in_requests(request_text: str, start: datetime, end: datetime) -> None:
    window = find_time_phrase(request_text, now=NOW)
    assert window is not None
    assert (window.start, window.end) == (start, end)


@pytest.mark.parametrize(
    "request_text", ["restart the cart pod", "scale checkout to 3 replicas", "why is it sad"]
)
def test_find_time_phrase_none_when_absent(request_text: str) -> None:
    assert find_time_phrase(request_text, now=NOW) is None


@pytest.mark.parametrize(
    "phrase", ["in 99999999999 days", "in 9999999 weeks", "next 99999999999 weeks", "9999-12-31"]
)
def test_parse_time_phrase_past_the_calendar_is_a_value_error(phrase: str) -> None:
    with pytest.raises(ValueError, match="too far from now"):
        parse_time_phrase(phrase, now=NOW)
    assert find_time_phrase(f"scale checkout for {phrase}", now=NOW) is None


def test_holidays_roll_over_the_year_end() -> None:
    after_black_friday = datetime(2026, 11, 30, 9, tzinfo=UTC)
    assert parse_time_phrase("black friday", now=after_black_friday).start == _at(26, year=2027)
    new_years_week = datetime(2026, 12, 28, 9, tzinfo=UTC)
    assert parse_time_phrase("new year", now=new_years_week).start == _at(1, month=1, year=2027)
    after_new_year = datetime(2027, 1, 4, 9, tzinfo=UTC)
    assert parse_time_phrase("new year", now=after_new_year).start == _at(1, month=1, year=2028)
    assert parse_time_phrase("christmas", now=after_new_year).start == _at(25, 0, 12, 2027)
