"""Shared fixtures: isolation, a loopback-only network guard, the sandbox, a kai runner."""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

_PLUGINS = ("llm_fixtures", "prom_fixtures")
pytest_plugins = [p for p in _PLUGINS if (Path(__file__).parent / f"{p}.py").exists()]

_LOOPBACK = ("127.", "::1", "localhost")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Config and state in tmp_path; no real keys, models or kubeconfig leak in."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var in (
        "OPENAI_API_KEY",
        "KAI_MODEL",
        "KAI_BASE_URL",
        "KAI_PROMETHEUS_URL",
        "KAI_READ_ONLY",
        "KUBECONFIG",
        "NO_COLOR",
        "OPENAI_BASE_URL",
    ):
        monkeypatch.delenv(var, raising=False)


# kai's clock in every test (KAI_NOW, k8sgpt_py/clock.py): Monday 09:00 UTC, nine hours after
# the demo metric history (examples/shop/metrics.csv) ends, so CsvSource shifts it by zero
# weeks and the raw CSV rows are exactly what kai sees. The sandbox stamps objects and events
# with the same instant. Session-wide, so module- and session-scoped fixtures (shared sandboxes,
# the Prometheus backfill) see it too; a test that needs another "now" monkeypatches KAI_NOW.
FIXED_NOW = "2026-11-23T09:00:00Z"


@pytest.fixture(autouse=True, scope="session")
def _pinned_clock() -> Iterator[str]:
    """No test depends on the wall clock or today's date."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KAI_NOW", FIXED_NOW)
        yield FIXED_NOW


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection outside 127.0.0.1/::1 fails the test."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = str(address[0])
            if not host.startswith(_LOOPBACK):
                raise AssertionError(f"test tried to reach {address!r}: only loopback is allowed")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A fresh demo sandbox on 127.0.0.1 with KUBECONFIG pointing at it."""
    from k8sgpt_py.sandbox import Sandbox

    with Sandbox() as box:
        kubeconfig = box.write_kubeconfig(tmp_path / "kubeconfig")
        monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
        box.kubeconfig = kubeconfig
        yield box


@dataclass
class KaiResult:
    """What one kai invocation did."""

    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """stdout parsed as the one JSON document."""
        return json.loads(self.stdout)


def run_kai(*args: str, stdin: str = "") -> KaiResult:
    """Run ``kai ARGS`` in-process with stdout/stderr captured apart (pipe mode, no TTY)."""
    from k8sgpt_py.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as exc:
                code = int(exc.code or 0)
    finally:
        sys.stdin = old_stdin
    return KaiResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def kai() -> Any:
    """The in-process kai runner."""
    return run_kai


@pytest.fixture
def kube(sandbox: Any) -> Any:
    """A Cluster connected to the sandbox, for asserting on state."""
    from k8sgpt_py.cluster.kube import Cluster

    return Cluster.connect(kubeconfig=str(sandbox.kubeconfig))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip kubectl tests where kubectl is missing, live-LLM tests without KAI_LIVE_MODEL."""
    import shutil

    no_kubectl = pytest.mark.skip(reason="kubectl not on PATH")
    no_live = pytest.mark.skip(reason="KAI_LIVE_MODEL not set")
    for item in items:
        if "kubectl" in item.keywords and shutil.which("kubectl") is None:
            item.add_marker(no_kubectl)
        if "live_llm" in item.keywords and not os.environ.get("KAI_LIVE_MODEL"):
            item.add_marker(no_live)


@pytest.fixture
def pod_with_logs(kube: Any) -> Any:
    """Factory: a staging pod whose container logs the given text (the sandbox's kubelet)."""

    def create(name: str, text: str, namespace: str = "staging") -> dict[str, Any]:
        return kube.create(
            "Pod",
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": name,
                    "namespace": namespace,
                    "annotations": {"sandbox.kai.dev/logs": text},
                },
                "spec": {
                    "containers": [{"name": "app", "image": "docker.io/library/busybox:1.36"}]
                },
            },
            namespace,
        )

    return create
