"""Robust univariate streaming tests for one metric: spike, level shift/drift, season, variance.

Every test turns a statistic into a *severity*: the statistic divided by its alarm level,
so severity 1.0 means "just anomalous". The scorer keeps its own history and learns from
every point it scores (streaming), so the same code serves history scans and live checks.
:meth:`RobustMetricScorer.update_many` gives exactly what successive
:meth:`RobustMetricScorer.update` calls give, computed for all the points at once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_MAD_TO_SD = 1.4826
_MEAN_AD_TO_SD = 1.2533
_RESCALE_STEPS = 12  # residual scales are recomputed after this many new points


def fast_median(values: np.ndarray) -> float:
    """Median of a non-empty 1-d array (cheaper than ``np.median`` for small arrays)."""
    ordered = np.sort(values)
    middle = ordered.size // 2
    if ordered.size % 2:
        return float(ordered[middle])
    return 0.5 * float(ordered[middle - 1] + ordered[middle])


def robust_scale(values: np.ndarray, *, floor: float = 1e-9) -> float:
    """Standard-deviation-like spread that ignores outliers (MAD, then mean deviation).

    Args:
        values: Sample values.
        floor: Returned when the sample has no spread at all.

    Returns:
        1.4826 * MAD, or 1.2533 * mean absolute deviation when the MAD is zero (mostly
        constant series), or ``floor``.
    """
    if values.size == 0:
        return floor
    deviations = np.abs(values - fast_median(values))
    mad = fast_median(deviations) * _MAD_TO_SD
    if mad > floor:
        return mad
    mean_ad = float(deviations.mean()) * _MEAN_AD_TO_SD
    return max(mean_ad, floor)


def row_medians(rows: np.ndarray) -> np.ndarray:
    """Median of the non-NaN values of each row of a 2-d array (NaN for a row without any).

    Like ``np.nanmedian(rows, axis=1)``, without its cost for many short rows.
    """
    ordered = np.sort(rows, axis=1)  # NaN sorts last
    counts = _finite_counts(rows)
    index = np.arange(rows.shape[0])
    lower = ordered[index, (np.maximum(counts, 1) - 1) // 2]
    upper = ordered[index, counts // 2]
    medians: np.ndarray = 0.5 * (lower + upper)
    return medians


def row_robust_scales(rows: np.ndarray, *, floor: float) -> np.ndarray:
    """:func:`robust_scale` of the non-NaN values of each row (``floor`` for a row without)."""
    deviations = np.abs(rows - row_medians(rows)[:, None])
    mad = row_medians(deviations) * _MAD_TO_SD
    counts = np.maximum(_finite_counts(rows), 1)
    mean_ad = np.nansum(deviations, axis=1) / counts * _MEAN_AD_TO_SD
    scales: np.ndarray = np.where(mad > floor, mad, np.maximum(mean_ad, floor))
    return scales


def _windows(values: np.ndarray, width: int, ends: np.ndarray) -> np.ndarray:
    """Rows ``values[end - width : end]`` for each end, NaN where that reaches before 0."""
    from numpy.lib.stride_tricks import sliding_window_view

    padded = np.concatenate([np.full(width, np.nan), values])
    rows: np.ndarray = sliding_window_view(padded, width)[ends]
    return rows


def _finite_counts(rows: np.ndarray) -> np.ndarray:
    counts: np.ndarray = rows.shape[1] - np.count_nonzero(np.isnan(rows), axis=1)
    return counts


@dataclass(frozen=True)
class RobustSettings:
    """Window lengths (in steps) and alarm levels of the univariate tests."""

    local_steps: int = 12
    recent_steps: int = 6
    baseline_steps: int = 288
    variance_steps: int = 24
    scale_steps: int = 2016
    spike_z: float = 5.0
    level_z: float = 4.0
    seasonal_z: float = 4.0
    variance_ratio: float = 3.0
    max_cycles: int = 4
    min_cycles: int = 2


@dataclass(frozen=True)
class MetricScore:
    """Outcome of scoring one value of one metric.

    Attributes:
        severity: Largest statistic/alarm-level ratio of the tests (1.0 = just anomalous).
        test: Which test gave it: "spike", "level", "seasonal" or "variance".
        expected_value: Typical value at that time (seasonal median, else recent median).
        severities: Severity of every test that ran, by test name.
    """

    severity: float
    test: str
    expected_value: float
    severities: tuple[tuple[str, float], ...] = ()

    @classmethod
    def of(cls, tests: list[tuple[float, str]], expected_value: float) -> MetricScore:
        """The outcome of (severity, test name) results: the first largest one leads."""
        severity, test = max(tests, key=lambda item: item[0])
        by_test: dict[str, float] = {}
        for value, name in tests:
            by_test[name] = max(by_test.get(name, 0.0), value)
        return cls(severity, test, expected_value, tuple(by_test.items()))


class _Buffer:
    """Growable float array with amortised appends."""

    def __init__(self, capacity: int = 1024) -> None:
        self.data = np.empty(capacity)
        self.size = 0

    def extend(self, values: np.ndarray) -> None:
        needed = self.size + values.size
        if needed > self.data.size:
            grown = np.empty(max(needed, 2 * self.data.size))
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.data[self.size : needed] = values
        self.size = needed

    def view(self) -> np.ndarray:
        return self.data[: self.size]

    def tail(self, count: int) -> np.ndarray:
        return self.data[max(0, self.size - count) : self.size]


class RobustMetricScorer:
    """Streaming robust tests for a single metric."""

    def __init__(self, *, step_s: float, seasons_s: Sequence[float], settings: RobustSettings):
        """Create an empty scorer.

        Args:
            step_s: Sampling step in seconds (used to match points one season apart).
            seasons_s: Candidate season lengths in seconds (e.g. a day and a week).
            settings: Window lengths and alarm levels.
        """
        self.step_s = step_s
        self.seasons_s = tuple(seasons_s)
        self.settings = settings
        self.season_s: float | None = None
        self._times = _Buffer()
        self._values = _Buffer()
        self._local_residuals = _Buffer()
        self._seasonal_residuals = _Buffer()
        self._local_scale = 1e-9
        self._seasonal_scale = 1e-9
        self._value_floor = 1e-9
        self._since_rescale = 0

    def fit(self, timestamps: np.ndarray, values: np.ndarray) -> None:
        """Learn from history: pick a season, compute residual scales (no scoring)."""
        times = np.asarray(timestamps, dtype=float)
        values = np.asarray(values, dtype=float)
        self._times.extend(times)
        self._values.extend(values)
        self._local_residuals.extend(values - self._local_medians(values))
        self.refresh()

    def _local_medians(self, values: np.ndarray) -> np.ndarray:
        """Median of the previous local_steps values for every position (NaN for the first)."""
        return row_medians(_windows(values, self.settings.local_steps, np.arange(values.size)))

    def refresh(self) -> None:
        """Re-choose the season and recompute all residual scales from the history."""
        times, values = self._times.view(), self._values.view()
        typical = fast_median(np.abs(values)) if values.size else 0.0
        self._value_floor = max(1e-9, 1e-6 * typical)
        self.season_s, residuals = self._choose_season(times, values)
        self._seasonal_residuals = _Buffer()
        self._seasonal_residuals.extend(residuals)
        self._rescale()

    def _choose_season(
        self, times: np.ndarray, values: np.ndarray
    ) -> tuple[float | None, np.ndarray]:
        """The season whose residuals are tightest, if clearly tighter than the raw spread.

        Returns the season (None without one) and the history's residuals against it.
        """
        s = self.settings
        best: tuple[float | None, np.ndarray] = (None, np.zeros(0))
        if times.size < 2:
            return best
        best_scale = 0.6 * robust_scale(values[-s.scale_steps :], floor=self._value_floor)
        for season in self.seasons_s:
            if times[-1] - times[0] < (s.min_cycles + 0.5) * season:
                continue
            residuals = values - self._seasonal_medians(times, values, times, season)
            recent = residuals[~np.isnan(residuals)][-s.scale_steps :]
            if recent.size < 50:
                continue
            scale = robust_scale(recent, floor=self._value_floor)
            if scale < best_scale:
                best, best_scale = (season, residuals), scale
        return best

    def _seasonal_medians(
        self,
        times: np.ndarray,
        values: np.ndarray,
        query_times: np.ndarray,
        season: float,
        *,
        before: np.ndarray | None = None,
    ) -> np.ndarray:
        """Median of the values one, two, ... seasons before each query (NaN if too few).

        With ``before``, query i only uses values at positions below ``before[i]``.
        """
        s = self.settings
        result = np.full(query_times.size, np.nan)
        if times.size < 2:
            return result
        targets = query_times[:, None] - season * np.arange(1, s.max_cycles + 1)[None, :]
        idx = np.clip(np.searchsorted(times, targets), 1, times.size - 1)
        nearer_left = np.abs(times[idx - 1] - targets) <= np.abs(times[idx] - targets)
        idx = np.where(nearer_left, idx - 1, idx)
        close = np.abs(times[idx] - targets) <= self.step_s
        if before is not None:
            close &= idx < before[:, None]
        enough = np.count_nonzero(close, axis=1) >= s.min_cycles
        if not enough.any():
            return result
        picked = np.where(close[enough], values[idx[enough]], np.nan)
        result[enough] = row_medians(picked)
        return result

    def _rescale(self) -> None:
        self._since_rescale = 0
        steps = self.settings.scale_steps
        local = self._local_residuals.tail(steps)
        self._local_scale = robust_scale(local[~np.isnan(local)], floor=self._value_floor)
        seasonal = self._seasonal_residuals.tail(steps)
        seasonal = seasonal[~np.isnan(seasonal)]
        self._seasonal_scale = robust_scale(seasonal, floor=self._value_floor)

    def update(self, t: float, x: float) -> MetricScore:
        """Score one new value against the history, then add it to the history."""
        return self.update_many(np.array([t]), np.array([x]))[0]

    def update_many(self, timestamps: np.ndarray, values: np.ndarray) -> list[MetricScore]:
        """Score values in time order, each against the history before it, then learn them.

        The same as one :meth:`update` per value, with every window statistic computed for
        all the values at once: the residual scales are the only state that changes while
        scoring, and they change every 12 points.
        """
        times = np.asarray(timestamps, dtype=float)
        new = np.asarray(values, dtype=float)
        if new.size == 0:
            return []
        s, floor, season = self.settings, self._value_floor, self.season_s
        # Only a tail of the history is ever looked at: start where the windows start.
        first = self._tail_start(float(times[0]))
        all_times = np.concatenate([self._times.view()[first:], times])
        all_values = np.concatenate([self._values.view()[first:], new])
        at = self._values.size - first + np.arange(new.size)  # positions of the new values
        local = row_medians(_windows(all_values, s.local_steps, at))
        local_residuals = np.concatenate([self._local_residuals.view()[first:], new - local])
        seasonal = np.full(new.size, np.nan)
        seasonal_residuals = np.zeros(0)
        if season is not None:
            seasonal = self._seasonal_medians(all_times, all_values, times, season, before=at)
            seasonal_residuals = np.concatenate(
                [self._seasonal_residuals.view()[first:], new - seasonal]
            )

        # The scales in force at each point: those of the latest rescale before it.
        observed = self._since_rescale + np.arange(1, new.size + 1)
        rescaled_after = np.flatnonzero(observed % _RESCALE_STEPS == 0)
        ends = at[rescaled_after] + 1
        local_scales = np.append(
            self._local_scale,
            row_robust_scales(_windows(local_residuals, s.scale_steps, ends), floor=floor),
        )
        seasonal_scales = np.append(
            self._seasonal_scale,
            np.full(ends.size, floor)  # no season, no residuals
            if season is None
            else row_robust_scales(_windows(seasonal_residuals, s.scale_steps, ends), floor=floor),
        )
        block = np.searchsorted(rescaled_after, np.arange(new.size))
        local_scale, seasonal_scale = local_scales[block], seasonal_scales[block]

        spike = np.abs(new - local) / local_scale / s.spike_z
        # level: the last recent_steps values (this one included) against the baseline before
        base = _windows(all_values, s.baseline_steps, np.maximum(at - s.recent_steps + 1, 0))
        recent = _windows(all_values, s.recent_steps, at + 1)
        level_scale = np.maximum(row_robust_scales(base, floor=floor), local_scale)
        level = np.abs(row_medians(recent) - row_medians(base)) / level_scale / s.level_z
        has_level = _finite_counts(base) >= s.recent_steps
        shift = np.full(new.size, np.nan)  # seasonal: NaN where the point has no season median
        if season is not None:
            residuals = row_medians(_windows(seasonal_residuals, s.recent_steps, at + 1))
            shift = np.abs(np.where(np.isnan(seasonal), np.nan, residuals))
            shift = shift / seasonal_scale / s.seasonal_z
        spread = row_robust_scales(_windows(local_residuals, s.variance_steps, at + 1), floor=floor)
        variance = spread / local_scale / s.variance_ratio
        past = _windows(local_residuals, s.variance_steps - 1, at)
        has_variance = _finite_counts(past) >= s.variance_steps // 2
        expected = seasonal.copy()  # else the typical value, this one included
        typical = np.isnan(seasonal)
        if typical.any():
            expected[typical] = row_medians(_windows(all_values, s.scale_steps, at[typical] + 1))

        scores = []
        for j, (spike_j, level_j, shift_j, variance_j) in enumerate(
            zip(spike.tolist(), level.tolist(), shift.tolist(), variance.tolist(), strict=True)
        ):
            tests = [(0.0, "spike")]
            if not math.isnan(spike_j):  # NaN only for the very first value: no history
                tests.append((spike_j, "spike"))
                if has_level[j]:
                    tests.append((level_j, "level"))
                if not math.isnan(shift_j):
                    tests.append((shift_j, "seasonal"))
                if has_variance[j]:
                    tests.append((variance_j, "variance"))
            scores.append(MetricScore.of(tests, float(expected[j])))

        self._times.extend(times)
        self._values.extend(new)
        self._local_residuals.extend(new - local)
        if season is not None:
            self._seasonal_residuals.extend(new - seasonal)
        self._local_scale = float(local_scales[-1])
        self._seasonal_scale = float(seasonal_scales[-1])
        self._since_rescale = int(observed[-1]) % _RESCALE_STEPS
        return scores

    def _tail_start(self, t: float) -> int:
        """First history position any window of a point at time ``t`` or later can reach."""
        s = self.settings
        reach = max(s.local_steps, s.baseline_steps + s.recent_steps, s.variance_steps)
        first = max(0, self._values.size - max(reach, s.scale_steps))
        if self.season_s is not None:  # the point before the oldest one a season can match
            oldest = t - s.max_cycles * self.season_s - self.step_s
            first = min(first, int(np.searchsorted(self._times.view(), oldest)) - 1)
        return max(0, first)
