"""Known-answer tests of the forecaster on synthetic series."""

from __future__ import annotations

import time
from datetime import date

import numpy as np
import pytest

from k8sgpt_py.advisors.forecast import Forecast, forecast
from k8sgpt_py.advisors.forecast_prep import counter_to_rate, prepare

STEP = 300.0
DAY = 86400.0
START = 1_795_392_000.0 - 28 * DAY  # Monday 2026-10-26T00:00Z


def _truth(t: np.ndarray) -> np.ndarray:
    """Daily sine + weekly sine + linear trend (t in unix seconds)."""
    days = (t - START) / DAY
    return 100.0 + 30.0 * np.sin(2 * np.pi * days) + 8.0 * np.sin(2 * np.pi * days / 7) + 0.5 * days


def _series(days: float, seed: int = 0, noise: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ts = START + STEP * np.arange(int(days * DAY / STEP))
    return ts, _truth(ts) + rng.normal(0.0, noise, ts.size)


def test_forecast_sine_trend_noise_mean_within_tolerance_of_truth() -> None:
    ts, ys = _series(days=14)
    fc = forecast(ts, ys, DAY)
    assert isinstance(fc, Forecast)
    assert fc.timestamps.size == 288
    assert fc.timestamps[0] == ts[-1] + STEP
    assert np.allclose(np.diff(fc.timestamps), STEP)
    mae_vs_truth = float(np.mean(np.abs(fc.mean - _truth(fc.timestamps))))
    assert mae_vs_truth < 3.0, (fc.model, mae_vs_truth)  # below the noise s.d.
    assert fc.model in fc.backtest
    assert fc.backtest_mase == fc.backtest[fc.model]
    assert fc.backtest_mase < 1.0  # beats the daily seasonal naive scale
    assert np.all(fc.lower <= fc.mean) and np.all(fc.mean <= fc.upper)


def test_forecast_interval_coverage_near_nominal_over_long_synthetic() -> None:
    ts, ys = _series(days=30, seed=3)
    inside = total = 0
    for k in range(1, 9):  # 8 origins, one day apart, 1-day horizon each
        origin = ts.size - k * 288
        fc = forecast(ts[:origin], ys[:origin], DAY)
        actual = ys[origin : origin + 288]
        inside += int(np.sum((actual >= fc.lower) & (actual <= fc.upper)))
        total += actual.size
    coverage = inside / total
    assert 0.70 <= coverage <= 0.90, coverage


def test_forecast_gaps_are_interpolated_and_said() -> None:
    ts, ys = _series(days=7)
    keep = np.ones(ts.size, dtype=bool)
    keep[1000:1024] = False  # a 2-hour gap
    keep[1500] = False
    fc = forecast(ts[keep], ys[keep], 6 * 3600)
    assert fc.timestamps.size == 72
    assert np.all(np.isfinite(fc.mean))
    assert any("25 missing points interpolated" in n and "2.0 h" in n for n in fc.notes)


def test_forecast_counter_with_resets_forecasts_the_rate() -> None:
    ts = START + STEP * np.arange(3 * 288)
    counter = np.cumsum(np.full(ts.size, 10.0 * STEP))  # 10 per second
    counter[400:] -= counter[399]  # a restart: the counter drops back near zero...
    counter[400:] += 10.0 * STEP  # ...and has counted one interval since
    counter[700:] = counter[700:] - counter[699] + 10.0 * STEP
    fc = forecast(ts, counter, 3600, counter=True)
    assert np.allclose(fc.mean, 10.0)
    assert any("counter converted to a per-second rate (2 resets)" in n for n in fc.notes)


def test_counter_to_rate_exact_values() -> None:
    ts = np.array([0.0, 10.0, 20.0, 30.0])
    values = np.array([100.0, 150.0, 20.0, 70.0])  # reset between 10 s and 20 s
    rate_ts, rates, resets = counter_to_rate(ts, values)
    assert rate_ts.tolist() == [10.0, 20.0, 30.0]
    assert rates.tolist() == [5.0, 2.0, 5.0]
    assert resets == 1


def test_forecast_flat_series_gives_constant_zero_width_interval() -> None:
    ts = START + STEP * np.arange(500)
    fc = forecast(ts, np.full(ts.size, 42.0), 3600)
    assert fc.model == "constant"
    assert fc.mean.tolist() == [42.0] * 12
    assert np.array_equal(fc.lower, fc.mean) and np.array_equal(fc.upper, fc.mean)
    assert any("flat series" in n for n in fc.notes)
    assert fc.backtest_mase is None


def test_forecast_short_series_falls_back_with_note() -> None:
    ts, ys = _series(days=1)
    fc = forecast(ts, ys, 3 * 3600)
    assert fc.model in ("mean", "seasonal_naive_daily")
    assert any("shorter than 2 days" in n for n in fc.notes)
    assert set(fc.backtest) == {"mean", "seasonal_naive_daily"}
    assert np.all(np.isfinite(fc.lower)) and np.all(np.isfinite(fc.upper))


def test_forecast_nans_are_dropped_not_fatal() -> None:
    ts, ys = _series(days=4)
    ys[::50] = np.nan
    ts = ts.copy()
    ts[7] = np.nan
    fc = forecast(ts, ys, DAY)
    assert np.all(np.isfinite(fc.mean))
    assert any("non-finite points dropped" in n for n in fc.notes)


def test_forecast_single_point_and_two_points() -> None:
    one = forecast(np.array([START]), np.array([5.0]), 600, step_seconds=300)
    assert one.model == "constant" and one.mean.tolist() == [5.0, 5.0]
    two = forecast(np.array([START, START + 300]), np.array([1.0, 3.0]), 600)
    assert two.mean.size == 2 and np.all(np.isfinite(two.mean))


def test_forecast_all_nan_raises_clear_error() -> None:
    with pytest.raises(ValueError, match="no finite data points"):
        forecast(np.array([START, np.nan]), np.array([np.nan, 1.0]), 600)


def test_forecast_unknown_model_raises() -> None:
    ts, ys = _series(days=3)
    with pytest.raises(ValueError, match="unknown forecast model"):
        forecast(ts, ys, 3600, models=["prophet"])


def test_forecast_irregular_timestamps_resampled_to_step() -> None:
    ts, ys = _series(days=3)
    rng = np.random.default_rng(1)
    jittered = ts + rng.uniform(-40, 40, ts.size)
    fc = forecast(jittered, ys, 3600, step_seconds=300)
    assert np.allclose(np.diff(fc.timestamps), 300.0)
    assert fc.timestamps.size == 12


def test_prepare_disables_weekly_season_under_two_weeks() -> None:
    ts, ys = _series(days=10)
    prep = prepare(ts, ys)
    assert prep.period_day == 288
    assert prep.period_week is None
    assert "series shorter than 2 weeks: weekly season disabled" in prep.notes


def test_forecast_weekly_pattern_uses_weekly_information() -> None:
    ts = START + STEP * np.arange(21 * 288)
    days = (ts - START) / DAY
    weekday = np.floor(days) % 7
    rng = np.random.default_rng(5)
    ys = 50 + 20 * np.sin(2 * np.pi * days) + np.where(weekday == 4, 40.0, 0.0)
    ys = ys + rng.normal(0, 1.0, ts.size)
    fc = forecast(ts[: -4 * 288], ys[: -4 * 288], DAY)  # history ends Thursday 00:00
    assert fc.model != "seasonal_naive_daily"
    assert "seasonal_naive_weekly" in fc.backtest
    assert fc.backtest[fc.model] < fc.backtest["seasonal_naive_daily"]


def test_forecast_holiday_flag_accepted() -> None:
    ts, ys = _series(days=15)
    fc = forecast(ts, ys, DAY, holidays=[date(2026, 11, 10)], models=["autoregressive"])
    assert fc.model == "autoregressive" and np.all(np.isfinite(fc.mean))


def test_forecast_4000_points_is_fast() -> None:
    ts, ys = _series(days=4000 * STEP / DAY)
    forecast(ts, ys, DAY)  # warm-up: lazy imports
    start = time.perf_counter()
    forecast(ts, ys, DAY)
    assert time.perf_counter() - start < 1.0  # target 0.1 s; loose here for shared CI cores


def test_forecast_interval_widens_beyond_backtested_day() -> None:
    ts, ys = _series(days=14)
    fc = forecast(ts, ys, 3 * DAY)
    width = fc.upper - fc.lower
    assert fc.timestamps.size == 3 * 288
    assert width[-1] > width[287]  # day 3 is wider than the end of day 1
    assert any("widened as (h / 24 h) ** 0.3" in n for n in fc.notes)


def test_forecast_seasonal_median_ignores_one_spiky_day() -> None:
    ts = START + STEP * np.arange(5 * 288)
    profile = 10.0 + np.arange(288) % 24  # a sawtooth day
    ys = np.tile(profile, 5)
    ys[2 * 288 : 2 * 288 + 50] += 500.0  # one day with a burst
    fc = forecast(ts, ys, DAY, models=["seasonal_median"])
    assert np.array_equal(fc.mean, profile)
    naive = forecast(ts, ys, DAY, models=["seasonal_naive_daily"])
    assert np.array_equal(naive.mean, profile)  # the burst was not yesterday
    burst_yesterday = ys.copy()
    burst_yesterday[-288:-238] += 500.0
    assert np.array_equal(
        forecast(ts, burst_yesterday, DAY, models=["seasonal_median"]).mean, profile
    )


def test_forecast_counter_needs_two_points() -> None:
    with pytest.raises(ValueError, match="no finite data points"):
        forecast(np.array([START]), np.array([5.0]), 600, counter=True)
