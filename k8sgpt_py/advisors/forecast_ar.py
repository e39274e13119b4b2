"""Autoregressive model with calendar features, fitted as a ridge regression.

The model is linear in lagged values and calendar features x_t::

    y_t = s_t + r_t
    s_t = b · [1, Fourier(time of day), Fourier(time of week), holiday(t),
               y_{t-day}, y_{t-week}, mean(y_{t-2day+1 .. t-day})]
    r_t = φ_1 r_{t-1} + ... + φ_p r_{t-p}

``s`` (the seasonal part, ridge with recency weights) only uses lags of at least one day, so it
is forecast a day at a time; the short-lag residual AR ``r`` is forecast recursively and decays
to zero. Series finer than 48 points per day (30 minutes) are averaged to 48 per day for the
fit and the forecast is interpolated back.
"""

from __future__ import annotations

import numpy as np

from k8sgpt_py.advisors.forecast_models import (
    ModelContext,
    _aggregate,
    _disaggregate,
    mean_model,
)

MAX_POINTS_PER_DAY = 48  # 30-minute means: faster, and better in benchmarks than 5-minute
AR_LAGS = 3
DAILY_HARMONICS = 6
WEEKLY_HARMONICS = 3
RIDGE_LAMBDA = 1.0
HALF_LIFE_DAYS = 7.0
MAX_TRAIN_DAYS = 21  # older rows weigh < 1/8 with the half-life; skipping them saves time
SECONDS_PER_DAY = 86400.0


def _calendar(times: np.ndarray, ctx: ModelContext, *, weekly: bool) -> list[np.ndarray]:
    """Fourier terms of time of day and time of week, and a holiday flag."""
    cols: list[np.ndarray] = []
    day_phase = 2 * np.pi * (times % SECONDS_PER_DAY) / SECONDS_PER_DAY
    for k in range(1, DAILY_HARMONICS + 1):
        cols += [np.sin(k * day_phase), np.cos(k * day_phase)]
    if weekly:
        week_phase = 2 * np.pi * ((times + 3 * SECONDS_PER_DAY) % (7 * SECONDS_PER_DAY))
        week_phase = week_phase / (7 * SECONDS_PER_DAY)
        for k in range(1, WEEKLY_HARMONICS + 1):
            cols += [np.sin(k * week_phase), np.cos(k * week_phase)]
    if ctx.holiday_days:
        days = np.floor(times / SECONDS_PER_DAY).astype(np.int64)
        cols.append(np.isin(days, np.fromiter(ctx.holiday_days, dtype=np.int64)).astype(float))
    return cols


def _features(ext: np.ndarray, idx: np.ndarray, ctx: ModelContext, step: float) -> np.ndarray:
    """Design matrix rows for indices ``idx`` of the extended series ``ext``."""
    period_day = ctx.period_day
    assert period_day is not None
    times = ctx.start_seconds + idx * step
    cols = _calendar(times, ctx, weekly=ctx.period_week is not None)
    cols.append(ext[idx - period_day])
    if ctx.period_week is not None:
        cols.append(ext[idx - ctx.period_week])
    csum = np.concatenate(([0.0], np.cumsum(ext[: int(idx.max()) - period_day + 1])))
    end = idx - period_day + 1
    cols.append((csum[end] - csum[end - period_day]) / period_day)
    return np.column_stack(cols)


def _ridge(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, float]:
    """Weighted ridge on standardised columns; returns (coefficients, intercept)."""
    sw = w / w.sum()
    mu = np.einsum("i,ij->j", sw, x)
    sd = np.sqrt(np.einsum("i,ij->j", sw, (x - mu) ** 2))
    sd[sd == 0] = 1.0
    z = (x - mu) / sd
    y_mean = float(np.dot(sw, y))
    zw = z * w[:, None]
    # einsum instead of BLAS: multi-threaded BLAS start-up costs more than these small products
    gram = np.einsum("ij,ik->jk", zw, z) + RIDGE_LAMBDA * np.eye(z.shape[1])
    beta = np.linalg.solve(gram, np.einsum("ij,i->j", zw, y - y_mean))
    coef = beta / sd
    return coef, y_mean - float(mu @ coef)


def _fit_residual_ar(resid: np.ndarray) -> np.ndarray:
    """Least-squares AR(p) coefficients of the residuals, shrunk to stay stable."""
    if resid.size <= 4 * AR_LAGS:
        return np.zeros(AR_LAGS)
    lagged = np.column_stack([resid[AR_LAGS - k : resid.size - k] for k in range(1, AR_LAGS + 1)])
    target = resid[AR_LAGS:]
    gram = np.einsum("ij,ik->jk", lagged, lagged)
    gram += 1e-6 * np.eye(AR_LAGS) * max(1.0, float(np.dot(target, target)))
    phi = np.linalg.solve(gram, np.einsum("ij,i->j", lagged, target))
    total = float(np.abs(phi).sum())
    return phi * (0.98 / total) if total > 0.98 else phi


def _seasonal_ar(history: np.ndarray, horizon: int, ctx: ModelContext) -> np.ndarray:
    """Fit and forecast on the model's own grid (history already at fitting resolution)."""
    period_day = ctx.period_day
    assert period_day is not None
    step = ctx.step_seconds
    first = ctx.period_week if ctx.period_week is not None else 2 * period_day - 1
    n = history.size
    first = max(first, n - MAX_TRAIN_DAYS * period_day)
    idx = np.arange(first, n)
    x = _features(history, idx, ctx, step)
    age_days = (n - 1 - idx) * step / SECONDS_PER_DAY
    coef, icpt = _ridge(x, history[idx], 0.5 ** (age_days / HALF_LIFE_DAYS))
    resid = history[idx] - (np.einsum("ij,j->i", x, coef) + icpt)
    phi = _fit_residual_ar(resid)
    ext = np.concatenate((history, np.zeros(horizon)))
    r_hist = list(resid[-AR_LAGS:])
    for block_start in range(n, n + horizon, period_day):
        block = np.arange(block_start, min(block_start + period_day, n + horizon))
        seasonal = np.einsum("ij,j->i", _features(ext, block, ctx, step), coef) + icpt
        for j, t in enumerate(block):
            r_next = float(phi @ np.array(r_hist[-1 : -AR_LAGS - 1 : -1]))
            r_hist.append(r_next)
            ext[t] = seasonal[j] + r_next
    return ext[n:]


def autoregressive(history: np.ndarray, horizon: int, ctx: ModelContext) -> np.ndarray:
    """Seasonal ridge regression plus residual AR; falls back to the recent mean.

    Needs at least two days of history (the daily season); shorter series get the mean of
    the last hour.
    """
    if ctx.period_day is None or history.size < 2 * ctx.period_day + 4 * AR_LAGS:
        return mean_model(history, horizon, ctx)
    factor = 1
    if ctx.period_day > MAX_POINTS_PER_DAY:
        factor = -(-ctx.period_day // MAX_POINTS_PER_DAY)
    if factor == 1:
        return _seasonal_ar(history, horizon, ctx)
    coarse = _aggregate(history, factor)
    coarse_ctx = ModelContext(
        start_seconds=ctx.start_seconds + (history.size - coarse.size * factor) * ctx.step_seconds,
        step_seconds=ctx.step_seconds * factor,
        period_day=ctx.period_day // factor,
        period_week=ctx.period_week // factor if ctx.period_week else None,
        holiday_days=ctx.holiday_days,
    )
    coarse_fc = _seasonal_ar(coarse, -(-horizon // factor), coarse_ctx)
    return _disaggregate(float(coarse[-1]), coarse_fc, factor)[:horizon]
