"""The demo shop's metric history: the one injected anomaly is found, nothing else."""

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from k8sgpt_py.advisors.anomaly import detect

METRICS_CSV = Path(__file__).resolve().parents[2] / "examples" / "shop" / "metrics.csv"
METRICS = ("replicas", "requests_per_second", "cpu_millicores", "memory_bytes")


def _workloads() -> dict[str, tuple[np.ndarray, dict[str, np.ndarray]]]:
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    with METRICS_CSV.open(newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["workload"]].append(row)
    return {
        name: (
            np.array([float(r["timestamp"]) for r in items]),
            {m: np.array([float(r[m]) for r in items]) for m in METRICS},
        )
        for name, items in rows.items()
    }


@pytest.mark.skipif(not METRICS_CSV.exists(), reason="examples/shop/metrics.csv not generated")
def test_anomaly_demo_finds_only_the_cartservice_memory_leak():
    found = {}
    for name, (times, metrics) in _workloads().items():
        since = times[-1] - 24 * 3600
        found[name] = detect(times, metrics, since=since)
    flagged = {name: anomalies for name, anomalies in found.items() if anomalies}
    assert list(flagged) == ["cartservice"]
    leak = flagged["cartservice"]
    assert len(leak) == 1
    assert leak[0].metric == "memory_bytes"
    assert leak[0].score > 0.9
    assert leak[0].end == _workloads()["cartservice"][0][-1]
    assert "rose to 3.0x its usual level" in leak[0].description
