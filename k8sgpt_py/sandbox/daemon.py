"""The background sandbox behind ``kai sandbox up|down|status``.

It runs as ``python -m k8sgpt_py.sandbox serve`` in its own session, keeps its objects in
``$XDG_STATE_HOME/kai/sandbox/state.json`` and writes a kubeconfig there once it listens.
The folder is 0700 and every file in it 0600: the kubeconfig and ``tokens.json`` hold the
sandbox's bearer tokens (kept across restarts; ``--reset`` makes new ones).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from k8sgpt_py.config import state_dir
from k8sgpt_py.errors import KaiError
from k8sgpt_py.userfiles import open_append, private_dir, write_private

START_TIMEOUT_SECONDS = 15.0


def _dir() -> Path:
    return state_dir() / "sandbox"


def _paths() -> dict[str, Path]:
    base = _dir()
    return {
        "state": base / "state.json",
        "kubeconfig": base / "kubeconfig",
        "pid": base / "pid",
        "log": base / "server.log",
        "tokens": base / "tokens.json",
    }


def _private_dir() -> Path:
    """The sandbox folder, created 0700 (an older 0755 one is tightened, its files 0600)."""
    base = private_dir(_dir())
    for path in base.iterdir():
        if path.is_file() and path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
    return base


def _alive(pid: int) -> bool:
    try:  # reap it first if it is our own child (tests start it in-process)
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def read_status() -> dict[str, Any]:
    """``running``, ``pid``, ``url``, ``kubeconfig``, ``state`` of the background sandbox."""
    paths = _paths()
    info: dict[str, Any] = {"running": False, "kubeconfig": str(paths["kubeconfig"])}
    info["state"] = str(paths["state"])
    try:
        pid = int(paths["pid"].read_text().strip())
    except (OSError, ValueError):
        return info
    if not _alive(pid) or not paths["kubeconfig"].is_file():
        return info
    import yaml

    config = yaml.safe_load(paths["kubeconfig"].read_text()) or {}
    clusters = config.get("clusters") or [{}]
    info |= {"running": True, "pid": pid, "url": (clusters[0].get("cluster") or {}).get("server")}
    return info


def start(*, reset: bool = False) -> dict[str, Any]:
    """Start the server unless it runs already; wait until its kubeconfig is written."""
    status = read_status()
    if status["running"] and not reset:
        return status
    if status["running"]:
        stop(reset=True)
    paths = _paths()
    _private_dir()
    if reset:
        paths["state"].unlink(missing_ok=True)
        paths["tokens"].unlink(missing_ok=True)
    paths["kubeconfig"].unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "k8sgpt_py.sandbox",
        "serve",
        "--state",
        str(paths["state"]),
        "--port",
        "0",
        "--kubeconfig",
        str(paths["kubeconfig"]),
        "--tokens",
        str(paths["tokens"]),
    ]
    with open_append(paths["log"]) as log:
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
    write_private(paths["pid"], str(process.pid))
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise KaiError(
                f"the sandbox exited at start (code {process.returncode})",
                hint=f"see {paths['log']}",
            )
        if paths["kubeconfig"].is_file():
            return read_status()
        time.sleep(0.05)
    process.terminate()
    raise KaiError("the sandbox did not start in time", hint=f"see {paths['log']}")


def stop(*, reset: bool = False) -> dict[str, Any]:
    """Stop the server (SIGTERM, then SIGKILL); ``reset`` also forgets its state."""
    paths = _paths()
    status = read_status()
    if status["running"]:
        pid = int(status["pid"])
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    for key in ("pid", "kubeconfig", *(("state", "tokens") if reset else ())):
        paths[key].unlink(missing_ok=True)
    return read_status() | {"stopped": bool(status["running"])}


def kubeconfig_path() -> Path:
    """Where ``kai sandbox up`` writes its kubeconfig."""
    return _paths()["kubeconfig"]
