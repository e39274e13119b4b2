"""The headline flow: "scale checkout to handle Friday traffic", through the CLI on the sandbox.

The expected replica count is computed here independently: the peak from last Friday's raw
CSV rows (the forecast must land near it), the per-replica capacity from the generator's
known CPU model (examples/shop/make_metrics.py: per-replica CPU = 40m + 20m x rps), and the
sizing arithmetic redone from the reported numbers.
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime
from pathlib import Path

CSV = Path(__file__).resolve().parents[2] / "examples" / "shop" / "metrics.csv"
BASE_M, COST_M, REQUEST_M, TARGET = 40.0, 20.0, 500.0, 0.7


def last_friday_peak_rps(workload: str) -> float:
    peak = 0.0
    with CSV.open() as handle:
        for row in csv.DictReader(handle):
            when = datetime.fromtimestamp(int(row["timestamp"]), UTC)
            if row["workload"] == workload and when.date().isoformat() == "2026-11-20":
                peak = max(peak, float(row["requests_per_second"]))
    return peak


def test_scale_checkout_to_handle_friday_traffic(sandbox, kube, kai):
    result = kai("-o", "json", "--yes", "scale checkout to handle Friday traffic")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    (step,) = doc["steps"]
    plan = step["result"]["data"]
    assert step["tool"] == "plan_capacity" and plan["window"]["label"].startswith("Friday")
    assert datetime.fromisoformat(plan["peak_time"]).weekday() == 4  # the peak is on Friday

    # the forecast lands near last Friday's observed peak (mild growth, 80 % upper bound)
    observed = last_friday_peak_rps("checkoutservice")
    assert 0.85 * observed <= plan["predicted_peak_rps_mean"] <= 1.3 * observed
    assert plan["predicted_peak_rps"] >= plan["predicted_peak_rps_mean"]

    # per-replica capacity matches the generator's CPU model at 70 % of the 300m request
    true_capacity = (TARGET * REQUEST_M - BASE_M) / COST_M  # 15.5 req/s
    assert abs(plan["rps_per_replica"] - true_capacity) / true_capacity < 0.1

    # the replica count, recomputed from the reported peak and the true capacity
    expected = math.ceil(plan["predicted_peak_rps"] * (1 + plan["headroom"]) / true_capacity)
    assert plan["replicas"] == expected
    assert plan["model"] and plan["backtest_mase"] is not None
    assert plan["placement"]["fits"] is True

    (change,) = doc["changes"]
    assert change["applied"] is True and change["patch"] == {"spec": {"replicas": expected}}
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == expected


def test_capacity_for_a_workload_with_an_hpa_moves_its_bounds(sandbox, kube, kai):
    result = kai("-o", "json", "--yes", "scale frontend for black friday")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    plan = doc["steps"][0]["result"]["data"]
    assert plan["window"]["label"].startswith("Black Friday")
    (change,) = doc["changes"]
    assert change["target"]["kind"] == "HorizontalPodAutoscaler"
    hpa = kube.get("HorizontalPodAutoscaler", "frontend", "shop")["spec"]
    assert hpa["minReplicas"] == plan["replicas"] and hpa["maxReplicas"] >= plan["replicas"]
    # the deployment itself is left to the HPA
    assert kube.get("Deployment", "frontend", "shop")["spec"]["replicas"] == 3


def test_text_output_shows_the_reasoning(sandbox, kai):
    result = kai("--dry-run", "scale checkout to handle friday evening traffic")
    assert result.exit_code == 0, result.stderr
    for words in ("predicted peak", "req/s", "One replica serves", "headroom", "backtest MASE"):
        assert words in result.stdout


def test_unknown_time_phrase_exits_2(sandbox, kai):
    result = kai("scale checkout to handle the apocalypse traffic")
    assert result.exit_code == 2 and "cannot read the time" in result.stderr
