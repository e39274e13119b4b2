"""Through the CLI: which kubeconfig context kai uses when KUBECONFIG lists several files."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml


def _write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _kubectl(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ["HOME"], **env}
    return subprocess.run(
        ["kubectl", *args], capture_output=True, text=True, timeout=60, env=full, check=False
    )


def test_cli_kubeconfig_list_uses_first_current_context(sandbox, tmp_path, kai, monkeypatch):
    doc = yaml.safe_load(sandbox.kubeconfig.read_text())
    broken = dict(doc, **{"current-context": "elsewhere"})
    broken["contexts"] = [
        {"name": "elsewhere", "context": {"cluster": "nowhere", "user": "kai-admin"}}
    ]
    broken["clusters"] = [{"name": "nowhere", "cluster": {"server": "https://127.0.0.1:9"}}]
    broken["users"] = []
    later = _write(tmp_path / "later.yaml", broken)
    monkeypatch.setenv("KUBECONFIG", f"{os.pathsep}{sandbox.kubeconfig}{os.pathsep}{later}")
    result = kai("-o", "json", "list pods in shop")
    assert result.exit_code == 0, result.stderr
    monkeypatch.setenv("KUBECONFIG", f"{later}{os.pathsep}{sandbox.kubeconfig}")
    refused = kai("-o", "json", "list pods in shop")
    assert refused.exit_code == 3
    assert 'cannot reach cluster "elsewhere" (https://127.0.0.1:9)' in refused.stderr
    # --context reaches an entry that only a later file defines
    ok = kai("--context", "kai-sandbox-viewer", "-o", "json", "list pods in shop")
    assert ok.exit_code == 0, ok.stderr


@pytest.mark.kubectl
@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not on PATH")
def test_cli_context_choice_matches_kubectl(sandbox, tmp_path, kai, monkeypatch):
    doc = yaml.safe_load(sandbox.kubeconfig.read_text())
    viewer_first = dict(doc, **{"current-context": "kai-sandbox-viewer"})
    viewer_first["contexts"] = [c for c in doc["contexts"] if c["name"] == "kai-sandbox-viewer"]
    first = _write(tmp_path / "viewer.yaml", viewer_first)
    env = {"KUBECONFIG": f"{first}{os.pathsep}{sandbox.kubeconfig}"}
    expected = _kubectl(env, "config", "current-context").stdout.strip()
    assert expected == "kai-sandbox-viewer"
    monkeypatch.setenv("KUBECONFIG", env["KUBECONFIG"])
    # the viewer may not write: the context kai used is the one kubectl reports
    result = kai("--yes", "-o", "json", "scale checkout to 4")
    assert result.exit_code == 5, result.stderr
    assert f"for context {expected}" in result.stderr
