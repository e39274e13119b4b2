"""Out-of-range numbers: `kai history --limit` exits 2; a model's tool arguments fail as data."""

from __future__ import annotations

import json

import pytest
from llm_server import answer, call, tool_calls


@pytest.mark.parametrize("limit", ["-1", "0", "10001", "99999999999999999999999"])
def test_history_limit_out_of_range_exits_2_in_one_line(sandbox, kai, limit):
    assert kai("--yes", "scale checkout to 3").exit_code == 0
    for args in (("history", "--limit", limit), ("history", f"--limit={limit}")):
        result = kai(*args)
        assert result.exit_code == 2, result.stderr
        assert result.stderr.splitlines() == [
            f"kai: error: --limit must be a whole number from 1 to 10000, got {limit}"
        ]
        assert result.stdout == ""


def test_history_limit_in_range_lists_the_newest(sandbox, kai):
    assert kai("--yes", "scale checkout to 3").exit_code == 0
    assert kai("--yes", "scale cart to 3").exit_code == 0
    (record,) = kai("-o", "json", "history", "--limit", "1").json()["records"]
    assert record["target"]["name"] == "cartservice"


def test_a_models_out_of_range_window_comes_back_to_it_as_an_error(
    sandbox, kai, scripted_llm, monkeypatch
):
    server = scripted_llm(
        tool_calls(
            call("detect_anomalies", {"namespace": "shop", "since_hours": 1e300}),
            call("forecast_demand", {"name": "checkout", "horizon_hours": -24}),
        ),
        answer("I could not look that far."),
    )
    monkeypatch.setenv("KAI_MODEL", "scripted")
    monkeypatch.setenv("KAI_BASE_URL", server.base_url)
    result = kai("-o", "json", "anything unusual in shop over the last million years?")
    assert result.exit_code == 0, result.stderr
    statuses = {s["tool"]: s["result"] for s in result.json()["steps"]}
    assert statuses["detect_anomalies"]["status"] == "error"
    error = statuses["detect_anomalies"]["error"]
    assert "since_hours must be more than 0 and at most 672 hours" in error
    assert "horizon_hours must be more than 0" in statuses["forecast_demand"]["error"]
    sent = json.dumps(server.requests[1]["messages"])
    assert "since_hours must be more than 0" in sent and "OverflowError" not in sent
