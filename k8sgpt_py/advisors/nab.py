"""Numenta Anomaly Benchmark (NAB) scoring, re-implemented from its published rules.

The rules follow NAB v1.1 (``nab/sweeper.py``, ``nab/runner.py`` upstream):

* Each labelled anomaly window is scored once: only the *earliest* detection inside it
  counts, worth ``A_TP * scaled_sigmoid(position) / scaled_sigmoid(-1)`` where ``position``
  runs from -1 (left edge) towards 0 (right edge). A window without a detection costs
  ``-A_FN``.
* Every detection outside a window costs ``A_FP * scaled_sigmoid(distance)``, where the
  distance is measured from the right edge of the preceding window in window widths
  (detections before any window cost the full ``-A_FP``).
* The first 15 % of each file (at most 750 rows) is the probationary period: not scored.
* One threshold per profile is chosen for the whole corpus by sweeping every distinct
  anomaly score and keeping the one with the highest summed raw score.
* Raw scores are normalised as ``100 * (raw - null) / (perfect - null)`` where *null* is
  the detector that never fires (``-A_FN`` per window) and *perfect* is ``A_TP`` per
  labelled anomaly (NAB counts the labels, which can exceed the windows when two labels'
  windows were merged).

All functions are pure and work on numpy arrays of unix seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "PROFILES",
    "CostProfile",
    "FileScore",
    "SweptFile",
    "ThresholdScore",
    "normalized_score",
    "null_raw_score",
    "optimize_threshold",
    "probationary_length",
    "scaled_sigmoid",
    "score_file",
    "scores_by_threshold",
    "sweep_file",
]

OUTSIDE = -1
"""Window id of a scorable row outside every window."""


@dataclass(frozen=True)
class CostProfile:
    """An application profile: weights of true positives, false positives, false negatives."""

    name: str
    tp_weight: float
    fp_weight: float
    fn_weight: float


PROFILES: dict[str, CostProfile] = {
    "standard": CostProfile("standard", 1.0, 0.11, 1.0),
    "reward_low_FP_rate": CostProfile("reward_low_FP_rate", 1.0, 0.22, 1.0),
    "reward_low_FN_rate": CostProfile("reward_low_FN_rate", 1.0, 0.11, 2.0),
}


@dataclass(frozen=True)
class SweptFile:
    """One data file prepared for scoring (probationary rows already removed).

    Attributes:
        name: File name, for reports.
        anomaly_scores: Detector output per scorable row, in [0, 1].
        sweep_scores: What a detection on that row would be worth under the profile.
        window_ids: Index of the window holding the row, or -1 outside every window.
        n_windows: Number of windows with at least one scorable row.
    """

    name: str
    anomaly_scores: np.ndarray
    sweep_scores: np.ndarray
    window_ids: np.ndarray
    n_windows: int


@dataclass(frozen=True)
class ThresholdScore:
    """Raw NAB score and row counts when every row scoring >= threshold is a detection."""

    threshold: float
    score: float
    tp: int
    tn: int
    fp: int
    fn: int


@dataclass(frozen=True)
class FileScore:
    """Score of one file at a fixed threshold.

    Attributes:
        name: File name.
        threshold: Detection threshold used.
        raw_score: Summed NAB score (TP rewards, FP and FN costs).
        null_score: Raw score of the detector that never fires (-A_FN per window).
        n_windows: Scorable windows.
        windows_hit: Windows with at least one detection.
        alerts: Runs of consecutive detected rows (one alert each).
        alerts_in_windows: Alerts with at least one row inside a window.
        counts: Row counts (tp, tn, fp, fn) as NAB reports them.
    """

    name: str
    threshold: float
    raw_score: float
    null_score: float
    n_windows: int
    windows_hit: int
    alerts: int
    alerts_in_windows: int
    counts: ThresholdScore


def scaled_sigmoid(relative_position: float) -> float:
    """NAB's scaled sigmoid: ~0.987 at -1 (window start), 0 at 0 (window end), -1 from 3 on."""
    if relative_position >= 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * relative_position)) - 1.0


def probationary_length(n_rows: int, fraction: float = 0.15) -> float:
    """Rows at the start of a file that are not scored: min(floor(f*n), f*5000)."""
    return min(math.floor(fraction * n_rows), fraction * 5000)


def _window_bounds(timestamps: np.ndarray, start: float, end: float) -> tuple[int, int] | None:
    """First row index at/after start and the first row equal to end (else last row <= end)."""
    after = np.nonzero(timestamps >= start)[0]
    if after.size == 0:
        return None
    left = int(after[0])
    equal = np.nonzero(timestamps == end)[0]
    if equal.size:
        right = int(equal[0])
    else:
        before = np.nonzero(timestamps <= end)[0]
        right = int(before[-1]) if before.size else -1
    return (left, right) if right >= left else None


def sweep_file(
    name: str,
    timestamps: np.ndarray,
    anomaly_scores: np.ndarray,
    windows: Sequence[tuple[float, float]],
    profile: CostProfile,
    *,
    probationary_fraction: float = 0.15,
) -> SweptFile:
    """Attach to every row what a detection there would be worth (NAB's sweep score).

    Args:
        name: File name (for reports).
        timestamps: Row times, unix seconds, in file order.
        anomaly_scores: Detector output per row.
        windows: Labelled windows as inclusive (start, end) unix seconds, in time order.
        profile: Cost profile.
        probationary_fraction: Leading fraction of rows that is not scored.

    Returns:
        The scorable rows with their sweep scores and window ids.
    """
    n_rows = len(timestamps)
    bounds = [b for w in windows if (b := _window_bounds(timestamps, w[0], w[1])) is not None]
    sweep = np.empty(n_rows)
    window_ids = np.full(n_rows, OUTSIDE, dtype=np.int64)
    max_tp = scaled_sigmoid(-1.0)
    position = 0
    prev: tuple[int, int] | None = None
    for wid, (left, right) in enumerate([*bounds, (n_rows, n_rows)]):
        for i in range(position, min(left, n_rows)):  # rows outside windows
            if prev is None:
                sweep[i] = scaled_sigmoid(3.0) * profile.fp_weight
            else:
                width = max(prev[1] - prev[0], 1)  # NAB divides by (width - 1)
                sweep[i] = scaled_sigmoid(abs(prev[1] - i) / width) * profile.fp_weight
        if left >= n_rows:
            break
        width = right - left + 1
        for i in range(left, right + 1):
            sweep[i] = scaled_sigmoid(-(right - i + 1) / width) * profile.tp_weight / max_tp
            window_ids[i] = wid
        position, prev = right + 1, (left, right)
    keep = np.arange(n_rows) >= probationary_length(n_rows, probationary_fraction)
    kept_ids = window_ids[keep]
    return SweptFile(
        name=name,
        anomaly_scores=np.asarray(anomaly_scores, dtype=float)[keep],
        sweep_scores=sweep[keep],
        window_ids=kept_ids,
        n_windows=len(set(kept_ids[kept_ids >= 0].tolist())),
    )


def null_raw_score(files: Sequence[SweptFile], profile: CostProfile) -> float:
    """Raw score of the detector that never fires: -A_FN for each scorable window."""
    return -profile.fn_weight * sum(f.n_windows for f in files)


def scores_by_threshold(files: Sequence[SweptFile], profile: CostProfile) -> list[ThresholdScore]:
    """Raw corpus score for every distinct threshold, highest threshold (1.1: nothing) first.

    Sweeps the rows of all files from the highest anomaly score down, as NAB's optimiser
    does; the entry for threshold t counts every row scoring >= t as a detection.
    """
    scores = np.concatenate([f.anomaly_scores for f in files]) if files else np.empty(0)
    sweep = np.concatenate([f.sweep_scores for f in files]) if files else np.empty(0)
    offsets = np.cumsum([0, *[f.n_windows for f in files]])
    # Give every window a corpus-wide id (window ids are dense per file after sweeping).
    gids = []
    for f, off in zip(files, offsets, strict=False):
        local = np.unique(f.window_ids[f.window_ids >= 0])
        remap = {int(w): k for k, w in enumerate(local)}
        gids.append(np.array([remap[int(w)] + off if w >= 0 else OUTSIDE for w in f.window_ids]))
    window_ids = np.concatenate(gids) if gids else np.empty(0, dtype=np.int64)
    best_in_window = np.full(int(offsets[-1]), -profile.fn_weight)
    fp_sum = 0.0
    tp = fp = 0
    fn_total = int(np.count_nonzero(window_ids >= 0))
    tn_total = len(window_ids) - fn_total
    out: list[ThresholdScore] = []
    current = 1.1
    order = np.argsort(-scores, kind="stable")
    for i in order:
        value = float(scores[i])
        if value != current:
            total = fp_sum + float(best_in_window.sum())
            out.append(ThresholdScore(current, total, tp, tn_total - fp, fp, fn_total - tp))
            current = value
        wid = int(window_ids[i])
        if wid == OUTSIDE:
            fp += 1
            fp_sum += float(sweep[i])
        else:
            tp += 1
            best_in_window[wid] = max(best_in_window[wid], float(sweep[i]))
    total = fp_sum + float(best_in_window.sum())
    out.append(ThresholdScore(current, total, tp, tn_total - fp, fp, fn_total - tp))
    return out


def optimize_threshold(files: Sequence[SweptFile], profile: CostProfile) -> ThresholdScore:
    """The threshold with the highest summed raw score over all files (NAB's optimiser)."""
    return max(scores_by_threshold(files, profile), key=lambda s: s.score)


def score_file(swept: SweptFile, threshold: float, profile: CostProfile) -> FileScore:
    """Score one file when every row scoring >= threshold is a detection."""
    detected = swept.anomaly_scores >= threshold
    inside = swept.window_ids >= 0
    fp_score = float(swept.sweep_scores[detected & ~inside].sum())
    window_score = 0.0
    hit = 0
    for wid in np.unique(swept.window_ids[inside]):
        rows = (swept.window_ids == wid) & detected
        if rows.any():
            hit += 1
            window_score += float(swept.sweep_scores[rows].max())
        else:
            window_score -= profile.fn_weight
    alerts, alerts_in = _alerts(detected, inside)
    tp = int(np.count_nonzero(detected & inside))
    fp = int(np.count_nonzero(detected & ~inside))
    fn = int(np.count_nonzero(~detected & inside))
    tn = int(np.count_nonzero(~detected & ~inside))
    return FileScore(
        name=swept.name,
        threshold=threshold,
        raw_score=fp_score + window_score,
        null_score=-profile.fn_weight * swept.n_windows,
        n_windows=swept.n_windows,
        windows_hit=hit,
        alerts=alerts,
        alerts_in_windows=alerts_in,
        counts=ThresholdScore(threshold, fp_score + window_score, tp, tn, fp, fn),
    )


def _alerts(detected: np.ndarray, inside: np.ndarray) -> tuple[int, int]:
    """Count runs of consecutive detections, and those touching a window."""
    if not detected.any():
        return 0, 0
    padded = np.concatenate([[False], detected, [False]]).astype(np.int8)
    starts = np.nonzero(np.diff(padded) == 1)[0]
    ends = np.nonzero(np.diff(padded) == -1)[0]
    touching = sum(bool(inside[s:e].any()) for s, e in zip(starts, ends, strict=True))
    return len(starts), touching


def normalized_score(raw: float, null: float, perfect: float) -> float:
    """NAB's normalisation: 0 for the null detector, 100 for the perfect one."""
    if perfect == null:
        return 0.0
    return 100.0 * (raw - null) / (perfect - null)
