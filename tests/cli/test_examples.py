"""The pipeline examples in examples/ run as documented."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
pytestmark = pytest.mark.skipif(shutil.which("jq") is None, reason="jq not installed")


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    bindir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_unhealthy_pods_lists_the_broken_staging_pods():
    result = run("unhealthy-pods.sh", "staging")
    assert result.returncode == 0, result.stderr
    statuses = dict(line.split("\t") for line in result.stdout.strip().splitlines())
    assert any(name.startswith("imagecheck-") for name in statuses)
    assert any(name.startswith("worker-") for name in statuses)
    assert "Running" not in statuses.values()


def test_ci_guard_fails_on_a_proposed_change_and_passes_on_none():
    changed = run("ci-guard.sh", "scale checkout to 5")
    assert changed.returncode == 1 and "+  replicas: 5" in changed.stdout
    unchanged = run("ci-guard.sh", "scale checkout to 2")
    assert unchanged.returncode == 0 and "no change" in unchanged.stdout
