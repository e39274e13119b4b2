"""Streaming alerting helpers: self-calibration of severities and novelty suppression."""

from __future__ import annotations

from collections import deque

import numpy as np


class SeverityCalibrator:
    """Divides each test's severity by what that test usually reaches on this series.

    A series whose normal behaviour keeps tripping a test (a spiky CPU graph) should not
    alarm on every spike: each severity is divided by ``max(1, q)`` where ``q`` is the
    ``quantile`` of the severities the same test produced over the last ``history_steps``
    scored points (recomputed every ``every_steps`` points, used once at least
    ``min_points`` are known).
    """

    def __init__(
        self,
        *,
        quantile: float,
        history_steps: int = 4032,
        every_steps: int = 24,
        min_points: int = 50,
    ) -> None:
        """Create an empty calibrator."""
        self.quantile = quantile
        self.history_steps = history_steps
        self.every_steps = every_steps
        self.min_points = min_points
        self._history: dict[str, deque[float]] = {}
        self._reference: dict[str, float] = {}
        self._age: dict[str, int] = {}

    def calibrate(self, key: str, severity: float) -> float:
        """Return the calibrated severity of test ``key`` and remember the raw one."""
        history = self._history.setdefault(key, deque(maxlen=self.history_steps))
        age = self._age.get(key, 0)
        if age % self.every_steps == 0 and len(history) >= self.min_points:
            level = float(np.quantile(np.fromiter(history, dtype=float), self.quantile))
            self._reference[key] = max(1.0, level)
        self._age[key] = age + 1
        history.append(severity)
        return severity / self._reference.get(key, 1.0)


class NoveltyFilter:
    """Passes a score only when it beats every score of the previous ``steps`` points."""

    def __init__(self, steps: int) -> None:
        """Create a filter; ``steps <= 0`` passes every score unchanged."""
        self.steps = steps
        self._recent: deque[float] = deque(maxlen=max(1, steps))

    def apply(self, score: float) -> float:
        """Filter one score (0.0 when it is not a new maximum)."""
        if self.steps <= 0:
            return score
        is_novel = not self._recent or score > max(self._recent)
        self._recent.append(score)
        return score if is_novel else 0.0
