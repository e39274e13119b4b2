"""What the benchmark scripts share: running kai in-process with its output captured."""

from __future__ import annotations

import contextlib
import io


def run_kai(args: list[str]) -> tuple[int, str]:
    """``kai ARGS`` in this process: (exit code, stderr); stdout is discarded."""
    from k8sgpt_py.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(args)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, err.getvalue()
