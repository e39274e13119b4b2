"""Run k8s-ai-bench style tasks against a fresh kai sandbox, one task at a time.

A task is a folder holding ``task.yaml`` in k8s-ai-bench's format::

    script:
    - prompt: "Scale the web deployment in namespace eval-scale to 3 replicas"
    setup: setup.sh        # run before kai, in the task folder, with KUBECONFIG set
    verifier: verify.sh    # exit 0 = the cluster is as the task wants
    cleanup: cleanup.sh
    difficulty: easy
    expect:                # optional: text kai's output must contain
    - contains: "division by zero"

kai adds one file of its own, ``reference.yaml``: the tool calls a competent model would
make (``steps``: a list of batches of ``{tool, args}``) and its final ``answer``. In
``reference`` mode a scripted OpenAI-compatible server on 127.0.0.1 replays that plan to
the real langchain-openai client inside kai, so the run goes through kai's real tools,
guardrails, RBAC check, server-side dry run, diff, apply and audit; it proves kai's tools
can solve the task. ``offline`` runs kai's offline planner; ``llm`` uses the model named by
the environment (KAI_MODEL, KAI_BASE_URL, OPENAI_API_KEY).

kai runs as a subprocess (``python -m k8sgpt_py --yes -o json PROMPT``), as an agent binary
does under k8s-ai-bench.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
TASKS_DIR = Path(__file__).resolve().parent / "tasks"
PLANNERS = ("offline", "llm", "reference")
SCRIPT_TIMEOUT = 120.0
KAI_TIMEOUT = 300.0
_MODEL_VARS = ("KAI_MODEL", "KAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL")


@dataclass(frozen=True)
class Task:
    """One task folder."""

    name: str
    folder: Path
    prompts: tuple[str, ...]
    setup: str | None
    verifier: str | None
    cleanup: str | None
    difficulty: str
    expect: tuple[str, ...]
    reference: dict[str, Any] | None

    @classmethod
    def load(cls, folder: Path) -> Task:
        """Parse ``task.yaml`` (and ``reference.yaml`` when present)."""
        spec = yaml.safe_load((folder / "task.yaml").read_text(encoding="utf-8")) or {}
        prompts = tuple(str(step["prompt"]) for step in spec.get("script") or [])
        if not prompts:
            raise ValueError(f"{folder.name}: task.yaml has no script[].prompt")
        ref_file = folder / "reference.yaml"
        reference = (
            yaml.safe_load(ref_file.read_text(encoding="utf-8")) if ref_file.is_file() else None
        )
        return cls(
            name=folder.name,
            folder=folder,
            prompts=prompts,
            setup=spec.get("setup"),
            verifier=spec.get("verifier"),
            cleanup=spec.get("cleanup"),
            difficulty=str(spec.get("difficulty", "")),
            expect=tuple(str(e["contains"]) for e in spec.get("expect") or [] if "contains" in e),
            reference=reference,
        )


def load_tasks(tasks_dir: Path = TASKS_DIR, pattern: str = "") -> list[Task]:
    """Every enabled task under ``tasks_dir`` whose name contains ``pattern``, sorted."""
    tasks = []
    for folder in sorted(p for p in tasks_dir.iterdir() if (p / "task.yaml").is_file()):
        spec = yaml.safe_load((folder / "task.yaml").read_text(encoding="utf-8")) or {}
        if pattern in folder.name and not spec.get("disabled"):
            tasks.append(Task.load(folder))
    return tasks


@dataclass
class TaskResult:
    """What happened to one task."""

    task: str
    passed: bool
    seconds: float
    kai_exit: list[int] = field(default_factory=list)
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        """One row of ``--json`` output."""
        return {
            "task": self.task,
            "result": "success" if self.passed else "fail",
            "seconds": round(self.seconds, 2),
            "kai_exit": self.kai_exit,
            "detail": self.detail,
        }


@contextmanager
def fresh_sandbox(workdir: Path) -> Iterator[Path]:
    """A new demo sandbox for one task; yields its kubeconfig."""
    from k8sgpt_py.sandbox import Sandbox

    with Sandbox() as box:
        yield Path(box.write_kubeconfig(workdir / "kubeconfig"))


def _run_script(task: Task, script: str | None, env: dict[str, str]) -> tuple[bool, str]:
    if not script:
        return True, ""
    try:
        done = subprocess.run(
            ["bash", str(task.folder / script)],
            cwd=task.folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=SCRIPT_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return False, f"{script} timed out after {SCRIPT_TIMEOUT:g} s"
    output = (done.stdout + done.stderr).strip().splitlines()
    return done.returncode == 0, f"{script} exit {done.returncode}: " + " | ".join(output[-3:])


def _kai_env(base: dict[str, str], workdir: Path, planner: str) -> dict[str, str]:
    env = dict(base)
    env.update(
        XDG_STATE_HOME=str(workdir / "state"),
        XDG_CONFIG_HOME=str(workdir / "config"),
        XDG_CACHE_HOME=str(workdir / "cache"),
        PYTHONPATH=str(REPO) + os.pathsep + env.get("PYTHONPATH", ""),
        NO_COLOR="1",
    )
    if planner != "llm":
        for var in _MODEL_VARS:
            env.pop(var, None)
    return env


def _run_kai(prompt: str, env: dict[str, str], *, offline: bool) -> tuple[int, str]:
    args = [sys.executable, "-m", "k8sgpt_py", "--yes", "-o", "json"]
    if offline:
        args.append("--offline")
    try:
        done = subprocess.run(
            [*args, prompt],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=KAI_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return 124, f"kai timed out after {KAI_TIMEOUT:g} s"
    return done.returncode, done.stdout + "\n" + done.stderr


def _reference_server(task: Task) -> Any:
    """A scripted OpenAI-compatible server replaying the task's reference plan."""
    sys.path.insert(0, str(REPO))
    from tests.llm_server import ScriptedLLM, answer, call, tool_calls

    plan = task.reference or {}
    replies = []
    for batch in plan.get("steps") or []:
        calls = batch if isinstance(batch, list) else [batch]
        replies.append(tool_calls(*(call(c["tool"], c.get("args") or {}) for c in calls)))
    replies.append(answer(str(plan.get("answer") or "Done.")))
    return ScriptedLLM(replies).start()


def _tool_results(server: Any) -> str:
    """Every tool result kai sent the scripted model (what the model would have seen)."""
    texts = []
    for body in server.requests:
        for message in body.get("messages") or []:
            if message.get("role") == "tool":
                texts.append(str(message.get("content")))
    return "\n".join(texts)


def run_task(task: Task, planner: str, *, check_unsolved: bool = True) -> TaskResult:
    """Setup, kai (one run per prompt), expectations, verifier, cleanup, on a fresh sandbox.

    With ``check_unsolved`` the verifier also runs right after setup and must fail there,
    so a task cannot pass without kai doing anything.
    """
    if planner not in PLANNERS:
        raise ValueError(f"planner must be one of {', '.join(PLANNERS)}")
    if planner == "reference" and task.reference is None:
        return TaskResult(task.name, False, 0.0, detail="no reference.yaml")
    started = time.monotonic()
    result = TaskResult(task.name, False, 0.0)
    with tempfile.TemporaryDirectory(prefix=f"kai-eval-{task.name}-") as tmp:
        workdir = Path(tmp)
        with fresh_sandbox(workdir) as kubeconfig:
            env = {**os.environ, "KUBECONFIG": str(kubeconfig)}
            once = {**env, "VERIFY_ATTEMPTS": "1"}  # verifiers that wait read this
            ok, detail = _run_script(task, task.setup, env)
            if not ok:
                result.detail = f"setup failed: {detail}"
            elif check_unsolved and task.verifier and _run_script(task, task.verifier, once)[0]:
                result.detail = "verify.sh passes before kai runs: the task checks nothing"
            else:
                _run_agent(task, planner, _kai_env(env, workdir, planner), result)
                ok, detail = _run_script(task, task.cleanup, env)
    result.seconds = time.monotonic() - started
    return result


def _run_agent(task: Task, planner: str, env: dict[str, str], result: TaskResult) -> None:
    server = _reference_server(task) if planner == "reference" else None
    outputs = []
    try:
        for prompt in task.prompts:
            if server is not None:
                env = {**env, "KAI_BASE_URL": server.base_url, "KAI_MODEL": "scripted"}
            code, output = _run_kai(prompt, env, offline=planner == "offline")
            result.kai_exit.append(code)
            outputs.append(output)
        seen = "\n".join(outputs)
        if server is not None:
            seen += "\n" + _tool_results(server)
            if server.errors:
                result.detail = (
                    f"kai asked the scripted model more than the plan: {server.errors[0]}"
                )
                return
    finally:
        if server is not None:
            server.stop()
    missing = [text for text in task.expect if text.lower() not in seen.lower()]
    if missing:
        result.detail = f"output lacks {missing[0]!r} (kai exit {result.kai_exit})"
        return
    ok, detail = _run_script(task, task.verifier, {**env})
    result.passed = ok
    result.detail = "" if ok else f"{detail} (kai exit {result.kai_exit}: {_last_error(outputs)})"


def _last_error(outputs: list[str]) -> str:
    """The first line of kai's error (``kai: error: ...``) or of its JSON ``errors``."""
    for output in reversed(outputs):
        for line in output.splitlines():
            if line.startswith("kai: error:"):
                return line[len("kai: error:") :].strip()
        try:
            doc = json.loads(output.split("\n\n")[0])
        except ValueError:
            continue
        if isinstance(doc, dict) and doc.get("errors"):
            return str(doc["errors"][0])
    return ""
