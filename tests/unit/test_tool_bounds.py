"""Numeric tool arguments share the CLI's limits and fail as data the model can read."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from k8sgpt_py.advisors.capacity import MAX_HORIZON_DAYS
from k8sgpt_py.config import Settings
from k8sgpt_py.insights import MAX_SINCE_DAYS
from k8sgpt_py.tools.base import ToolContext
from k8sgpt_py.tools.common import window_problem
from k8sgpt_py.tools.registry import all_tools

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BAD = [-1.0, 0.0, math.nan, math.inf, -math.inf, 1e300]


@pytest.fixture
def ctx() -> ToolContext:
    """No cluster and no metrics: a bad window must be refused before either is touched."""
    return ToolContext(cluster=None, settings=Settings(), namespace="shop", now=NOW)  # type: ignore[arg-type]


@pytest.mark.parametrize("hours", BAD)
def test_detect_anomalies_refuses_a_window_beyond_the_cli_limit(ctx, hours):
    result = all_tools()["detect_anomalies"].run(ctx, {"since_hours": hours})
    assert result.status == "error"
    assert result.error.startswith(f"since_hours must be more than 0 and at most {24 * 28} hours")
    assert "failed" not in result.error  # not an exception turned into text


@pytest.mark.parametrize("hours", [*BAD, MAX_HORIZON_DAYS * 24 + 1])
def test_forecast_demand_refuses_a_horizon_beyond_the_cli_limit(ctx, hours):
    result = all_tools()["forecast_demand"].run(ctx, {"name": "checkout", "horizon_hours": hours})
    assert result.status == "error"
    assert result.error.startswith("horizon_hours must be more than 0 and at most 672 hours")
    assert "28 days, the furthest kai forecasts" in result.error


def test_a_window_at_the_limit_gets_past_the_bound(ctx):
    # 28 days exactly is allowed: the next thing missing is the metric source
    for name, args in (
        ("detect_anomalies", {"since_hours": MAX_SINCE_DAYS * 24}),
        ("forecast_demand", {"name": "checkout", "horizon_hours": MAX_HORIZON_DAYS * 24}),
    ):
        result = all_tools()[name].run(ctx, args)
        assert result.status == "error" and "no metric history configured" in result.error


@pytest.mark.parametrize("minutes", [-5, 0, 10**30])
def test_list_events_refuses_a_window_it_cannot_compute(ctx, minutes):
    result = all_tools()["list_events"].run(ctx, {"since_minutes": minutes})
    assert result.status == "error"
    assert result.error.startswith("since_minutes must be more than 0 and at most 40320 minutes")


def test_window_problem_names_the_argument_the_limit_and_the_value():
    assert window_problem("h", 24, at_most_days=28, why="w") is None
    assert window_problem("h", 672, at_most_days=28, why="w") is None
    assert window_problem("h", 672.5, at_most_days=28, why="w") == (
        "h must be more than 0 and at most 672 hours (28 days, w), got 672.5"
    )
    assert "got nan" in str(window_problem("h", math.nan, at_most_days=28, why="w"))
