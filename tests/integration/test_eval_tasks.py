"""The k8s-ai-bench style task set: every task is solvable with kai's tools on the sandbox.

Each task's scripted reference plan is replayed to the real langchain-openai client inside
kai (a subprocess), so the run goes through kai's tools, guardrails, RBAC check, server dry
run, diff, apply and audit; then the task's own verify.sh (kubectl + jq) must pass. The
harness also checks that verify.sh fails right after setup, so no task passes vacuously.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

from evalkit import TASKS_DIR, Task, load_tasks, run_task  # noqa: E402

pytestmark = [
    pytest.mark.kubectl,
    pytest.mark.skipif(
        shutil.which("kubectl") is None or shutil.which("jq") is None,
        reason="needs kubectl and jq",
    ),
]

TASKS = load_tasks()


def test_the_task_set_is_broad():
    names = {t.name for t in TASKS}
    assert len(names) >= 25
    for topic in ("create", "fix", "scale", "rbac", "network", "hpa", "pvc", "rollback", "debug"):
        assert any(topic in name for name in names), topic


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t.name)
def test_reference_plan_solves_the_task(task: Task) -> None:
    assert task.reference is not None, f"{task.name} has no reference.yaml"
    result = run_task(task, "reference")
    assert result.passed, result.detail
    assert result.kai_exit == [0] * len(task.prompts)


def _write_task(folder: Path, *, verify: str, prompt: str = "Scale web in tenant-x to 2") -> Task:
    folder.mkdir()
    (folder / "task.yaml").write_text(
        f"script:\n- prompt: {prompt!r}\nsetup: setup.sh\nverifier: verify.sh\ndifficulty: easy\n"
    )
    (folder / "setup.sh").write_text(
        "kubectl create namespace tenant-x >/dev/null 2>&1 || "
        "kubectl apply -f - >/dev/null <<'EOF'\n"
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: tenant-x}\nEOF\n"
    )
    (folder / "verify.sh").write_text(verify)
    (folder / "reference.yaml").write_text("steps: []\nanswer: nothing to do\n")
    return Task.load(folder)


def test_a_task_whose_verifier_passes_before_kai_runs_fails(tmp_path: Path) -> None:
    task = _write_task(tmp_path / "vacuous", verify="exit 0\n")
    result = run_task(task, "reference")
    assert not result.passed
    assert "before kai runs" in result.detail


def test_a_plan_that_does_nothing_fails_the_verifier(tmp_path: Path) -> None:
    task = _write_task(
        tmp_path / "needs-work",
        verify="kubectl get namespace tenant-y >/dev/null 2>&1\n",
    )
    result = run_task(task, "reference")
    assert not result.passed
    assert "verify.sh exit 1" in result.detail


def test_offline_planner_runs_through_the_harness() -> None:
    (task,) = load_tasks(TASKS_DIR, "set-env")
    result = run_task(task, "offline")
    assert result.passed, result.detail
