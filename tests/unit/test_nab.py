"""NAB scoring on tiny hand-computed cases.

One file of 20 rows one minute apart; one window covering rows 10..13 (width 4); the
probationary period is floor(0.15 * 20) = 3 rows.
"""

import math

import numpy as np
import pytest

from k8sgpt_py.advisors import nab

STANDARD = nab.PROFILES["standard"]
TIMES = np.arange(20) * 60.0
WINDOW = [(600.0, 780.0)]  # rows 10..13
MAX_TP = 2 / (1 + math.exp(-5)) - 1


def _scores(rows: dict[int, float]) -> np.ndarray:
    scores = np.zeros(20)
    for row, value in rows.items():
        scores[row] = value
    return scores


def _raw(rows: dict[int, float], threshold: float = 0.5) -> float:
    swept = nab.sweep_file("f", TIMES, _scores(rows), WINDOW, STANDARD)
    return nab.score_file(swept, threshold, STANDARD).raw_score


def test_nab_scaled_sigmoid_reference_points():
    assert nab.scaled_sigmoid(-1.0) == pytest.approx(0.98661, abs=1e-5)
    assert nab.scaled_sigmoid(-0.5) == pytest.approx(0.84828, abs=1e-5)
    assert nab.scaled_sigmoid(0.0) == 0.0
    assert nab.scaled_sigmoid(1.0) == pytest.approx(-0.98661, abs=1e-5)
    assert nab.scaled_sigmoid(3.0) == -1.0


def test_nab_probationary_length_is_15_percent_capped_at_750():
    assert nab.probationary_length(4032) == 604
    assert nab.probationary_length(20) == 3
    assert nab.probationary_length(10_000) == 750


def test_nab_null_detector_scores_zero():
    swept = nab.sweep_file("f", TIMES, np.zeros(20), WINDOW, STANDARD)
    never = nab.scores_by_threshold([swept], STANDARD)[0]
    assert (never.threshold, never.score) == (1.1, -1.0)
    raw = nab.score_file(swept, 0.5, STANDARD).raw_score
    assert raw == -1.0 == nab.null_raw_score([swept], STANDARD)
    assert nab.normalized_score(raw, -1.0, 1.0) == 0.0


def test_nab_perfect_detector_scores_100():
    raw = _raw({10: 1.0})
    assert raw == pytest.approx(1.0)
    assert nab.normalized_score(raw, -1.0, 1.0) == pytest.approx(100.0)


def test_nab_late_detection_earns_less():
    expected = (2 / (1 + math.exp(-2.5)) - 1) / MAX_TP  # position -(13-12+1)/4 = -0.5
    assert _raw({12: 1.0}) == pytest.approx(expected)
    assert expected == pytest.approx(0.85980, abs=1e-5)


def test_nab_only_first_detection_in_window_counts():
    assert _raw({10: 1.0, 11: 1.0, 12: 1.0, 13: 1.0}) == pytest.approx(1.0)


def test_nab_false_positive_before_any_window_costs_fp_weight():
    assert _raw({5: 1.0, 10: 1.0}) == pytest.approx(1.0 - 0.11)


def test_nab_false_positive_after_window_weighted_by_distance():
    cost = 0.11 * (2 / (1 + math.exp(5 * 2 / 3)) - 1)  # |13 - 15| / (4 - 1)
    assert _raw({10: 1.0, 15: 1.0}) == pytest.approx(1.0 + cost)
    assert _raw({10: 1.0, 14: 1.0}) > _raw({10: 1.0, 15: 1.0})


def test_nab_probationary_detections_are_ignored():
    assert _raw({1: 1.0}) == pytest.approx(-1.0)


def test_nab_threshold_optimisation_picks_best_threshold():
    swept = nab.sweep_file("f", TIMES, _scores({10: 0.9, 5: 0.7, 16: 0.3}), WINDOW, STANDARD)
    table = nab.scores_by_threshold([swept], STANDARD)
    assert [row.threshold for row in table] == [1.1, 0.9, 0.7, 0.3, 0.0]
    best = nab.optimize_threshold([swept], STANDARD)
    assert best.threshold == 0.9
    assert best.score == pytest.approx(1.0)
    assert (best.tp, best.fp, best.fn) == (1, 0, 3)


def test_nab_score_file_counts_alerts_and_hits():
    swept = nab.sweep_file("f", TIMES, _scores({10: 1.0, 11: 1.0, 16: 1.0}), WINDOW, STANDARD)
    result = nab.score_file(swept, 0.5, STANDARD)
    assert (result.windows_hit, result.n_windows) == (1, 1)
    assert (result.alerts, result.alerts_in_windows) == (2, 1)
    assert (result.counts.tp, result.counts.fp, result.counts.fn) == (2, 1, 2)


def test_nab_threshold_table_matches_direct_scoring():
    rng = np.random.default_rng(3)
    scores = np.round(rng.random(20), 2)
    swept = nab.sweep_file("f", TIMES, scores, WINDOW, STANDARD)
    for row in nab.scores_by_threshold([swept], STANDARD)[1:]:
        assert nab.score_file(swept, row.threshold, STANDARD).raw_score == pytest.approx(row.score)
