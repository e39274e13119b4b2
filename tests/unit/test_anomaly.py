"""Anomaly detector on synthetic series with known anomalies."""

import numpy as np
import pytest

from k8sgpt_py.advisors.anomaly import (
    MULTIVARIATE,
    AnomalyDetector,
    detect,
    severity_to_score,
)

STEP_S = 300
DAY_STEPS = 288
START_S = 1_700_000_000 - 1_700_000_000 % 86_400


def _series(days: int = 8, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """A daily-seasonal series around 100 with 3 % noise, 5-minute steps."""
    rng = np.random.default_rng(seed)
    times = START_S + STEP_S * np.arange(days * DAY_STEPS, dtype=float)
    phase = 2 * np.pi * (times % 86_400) / 86_400
    values = 100 + 30 * np.sin(phase) + rng.normal(0, 3, times.size)
    return times, values


def _scan(times: np.ndarray, values: np.ndarray, name: str = "cpu_millicores"):
    return detect(times, {name: values}, since=times[-DAY_STEPS], detector=_detector())


def _detector() -> AnomalyDetector:
    return AnomalyDetector(season_steps=(DAY_STEPS,), max_components=3)


def test_severity_to_score_maps_alarm_level_to_half():
    assert severity_to_score(0.0) == 0.0
    assert severity_to_score(1.0) == 0.5
    assert severity_to_score(2.0) == pytest.approx(16 / 17)
    assert severity_to_score(1e9) == 1.0


def test_anomaly_clean_seasonal_series_has_no_anomalies():
    times, values = _series()
    assert _scan(times, values) == []


def test_anomaly_spike_detected():
    times, values = _series()
    spike = len(times) - 100
    values[spike] += 60
    found = _scan(times, values)
    assert len(found) == 1
    assert found[0].start == found[0].end == times[spike]
    assert found[0].metric == "cpu_millicores"
    assert found[0].score > 0.9
    assert found[0].peak_value == values[spike]


def test_anomaly_level_shift_detected():
    times, values = _series()
    shift = len(times) - 150
    values[shift:] += 40
    found = _scan(times, values)
    assert found, "level shift missed"
    assert times[shift] <= found[0].start <= times[shift] + 6 * STEP_S
    assert "rose" in found[0].description


def test_anomaly_slow_memory_leak_detected_early():
    rng = np.random.default_rng(7)
    times = START_S + STEP_S * np.arange(8 * DAY_STEPS, dtype=float)
    memory = 160 * 2**20 * np.exp(rng.normal(0, 0.01, times.size))
    leak = 240  # 20 hours to 3x
    memory[-leak:] *= np.linspace(1.0, 3.0, leak + 1)[1:]
    found = detect(times, {"memory_bytes": memory}, since=times[-DAY_STEPS], detector=_detector())
    assert len(found) == 1
    anomaly = found[0]
    assert anomaly.metric == "memory_bytes"
    assert anomaly.start <= times[-leak] + 3 * 3600  # within three hours of the start
    assert anomaly.end == times[-1]
    assert anomaly.description.startswith("memory_bytes rose to 3.0x its usual level")
    assert anomaly.expected_value == pytest.approx(160 * 2**20, rel=0.02)


def test_anomaly_variance_change_detected():
    times, values = _series()
    rng = np.random.default_rng(5)
    noisy = len(times) - 120
    values[noisy:] += rng.normal(0, 15, 120)
    found = _scan(times, values)
    assert found
    assert found[0].start >= times[noisy]


def test_anomaly_streaming_score_point_equals_batch_score():
    times, values = _series(days=4)
    train = 3 * DAY_STEPS
    history = {"cpu_millicores": values[:train], "memory_bytes": values[:train] * 2}
    batch = _detector().fit(times[:train], history)
    stream = _detector().fit(times[:train], history)
    rest = {"cpu_millicores": values[train:], "memory_bytes": values[train:] * 2}
    batch_scores = batch.score(times[train:], rest)
    stream_scores = [
        stream.score_point(t, {k: float(v[i]) for k, v in rest.items()})
        for i, t in enumerate(times[train:])
    ]
    np.testing.assert_array_equal(batch_scores, np.array(stream_scores))
    assert ((batch_scores >= 0) & (batch_scores <= 1)).all()


def test_anomaly_novelty_reports_one_alert_per_episode():
    times, values = _series(days=4)
    values[-100:] += 60
    train = 3 * DAY_STEPS
    detector = AnomalyDetector(season_steps=(DAY_STEPS,), use_mixture=False, novelty_steps=144)
    scores = detector.fit(times[:train], {"v": values[:train]}).score(
        times[train:], {"v": values[train:]}
    )
    flagged = np.nonzero(scores >= 0.5)[0] + train
    assert flagged.size >= 1
    onset = len(times) - 100
    assert onset <= flagged.min() and flagged.max() < onset + 24  # only while it rises
    assert scores[-100:].max() > 0.9


def test_anomaly_multivariate_combination_detected():
    rng = np.random.default_rng(11)
    times = START_S + STEP_S * np.arange(8 * DAY_STEPS, dtype=float)
    rps = 50 + 20 * np.sin(2 * np.pi * (times % 86_400) / 86_400) + rng.normal(0, 1, times.size)
    cpu = 5 * rps + rng.normal(0, 5, times.size)
    odd = len(times) - 60
    cpu[odd : odd + 12] = 5 * (rps[odd : odd + 12] - 25)  # cpu normal in range, wrong for rps
    found = detect(
        times,
        {"requests_per_second": rps, "cpu_millicores": cpu},
        since=times[-DAY_STEPS],
        detector=_detector(),
    )
    assert found
    assert times[odd] <= found[0].start <= times[odd + 11]
    assert found[0].metric in {MULTIVARIATE, "cpu_millicores"}


def test_anomaly_detect_needs_history():
    times, values = _series(days=1)
    with pytest.raises(ValueError, match="history"):
        detect(times, {"v": values}, since=times[10])


def test_anomaly_short_series_uses_robust_tests():
    rng = np.random.default_rng(2)
    times = START_S + 60.0 * np.arange(80)
    values = 50 + rng.normal(0, 1, 80)
    values[75] = 70
    found = detect(times, {"requests_per_second": values}, since=times[60])
    assert [(a.start, a.metric) for a in found] == [(times[75], "requests_per_second")]
    assert found[0].description.startswith("requests_per_second rose to an unusual level (70")
