"""``python -m k8sgpt_py.metrics CSV OUT``: write a metrics CSV as OpenMetrics for promtool."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from k8sgpt_py import clock
from k8sgpt_py.errors import ExitCode, KaiError
from k8sgpt_py.metrics.openmetrics import csv_to_openmetrics


def main(argv: list[str] | None = None) -> int:
    """``python -m k8sgpt_py.metrics CSV OUT [--end ISO] [--counter-step S]``."""
    parser = argparse.ArgumentParser(
        prog="python -m k8sgpt_py.metrics",
        description="Write a kai metrics CSV as OpenMetrics for "
        "`promtool tsdb create-blocks-from openmetrics`.",
    )
    parser.add_argument("csv", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--end", help="ISO time the history should end near (default: now)")
    parser.add_argument(
        "--counter-step", type=int, default=60, help="seconds between counter samples"
    )
    args = parser.parse_args(argv)
    try:
        end = datetime.fromisoformat(args.end) if args.end else clock.now()
        export = csv_to_openmetrics(
            args.csv, args.out, end=end, counter_step_seconds=args.counter_step
        )
    except ValueError as exc:
        parser.error(str(exc))
    except OSError as exc:
        print(f"kai: error: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return int(ExitCode.USAGE)
    except KaiError as exc:
        print(f"kai: error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return int(exc.exit_code)
    first = datetime.fromtimestamp(export.first_timestamp, UTC).isoformat()
    last = datetime.fromtimestamp(export.last_timestamp, UTC).isoformat()
    print(f"wrote {export.samples} samples ({first} .. {last}) to {export.path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
