"""A real Prometheus server, backfilled from a small metrics CSV, for integration tests.

Loaded as a plugin by ``tests/conftest.py`` (``pytest_plugins``); the fixture is
``prometheus_demo`` (session scope, about 1-2 s to set up).

Tests using it are marked ``@pytest.mark.prometheus`` and skip when ``prometheus`` or
``promtool`` are not on PATH (``apt-get install prometheus`` on Debian/Ubuntu).
"""

from __future__ import annotations

import math
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from k8sgpt_py import clock
from k8sgpt_py.metrics import CsvSource, csv_to_openmetrics

HEADER = "timestamp,namespace,workload,replicas,requests_per_second,cpu_millicores,memory_bytes"
DEMO_WORKLOADS = (("shop", "checkout"), ("shop", "cart"), ("ops", "checkout"))
DEMO_DAYS = 2
READY_TIMEOUT_SECONDS = 20.0
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def last_monday(now: datetime) -> datetime:
    """Monday 00:00 UTC at or before ``now``."""
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def demo_row(namespace: str, workload: str, stamp: int) -> str:
    """One deterministic CSV row: a daily cycle plus a per-workload offset."""
    seed = sum(map(ord, namespace + workload)) % 17
    phase = 2 * math.pi * (stamp % 86400) / 86400
    rps = round(80 + seed + 60 * math.sin(phase) + (stamp // 300) % 7, 3)
    cpu = round(200 + 3 * seed + 150 * math.sin(phase + 0.3) + (stamp // 300) % 5, 3)
    memory = 300_000_000 + seed * 1_000_000 + (stamp // 300) % 11 * 4096
    replicas = 2 + (1 if math.sin(phase) > 0.5 else 0)
    return f"{stamp},{namespace},{workload},{replicas},{rps},{cpu},{memory}"


def write_demo_csv(
    path: Path,
    *,
    end: datetime,
    days: int,
    workloads: tuple[tuple[str, str], ...] = DEMO_WORKLOADS,
) -> Path:
    """Write ``days`` of 5-minute rows per workload, the last row at ``end``."""
    last = int(end.timestamp())
    stamps = range(last - days * 86400 + 300, last + 1, 300)
    lines = [HEADER] + [demo_row(ns, wl, t) for ns, wl in workloads for t in stamps]
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass(frozen=True)
class PrometheusDemo:
    """A running Prometheus holding the history of ``csv_path`` shifted next to ``now``.

    ``first_timestamp`` and ``last_timestamp`` are the first and last CSV rows after the shift
    (``CsvSource(csv_path, now=now).span()``), unix seconds.
    """

    url: str
    csv_path: Path
    now: datetime
    first_timestamp: float
    last_timestamp: float


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"prometheus exited ({process.returncode}): {log.read_text()[-800:]}"
            )
        try:
            with _NO_PROXY.open(f"{url}/-/ready", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"prometheus not ready after {READY_TIMEOUT_SECONDS}s: {log.read_text()[-800:]}"
    )


def backfill(csv_path: Path, data_dir: Path, *, end: datetime) -> int:
    """OpenMetrics from ``csv_path`` (shifted next to ``end``) into TSDB blocks in ``data_dir``.

    promtool reads the whole file once per block; its default 2-hour blocks make that slow,
    so blocks here span up to a day (``--max-block-duration``, a hidden flag since 2.3x).
    Returns the number of samples.
    """
    export = csv_to_openmetrics(csv_path, data_dir.parent / "backfill.om", end=end)
    command = ["promtool", "tsdb", "create-blocks-from", "openmetrics", "--quiet"]
    command.append("--max-block-duration=24h")
    done = subprocess.run(
        [*command, str(export.path), str(data_dir)], capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        raise RuntimeError(f"promtool failed ({done.returncode}): {done.stderr[-800:]}")
    return export.samples


@pytest.fixture(scope="session")
def prometheus_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusDemo]:
    """Backfill a TSDB from a 2-day CSV, start Prometheus on a free port, stop it afterwards."""
    missing = [tool for tool in ("prometheus", "promtool") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not on PATH (apt-get install prometheus)")
    root = tmp_path_factory.mktemp("prometheus")
    now = clock.now()  # KAI_NOW, pinned for the session by conftest.py: not the wall clock
    csv_path = write_demo_csv(
        root / "metrics.csv", end=last_monday(now) - timedelta(weeks=1), days=DEMO_DAYS
    )
    data_dir = root / "data"
    data_dir.mkdir()
    backfill(csv_path, data_dir, end=now)
    first, last = CsvSource(csv_path, now=now).span()
    config = root / "prometheus.yml"
    config.write_text("global:\n  scrape_interval: 1h\nscrape_configs: []\n")
    url = f"http://127.0.0.1:{_free_port()}"
    log = root / "prometheus.log"
    with log.open("wb") as log_handle:
        process = subprocess.Popen(
            [
                "prometheus",
                f"--config.file={config}",
                f"--storage.tsdb.path={data_dir}",
                "--storage.tsdb.retention.time=30d",
                f"--web.listen-address={url.removeprefix('http://')}",
            ],
            stdout=log_handle,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_ready(url, process, log)
        yield PrometheusDemo(url, csv_path, now, first, last)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
