"""Data repair for forecasting: regular grid, gaps, counters, seasonal periods.

Everything here is pure numpy. The result is a :class:`PreparedSeries` on a regular grid whose
last point is the last observation, plus plain-language notes about what was repaired.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SECONDS_PER_DAY = 86400.0
MAX_POINTS = 10080  # 5 weeks at 5 minutes; older history is dropped (said in the notes)


@dataclass(frozen=True)
class PreparedSeries:
    """A series on a regular grid, ready for the models.

    Attributes:
        timestamps: Unix seconds of the grid points (float64, increasing, regular).
        values: Values on the grid, finite everywhere.
        step_seconds: Grid step.
        period_day: Points per day when daily seasonality is usable, else None.
        period_week: Points per week when weekly seasonality is usable, else None.
        notes: What was repaired or disabled, in plain words.
    """

    timestamps: np.ndarray
    values: np.ndarray
    step_seconds: float
    period_day: int | None
    period_week: int | None
    notes: tuple[str, ...]


def counter_to_rate(
    timestamps: np.ndarray, values: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """Turn a monotonically increasing counter with resets into a per-second rate.

    A decrease is a counter reset: the increase over that interval is the value after the
    reset (the counter restarted from zero), as Prometheus' ``rate()`` assumes.

    Args:
        timestamps: Sorted unix seconds.
        values: Counter readings at those times.

    Returns:
        Timestamps of the rates (the later end of each interval), the rates, and the number
        of resets seen.
    """
    if values.size < 2:
        return timestamps[:0], values[:0], 0
    dt = np.diff(timestamps)
    increase = np.diff(values)
    resets = increase < 0
    increase = np.where(resets, values[1:], increase)
    keep = dt > 0
    return timestamps[1:][keep], increase[keep] / dt[keep], int(resets.sum())


def _clean(timestamps: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Drop non-finite points, sort by time and average duplicate timestamps."""
    notes: list[str] = []
    ts = np.asarray(timestamps, dtype=np.float64).ravel()
    ys = np.asarray(values, dtype=np.float64).ravel()
    n = min(ts.size, ys.size)
    ts, ys = ts[:n], ys[:n]
    finite = np.isfinite(ts) & np.isfinite(ys)
    if not finite.all():
        notes.append(f"{int((~finite).sum())} missing or non-finite points dropped")
    ts, ys = ts[finite], ys[finite]
    order = np.argsort(ts, kind="stable")
    ts, ys = ts[order], ys[order]
    uniq, inverse, counts = np.unique(ts, return_inverse=True, return_counts=True)
    if uniq.size < ts.size:
        ys = np.bincount(inverse, weights=ys) / counts
        notes.append(f"{ts.size - uniq.size} duplicate timestamps averaged")
        ts = uniq
    return ts, ys, notes


def infer_step_seconds(timestamps: np.ndarray) -> float:
    """Median spacing of sorted timestamps (60 s when it cannot be told)."""
    if timestamps.size < 2:
        return 60.0
    step = float(np.median(np.diff(timestamps)))
    return step if step > 0 else 60.0


def _to_grid(
    ts: np.ndarray, ys: np.ndarray, step: float
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Bin points onto a grid anchored at the last timestamp and interpolate the gaps."""
    notes: list[str] = []
    index = np.rint((ts - ts[-1]) / step).astype(np.int64)
    index -= index.min()
    size = int(index[-1]) + 1
    if size > MAX_POINTS:
        keep = index >= size - MAX_POINTS
        index, ys = index[keep] - (size - MAX_POINTS), ys[keep]
        notes.append(f"history truncated to the last {MAX_POINTS} points")
        size = MAX_POINTS
    sums = np.bincount(index, weights=ys, minlength=size)
    counts = np.bincount(index, minlength=size)
    grid_ts = ts[-1] - step * np.arange(size - 1, -1, -1, dtype=np.float64)
    present = counts > 0
    grid_y = np.zeros(size)
    grid_y[present] = sums[present] / counts[present]
    missing = int((~present).sum())
    if missing:
        positions = np.flatnonzero(present)
        grid_y[~present] = np.interp(np.flatnonzero(~present), positions, grid_y[present])
        longest = _longest_run(~present)
        notes.append(
            f"{missing} missing points interpolated linearly "
            f"(longest gap {longest * step / 3600:.1f} h)"
        )
    if int((counts > 1).sum()) > size // 10:
        notes.append(f"resampled to a {step:g} s step (averaging points per step)")
    return grid_ts, grid_y, notes


def _longest_run(mask: np.ndarray) -> int:
    """Length of the longest run of True values."""
    best = run = 0
    for flag in mask:
        run = run + 1 if flag else 0
        best = max(best, run)
    return best


def seasonal_periods(size: int, step_seconds: float) -> tuple[int | None, int | None, list[str]]:
    """Daily and weekly periods in points, or None when the history is too short for them."""
    notes: list[str] = []
    per_day = round(SECONDS_PER_DAY / step_seconds)
    period_day: int | None = per_day if per_day >= 2 else None
    period_week: int | None = 7 * per_day if per_day >= 1 else None
    if period_day is not None and size < 2 * period_day:
        notes.append("series shorter than 2 days: daily season disabled")
        period_day = None
    if period_week is not None and size < 2 * period_week:
        notes.append("series shorter than 2 weeks: weekly season disabled")
        period_week = None
    return period_day, period_week, notes


def prepare(
    timestamps: np.ndarray,
    values: np.ndarray,
    *,
    step_seconds: float | None = None,
    counter: bool = False,
) -> PreparedSeries:
    """Clean, rate-convert (counters) and resample a series onto a regular grid.

    Args:
        timestamps: Unix seconds, any order, may contain NaN.
        values: Observations, may contain NaN.
        step_seconds: Grid step; the median spacing when None.
        counter: Treat the values as a monotonically increasing counter with resets.

    Returns:
        The prepared series.

    Raises:
        ValueError: When no finite point is left.
    """
    ts, ys, notes = _clean(timestamps, values)
    if counter:
        ts, ys, resets = counter_to_rate(ts, ys)
        notes.append(f"counter converted to a per-second rate ({resets} resets)")
    if ts.size == 0:
        raise ValueError("no finite data points to forecast from")
    step = float(step_seconds) if step_seconds else infer_step_seconds(ts)
    grid_ts, grid_y, grid_notes = _to_grid(ts, ys, step)
    period_day, period_week, season_notes = seasonal_periods(grid_y.size, step)
    all_notes = tuple(notes + grid_notes + season_notes)
    return PreparedSeries(grid_ts, grid_y, step, period_day, period_week, all_notes)
