"""Metric history from a CSV file (the demo history in ``examples/shop/metrics.csv``).

Format: a header with ``timestamp,namespace,workload`` and any of the metric columns
``replicas,requests_per_second,cpu_millicores,memory_bytes,restarts``; one row per workload and
sample, unix seconds. An empty cell is a missing value.

The parsed table is cached on disk after a small :class:`CsvIndex` (workloads, metric columns,
last timestamp), so a :class:`CsvSource` knows which workloads it has without loading the
arrays or numpy; the table is loaded on first use (``kai explain`` of a workload that has
no history never needs it).
"""

from __future__ import annotations

import csv
import functools
import io
import math
import os
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from k8sgpt_py.errors import NotFound
from k8sgpt_py.metrics.base import (
    UNITS,
    Metric,
    MetricsUnavailable,
    NoMetricData,
    Series,
    check_request,
    no_data,
    step_grid,
    unix_seconds,
)

if TYPE_CHECKING:
    import numpy as np

WEEK_SECONDS = 7 * 24 * 3600
COLUMNS: dict[str, Metric] = {
    "requests_per_second": "rps",
    "cpu_millicores": "cpu",
    "memory_bytes": "memory",
    "replicas": "replicas",
    "restarts": "restarts",
}
_KEYS = ("timestamp", "namespace", "workload")
_CACHE_FORMAT = 2  # bump when CsvIndex or CsvTable changes shape


@dataclass(frozen=True, eq=False)
class WorkloadHistory:
    """All samples of one workload: ascending timestamps and one array per metric present."""

    timestamps: np.ndarray
    values: dict[Metric, np.ndarray]
    step_seconds: float


@dataclass(frozen=True, eq=False)
class CsvTable:
    """A parsed metrics CSV, grouped by ``(namespace, workload)``."""

    workloads: dict[tuple[str, str], WorkloadHistory]
    metrics: tuple[Metric, ...]
    last_timestamp: float


@dataclass(frozen=True)
class CsvIndex:
    """What a metrics CSV holds, without the samples (plain Python: loading it needs no numpy)."""

    workloads: tuple[tuple[str, str], ...]
    metrics: tuple[Metric, ...]
    last_timestamp: float

    @classmethod
    def of(cls, table: CsvTable) -> CsvIndex:
        """The index of a parsed table."""
        return cls(tuple(table.workloads), table.metrics, table.last_timestamp)


def week_shift_seconds(last_timestamp: float, now: datetime) -> float:
    """Whole weeks to add so the last point is <= ``now`` and > ``now`` - 7 days."""
    weeks = math.floor((unix_seconds(now) - last_timestamp) / WEEK_SECONDS)
    return float(weeks * WEEK_SECONDS)


def parse_text(text: str, *, origin: str) -> CsvTable:
    """Parse the text of a metrics CSV into a :class:`CsvTable`.

    Raises:
        MetricsUnavailable: The header lacks required columns or a cell is not a number.
    """
    import numpy as np

    text = text.replace("\r\n", "\n")
    header = [name.strip() for name in text.split("\n", 1)[0].split(",")]
    missing = [key for key in _KEYS if key not in header]
    metric_columns = [
        (header.index(col), metric) for col, metric in COLUMNS.items() if col in header
    ]
    if missing or not metric_columns:
        raise _bad(origin, f"header needs {', '.join(_KEYS)} and a metric column ({header!r})")
    number_columns = [header.index("timestamp")] + [col for col, _ in metric_columns]
    key_columns = (header.index("namespace"), header.index("workload"))
    try:
        split = _split_csv if '"' in text else _split_fast
        keys, numbers = split(text, key_columns, number_columns)
    except (ValueError, IndexError) as exc:
        raise _bad(origin, f"bad value: {exc}") from exc
    if not keys:
        raise _bad(origin, "no data rows")
    codes = {key: i for i, key in enumerate(dict.fromkeys(keys))}
    code = np.fromiter(map(codes.__getitem__, keys), dtype=np.int64, count=len(keys))
    order = np.lexsort((numbers[:, 0], code))
    bounds = np.flatnonzero(np.diff(code[order])) + 1
    workloads = {
        key: _history(numbers[rows], [metric for _, metric in metric_columns])
        for key, rows in zip(codes, np.split(order, bounds), strict=True)
    }
    last = float(numbers[:, 0].max())
    return CsvTable(workloads, tuple(metric for _, metric in metric_columns), last)


def _split_fast(
    text: str, key_columns: tuple[int, int], number_columns: list[int]
) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Unquoted CSV: numbers through numpy's C reader, names through ``str.split``."""
    import numpy as np

    ns_col, wl_col = key_columns
    cut = max(key_columns) + 1
    body = text.split("\n", 1)[1] if "\n" in text else ""
    rows = [line.split(",", cut) for line in body.split("\n") if line]
    keys = [(cells[ns_col], cells[wl_col]) for cells in rows]
    if not keys:
        return keys, np.empty((0, len(number_columns)))
    body = body.replace(",,", ",nan,").replace(",,", ",nan,").replace(",\n", ",nan\n")
    body += "nan" if body.endswith(",") else ""
    numbers = np.loadtxt(
        io.StringIO(body),
        delimiter=",",
        comments=None,
        usecols=number_columns,
        ndmin=2,
        dtype=np.float64,
    )
    if len(numbers) != len(keys):
        raise ValueError(f"{len(numbers)} rows of numbers for {len(keys)} lines")
    return keys, numbers


def _split_csv(
    text: str, key_columns: tuple[int, int], number_columns: list[int]
) -> tuple[list[tuple[str, str]], np.ndarray]:
    """Quoted CSV: the slower but general ``csv`` module."""
    import numpy as np

    rows = [row for row in csv.reader(io.StringIO(text)) if row][1:]
    keys = [(row[key_columns[0]], row[key_columns[1]]) for row in rows]
    cells = [[float(row[col]) if row[col] else math.nan for col in number_columns] for row in rows]
    return keys, np.array(cells, dtype=np.float64).reshape(len(rows), len(number_columns))


def _history(numbers: np.ndarray, metrics: list[Metric]) -> WorkloadHistory:
    import numpy as np

    timestamps = np.ascontiguousarray(numbers[:, 0])
    values = {metric: np.ascontiguousarray(numbers[:, i + 1]) for i, metric in enumerate(metrics)}
    step = float(np.median(np.diff(timestamps))) if len(timestamps) > 1 else 300.0
    return WorkloadHistory(timestamps, values, step)


def _bad(origin: str, why: str) -> MetricsUnavailable:
    return MetricsUnavailable(
        f"cannot read metrics csv {origin}: {why}".splitlines()[0],
        hint="point metrics_csv in ~/.config/kai/config.yaml at a valid file",
    )


def _cache_file(path: str, mtime_ns: int, size: int) -> Path:
    import hashlib

    from k8sgpt_py.config import cache_dir

    key = hashlib.sha256(f"{path}|{mtime_ns}|{size}|{_CACHE_FORMAT}".encode()).hexdigest()[:20]
    return cache_dir() / f"metrics-csv-{key}.pickle"


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> CsvTable:
    """Parsed table for one file version, from memory, the disk cache, or the CSV itself.

    The cache file holds two pickles: the :class:`CsvIndex`, then the :class:`CsvTable`.
    """
    import pickle

    cached = _cache_file(path, mtime_ns, size)
    try:
        with open(cached, "rb") as handle:
            pickle.load(handle)  # our own cache file, written below: the index first
            table = pickle.load(handle)
        if isinstance(table, CsvTable):
            return table
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(path, str(exc)) from exc
    table = parse_text(text, origin=path)
    try:  # best effort: a read-only home only costs the parse next time
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        with open(partial, "wb") as handle:
            pickle.dump(CsvIndex.of(table), handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(table, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, cached)
    except OSError:
        pass
    return table


@functools.lru_cache(maxsize=8)
def _load_index(path: str, mtime_ns: int, size: int) -> CsvIndex:
    """The index for one file version: the first pickle of the disk cache, else a parse."""
    import pickle

    try:
        with open(_cache_file(path, mtime_ns, size), "rb") as handle:
            index = pickle.load(handle)  # our own cache file (see _load_cached)
        if isinstance(index, CsvIndex):
            return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    return CsvIndex.of(_load_cached(path, mtime_ns, size))


def _version(path: str | Path) -> tuple[str, int, int]:
    """``(resolved path, mtime_ns, size)``: the key of one file version."""
    resolved = Path(path).expanduser().resolve()
    try:
        stat = resolved.stat()
    except OSError as exc:
        raise _bad(str(path), exc.strerror or str(exc)) from exc
    return str(resolved), stat.st_mtime_ns, stat.st_size


def load_table(path: str | Path) -> CsvTable:
    """Parse ``path`` once per file version (cached on path, mtime and size)."""
    return _load_cached(*_version(path))


class CsvSource:
    """A :class:`~k8sgpt_py.metrics.base.MetricSource` over a metrics CSV.

    Args:
        path: The CSV file.
        now: When given, every timestamp moves by a whole number of weeks so the last point
            is <= ``now`` and > ``now`` - 7 days; weekday and hour stay the same.
    """

    name: str = "csv"

    def __init__(self, path: str | Path, *, now: datetime | None = None) -> None:
        self.path = Path(path)
        self._version = _version(self.path)
        self.index = _load_index(*self._version)  # a bad file fails here, not on first use
        self.shift_seconds = (
            0.0 if now is None else week_shift_seconds(self.index.last_timestamp, now)
        )

    @cached_property
    def table(self) -> CsvTable:
        """The samples (numpy arrays), loaded on first use from the version indexed above."""
        return _load_cached(*self._version)

    def workloads(self, namespace: str | None = None) -> list[tuple[str, str]]:
        """``(namespace, workload)`` pairs in the file, sorted."""
        return sorted(k for k in self.index.workloads if namespace is None or k[0] == namespace)

    def history(
        self,
        namespace: str,
        workload: str,
        metric: Metric,
        *,
        start: datetime,
        end: datetime,
        step_seconds: int = 300,
    ) -> Series:
        """Values on the step grid; each point takes the latest row at or before it.

        Raises:
            NotFound: The workload is not in the file.
            NoMetricData: The file has no such metric column, or no value in the window.
        """
        import numpy as np

        check_request(namespace, workload, metric, start=start, end=end, step_seconds=step_seconds)
        found = self.table.workloads.get((namespace, workload))
        if found is None:
            raise self._unknown(namespace, workload)
        if metric not in found.values:
            raise NoMetricData(f"{self.path.name} has no {metric} column", hint=self._columns())
        grid = step_grid(unix_seconds(start), unix_seconds(end), step_seconds)
        stamps = found.timestamps + self.shift_seconds
        index = np.searchsorted(stamps, grid, side="right") - 1
        safe = np.clip(index, 0, None)
        fresh = (index >= 0) & (grid - stamps[safe] < found.step_seconds)
        values = np.where(fresh, found.values[metric][safe], np.nan)
        if not np.any(~np.isnan(values)):
            raise no_data(self.name, namespace, workload, metric, start, end)
        return Series(namespace, workload, metric, grid, values, UNITS[metric], self.name)

    def span(self) -> tuple[float, float]:
        """First and last timestamp in the file after the week shift (unix seconds)."""
        first = min(float(h.timestamps[0]) for h in self.table.workloads.values())
        return first + self.shift_seconds, self.table.last_timestamp + self.shift_seconds

    def _unknown(self, namespace: str, workload: str) -> NotFound:
        known = [w for ns, w in self.workloads(namespace)]
        hint = f"known in {namespace}: {', '.join(known[:10])}" if known else None
        if not known:
            spaces = sorted({ns for ns, _ in self.index.workloads})
            hint = f"namespaces in {self.path.name}: {', '.join(spaces)}"
        return NotFound(f"no workload {namespace}/{workload} in {self.path.name}", hint=hint)

    def _columns(self) -> str:
        return f"it has: {', '.join(self.index.metrics)}"
