"""Capacity planning: per-replica throughput, replica counts, the wired plan."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from k8sgpt_py.advisors.capacity import (
    MAX_HORIZON_DAYS,
    Capacity,
    WindowOutOfReach,
    per_replica_capacity,
    plan_capacity,
    replicas_needed,
)
from k8sgpt_py.advisors.timephrase import TimeWindow, parse_time_phrase

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday


def _load_history(n: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-replica CPU = 50m + 10m per req/s, replicas 2..4, 2 % noise, a few outliers."""
    rng = np.random.default_rng(seed)
    replicas = rng.integers(2, 5, n).astype(float)
    rps = replicas * rng.uniform(2.0, 28.0, n)
    cpu = replicas * (50.0 + 10.0 * rps / replicas) * rng.normal(1.0, 0.02, n)
    cpu[::97] *= 3.0  # outliers: GC pauses, noisy neighbours
    return rps, cpu, replicas


def test_per_replica_capacity_recovers_known_capacity() -> None:
    rps, cpu, replicas = _load_history()
    cap = per_replica_capacity(rps, cpu, replicas, cpu_request_millicores=500)
    assert cap.method == "huber_regression"
    assert cap.cpu_millicores_per_rps == pytest.approx(10.0, rel=0.03)
    assert cap.base_cpu_millicores == pytest.approx(50.0, rel=0.1)
    assert cap.rps_per_replica == pytest.approx(30.0, rel=0.03)  # (0.7 * 500 - 50) / 10
    assert cap.samples == 2000


def test_per_replica_capacity_target_utilisation_changes_answer() -> None:
    rps, cpu, replicas = _load_history()
    cap = per_replica_capacity(
        rps, cpu, replicas, cpu_request_millicores=1000, target_utilisation=0.5
    )
    assert cap.rps_per_replica == pytest.approx(45.0, rel=0.03)  # (500 - 50) / 10


def test_per_replica_capacity_constant_load_falls_back_to_ratio() -> None:
    rps = np.full(50, 20.0)
    cpu = np.full(50, 200.0)
    cap = per_replica_capacity(rps, cpu, np.full(50, 2.0), cpu_request_millicores=500)
    assert cap.method == "ratio"
    assert cap.cpu_millicores_per_rps == pytest.approx(10.0)  # 100m per pod / 10 rps per pod
    assert cap.rps_per_replica == pytest.approx(35.0)  # 350m / 10m
    assert cap.notes


def test_per_replica_capacity_ignores_bad_points() -> None:
    rps, cpu, replicas = _load_history(n=500)
    rps[3], cpu[4], replicas[5] = np.nan, np.inf, 0.0
    cap = per_replica_capacity(rps, cpu, replicas, cpu_request_millicores=500)
    assert cap.samples == 497
    assert "3 unusable points dropped" in cap.notes


def test_per_replica_capacity_no_traffic_raises() -> None:
    with pytest.raises(ValueError, match="no history with traffic"):
        per_replica_capacity(np.zeros(5), np.ones(5), np.ones(5), cpu_request_millicores=500)


def test_replicas_needed_exact_values() -> None:
    cap = Capacity(30.0, 10.0, 50.0, "huber_regression", ())
    assert replicas_needed(100.0, cap) == 4  # 110 / 30 = 3.67
    assert replicas_needed(90.0, cap, headroom=0.0) == 3  # exactly 3, no float creep
    assert replicas_needed(0.0, cap, min_replicas=2) == 2
    assert replicas_needed(300.0, cap, headroom=0.5) == 15
    with pytest.raises(ValueError):
        replicas_needed(float("nan"), cap)


def _weekly_history() -> tuple[np.ndarray, ...]:
    """Three weeks up to NOW of 5-minute load with a daily cycle, 2 replicas."""
    rng = np.random.default_rng(7)
    end = NOW.timestamp()
    ts = end - 300.0 * np.arange(21 * 288, 0, -1)
    phase = 2 * np.pi * (ts % 86400) / 86400
    rps = 20.0 + 10.0 * np.sin(phase - np.pi / 2) + rng.normal(0, 1.0, ts.size)
    replicas = np.full(ts.size, 2.0)
    cpu = replicas * 40.0 + 20.0 * rps
    return ts, rps, cpu, replicas


def test_plan_capacity_wires_forecast_and_capacity() -> None:
    ts, rps, cpu, replicas = _weekly_history()
    window = parse_time_phrase("tomorrow", now=NOW)
    plan = plan_capacity(ts, rps, cpu, replicas, cpu_request_millicores=500, window=window, now=NOW)
    assert plan.window == window
    assert window.start <= plan.peak_time < window.end
    assert 28.0 < plan.peak_rps_mean <= plan.peak_rps < 40.0  # true daily peak is 30
    assert plan.capacity.rps_per_replica == pytest.approx(15.5, rel=0.02)  # (350 - 40) / 20
    assert plan.replicas == replicas_needed(plan.peak_rps, plan.capacity, headroom=0.1)
    assert plan.current_replicas == 2
    assert plan.model in plan.forecast.backtest
    assert "replicas" in plan.explanation()


def test_plan_capacity_rejects_past_and_far_windows() -> None:
    ts, rps, cpu, replicas = _weekly_history()
    last = datetime.fromtimestamp(float(ts[ts <= NOW.timestamp()][-1]), UTC)
    past = TimeWindow(NOW - timedelta(days=3), NOW - timedelta(days=2), "past")
    with pytest.raises(WindowOutOfReach, match="ends before") as caught:
        plan_capacity(ts, rps, cpu, replicas, cpu_request_millicores=500, window=past, now=NOW)
    assert not caught.value.is_too_far and caught.value.history_end == last
    far = TimeWindow(NOW + timedelta(days=60), NOW + timedelta(days=61), "far")
    with pytest.raises(WindowOutOfReach, match="kai forecasts at most 28 days ahead") as caught:
        plan_capacity(ts, rps, cpu, replicas, cpu_request_millicores=500, window=far, now=NOW)
    assert isinstance(caught.value, ValueError) and caught.value.is_too_far
    assert caught.value.latest_end == last + timedelta(days=MAX_HORIZON_DAYS)
    days = -(-(far.end - last).total_seconds() // 86400)
    assert f"window far ends {days:.0f} days after the last metric sample" in str(caught.value)


def test_plan_capacity_reaches_exactly_the_horizon() -> None:
    ts, rps, cpu, replicas = _weekly_history()
    last = datetime.fromtimestamp(float(ts[ts <= NOW.timestamp()][-1]), UTC)
    edge = last + timedelta(days=MAX_HORIZON_DAYS)
    window = TimeWindow(edge - timedelta(hours=1), edge, "edge")
    plan = plan_capacity(ts, rps, cpu, replicas, cpu_request_millicores=500, window=window, now=NOW)
    assert plan.window == window
    beyond = TimeWindow(edge, edge + timedelta(seconds=1), "beyond")
    with pytest.raises(WindowOutOfReach):
        plan_capacity(ts, rps, cpu, replicas, cpu_request_millicores=500, window=beyond, now=NOW)


def test_plan_capacity_demo_checkout_needs_more_replicas_on_friday() -> None:
    with (REPO / "examples" / "shop" / "metrics.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["workload"] == "checkoutservice"]
    ts = np.array([float(r["timestamp"]) for r in rows])
    rps = np.array([float(r["requests_per_second"]) for r in rows])
    cpu = np.array([float(r["cpu_millicores"]) for r in rows])
    replicas = np.array([float(r["replicas"]) for r in rows])
    window = parse_time_phrase("Friday", now=NOW)
    plan = plan_capacity(ts, rps, cpu, replicas, cpu_request_millicores=500, window=window, now=NOW)
    assert plan.current_replicas == 2
    assert plan.capacity.cpu_millicores_per_rps == pytest.approx(20.0, rel=0.05)
    assert plan.capacity.base_cpu_millicores == pytest.approx(40.0, rel=0.15)
    assert plan.peak_time.weekday() == 4 and 18 <= plan.peak_time.hour < 21
    assert plan.replicas >= 3


def test_plan_capacity_counts_the_horizon_from_the_last_observation():
    """A grid padded with NaN up to now must not shorten the forecast before the window."""
    from datetime import UTC, datetime, timedelta

    import numpy as np

    from k8sgpt_py.advisors.capacity import plan_capacity
    from k8sgpt_py.advisors.timephrase import parse_time_phrase

    now = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)  # Thursday
    ts = np.arange((now - timedelta(days=21)).timestamp(), now.timestamp(), 300.0)
    hours = (ts % 86400) / 3600
    rps = 10 + 8 * np.sin((hours - 6) / 24 * 2 * np.pi).clip(0)
    rps[ts > (now - timedelta(days=3)).timestamp()] = np.nan  # data stopped on Monday
    replicas = np.full(ts.size, 2.0)
    cpu = replicas * 40 + 20 * rps
    window = parse_time_phrase("Friday", now=now)
    plan = plan_capacity(ts, rps, cpu, replicas, cpu_request_millicores=500, window=window, now=now)
    assert window.start <= plan.peak_time < window.end
