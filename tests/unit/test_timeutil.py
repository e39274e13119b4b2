"""Durations from flags (k8sgpt_py/timeutil.py): a timedelta in range, or exit 2."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from k8sgpt_py.errors import ExitCode, UsageError
from k8sgpt_py.timeutil import parse_duration

LIMIT = timedelta(days=28)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90m", timedelta(minutes=90)),
        ("24h", timedelta(hours=24)),
        (" 7D ", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        ("1.5h", timedelta(minutes=90)),
        ("28d", LIMIT),
        ("4w", LIMIT),
    ],
)
def test_parse_duration_reads_what_people_write(text, expected):
    assert parse_duration(text, at_most=LIMIT) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("99999999d", "--x 99999999d is too long"),
        ("1" * 300 + "w", "is too long"),
        ("28.001d", "--x 28.001d is too long"),
        ("0s", "--x must be longer than 0"),
        ("0.0000001s", "--x must be longer than 0"),
        ("-5m", "--x is not a duration"),
        ("5", "--x is not a duration"),
        ("nan h", "--x is not a duration"),
        ("inf d", "--x is not a duration"),
        ("1e5s", "--x is not a duration"),
        ("١٢h", "--x is not a duration"),
    ],
)
def test_parse_duration_rejects_with_one_line(text, message):
    with pytest.raises(UsageError) as caught:
        parse_duration(text, name="--x", at_most=LIMIT, why="kai does at most 28 days")
    assert caught.value.exit_code == ExitCode.USAGE and message in caught.value.message
    if "too long" in message:
        assert caught.value.hint == "kai does at most 28 days: use at most 28d"


def test_parse_duration_without_a_limit_still_stops_at_overflow():
    assert parse_duration("99999d") == timedelta(days=99999)
    with pytest.raises(UsageError, match="too long"):
        parse_duration("9999999999d")


@given(
    st.one_of(
        st.text(max_size=30),
        st.tuples(
            st.one_of(
                st.integers(min_value=-(10**40), max_value=10**40).map(str),
                st.floats(allow_nan=True, allow_infinity=True).map(repr),
            ),
            st.sampled_from(["s", "m", "h", "d", "w", "x", ""]),
        ).map("".join),
    )
)
def test_parse_duration_is_in_range_or_a_usage_error(text):
    try:
        value = parse_duration(text, at_most=LIMIT)
    except UsageError as exc:
        assert exc.exit_code == ExitCode.USAGE and "\n" not in exc.message
    else:
        assert timedelta(0) < value <= LIMIT
