"""Forecast plots: a character chart for terminals and pipes, a PNG through matplotlib."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from k8sgpt_py.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from k8sgpt_py.insights import WorkloadForecast

HEIGHT = 12


def _columns(times: Any, values: Any, start: float, span: float, width: int) -> list[float]:
    """Each column's mean value (NaN where no point falls)."""
    sums, counts = [0.0] * width, [0] * width
    for t, v in zip(times, values, strict=True):
        if v != v or float(t) < start:
            continue
        i = min(width - 1, int((float(t) - start) / span * width))
        sums[i] += float(v)
        counts[i] += 1
    return [s / n if n else math.nan for s, n in zip(sums, counts, strict=True)]


def _draw_line(grid: list[list[str]], rows: list[int | None], mark: str) -> None:
    """Points joined column to column with vertical strokes, like a line chart."""
    previous: int | None = None
    for x, row in enumerate(rows):
        if row is None:
            previous = None
            continue
        if previous is not None:
            for y in range(min(previous, row) + 1, max(previous, row)):
                if grid[y][x] == " " or grid[y][x] == "░":
                    grid[y][x] = "│"
        grid[row][x] = mark
        previous = row


def terminal_chart(console: Console, wf: WorkloadForecast, *, width: int = 72) -> None:
    """History (•), forecast (*) and its interval band (░), newest on the right."""
    from rich.text import Text

    fc = wf.forecast
    ahead = float(fc.timestamps[-1] - wf.history_timestamps[-1])
    start = float(wf.history_timestamps[-1]) - max(2 * ahead, 2 * 86400.0)
    span = float(fc.timestamps[-1]) - start or 1.0
    history = _columns(wf.history_timestamps, wf.history_values, start, span, width)
    mean = _columns(fc.timestamps, fc.mean, start, span, width)
    low = _columns(fc.timestamps, fc.lower, start, span, width)
    high = _columns(fc.timestamps, fc.upper, start, span, width)
    finite = [v for v in (*history, *mean, *low, *high) if v == v]
    top, bottom = max(finite), min(0.0, min(finite))
    scale = (HEIGHT - 1) / ((top - bottom) or 1.0)

    def row_of(value: float) -> int:
        return HEIGHT - 1 - round((value - bottom) * scale)

    grid = [[" "] * width for _ in range(HEIGHT)]
    for x in range(width):
        if low[x] == low[x] and high[x] == high[x]:
            for y in range(row_of(high[x]), row_of(low[x]) + 1):
                grid[y][x] = "░"
    for series, mark in ((history, "•"), (mean, "*")):
        _draw_line(grid, [row_of(v) if v == v else None for v in series], mark)
    styles = {"•": "cyan", "│": "cyan", "*": "yellow", "░": "dim yellow"}
    for y, row in enumerate(grid):
        label = bottom + (top - bottom) * (HEIGHT - 1 - y) / (HEIGHT - 1)
        line = Text(f"{label:>10.4g} │")
        for ch in row:
            line.append(ch, style=styles.get(ch, "") if console.is_terminal else "")
        console.print(line)
    console.print(f"{'':>10} └{'─' * width}", highlight=False)
    legend = f"• history  * forecast ({fc.model})  ░ {fc.interval:.0%} interval  ({wf.unit})"
    console.print(f"{'':>12}{legend}", highlight=False)


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise UsageError("--plot needs matplotlib", hint="pip install 'k8sgpt-py[plot]'") from exc
    return plt


def plot_format(path: Path) -> str:
    """The image format ``path`` asks for (its suffix; PNG without one), checked before work.

    UsageError (exit 2) for a format matplotlib cannot write, a directory, or a folder that
    does not exist: bad input, said before the forecast is fitted, never an internal error.
    """
    _pyplot()
    from matplotlib.backend_bases import FigureCanvasBase

    supported = FigureCanvasBase.get_supported_filetypes()
    fmt = path.suffix[1:].lower() or "png"
    if fmt not in supported:
        raise UsageError(
            f"--plot cannot write {fmt!r} images: {path}",
            hint="end the file name in .png (or .svg, .pdf, .jpg)",
        )
    if path.is_dir():
        raise UsageError(
            f"--plot {path} is a directory", hint=f"name a file in it, e.g. {path / 'plot.png'}"
        )
    if not path.parent.is_dir():
        raise UsageError(
            f"--plot {path}: folder {path.parent} does not exist",
            hint="create the folder first, or write the plot somewhere else",
        )
    return fmt


def write_png(wf: WorkloadForecast, path: Path) -> Path:
    """The history and the forecast band as an image at exactly ``path``.

    PNG unless the suffix names another format; needs the ``plot`` extra (matplotlib).
    """
    fmt = plot_format(path)
    plt = _pyplot()
    import numpy as np

    def dates(values: Any) -> Any:
        return np.asarray(values, dtype=float).astype("datetime64[s]")

    fc = wf.forecast
    fig, ax = plt.subplots(figsize=(11, 4.5), dpi=110)
    ax.plot(dates(wf.history_timestamps), wf.history_values, lw=0.8, label="history")
    ax.plot(dates(fc.timestamps), fc.mean, lw=1.2, label=f"forecast ({fc.model})")
    ax.fill_between(
        dates(fc.timestamps), fc.lower, fc.upper, alpha=0.3, label=f"{fc.interval:.0%} interval"
    )
    ax.set_title(f"{wf.namespace}/{wf.workload} {wf.metric} ({wf.unit})")
    ax.legend(loc="upper left")
    fig.autofmt_xdate()
    fig.tight_layout()
    try:
        fig.savefig(path, format=fmt)  # an explicit format: no suffix is appended to path
    except OSError as exc:
        raise UsageError(
            f"cannot write --plot {path}: {exc.strerror or exc}",
            hint="choose a path you can write",
        ) from exc
    finally:
        plt.close(fig)
    return path
