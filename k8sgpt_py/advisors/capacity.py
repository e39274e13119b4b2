"""Capacity planning: per-replica throughput from history, replicas for a forecast peak.

Pure numerics. :func:`plan_capacity` wires the forecaster and the capacity model together and
returns a :class:`CapacityPlan` holding every figure needed to explain a scaling proposal:
the window, the predicted peak (upper end of the forecast interval), the learned capacity,
the headroom and the backtest error of the forecast model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from k8sgpt_py.advisors.forecast import Forecast, forecast
from k8sgpt_py.advisors.timephrase import TimeWindow

MAX_HORIZON_DAYS = 28.0  # how far past the last metric sample kai forecasts
HUBER_K = 1.345
MIN_SAMPLES = 10


class WindowOutOfReach(ValueError):
    """The window is already over, or further ahead than kai forecasts.

    Attributes:
        window: The window asked for.
        history_end: Time of the last metric sample (the forecast starts there).
        latest_end: The latest window end kai can forecast to.
    """

    def __init__(
        self, message: str, *, window: TimeWindow, history_end: datetime, latest_end: datetime
    ) -> None:
        super().__init__(message)
        self.window = window
        self.history_end = history_end
        self.latest_end = latest_end

    @property
    def is_too_far(self) -> bool:
        """True when the window ends beyond the forecast horizon (else it is over)."""
        return self.window.end > self.latest_end


@dataclass(frozen=True)
class Capacity:
    """What one replica can serve at the target CPU utilisation.

    Attributes:
        rps_per_replica: Requests/s one replica serves at the target utilisation.
        cpu_millicores_per_rps: CPU cost of one request/s (slope).
        base_cpu_millicores: CPU a replica uses at zero traffic (intercept).
        method: "huber_regression" or "ratio" (fallback: CPU / rps at busy times).
        notes: Fallbacks and data problems, in plain words.
        target_utilisation: Fraction of the CPU request a replica may use.
        cpu_request_millicores: The CPU request the target refers to.
        samples: Number of history points used.
    """

    rps_per_replica: float
    cpu_millicores_per_rps: float
    base_cpu_millicores: float
    method: str
    notes: tuple[str, ...]
    target_utilisation: float = 0.7
    cpu_request_millicores: float = 0.0
    samples: int = 0


@dataclass(frozen=True)
class CapacityPlan:
    """A replica recommendation with the evidence behind it.

    Attributes:
        window: The time window planned for.
        peak_rps: Predicted peak load in the window (upper end of the forecast interval).
        peak_rps_mean: Peak of the point forecast in the window.
        peak_time: When the upper-bound peak is expected.
        capacity: Learned per-replica capacity.
        headroom: Extra fraction on top of the peak.
        replicas: Replicas needed.
        current_replicas: Replicas at the end of the history (None if unknown).
        model: Forecast model used.
        backtest_mase: Backtest MASE of that model (None when not backtested).
        interval: Nominal coverage of the forecast interval used for the peak.
        notes: Everything worth saying about data repairs and fallbacks.
        forecast: The full forecast, for plots.
    """

    window: TimeWindow
    peak_rps: float
    peak_rps_mean: float
    peak_time: datetime
    capacity: Capacity
    headroom: float
    replicas: int
    current_replicas: int | None
    model: str
    backtest_mase: float | None
    interval: float
    notes: tuple[str, ...]
    forecast: Forecast

    def explanation(self) -> str:
        """One plain-English paragraph explaining the recommendation."""
        cap = self.capacity
        change = ""
        if self.current_replicas is not None:
            change = f" (now {self.current_replicas})"
        error = f", backtest MASE {self.backtest_mase:.2f}" if self.backtest_mase else ""
        return (
            f"{self.window.label}: predicted peak {self.peak_rps:.1f} req/s (upper end of the "
            f"{self.interval:.0%} interval; point forecast {self.peak_rps_mean:.1f}) at "
            f"{self.peak_time:%a %H:%M}, model {self.model}{error}. One replica serves "
            f"{cap.rps_per_replica:.1f} req/s at {cap.target_utilisation:.0%} of a "
            f"{cap.cpu_request_millicores:g}m CPU request ({cap.base_cpu_millicores:.0f}m base + "
            f"{cap.cpu_millicores_per_rps:.1f}m per req/s). With {self.headroom:.0%} headroom: "
            f"{self.replicas} replicas{change}."
        )


def _huber_line(x: np.ndarray, y: np.ndarray, iterations: int = 20) -> tuple[float, float]:
    """Huber M-estimate of y = a + b x by iteratively reweighted least squares."""
    weights = np.ones_like(x)
    intercept = slope = 0.0
    for _ in range(iterations):
        sw = weights.sum()
        mx, my = float(np.dot(weights, x)) / sw, float(np.dot(weights, y)) / sw
        sxx = float(np.dot(weights, (x - mx) ** 2))
        if sxx <= 0:
            break
        slope = float(np.dot(weights, (x - mx) * (y - my))) / sxx
        intercept = my - slope * mx
        resid = y - intercept - slope * x
        mad = float(np.median(np.abs(resid - np.median(resid)))) * 1.4826
        if mad <= 0:
            break
        scaled = np.abs(resid) / (HUBER_K * mad)
        weights = np.where(scaled <= 1.0, 1.0, 1.0 / np.maximum(scaled, 1e-12))
    return intercept, slope


def per_replica_capacity(
    rps: np.ndarray,
    cpu_millicores: np.ndarray,
    replicas: np.ndarray,
    *,
    cpu_request_millicores: float,
    target_utilisation: float = 0.7,
) -> Capacity:
    """Learn per-replica throughput at the target utilisation from history.

    Fits per-replica CPU = base + cost x per-replica rps robustly (Huber), then solves
    base + cost x rps = target x request for rps. Falls back to the CPU/rps ratio at the busiest
    times when the fit is unusable (too few points, too narrow a load range, slope <= 0).

    Args:
        rps: Total requests per second of the workload.
        cpu_millicores: Total CPU of the workload (sum over replicas), millicores.
        replicas: Replica count at each point.
        cpu_request_millicores: CPU request of one replica.
        target_utilisation: Fraction of the request a replica may use (0 < t <= 1).

    Returns:
        The learned capacity.

    Raises:
        ValueError: Bad request/target, or no usable point with traffic.
    """
    if cpu_request_millicores <= 0 or not 0 < target_utilisation <= 1:
        raise ValueError("cpu_request_millicores must be > 0 and target_utilisation in (0, 1]")
    x, c, dropped = _per_replica_points(rps, cpu_millicores, replicas)
    if not np.any(x > 0):
        raise ValueError("no history with traffic (rps > 0) to learn per-replica capacity from")
    target_cpu = target_utilisation * cpu_request_millicores
    notes = [f"{dropped} unusable points dropped"] if dropped else []
    method, base, cost = "huber_regression", 0.0, 0.0
    spread = np.quantile(x, 0.9) - np.quantile(x, 0.1)
    if x.size >= MIN_SAMPLES and spread > 0.1 * max(float(np.quantile(x, 0.9)), 1e-9):
        base, cost = _huber_line(x, c)
    if cost <= 0 or (base < 0 and -base > 0.5 * target_cpu) or base >= target_cpu:
        busy = (x >= np.quantile(x, 0.75)) & (x > 0)
        method, base, cost = "ratio", 0.0, float(np.median(c[busy] / x[busy]))
        notes.append(
            "CPU did not follow load linearly: capacity from CPU per request at busy "
            "times (no base CPU)"
        )
    base = max(base, 0.0)
    rps_per_replica = (target_cpu - base) / cost if cost > 0 else math.inf
    return Capacity(
        rps_per_replica,
        cost,
        base,
        method,
        tuple(notes),
        target_utilisation,
        cpu_request_millicores,
        int(x.size),
    )


def _per_replica_points(
    rps: np.ndarray, cpu_millicores: np.ndarray, replicas: np.ndarray
) -> tuple[np.ndarray, np.ndarray, int]:
    """Per-replica rps and CPU at usable points, and how many points were dropped."""
    x_all, c_all, r_all = (
        np.asarray(a, dtype=np.float64).ravel() for a in (rps, cpu_millicores, replicas)
    )
    size = min(x_all.size, c_all.size, r_all.size)
    x_all, c_all, r_all = x_all[:size], c_all[:size], r_all[:size]
    ok = np.isfinite(x_all) & np.isfinite(c_all) & np.isfinite(r_all) & (r_all > 0) & (x_all >= 0)
    return x_all[ok] / r_all[ok], c_all[ok] / r_all[ok], size - int(ok.sum())


def replicas_needed(
    peak_rps: float, capacity: Capacity, *, headroom: float = 0.1, min_replicas: int = 1
) -> int:
    """Replicas to serve ``peak_rps`` with ``headroom`` extra, at least ``min_replicas``.

    Raises:
        ValueError: Non-finite or negative peak, or a capacity of zero.
    """
    if not math.isfinite(peak_rps) or peak_rps < 0:
        raise ValueError(f"peak_rps must be a finite non-negative number, got {peak_rps}")
    if not capacity.rps_per_replica > 0:
        raise ValueError("per-replica capacity is zero: base CPU already exceeds the target")
    needed = math.ceil(peak_rps * (1.0 + headroom) / capacity.rps_per_replica - 1e-9)
    return max(int(min_replicas), needed)


def _as_epoch(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _window_peak(fc: Forecast, window: TimeWindow) -> tuple[float, float, float]:
    """(upper-bound peak, point-forecast peak, time of the upper peak) inside the window."""
    start, end = _as_epoch(window.start), _as_epoch(window.end)
    inside = (fc.timestamps >= start) & (fc.timestamps < end)
    if not inside.any():  # window shorter than a step: the nearest forecast point
        inside = np.zeros(fc.timestamps.size, dtype=bool)
        inside[int(np.argmin(np.abs(fc.timestamps - (start + end) / 2)))] = True
    upper, mean = fc.upper[inside], fc.mean[inside]
    at = int(np.argmax(upper))
    return float(upper[at]), float(mean.max()), float(fc.timestamps[inside][at])


def _history_before(
    now: datetime, timestamps: np.ndarray, *columns: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Timestamps and columns sorted by time, up to ``now`` and the last observed load.

    Sources pad their grid up to ``now`` with NaN when data stops early; the forecast's
    horizon must count from the last observation, or it would end before the window.
    """
    ts = np.asarray(timestamps, dtype=np.float64).ravel()
    arrays = [np.asarray(col, dtype=np.float64).ravel() for col in columns]
    if any(arr.size != ts.size for arr in arrays):
        raise ValueError("timestamps and metric columns must have the same length")
    order = np.argsort(ts, kind="stable")
    keep = np.isfinite(ts[order]) & (ts[order] <= _as_epoch(now))
    if arrays:
        observed = np.flatnonzero(keep & np.isfinite(arrays[0][order]))
        keep[observed[-1] + 1 if observed.size else 0 :] = False
    if not keep.any():
        raise ValueError("no history before now to plan from")
    return (ts[order][keep], *(arr[order][keep] for arr in arrays))


def _check_reach(window: TimeWindow, history_end: float) -> float:
    """Seconds from the last sample to the window's end; WindowOutOfReach if out of reach."""
    horizon_seconds = _as_epoch(window.end) - history_end
    if 0 < horizon_seconds <= MAX_HORIZON_DAYS * 86400:
        return horizon_seconds
    tz = window.start.tzinfo or UTC
    last = datetime.fromtimestamp(history_end, tz=tz)
    latest = last + timedelta(days=MAX_HORIZON_DAYS)
    if horizon_seconds <= 0:
        message = (
            f"window {window.label} ends before the end of the history ({last:%Y-%m-%d %H:%M})"
        )
    else:
        message = (
            f"window {window.label} ends {math.ceil(horizon_seconds / 86400)} days after the "
            f"last metric sample; kai forecasts at most {MAX_HORIZON_DAYS:g} days ahead"
        )
    raise WindowOutOfReach(message, window=window, history_end=last, latest_end=latest)


def plan_capacity(
    timestamps: np.ndarray,
    rps: np.ndarray,
    cpu_millicores: np.ndarray,
    replicas: np.ndarray,
    *,
    cpu_request_millicores: float,
    window: TimeWindow,
    now: datetime,
    target_utilisation: float = 0.7,
    headroom: float = 0.1,
    min_replicas: int = 1,
    interval: float = 0.8,
    holidays: Sequence[date] = (),
) -> CapacityPlan:
    """Forecast the load in ``window`` and size the replicas for its upper bound.

    Args:
        timestamps: Unix seconds of the history.
        rps: Total requests/s of the workload.
        cpu_millicores: Total CPU of the workload (sum over replicas).
        replicas: Replica count at each point.
        cpu_request_millicores: CPU request of one replica.
        window: Time window to plan for (e.g. from :func:`parse_time_phrase`).
        now: Current time; history after it is ignored.
        target_utilisation: Fraction of the CPU request a replica may use.
        headroom: Extra fraction on top of the predicted peak.
        min_replicas: Lower bound on the answer.
        interval: Coverage of the forecast interval whose upper end is planned for.
        holidays: Holiday dates for the forecaster's calendar.

    Returns:
        The plan with all its evidence.

    Raises:
        WindowOutOfReach: The window is over, or more than MAX_HORIZON_DAYS ahead of the
            last sample (a ValueError).
        ValueError: Unusable history.
    """
    ts, rps_h, cpu_h, rep_h = _history_before(now, timestamps, rps, cpu_millicores, replicas)
    horizon_seconds = _check_reach(window, float(ts[-1]))
    fc = forecast(ts, rps_h, horizon_seconds, holidays=holidays, interval=interval)
    peak, peak_mean, peak_at = _window_peak(fc, window)
    peak = max(peak, 0.0)
    cap = per_replica_capacity(
        rps_h,
        cpu_h,
        rep_h,
        cpu_request_millicores=cpu_request_millicores,
        target_utilisation=target_utilisation,
    )
    needed = replicas_needed(peak, cap, headroom=headroom, min_replicas=min_replicas)
    finite_rep = rep_h[np.isfinite(rep_h)]
    current = int(finite_rep[-1]) if finite_rep.size else None
    tz = window.start.tzinfo or UTC
    return CapacityPlan(
        window=window,
        peak_rps=peak,
        peak_rps_mean=peak_mean,
        peak_time=datetime.fromtimestamp(peak_at, tz=tz),
        capacity=cap,
        headroom=headroom,
        replicas=needed,
        current_replicas=current,
        model=fc.model,
        backtest_mase=fc.backtest_mase,
        interval=interval,
        notes=fc.notes + cap.notes,
        forecast=fc,
    )
