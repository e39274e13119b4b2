"""NAB benchmark for kai's anomaly detector (streaming, NAB scoring rules).

Every file of the shared NAB folders is scored point by point: the detector is fitted on
the file's probationary period (the first 15 %, which NAB does not score) and then each
later point is scored in time order, seeing only the past (:meth:`AnomalyDetector.score`:
the scores :meth:`AnomalyDetector.score_point` gives one point at a time).
The threshold is optimised over the whole run per profile, as NAB does, then every file
is scored at that threshold and the scores are normalised (null detector 0, perfect 100).

Usage::

    nice -n 10 python3 benchmarks/anomaly.py [--folder realTraffic] [--limit 3]

Data: ``$KAI_DATA/nab`` (default ``../shared/data`` next to the repository root).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k8sgpt_py.advisors import nab
from k8sgpt_py.advisors.anomaly import AnomalyDetector, seasons_in_steps, step_seconds

FOLDERS = ("artificialWithAnomaly", "realAWSCloudwatch", "realTraffic")
SCOREBOARD = (  # README "Scoreboard" of numenta/NAB, quoted in nab/SOURCE.md (58-file corpus)
    ("Perfect", 100.0, 100.0, 100.0),
    ("ARTime", 74.9, 65.1, 80.4),
    ("Numenta HTM", 70.5, 62.6, 75.2),
    ("CAD OSE", 69.9, 67.0, 73.2),
    ("earthgecko Skyline", 58.2, 46.2, 63.9),
    ("KNN CAD", 58.0, 43.4, 64.8),
    ("Relative Entropy", 54.6, 47.6, 58.8),
    ("Random Cut Forest", 51.7, 38.4, 59.7),
    ("Twitter ADVec", 47.1, 33.6, 53.5),
    ("Windowed Gaussian", 39.6, 20.9, 47.4),
    ("Etsy Skyline", 35.7, 27.1, 44.5),
    ("Bayesian Changepoint", 17.7, 3.2, 32.2),
    ("EXPoSE", 16.4, 3.2, 26.9),
    ("Random", 11.0, 1.2, 19.5),
    ("Null", 0.0, 0.0, 0.0),
)


@dataclass(frozen=True)
class ScoredFile:
    folder: str
    name: str
    timestamps: np.ndarray
    scores: np.ndarray
    windows: list[tuple[float, float]]
    n_labels: int


def data_dir() -> Path:
    default = Path(__file__).resolve().parents[2] / "shared" / "data"
    return Path(os.environ.get("KAI_DATA", default)) / "nab"


def parse_time(text: str) -> float:
    stamp = datetime.strptime(text.split(".")[0], "%Y-%m-%d %H:%M:%S")
    return stamp.replace(tzinfo=UTC).timestamp()


def read_series(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    times = np.array([parse_time(r["timestamp"]) for r in rows])
    return times, np.array([float(r["value"]) for r in rows])


def run_detector(times: np.ndarray, values: np.ndarray, args: argparse.Namespace) -> np.ndarray:
    """Fit on the probationary rows, then score the rest in time order (streaming)."""
    probation = math.ceil(nab.probationary_length(len(times)))
    detector = AnomalyDetector(
        season_steps=seasons_in_steps(step_seconds(times[:probation])),
        use_mixture=not args.no_mixture,
        novelty_steps=args.novelty_steps,
        calibration_quantile=args.calibration_quantile or None,
    )
    detector.fit(times[:probation], {"value": values[:probation]})
    scores = np.zeros(len(times))
    scores[probation:] = detector.score(times[probation:], {"value": values[probation:]})
    return scores


def score_corpus(args: argparse.Namespace) -> list[ScoredFile]:
    root = data_dir()
    if not root.is_dir():
        sys.exit(f"NAB data not found at {root} (set KAI_DATA)")
    windows = json.loads((root / "labels" / "combined_windows.json").read_text())
    labels = json.loads((root / "labels" / "combined_labels.json").read_text())
    out: list[ScoredFile] = []
    for folder in args.folder or FOLDERS:
        if not (root / folder).is_dir():
            print(f"missing folder {folder}, skipped", file=sys.stderr)
            continue
        for path in sorted((root / folder).glob("*.csv"))[: args.limit]:
            key = f"{folder}/{path.name}"
            times, values = read_series(path)
            started = time.perf_counter()
            scores = run_detector(times, values, args)
            elapsed = time.perf_counter() - started
            print(f"  scored {key} ({len(times)} rows, {elapsed:.1f}s)", file=sys.stderr)
            limits = [(parse_time(a), parse_time(b)) for a, b in windows.get(key, [])]
            out.append(ScoredFile(folder, key, times, scores, limits, len(labels.get(key, []))))
    return out


def sweep(files: list[ScoredFile], profile: nab.CostProfile) -> list[nab.SweptFile]:
    return [nab.sweep_file(f.name, f.timestamps, f.scores, f.windows, profile) for f in files]


def print_files(files: list[ScoredFile], results: list[nab.FileScore]) -> None:
    print(f"{'file':58} {'win':>3} {'hit':>3} {'alerts':>6} {'in':>3} {'raw':>7}")
    for f, r in zip(files, results, strict=True):
        print(
            f"{f.name:58} {r.n_windows:>3} {r.windows_hit:>3} {r.alerts:>6} "
            f"{r.alerts_in_windows:>3} {r.raw_score:>7.2f}"
        )


def report(files: list[ScoredFile], *, verbose: bool = False) -> dict[str, float]:
    """Print per-folder figures for the standard profile; return overall score per profile."""
    overall: dict[str, float] = {}
    for profile in nab.PROFILES.values():
        swept = sweep(files, profile)
        best = nab.optimize_threshold(swept, profile)
        results = [nab.score_file(s, best.threshold, profile) for s in swept]
        groups = sorted({f.folder for f in files})
        if profile.name == "standard" and verbose:
            print_files(files, results)
        if profile.name == "standard":
            print(f"\nprofile standard: threshold {best.threshold:.6f} (optimised over all files)")
            print(
                f"{'folder':24} {'files':>5} {'win':>4} {'hit':>4} {'recall':>7} "
                f"{'alerts':>6} {'prec':>6} {'raw':>8} {'NAB':>7}"
            )
        for group in [*groups, "ALL"]:
            chosen = [
                (f, r) for f, r in zip(files, results, strict=True) if group in ("ALL", f.folder)
            ]
            raw = sum(r.raw_score for _, r in chosen)
            null = sum(r.null_score for _, r in chosen)
            perfect = profile.tp_weight * sum(f.n_labels for f, _ in chosen)
            value = nab.normalized_score(raw, null, perfect)
            if group == "ALL":
                overall[profile.name] = value
            if profile.name == "standard":
                n_win = sum(r.n_windows for _, r in chosen)
                hit = sum(r.windows_hit for _, r in chosen)
                alerts = sum(r.alerts for _, r in chosen)
                good = sum(r.alerts_in_windows for _, r in chosen)
                print(
                    f"{group:24} {len(chosen):>5} {n_win:>4} {hit:>4} "
                    f"{hit / max(n_win, 1):>7.2f} {alerts:>6} {good / max(alerts, 1):>6.2f} "
                    f"{raw:>8.2f} {value:>7.1f}"
                )
        print(
            f"profile {profile.name}: threshold {best.threshold:.6f}, "
            f"NAB score {overall[profile.name]:.1f}"
        )
    return overall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", action="append", help="NAB data folder (repeatable)")
    parser.add_argument("--limit", type=int, default=None, help="at most N files per folder")
    parser.add_argument("--no-mixture", action="store_true", help="robust tests only")
    parser.add_argument(
        "--novelty-steps",
        type=int,
        default=288,
        help="report only new score maxima within this many steps (0: raw)",
    )
    parser.add_argument(
        "--calibration-quantile",
        type=float,
        default=0.99,
        help="divide each test's severity by this quantile of its past severities (0: off)",
    )
    parser.add_argument("--verbose", action="store_true", help="per-file figures")
    args = parser.parse_args()
    started = time.perf_counter()
    files = score_corpus(args)
    if not files:
        sys.exit("no NAB files scored")
    overall = report(files, verbose=args.verbose)
    print(
        "\nkai (this subset of NAB)".ljust(26)
        + " ".join(f"{overall[p]:>7.1f}" for p in nab.PROFILES)
    )
    print("published scoreboard (58-file corpus; not directly comparable):")
    print(f"{'detector':24} {'standard':>9} {'low FP':>7} {'low FN':>7}")
    for name, std, low_fp, low_fn in SCOREBOARD:
        print(f"{name:24} {std:>9.1f} {low_fp:>7.1f} {low_fn:>7.1f}")
    print(f"\ntotal runtime {time.perf_counter() - started:.1f}s for {len(files)} files")


if __name__ == "__main__":
    main()
