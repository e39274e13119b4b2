"""The headline flow: "scale checkout to handle Friday traffic", through the CLI on the sandbox.

The expected replica count is computed here independently: the peak from last Friday's raw
CSV rows (the forecast must land near it), the per-replica capacity from the generator's
known CPU model (examples/shop/make_metrics.py: per-replica CPU = 40m + 20m x rps), and the
sizing arithmetic redone from the reported numbers.
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime, timedelta
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


# Mondays 09:00 UTC across the year: the demo history is shifted by whole weeks to end just
# before each, so the same question must get the same answer whatever the date.
MONDAYS_0900 = (
    "2026-11-23T09:00:00Z",  # the suite's fixed clock: Black Friday is this week
    "2026-11-30T09:00:00Z",  # just after Black Friday (Cyber Monday)
    "2026-12-28T09:00:00Z",  # New Year's week
    "2027-01-04T09:00:00Z",  # just after New Year
    "2027-06-14T09:00:00Z",  # mid-year
    "2028-02-28T09:00:00Z",  # a leap-year February
)


def test_capacity_answer_does_not_depend_on_the_date(sandbox, kai, monkeypatch):
    answers = []
    for now in MONDAYS_0900:
        monkeypatch.setenv("KAI_NOW", now)
        result = kai("-o", "json", "--dry-run", "scale checkout to handle Friday traffic")
        assert result.exit_code == 0, (now, result.stderr)
        plan = result.json()["steps"][0]["result"]["data"]
        pinned = datetime.fromisoformat(now)
        start = datetime.fromisoformat(plan["window"]["start"])
        assert start - pinned == timedelta(days=4, hours=-9), now  # that week's Friday 00:00
        peak_after = datetime.fromisoformat(plan["peak_time"]) - pinned
        answers.append(
            (
                plan["replicas"],
                plan["predicted_peak_rps"],
                plan["predicted_peak_rps_mean"],
                plan["rps_per_replica"],
                plan["model"],
                peak_after,
            )
        )
    assert all(answer == answers[0] for answer in answers), answers
    assert answers[0][0] >= 3  # the demo's Friday needs more than today's 2 replicas


def test_black_friday_just_after_it_is_out_of_reach_exit_2(sandbox, kube, kai, monkeypatch):
    monkeypatch.setenv("KAI_NOW", "2026-11-30T09:00:00Z")  # Black Friday was 3 days ago
    before = kube.get("HorizontalPodAutoscaler", "frontend", "shop")["metadata"]["resourceVersion"]
    result = kai("--yes", "scale frontend for black friday")
    assert result.exit_code == 2, result.stderr
    error, hint = result.stderr.splitlines()
    assert error.startswith("kai: error: cannot plan capacity for deployment/shop/frontend")
    assert "Black Friday (Friday 2027-11-26)" in error and "at most 28 days ahead" in error
    # how far kai can forecast, from where, and what to ask instead
    assert hint == (
        "hint: kai forecasts up to 28 days past the last metric sample (2026-11-29 23:55 UTC): "
        'ask about a time that ends by Sunday 2026-12-27 23:55, e.g. "Friday" or "next week"'
    )
    assert (
        kube.get("HorizontalPodAutoscaler", "frontend", "shop")["metadata"]["resourceVersion"]
        == before
    )


def test_new_year_is_planned_in_its_week_and_out_of_reach_after_it(sandbox, kai, monkeypatch):
    monkeypatch.setenv("KAI_NOW", "2026-12-28T09:00:00Z")
    result = kai("-o", "json", "--dry-run", "scale checkout for new year")
    assert result.exit_code == 0, result.stderr
    window = result.json()["steps"][0]["result"]["data"]["window"]
    assert window["start"] == "2027-01-01T00:00:00+00:00"
    monkeypatch.setenv("KAI_NOW", "2027-01-04T09:00:00Z")
    late = kai("--dry-run", "scale checkout for new year")
    assert late.exit_code == 2 and "2028-01-01" in late.stderr and "hint: " in late.stderr


def test_a_window_already_over_exits_2_with_a_hint(sandbox, kai):
    result = kai("--dry-run", "scale checkout for 2026-11-01")
    assert result.exit_code == 2, result.stderr
    assert "ends before the end of the history" in result.stderr
    assert 'hint: ask about a coming time, e.g. "Friday"' in result.stderr


def test_a_time_phrase_past_the_calendar_exits_2(sandbox, kai):
    result = kai("--dry-run", "scale checkout for 9999-12-31")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("kai: error: cannot read the time '9999-12-31'")
    assert "too far from now" in result.stderr and "Traceback" not in result.stderr
