"""`kai forecast` through the CLI on the sandbox's demo history."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def test_forecast_json_has_the_numbers(sandbox, kai):
    result = kai(
        "-o", "json", "forecast", "deploy/checkoutservice", "--metric", "rps", "--horizon", "1d"
    )
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["kind"] == "Forecast" and doc["metric"] == "rps" and doc["unit"] == "req/s"
    points = doc["forecast"]
    start = datetime.fromisoformat(points[0]["time"])
    end = datetime.fromisoformat(points[-1]["time"])
    assert 23 * 3600 <= (end - start).total_seconds() <= 24 * 3600
    assert all(p["lower"] <= p["mean"] <= p["upper"] for p in points)
    assert doc["backtest_mase"] is not None and doc["backtest"]
    assert doc["history"][-1]["time"] < points[0]["time"]


def test_forecast_text_plot_and_png(sandbox, kai, tmp_path):
    png = tmp_path / "cart.png"
    result = kai("forecast", "cart", "--metric", "memory", "--horizon", "12h", "--plot", str(png))
    assert result.exit_code == 0, result.stderr
    assert "forecast (" in result.stdout and "└" in result.stdout
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_forecast_plot_without_a_suffix_writes_exactly_that_file(sandbox, kai, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "cart-memory"
    result = kai("forecast", "cart", "--horizon", "12h", "--plot", str(target))
    assert result.exit_code == 0, result.stderr
    assert f"wrote {target}" in result.stdout
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # PNG, and no "cart-memory.png"
    assert [p.name for p in out.iterdir()] == ["cart-memory"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("missing/plot.png", "does not exist"),
        ("plot.txt", "cannot write 'txt' images"),
        (".", "is a directory"),
    ],
)
def test_forecast_plot_path_kai_cannot_write_is_bad_input(sandbox, kai, tmp_path, where, message):
    # was exit 1 "internal error: FileNotFoundError/ValueError" after fitting the forecast
    out = tmp_path / "out"
    out.mkdir()
    result = kai("forecast", "cart", "--plot", str(out / where))
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and message in lines[0] and lines[1].startswith("hint: ")
    assert "internal error" not in result.stderr and result.stdout == ""
    assert list(out.iterdir()) == []


def test_forecast_plot_that_fails_to_write_is_bad_input(sandbox, kai):
    result = kai("forecast", "cart", "--horizon", "12h", "--plot", "/dev/full")  # ENOSPC
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "kai: error: cannot write --plot /dev/full: No space left on device"
    assert len(lines) == 2 and lines[1].startswith("hint: ")


def test_forecast_bad_input(sandbox, kai):
    assert kai("forecast", "checkout", "--metric", "latency").exit_code == 2
    assert kai("forecast", "checkout", "--horizon", "forever").exit_code == 2
    assert kai("forecast", "zzzqqq").exit_code == 2


@pytest.mark.parametrize(
    ("horizon", "message"),
    [
        ("99999999d", "--horizon 99999999d is too long"),  # a timedelta would overflow
        ("9" * 400 + "w", "is too long"),  # inf seconds
        ("29d", "--horizon 29d is too long"),  # past the forecast horizon
        ("0d", "--horizon must be longer than 0"),
        ("0.0000001s", "--horizon must be longer than 0"),  # rounds to nothing
        ("-1d", "--horizon is not a duration"),
        ("nan", "--horizon is not a duration"),
        ("infd", "--horizon is not a duration"),
        ("1e3h", "--horizon is not a duration"),
        ("٣d", "--horizon is not a duration"),  # non-ASCII digits
    ],
)
def test_forecast_bad_horizons_exit_2_in_one_line(kai, horizon, message):
    # checked before kai looks for a cluster: no sandbox needed, and none is reached
    result = kai("forecast", "checkout", f"--horizon={horizon}")
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and message in lines[0] and lines[1].startswith("hint: ")
    if "too long" in message:
        assert lines[1] == "hint: kai forecasts at most 28 days ahead: use at most 28d"


def test_forecast_at_the_longest_horizon(sandbox, kai):
    result = kai("-o", "json", "forecast", "checkout", "--horizon", "28d")
    assert result.exit_code == 0, result.stderr
    points = result.json()["forecast"]
    span = datetime.fromisoformat(points[-1]["time"]) - datetime.fromisoformat(points[0]["time"])
    assert timedelta(days=27, hours=23) <= span <= timedelta(days=28)


NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=8).map(str),
    st.text(alphabet="0123456789.-+e", min_size=1, max_size=25),
)
DURATIONS = st.one_of(
    st.tuples(NUMBERS, st.sampled_from(["s", "m", "h", "d", "w", "D", " d", "y", ""])).map("".join),
    st.text(max_size=20),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(horizon=DURATIONS, since=DURATIONS)
def test_random_durations_never_crash(sandbox, kai, horizon, since):
    # an unknown workload: a duration that passes its check fails next, on the name (also 2)
    for result, flag in (
        (kai("forecast", "zzzqqq", f"--horizon={horizon}"), "--horizon"),
        (kai("anomalies", "zzzqqq", f"--since={since}"), "--since"),
    ):
        assert result.exit_code == 2, result.stderr
        lines = result.stderr.splitlines()
        assert lines[0].startswith("kai: error: ") and len(lines) <= 2, result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        if flag not in lines[0]:  # accepted: the error is about the name
            assert "zzzqqq" in lines[0]
