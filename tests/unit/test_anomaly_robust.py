"""The vectorised robust tests against a plain point-by-point statement of the same tests."""

import math

import numpy as np
import pytest

from k8sgpt_py.advisors.anomaly_robust import (
    MetricScore,
    RobustMetricScorer,
    RobustSettings,
    fast_median,
    robust_scale,
    row_medians,
    row_robust_scales,
)

STEP_S = 300.0
DAY_STEPS = 288


class ReferenceScorer(RobustMetricScorer):
    """One value at a time, in plain Python: what update_many must reproduce exactly."""

    def update(self, t: float, x: float) -> MetricScore:
        values, s = self._values.view(), self.settings
        local = fast_median(values[-s.local_steps :]) if values.size else None
        seasonal = None
        if self.season_s is not None:
            seasonal = self._seasonal_median(t, self.season_s)
        tests = self._tests(x, local, seasonal)
        self._times.extend(np.array([t]))
        self._values.extend(np.array([x]))
        self._local_residuals.extend(np.array([math.nan if local is None else x - local]))
        if self.season_s is not None:
            residual = math.nan if seasonal is None else x - seasonal
            self._seasonal_residuals.extend(np.array([residual]))
        self._since_rescale += 1
        if self._since_rescale >= 12:
            self._rescale()
        expected = seasonal if seasonal is not None else fast_median(self._values.tail(2016))
        return MetricScore.of(tests, expected)

    def _seasonal_median(self, t: float, season: float) -> float | None:
        times, values = self._times.view(), self._values.view()
        if times.size < 2:
            return None
        targets = t - season * np.arange(1, self.settings.max_cycles + 1)
        idx = np.clip(np.searchsorted(times, targets), 1, times.size - 1)
        nearer_left = np.abs(times[idx - 1] - targets) <= np.abs(times[idx] - targets)
        idx = np.where(nearer_left, idx - 1, idx)
        picked = idx[np.abs(times[idx] - targets) <= self.step_s]
        return fast_median(values[picked]) if picked.size >= self.settings.min_cycles else None

    def _tests(self, x: float, local: float | None, seasonal: float | None) -> list:
        s, floor = self.settings, self._value_floor
        tests = [(0.0, "spike")]
        if local is None:
            return tests
        tests.append((abs(x - local) / self._local_scale / s.spike_z, "spike"))
        values = self._values.view()
        base = values[max(0, values.size - s.recent_steps + 1 - s.baseline_steps) :]
        base = base[: max(0, base.size - s.recent_steps + 1)]
        if base.size >= s.recent_steps:
            recent = np.append(values[values.size - s.recent_steps + 1 :], x)
            level_scale = max(robust_scale(base, floor=floor), self._local_scale)
            shift = abs(fast_median(recent) - fast_median(base))
            tests.append((shift / level_scale / s.level_z, "level"))
        if seasonal is not None:
            past = self._seasonal_residuals.tail(s.recent_steps - 1)
            shift = abs(fast_median(np.append(past[~np.isnan(past)], x - seasonal)))
            tests.append((shift / self._seasonal_scale / s.seasonal_z, "seasonal"))
        past_local = self._local_residuals.tail(s.variance_steps - 1)
        past_local = past_local[~np.isnan(past_local)]
        if past_local.size >= s.variance_steps // 2:
            spread = robust_scale(np.append(past_local, x - local), floor=floor)
            tests.append((spread / self._local_scale / s.variance_ratio, "variance"))
        return tests


def _series(kind: str, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    times = 1.7e9 + STEP_S * np.arange(size, dtype=float)
    if kind == "gap":
        times = np.delete(times, np.arange(size // 3, size // 3 + 150))
    daily = 100 + 30 * np.sin(2 * np.pi * (times % 86_400) / 86_400)
    values = {
        "daily": daily + rng.normal(0, 3, times.size),
        "gap": daily + rng.normal(0, 3, times.size),
        "flat": np.full(times.size, 4.0),
        "counts": rng.poisson(1.5, times.size).astype(float),
    }[kind]
    values[-40] += 50
    values[-300:-200] *= 1.5
    return times, values


def _same(one: MetricScore, other: MetricScore) -> bool:
    names = [name for name, _ in one.severities]
    return (
        one.test == other.test
        and names == [name for name, _ in other.severities]
        and math.isclose(one.severity, other.severity, rel_tol=1e-9, abs_tol=1e-12)
        and math.isclose(one.expected_value, other.expected_value, rel_tol=1e-12)
        and np.allclose([v for _, v in one.severities], [v for _, v in other.severities], rtol=1e-9)
    )


@pytest.mark.parametrize(
    ("kind", "size", "train"),
    [
        ("daily", 3000, 2000),  # a clear daily season
        ("gap", 3000, 2500),  # missing stretch: seasons find too few matching cycles
        ("daily", 900, 20),  # short history: windows not yet full
        ("daily", 60, 1),  # a single point of history
        ("flat", 2500, 2000),  # no spread: the MAD and mean-deviation floors
        ("counts", 3000, 2600),  # discrete values, ties everywhere
    ],
)
@pytest.mark.parametrize("seasons", [(DAY_STEPS, 7 * DAY_STEPS), (DAY_STEPS,)])
def test_update_many_equals_point_by_point_reference(kind, size, train, seasons):
    times, values = _series(kind, size, seed=size + train)
    settings = RobustSettings()
    reference, scorer = (
        cls(step_s=STEP_S, seasons_s=[k * STEP_S for k in seasons], settings=settings)
        for cls in (ReferenceScorer, RobustMetricScorer)
    )
    reference.fit(times[:train], values[:train])
    scorer.fit(times[:train], values[:train])
    expected = [reference.update(t, x) for t, x in zip(times[train:], values[train:])]
    got: list[MetricScore] = []
    chunks = np.random.default_rng(train).integers(1, 300, size=size)
    start = train
    for chunk in chunks:  # uneven batches, single points among them
        if start >= times.size:
            break
        got += scorer.update_many(times[start : start + chunk], values[start : start + chunk])
        start += chunk
    assert len(got) == len(expected)
    mismatches = [i for i, (a, b) in enumerate(zip(expected, got)) if not _same(a, b)]
    assert mismatches == [], (expected[mismatches[0]], got[mismatches[0]])
    assert scorer._local_scale == pytest.approx(reference._local_scale, rel=1e-12)
    assert scorer._since_rescale == reference._since_rescale
    ran = {name for score in got for name, _ in score.severities}
    if kind in ("daily", "gap") and train >= 2000:  # seasonal, long history: every test ran
        assert ran == {"spike", "level", "seasonal", "variance"}
        assert scorer.season_s == DAY_STEPS * STEP_S


def test_row_statistics_match_their_one_dimensional_forms():
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(50, 9))
    rows[rng.random(rows.shape) < 0.3] = np.nan
    rows[0] = np.nan  # a row without any value
    rows[1] = 2.0  # a row without spread
    for row, median, scale in zip(
        rows, row_medians(rows), row_robust_scales(rows, floor=1e-6), strict=True
    ):
        present = row[~np.isnan(row)]
        if present.size == 0:
            assert math.isnan(median)
            assert scale == 1e-6
            continue
        assert median == fast_median(present)
        assert scale == pytest.approx(robust_scale(present, floor=1e-6), rel=1e-12)
