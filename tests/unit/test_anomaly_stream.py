"""Streaming helpers: severity self-calibration and novelty suppression."""

import pytest

from k8sgpt_py.advisors.anomaly_robust import fast_median, robust_scale
from k8sgpt_py.advisors.anomaly_stream import NoveltyFilter, SeverityCalibrator


def test_novelty_filter_passes_only_new_maxima():
    novelty = NoveltyFilter(3)
    out = [novelty.apply(x) for x in [0.2, 0.9, 0.5, 0.95, 0.1, 0.1, 0.1, 0.3]]
    assert out == [0.2, 0.9, 0.0, 0.95, 0.0, 0.0, 0.0, 0.3]


def test_novelty_filter_disabled_passes_everything():
    novelty = NoveltyFilter(0)
    assert [novelty.apply(x) for x in [0.5, 0.4, 0.5]] == [0.5, 0.4, 0.5]


def test_calibrator_divides_by_usual_level_of_the_test():
    calibrator = SeverityCalibrator(quantile=0.5, every_steps=1, min_points=4)
    for _ in range(4):
        assert calibrator.calibrate("spiky", 3.0) == 3.0  # not enough history yet
    assert calibrator.calibrate("spiky", 6.0) == pytest.approx(2.0)  # usual level is 3
    assert calibrator.calibrate("quiet", 6.0) == 6.0  # each test has its own history


def test_calibrator_never_inflates_severities():
    calibrator = SeverityCalibrator(quantile=0.99, every_steps=1, min_points=2)
    values = [calibrator.calibrate("t", 0.1) for _ in range(10)]
    assert values == [0.1] * 10


def test_robust_scale_ignores_outliers_and_handles_constant_series():
    import numpy as np

    values = np.array([10.0, 11.0, 9.0, 10.0, 1000.0])
    assert fast_median(values) == 10.0
    assert robust_scale(values) == pytest.approx(1.4826)
    assert robust_scale(np.full(5, 3.0), floor=1e-6) == 1e-6
    mostly_flat = np.array([0.0] * 8 + [4.0, 4.0])
    assert robust_scale(mostly_flat) == pytest.approx(1.2533 * 0.8)
