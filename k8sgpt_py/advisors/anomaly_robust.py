"""Robust univariate streaming tests for one metric: spike, level shift/drift, season, variance.

Every test turns a statistic into a *severity*: the statistic divided by its alarm level,
so severity 1.0 means "just anomalous". The scorer keeps its own history and learns from
every point it scores (streaming), so the same code serves history scans and live checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_MAD_TO_SD = 1.4826
_MEAN_AD_TO_SD = 1.2533


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


class _Buffer:
    """Growable float array with amortised appends."""

    def __init__(self, capacity: int = 1024) -> None:
        self.data = np.empty(capacity)
        self.size = 0

    def append(self, value: float) -> None:
        if self.size == self.data.size:
            self.data = np.concatenate([self.data, np.empty(self.data.size)])
        self.data[self.size] = value
        self.size += 1

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
        from numpy.lib.stride_tricks import sliding_window_view

        width = self.settings.local_steps
        medians = np.full(values.size, np.nan)
        for i in range(1, min(width, values.size)):
            medians[i] = fast_median(values[:i])
        if values.size > width:
            windows = sliding_window_view(values[:-1], width)
            medians[width:] = np.median(windows, axis=1)
        return medians

    def refresh(self) -> None:
        """Re-choose the season and recompute all residual scales from the history."""
        times, values = self._times.view(), self._values.view()
        typical = fast_median(np.abs(values)) if values.size else 0.0
        self._value_floor = max(1e-9, 1e-6 * typical)
        self.season_s = self._choose_season(times, values)
        self._seasonal_residuals = _Buffer()
        if self.season_s is not None:
            self._seasonal_residuals.extend(self._seasonal_residual_history(times, values))
        self._rescale()

    def _choose_season(self, times: np.ndarray, values: np.ndarray) -> float | None:
        """The season whose residuals are tightest, if clearly tighter than the raw spread."""
        if times.size < 2:
            return None
        spread = robust_scale(values[-self.settings.scale_steps :], floor=self._value_floor)
        best: tuple[float, float] | None = None
        for season in self.seasons_s:
            if times[-1] - times[0] < (self.settings.min_cycles + 0.5) * season:
                continue
            residuals = self._seasonal_residual_history(times, values, season)
            residuals = residuals[~np.isnan(residuals)][-self.settings.scale_steps :]
            if residuals.size < 50:
                continue
            scale = robust_scale(residuals, floor=self._value_floor)
            if scale < 0.6 * spread and (best is None or scale < best[1]):
                best = (season, scale)
        return None if best is None else best[0]

    def _seasonal_residual_history(
        self, times: np.ndarray, values: np.ndarray, season: float | None = None
    ) -> np.ndarray:
        season = self.season_s if season is None else season
        assert season is not None
        residuals: np.ndarray = values - self._seasonal_medians(times, values, times, season)
        return residuals

    def _seasonal_medians(
        self, times: np.ndarray, values: np.ndarray, query_times: np.ndarray, season: float
    ) -> np.ndarray:
        """Median of the values one, two, ... seasons before each query (NaN if too few)."""
        s = self.settings
        result = np.full(query_times.size, np.nan)
        if times.size < 2:
            return result
        targets = query_times[:, None] - season * np.arange(1, s.max_cycles + 1)[None, :]
        idx = np.clip(np.searchsorted(times, targets), 1, times.size - 1)
        nearer_left = np.abs(times[idx - 1] - targets) <= np.abs(times[idx] - targets)
        idx = np.where(nearer_left, idx - 1, idx)
        close = np.abs(times[idx] - targets) <= self.step_s
        enough = np.count_nonzero(close, axis=1) >= s.min_cycles
        if not enough.any():
            return result
        picked = np.where(close[enough], values[idx[enough]], np.nan)
        result[enough] = np.nanmedian(picked, axis=1)
        return result

    def _seasonal_median(
        self, t: float, season: float, times: np.ndarray, values: np.ndarray
    ) -> float | None:
        """Median of the values one, two, ... seasons earlier (None if too few cycles)."""
        if times.size < 2:
            return None
        targets = t - season * np.arange(1, self.settings.max_cycles + 1)
        idx = np.clip(np.searchsorted(times, targets), 1, times.size - 1)
        nearer_left = np.abs(times[idx - 1] - targets) <= np.abs(times[idx] - targets)
        idx = np.where(nearer_left, idx - 1, idx)
        picked = idx[np.abs(times[idx] - targets) <= self.step_s]
        if picked.size < self.settings.min_cycles:
            return None
        return fast_median(values[picked])

    def _expected_local(self) -> float | None:
        recent = self._values.tail(self.settings.local_steps)
        return fast_median(recent) if recent.size else None

    def _observe(self, t: float, x: float, local: float | None, seasonal: float | None) -> None:
        self._times.append(t)
        self._values.append(x)
        self._local_residuals.append(np.nan if local is None else x - local)
        if self.season_s is not None:
            self._seasonal_residuals.append(np.nan if seasonal is None else x - seasonal)
        self._since_rescale += 1
        if self._since_rescale >= 12:
            self._rescale()

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
        local = self._expected_local()
        seasonal = None
        if self.season_s is not None:
            seasonal = self._seasonal_median(
                t, self.season_s, self._times.view(), self._values.view()
            )
        tests = self._tests(x, local, seasonal)
        self._observe(t, x, local, seasonal)
        severity, test = max(tests, key=lambda item: item[0])
        expected = seasonal if seasonal is not None else self._typical()
        by_test: dict[str, float] = {}
        for value, name in tests:
            by_test[name] = max(by_test.get(name, 0.0), value)
        return MetricScore(
            severity, test, x if expected is None else expected, tuple(by_test.items())
        )

    def _typical(self) -> float | None:
        base = self._values.tail(self.settings.scale_steps)
        return fast_median(base) if base.size else None

    def _tests(
        self, x: float, local: float | None, seasonal: float | None
    ) -> list[tuple[float, str]]:
        s = self.settings
        tests = [(0.0, "spike")]
        if local is None:
            return tests
        tests.append((abs(x - local) / self._local_scale / s.spike_z, "spike"))
        values = self._values.view()
        base = values[max(0, values.size - s.recent_steps + 1 - s.baseline_steps) :]
        base = base[: max(0, base.size - s.recent_steps + 1)]
        if base.size >= s.recent_steps:
            recent = np.append(values[values.size - s.recent_steps + 1 :], x)
            level_scale = max(robust_scale(base, floor=self._value_floor), self._local_scale)
            shift = abs(fast_median(recent) - fast_median(base))
            tests.append((shift / level_scale / s.level_z, "level"))
        if seasonal is not None:
            past = self._seasonal_residuals.tail(s.recent_steps - 1)
            recent_residuals = np.append(past[~np.isnan(past)], x - seasonal)
            shift = abs(fast_median(recent_residuals))
            tests.append((shift / self._seasonal_scale / s.seasonal_z, "seasonal"))
        past_local = self._local_residuals.tail(s.variance_steps - 1)
        past_local = past_local[~np.isnan(past_local)]
        if past_local.size >= s.variance_steps // 2:
            spread = robust_scale(np.append(past_local, x - local), floor=self._value_floor)
            tests.append((spread / self._local_scale / s.variance_ratio, "variance"))
        return tests
