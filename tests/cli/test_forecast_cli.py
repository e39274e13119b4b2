"""`kai forecast` through the CLI on the sandbox's demo history."""

from __future__ import annotations

from datetime import datetime


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


def test_forecast_bad_input(sandbox, kai):
    assert kai("forecast", "checkout", "--metric", "latency").exit_code == 2
    assert kai("forecast", "checkout", "--horizon", "forever").exit_code == 2
    assert kai("forecast", "zzzqqq").exit_code == 2
