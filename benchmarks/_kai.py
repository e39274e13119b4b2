"""What the benchmark scripts share: running kai in-process with its output captured."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_kai(args: list[str]) -> tuple[int, str]:
    """``kai ARGS`` in this process: (exit code, stderr); stdout is discarded."""
    code, _, err = run_kai_full(args)
    return code, err


def run_kai_full(args: list[str], *, process: bool = False) -> tuple[int, str, str]:
    """``kai ARGS`` with no terminal and empty stdin: (exit code, stdout, stderr).

    In this process by default; ``process=True`` runs ``python -m k8sgpt_py`` instead (for
    what only a fresh interpreter shows, such as logging set up by a library).
    """
    if process:
        done = subprocess.run(
            [sys.executable, "-m", "k8sgpt_py", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=dict(os.environ),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        return done.returncode, done.stdout, done.stderr
    from k8sgpt_py.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO("")
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(args)
            except SystemExit as exc:
                code = int(exc.code or 0)
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()
