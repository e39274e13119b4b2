"""Candidate forecasting models: each maps a regular history to point forecasts.

Every model is a function ``(history, horizon_steps, context) -> forecast`` on plain numpy
arrays. The context carries the grid (start time, step), the usable seasonal periods and the
holiday days. Models never fail on short input: they fall back to simpler behaviour.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

SECONDS_PER_DAY = 86400.0
HW_POINTS_PER_DAY = 24  # Holt-Winters is fitted on hourly means of 5-minute data
SEASONAL_MEDIAN_DAYS = 5
HW_FIT_SEASONS = 14  # statsmodels estimates the parameters on the last 14 days


@dataclass(frozen=True)
class ModelContext:
    """What a model needs to know about the grid.

    Attributes:
        start_seconds: Unix time of history[0].
        step_seconds: Grid step.
        period_day: Points per day if daily seasonality is usable.
        period_week: Points per week if weekly seasonality is usable.
        holiday_days: Holidays as integer days since the epoch (UTC).
        hw_params: Smoothing parameters to reuse instead of optimising (backtests).
    """

    start_seconds: float
    step_seconds: float
    period_day: int | None
    period_week: int | None
    holiday_days: frozenset[int] = frozenset()
    hw_params: dict[str, float] = field(default_factory=dict)


ModelFn = Callable[[np.ndarray, int, ModelContext], np.ndarray]


def _repeat_season(history: np.ndarray, horizon: int, period: int) -> np.ndarray:
    """Repeat the last full season of the history over the horizon."""
    last = history[-period:]
    reps = -(-horizon // period)
    return np.tile(last, reps)[:horizon]


def seasonal_naive_daily(history: np.ndarray, horizon: int, ctx: ModelContext) -> np.ndarray:
    """Same time yesterday (the last value when there is less than a day)."""
    if ctx.period_day is None or history.size < ctx.period_day:
        return np.full(horizon, history[-1])
    return _repeat_season(history, horizon, ctx.period_day)


def seasonal_naive_weekly(history: np.ndarray, horizon: int, ctx: ModelContext) -> np.ndarray:
    """Same time last week (falls back to the daily naive)."""
    if ctx.period_week is None or history.size < ctx.period_week:
        return seasonal_naive_daily(history, horizon, ctx)
    return _repeat_season(history, horizon, ctx.period_week)


def seasonal_median(history: np.ndarray, horizon: int, ctx: ModelContext) -> np.ndarray:
    """Median of the same time of day over the last (up to) 5 days.

    Robust to spikes: for bursty series it beats repeating yesterday, which copies
    yesterday's noise. Falls back to the last value with less than a day of history.
    """
    if ctx.period_day is None or history.size < ctx.period_day:
        return np.full(horizon, history[-1])
    period = ctx.period_day
    days = min(SEASONAL_MEDIAN_DAYS, history.size // period)
    recent = history[history.size - days * period :].reshape(days, period)
    return _repeat_season(np.median(recent, axis=0), horizon, period)


def mean_model(history: np.ndarray, horizon: int, ctx: ModelContext) -> np.ndarray:
    """Mean of the most recent points (up to one hour, at least 12 points)."""
    window = max(12, int(3600 / ctx.step_seconds))
    return np.full(horizon, float(np.mean(history[-window:])))


def _aggregate(history: np.ndarray, factor: int) -> np.ndarray:
    """Block means of ``factor`` points, blocks aligned to the end of the history."""
    usable = history.size - history.size % factor
    blocks = history[history.size - usable :].reshape(-1, factor)
    return np.asarray(blocks.mean(axis=1), dtype=np.float64)


def _disaggregate(coarse_hist_last: float, coarse_fc: np.ndarray, factor: int) -> np.ndarray:
    """Interpolate block means (placed at block centres) back to the fine grid."""
    horizon = coarse_fc.size * factor
    centres = np.concatenate(([-(factor - 1) / 2.0], factor * np.arange(coarse_fc.size)))
    centres = centres + (factor + 1) / 2.0
    values = np.concatenate(([coarse_hist_last], coarse_fc))
    return np.interp(np.arange(1, horizon + 1, dtype=np.float64), centres, values)


def _hw_setup(history: np.ndarray, ctx: ModelContext) -> tuple[int, np.ndarray, int | None]:
    """Aggregation factor, aggregated history and usable seasonal period for Holt-Winters."""
    factor = 1
    if ctx.period_day is not None and ctx.period_day > HW_POINTS_PER_DAY:
        factor = max(1, round(ctx.period_day / HW_POINTS_PER_DAY))
    coarse = _aggregate(history, factor) if factor > 1 else history
    period = ctx.period_day // factor if ctx.period_day else None
    if period is None or period < 2 or coarse.size < 2 * period:
        period = None
    return factor, coarse, period


def _hw_numpy(
    coarse: np.ndarray, horizon: int, period: int | None, params: dict[str, float]
) -> np.ndarray:
    """Additive Holt-Winters (ETS(A,N,A)) recursion with given smoothing parameters.

    The same equations statsmodels uses, with a simple start (first season's mean and
    deviations); used for backtest origins, where refitting statsmodels would be too slow.
    """
    alpha = params.get("smoothing_level", 0.2)
    if period is None:
        level = float(coarse[0])
        for value in coarse[1:]:
            level = alpha * float(value) + (1.0 - alpha) * level
        return np.full(horizon, level)
    gamma = params.get("smoothing_seasonal", 0.1)
    level = float(np.mean(coarse[:period]))
    season = (coarse[:period] - level).tolist()
    for t in range(period, coarse.size):
        value = float(coarse[t])
        slot = t % period
        new_level = alpha * (value - season[slot]) + (1.0 - alpha) * level
        season[slot] = gamma * (value - level) + (1.0 - gamma) * season[slot]
        level = new_level
    slots = (coarse.size + np.arange(horizon)) % period
    return level + np.asarray(season)[slots]


def _hw_statsmodels_params(coarse: np.ndarray, period: int | None) -> dict[str, float]:
    """Smoothing parameters estimated by statsmodels' ExponentialSmoothing (last 14 seasons)."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    recent = coarse[-HW_FIT_SEASONS * (period or HW_POINTS_PER_DAY) :]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(
            recent,
            trend=None,
            seasonal="add" if period else None,
            seasonal_periods=period,
            initialization_method="heuristic" if period else "estimated",
        ).fit(method="Powell", use_brute=False)
    keys = ["smoothing_level"] + (["smoothing_seasonal"] if period else [])
    return {key: float(fit.params[key]) for key in keys}


def holt_winters_fit(
    history: np.ndarray, horizon: int, ctx: ModelContext
) -> tuple[np.ndarray, dict[str, float]]:
    """Holt-Winters forecast and the smoothing parameters it used.

    Additive season (daily), no trend. Fine-grained series are averaged to at most 24 points
    per day and the forecast is interpolated back. statsmodels' ExponentialSmoothing
    estimates the smoothing parameters unless ``ctx.hw_params`` gives them; the forecast itself
    comes from the same numpy recursion the backtest uses, so both agree.
    """
    factor, coarse, period = _hw_setup(history, ctx)
    if coarse.size < 10 or np.ptp(coarse) == 0:
        return mean_model(history, horizon, ctx), {}
    params = dict(ctx.hw_params) or _hw_statsmodels_params(coarse, period)
    coarse_fc = _hw_numpy(coarse, -(-horizon // factor), period, params)
    if not np.all(np.isfinite(coarse_fc)):
        return seasonal_naive_daily(history, horizon, ctx), params
    if factor == 1:
        return coarse_fc[:horizon], params
    return _disaggregate(float(coarse[-1]), coarse_fc, factor)[:horizon], params


def holt_winters(history: np.ndarray, horizon: int, ctx: ModelContext) -> np.ndarray:
    """Holt-Winters forecast (see :func:`holt_winters_fit`)."""
    return holt_winters_fit(history, horizon, ctx)[0]
