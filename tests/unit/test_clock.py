"""The one clock seam (k8sgpt_py/clock.py): KAI_NOW pins kai, its sandbox and its metric sources."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from k8sgpt_py import clock
from k8sgpt_py.errors import ExitCode, UsageError

PINNED = datetime(2026, 11, 23, 9, tzinfo=UTC)  # tests/conftest.py FIXED_NOW


def test_clock_is_pinned_for_every_test():
    assert clock.now() == PINNED


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2027-01-04T09:00:00Z", datetime(2027, 1, 4, 9, tzinfo=UTC)),
        ("2027-01-04T10:30:00+01:00", datetime(2027, 1, 4, 9, 30, tzinfo=UTC)),  # to UTC
        ("2027-01-04T09:00:00", datetime(2027, 1, 4, 9, tzinfo=UTC)),  # naive: UTC
        ("2027-01-04", datetime(2027, 1, 4, tzinfo=UTC)),  # a date: its midnight
        ("  2027-01-04T09:00Z\n", datetime(2027, 1, 4, 9, tzinfo=UTC)),
    ],
)
def test_clock_reads_iso_8601_kai_now(monkeypatch, raw, expected):
    monkeypatch.setenv("KAI_NOW", raw)
    assert clock.now() == expected and clock.now().tzinfo == UTC


@pytest.mark.parametrize(
    "raw",
    ["tomorrow", "2026-13-01", "2026-11-23T25:00", "1700000000", "0001-01-01T00:00+01:00",
     "1900-01-01", "9999-12-31T23:59:59-01:00", "\x01", "2026-11-23T09:00:00Z" * 20],
)  # fmt: skip
def test_clock_rejects_bad_kai_now_as_usage(monkeypatch, raw):
    monkeypatch.setenv("KAI_NOW", raw)
    with pytest.raises(UsageError) as caught:
        clock.now()
    assert caught.value.exit_code == ExitCode.USAGE
    assert caught.value.message.startswith("KAI_NOW ") and "\n" not in caught.value.message
    assert "KAI_NOW=2026-11-23T09:00:00Z" in (caught.value.hint or "")


def test_clock_without_kai_now_is_the_wall_clock_in_utc(monkeypatch):
    monkeypatch.delenv("KAI_NOW")
    before = datetime.now(UTC)
    now = clock.now()
    assert now.tzinfo == UTC and before <= now <= datetime.now(UTC)
    monkeypatch.setenv("KAI_NOW", "  ")  # blank counts as unset
    assert clock.now() - before < timedelta(minutes=5)


def test_sandbox_stamps_objects_and_ages_with_the_pinned_clock(monkeypatch):
    from k8sgpt_py.sandbox.store import now_iso
    from k8sgpt_py.sandbox.tables import human_age

    assert now_iso() == "2026-11-23T09:00:00Z"
    assert human_age("2026-11-23T06:00:00Z") == "3h"  # age against kai's clock, not the wall's
    monkeypatch.setenv("KAI_NOW", "2026-11-25T09:00:00Z")
    assert now_iso() == "2026-11-25T09:00:00Z" and human_age("2026-11-23T09:00:00Z") == "2d"


def test_sandbox_seed_events_and_leases_agree_with_kai(sandbox, kube):
    from k8sgpt_py.sandbox.subresources import node_leases

    pod = kube.list("Pod", "shop")[0]
    assert pod["metadata"]["creationTimestamp"] == "2026-11-23T09:00:00Z"
    events = kube.list("Event", None)
    assert events and {e.get("lastTimestamp") for e in events} <= {"2026-11-23T09:00:00Z", None}
    leases = node_leases(sandbox.api, "kube-node-lease")
    assert leases and {lease["spec"]["renewTime"] for lease in leases} == {
        "2026-11-23T09:00:00.000000Z"
    }


def test_metrics_server_source_defaults_to_the_clock():
    from k8sgpt_py.metrics.metrics_server import MetricsServerSource

    source = MetricsServerSource(lambda namespace: [])
    assert source.now() == PINNED
