"""Write a metrics CSV as OpenMetrics text that the default Prometheus queries read back.

Used to backfill a real Prometheus with the demo history (history moved next to now)::

    python -m k8sgpt_py.metrics examples/shop/metrics.csv shop.om
    promtool tsdb create-blocks-from openmetrics --max-block-duration=168h shop.om DATA_DIR
    prometheus --storage.tsdb.path=DATA_DIR --storage.tsdb.retention.time=60d ...

(``--max-block-duration`` matters: promtool reads the whole file once per block, 2 h by
default, which takes minutes for four weeks.)

Each CSV row at time ``t`` describes the interval ``(t - step, t]``. Rates (cpu, rps) become
counters that grow linearly over that interval, sampled every ``counter_step_seconds`` (60 s
by default, so ``rate(...[5m])`` sees several samples under both the Prometheus 2 and 3 window
rules). Gauges (memory, replicas) get one sample per row. Series per workload ``w``:

- ``container_cpu_usage_seconds_total{namespace, pod="w-0", container="w"}`` (counter)
- ``container_memory_working_set_bytes{namespace, pod="w-0", container="w"}`` (gauge)
- ``http_requests_total{namespace, service="w"}`` (counter)
- ``kube_deployment_status_replicas{namespace, deployment="w"}`` (gauge)
- ``kube_pod_container_status_restarts_total{namespace, pod="w-0", container="w"}`` (counter,
  only when the CSV has a ``restarts`` column of cumulative counts)
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from k8sgpt_py.metrics.base import Metric
from k8sgpt_py.metrics.csv_source import (
    CsvTable,
    WorkloadHistory,
    load_table,
    parse_text,
    week_shift_seconds,
)


@dataclass(frozen=True)
class _Family:
    name: str  # the sample name; for counters the family name is this without "_total"
    kind: str  # "counter_rate" (values are per-second rates), "counter" or "gauge"
    metric: Metric
    labels: str  # with {ns} and {w} placeholders
    scale: float = 1.0  # CSV unit to exposed unit (millicores -> cores)


_FAMILIES = (
    _Family(
        "container_cpu_usage_seconds_total",
        "counter_rate",
        "cpu",
        'namespace="{ns}",pod="{w}-0",container="{w}"',
        scale=1e-3,
    ),
    _Family(
        "container_memory_working_set_bytes",
        "gauge",
        "memory",
        'namespace="{ns}",pod="{w}-0",container="{w}"',
    ),
    _Family("http_requests_total", "counter_rate", "rps", 'namespace="{ns}",service="{w}"'),
    _Family(
        "kube_deployment_status_replicas", "gauge", "replicas", 'namespace="{ns}",deployment="{w}"'
    ),
    _Family(
        "kube_pod_container_status_restarts_total",
        "counter",
        "restarts",
        'namespace="{ns}",pod="{w}-0",container="{w}"',
    ),
)


@dataclass(frozen=True)
class OpenMetricsExport:
    """What :func:`csv_to_openmetrics` wrote: sample count and time span (unix seconds)."""

    path: Path
    samples: int
    first_timestamp: float
    last_timestamp: float


def to_openmetrics(
    rows: Iterable[Mapping[str, str | float | int]], *, counter_step_seconds: int = 60
) -> str:
    """OpenMetrics text (ending with ``# EOF``) for CSV-shaped rows (keys = CSV header)."""
    buffer = io.StringIO()
    items = list(rows)
    if not items:
        return "# EOF\n"
    writer = csv.DictWriter(buffer, fieldnames=list(items[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(items)
    table = parse_text(buffer.getvalue(), origin="rows")
    return "".join(openmetrics_lines(table, counter_step_seconds=counter_step_seconds))


def csv_to_openmetrics(
    csv_path: str | Path,
    out_path: str | Path,
    *,
    end: datetime | None = None,
    counter_step_seconds: int = 60,
) -> OpenMetricsExport:
    """Write ``csv_path`` as OpenMetrics to ``out_path``.

    Args:
        csv_path: A metrics CSV (see :mod:`k8sgpt_py.metrics.csv_source`).
        out_path: Where to write the text (for ``promtool tsdb create-blocks-from openmetrics``).
        end: Shift the history by whole weeks so its last point is <= ``end`` and
            > ``end`` - 7 days, exactly as ``CsvSource(csv_path, now=end)`` does.
        counter_step_seconds: Sample spacing of the counters.
    """
    table = load_table(csv_path)
    shift = 0.0 if end is None else week_shift_seconds(table.last_timestamp, end)
    samples = 0
    first = math.inf
    last = -math.inf
    out = Path(out_path)
    with out.open("w", encoding="utf-8") as handle:
        for line in openmetrics_lines(
            table, shift_seconds=shift, counter_step_seconds=counter_step_seconds
        ):
            handle.write(line)
            if not line.startswith("#"):
                samples += 1
                stamp = float(line.rsplit(" ", 1)[1])
                first, last = min(first, stamp), max(last, stamp)
    return OpenMetricsExport(out, samples, first, last)


def openmetrics_lines(
    table: CsvTable, *, shift_seconds: float = 0.0, counter_step_seconds: int = 60
) -> Iterator[str]:
    """Yield the OpenMetrics lines of ``table`` (families in order, each series ascending).

    Raises:
        ValueError: ``counter_step_seconds`` is not positive.
    """
    if counter_step_seconds <= 0:
        raise ValueError(f"counter step must be positive, got {counter_step_seconds}")
    for family in _FAMILIES:
        if family.metric not in table.metrics:
            continue
        kind = "gauge" if family.kind == "gauge" else "counter"
        base = family.name.removesuffix("_total") if kind == "counter" else family.name
        yield f"# TYPE {base} {kind}\n"
        for (namespace, workload), history in sorted(table.workloads.items()):
            labels = family.labels.format(ns=_escape(namespace), w=_escape(workload))
            prefix = f"{family.name}{{{labels}}} "
            stamps = history.timestamps + shift_seconds
            values = history.values[family.metric] * family.scale
            if family.kind == "counter_rate":
                points = _counter_points(stamps, values, history, counter_step_seconds)
            else:
                points = zip(stamps.tolist(), values.tolist(), strict=True)
            for stamp, value in points:
                if not math.isnan(value):
                    yield f"{prefix}{value!r} {_stamp(stamp)}\n"
    yield "# EOF\n"


def _counter_points(
    stamps: np.ndarray, rates: np.ndarray, history: WorkloadHistory, sub_seconds: int
) -> Iterator[tuple[float, float]]:
    """Cumulative counter samples for per-second rates over each row's interval."""
    step = history.step_seconds
    pieces = max(1, round(step / sub_seconds))
    total = 0.0
    previous = -math.inf
    for stamp, rate in zip(stamps.tolist(), rates.tolist(), strict=True):
        begin = stamp - step
        if math.isnan(rate):
            continue
        if begin > previous:
            yield begin, total
        for piece in range(1, pieces + 1):
            yield begin + step * piece / pieces, total + rate * step * piece / pieces
        total += rate * step
        previous = stamp


def _stamp(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:.3f}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
