"""Rolling-origin benchmark of kai's forecaster against seasonal naive and statsmodels ES.

Data (read-only, never copied into the repo), from $KAI_DATA (default /work/shared/data):
  nab/realTraffic/*.csv, nab/realAWSCloudwatch/*.csv   (timestamp,value)
  traces/bitbrains_rnd/2013-8/*.csv                     (CPU usage [MHZ] of 10 VMs)
  examples/shop/metrics.csv (this repo)                 (requests_per_second and cpu_millicores
                                                         of each of the 8 demo workloads)

For every series and every origin (the last --origins days, one day apart) each method forecasts
one day ahead (one day at the series' own step) from the history before the origin:
  seasonal_naive  kai's forecast(models=["seasonal_naive_daily"]) (interval from its backtest)
  statsmodels_es  ExponentialSmoothing(trend=add damped, seasonal=add daily) at the native step,
                  interval from 100 simulated paths
  kai             kai's forecast() with default model selection
Scores: MASE (MAE / in-sample MAE of the daily seasonal naive on the history), sMAPE (%),
80 % interval coverage, fit+predict time per call. Medians over series (each series averaged
over its origins); coverage pooled over all forecast points.

Usage: nice -n 10 python3 benchmarks/forecast.py [--limit N] [--folder NAME] [--origins K]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from k8sgpt_py.advisors.forecast import forecast  # noqa: E402
from k8sgpt_py.advisors.forecast_prep import prepare  # noqa: E402

DAY = 86400.0
FOLDERS = ("nab/realTraffic", "nab/realAWSCloudwatch", "bitbrains_rnd", "shop")
Series = tuple[str, np.ndarray, np.ndarray]
Method = Callable[[np.ndarray, np.ndarray, float], tuple[np.ndarray, ...]]


def _data_root() -> Path:
    return Path(os.environ.get("KAI_DATA", str(REPO.parent / "shared" / "data")))


def _nab(folder: Path) -> Iterator[Series]:
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        ts = [
            datetime.strptime(r["timestamp"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp()
            for r in rows
        ]
        yield path.stem, np.array(ts), np.array([float(r["value"]) for r in rows])


def _bitbrains(folder: Path) -> Iterator[Series]:
    for path in sorted(folder.glob("*.csv"), key=lambda p: int(p.stem)):
        with path.open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle, delimiter=";"))[1:]
        ts = np.array([float(r[0].strip()) for r in rows])
        yield f"vm{path.stem}", ts, np.array([float(r[3].strip()) for r in rows])


def _shop(path: Path) -> Iterator[Series]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for metric in ("requests_per_second", "cpu_millicores"):
        by_workload: dict[str, list[tuple[float, float]]] = {}
        for r in rows:
            by_workload.setdefault(r["workload"], []).append(
                (float(r["timestamp"]), float(r[metric]))
            )
        for workload, points in by_workload.items():
            arr = np.array(points)
            yield f"{workload}/{metric}", arr[:, 0], arr[:, 1]


def load(folder: str) -> Iterator[Series]:
    root = _data_root()
    paths = {
        "nab/realTraffic": root / "nab" / "realTraffic",
        "nab/realAWSCloudwatch": root / "nab" / "realAWSCloudwatch",
        "bitbrains_rnd": root / "traces" / "bitbrains_rnd" / "2013-8",
        "shop": REPO / "examples" / "shop" / "metrics.csv",
    }
    path = paths[folder]
    if not path.exists():
        print(f"missing data: {path} (set KAI_DATA)", file=sys.stderr)
        return
    if folder == "bitbrains_rnd":
        yield from _bitbrains(path)
    elif folder == "shop":
        yield from _shop(path)
    else:
        yield from _nab(path)


def method_naive(ts: np.ndarray, ys: np.ndarray, horizon: float) -> tuple[np.ndarray, ...]:
    f = forecast(ts, ys, horizon, models=["seasonal_naive_daily"])
    return f.timestamps, f.mean, f.lower, f.upper


def method_kai(ts: np.ndarray, ys: np.ndarray, horizon: float) -> tuple[np.ndarray, ...]:
    f = forecast(ts, ys, horizon)
    return f.timestamps, f.mean, f.lower, f.upper


def method_statsmodels(ts: np.ndarray, ys: np.ndarray, horizon: float) -> tuple[np.ndarray, ...]:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    prep = prepare(ts, ys)
    steps = int(np.ceil(horizon / prep.step_seconds))
    fc_ts = prep.timestamps[-1] + prep.step_seconds * np.arange(1, steps + 1)
    period = prep.period_day
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(
            prep.values,
            trend="add",
            damped_trend=True,
            seasonal="add" if period else None,
            seasonal_periods=period,
            initialization_method="estimated",
        ).fit()
        mean = np.asarray(fit.forecast(steps))
        sims = np.asarray(fit.simulate(steps, repetitions=100, error="add", random_state=0))
    lower, upper = np.quantile(sims, [0.1, 0.9], axis=1)
    return fc_ts, mean, lower, upper


METHODS: dict[str, Method] = {
    "seasonal_naive": method_naive,
    "statsmodels_es": method_statsmodels,
    "kai": method_kai,
}


def _scale(ts: np.ndarray, ys: np.ndarray) -> float:
    prep = prepare(ts, ys)
    y = prep.values
    lag = round(DAY / prep.step_seconds)
    lag = lag if 1 <= lag < y.size else 1
    scale = float(np.mean(np.abs(y[lag:] - y[:-lag]))) if y.size > lag else 0.0
    return scale if scale > 0 else float(np.mean(np.abs(y - y.mean()))) or 1.0


def evaluate(series: Series, origins: int) -> dict[str, dict[str, list[float]]]:
    """Scores of every method on one series (lists over origins)."""
    _, ts, ys = series
    out: dict[str, dict[str, list[float]]] = {
        m: {k: [] for k in ("mase", "smape", "inside", "points", "seconds", "n")} for m in METHODS
    }
    end = float(ts.max())
    for k in range(origins, 0, -1):
        origin = end - k * DAY
        train = ts <= origin
        test = (ts > origin) & (ts <= origin + DAY)
        if train.sum() < 50 or np.ptp(ts[train]) < 2 * DAY or test.sum() < 5:
            continue
        scale = _scale(ts[train], ys[train])
        actual = ys[test]
        for name, method in METHODS.items():
            start = time.perf_counter()
            fc_ts, mean, lower, upper = method(ts[train], ys[train], DAY)
            seconds = time.perf_counter() - start
            pred = np.interp(ts[test], fc_ts, mean)
            lo = np.interp(ts[test], fc_ts, lower)
            hi = np.interp(ts[test], fc_ts, upper)
            denom = np.abs(actual) + np.abs(pred)
            smape = np.where(
                denom > 0, 2 * np.abs(actual - pred) / np.where(denom > 0, denom, 1), 0
            )
            rec = out[name]
            rec["mase"].append(float(np.mean(np.abs(actual - pred))) / scale)
            rec["smape"].append(100 * float(np.mean(smape)))
            rec["inside"].append(float(np.sum((actual >= lo) & (actual <= hi))))
            rec["points"].append(float(actual.size))
            rec["seconds"].append(seconds)
            rec["n"].append(float(train.sum()))
    return out


def time_4000(series_list: list[Series]) -> dict[str, list[float]]:
    """fit+predict seconds per method on the last 4,000 points of each long-enough series."""
    times: dict[str, list[float]] = {m: [] for m in METHODS}
    for _, ts, ys in series_list:
        if ts.size < 4000:
            continue
        for name, method in METHODS.items():
            start = time.perf_counter()
            method(ts[-4000:], ys[-4000:], DAY)
            times[name].append(time.perf_counter() - start)
    return times


def _row(label: str, values: list[str]) -> str:
    return f"{label:<24}" + "".join(f"{v:>16}" for v in values)


def report(results: dict[str, dict[str, dict[str, list[float]]]], title: str) -> None:
    """Print one table: medians over series, pooled coverage, times."""
    print(f"\n== {title}: {len(results)} series ==")
    print(_row("metric", list(METHODS)))
    cells: dict[str, list[str]] = {k: [] for k in ("mase", "smape", "cov", "t_med", "t_p90")}
    for name in METHODS:
        per_series = [r[name] for r in results.values() if r[name]["mase"]]
        mase = [float(np.mean(s["mase"])) for s in per_series]
        smape = [float(np.mean(s["smape"])) for s in per_series]
        inside = sum(sum(s["inside"]) for s in per_series)
        points = sum(sum(s["points"]) for s in per_series)
        secs = [t for s in per_series for t in s["seconds"]]
        cells["mase"].append(f"{np.median(mase):.3f}" if mase else "n/a")
        cells["smape"].append(f"{np.median(smape):.2f}" if smape else "n/a")
        cells["cov"].append(f"{100 * inside / points:.1f} %" if points else "n/a")
        cells["t_med"].append(f"{1000 * np.median(secs):.0f} ms" if secs else "n/a")
        cells["t_p90"].append(f"{1000 * np.quantile(secs, 0.9):.0f} ms" if secs else "n/a")
    labels = {
        "mase": "median MASE",
        "smape": "median sMAPE %",
        "cov": "80% interval coverage",
        "t_med": "fit+predict median",
        "t_p90": "fit+predict p90",
    }
    for key, label in labels.items():
        print(_row(label, cells[key]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N series per folder")
    parser.add_argument("--folder", choices=FOLDERS, action="append", help="only these folders")
    parser.add_argument("--origins", type=int, default=3, help="forecast origins per series")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated subset")
    args = parser.parse_args()
    for name in [m for m in METHODS if m not in args.methods.split(",")]:
        del METHODS[name]
    forecast(np.arange(600.0) * 300, np.sin(np.arange(600.0)), DAY)  # warm-up: imports
    if "statsmodels_es" in METHODS:
        method_statsmodels(np.arange(600.0) * 300, np.sin(np.arange(600.0)), DAY)
    all_results: dict[str, dict[str, dict[str, list[float]]]] = {}
    all_series: list[Series] = []
    for folder in args.folder or FOLDERS:
        folder_results = {}
        for series in list(load(folder))[: args.limit]:
            folder_results[f"{folder}/{series[0]}"] = evaluate(series, args.origins)
            all_series.append(series)
            kai = folder_results[f"{folder}/{series[0]}"]["kai"]
            print(
                f"  {folder}/{series[0]}: kai MASE {np.mean(kai['mase'] or [np.nan]):.3f}",
                file=sys.stderr,
            )
        report(folder_results, folder)
        all_results.update(folder_results)
    report(all_results, "ALL")
    times = time_4000(all_series)
    print("\nfit+predict on 4,000-point series (last 4,000 points of each longer series):")
    for name, secs in times.items():
        if secs:
            print(
                f"  {name:<16} median {1000 * np.median(secs):.0f} ms, "
                f"max {1000 * max(secs):.0f} ms over {len(secs)} series"
            )
    ratios = []
    if "kai" not in METHODS or "seasonal_naive" not in METHODS:
        return
    for r in all_results.values():
        if r["kai"]["mase"] and r["seasonal_naive"]["mase"]:
            ratios.append((np.mean(r["kai"]["mase"]), np.mean(r["seasonal_naive"]["mase"])))
    if ratios:
        kai_med = float(np.median([a for a, _ in ratios]))
        naive_med = float(np.median([b for _, b in ratios]))
        print(
            f"\ngoal: kai median MASE {kai_med:.3f} <= 0.9 x seasonal naive "
            f"{naive_med:.3f} = {0.9 * naive_med:.3f}: "
            f"{'MET' if kai_med <= 0.9 * naive_med else 'NOT MET'}"
        )


if __name__ == "__main__":
    main()
