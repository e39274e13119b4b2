"""Kubeconfig loading follows kubectl: KUBECONFIG merge rules, explicit files, empty entries.

The ``kubectl`` tests compare with the real ``kubectl config current-context`` / ``view``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from k8sgpt_py.cluster.kube import Cluster
from k8sgpt_py.cluster.kubeconfig import (
    MergedConfig,
    as_document,
    kubeconfig_files,
    load_merged,
    merge_file,
)
from k8sgpt_py.errors import ConfigError


def _config(
    current: str | None,
    *,
    contexts: dict[str, dict[str, Any]] | None = None,
    clusters: dict[str, dict[str, Any]] | None = None,
    users: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {"apiVersion": "v1", "kind": "Config"}
    if current is not None:
        doc["current-context"] = current
    doc["contexts"] = [{"name": n, "context": c} for n, c in (contexts or {}).items()]
    doc["clusters"] = [{"name": n, "cluster": c} for n, c in (clusters or {}).items()]
    doc["users"] = [{"name": n, "user": u} for n, u in (users or {}).items()]
    return doc


def _write(path: Path, doc: dict[str, Any] | str) -> Path:
    path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc), encoding="utf-8")
    return path


@pytest.fixture
def two_files(tmp_path: Path) -> tuple[Path, Path]:
    """Two kubeconfigs that both set a current context and share names."""
    first = _config(
        "ctx-first",
        contexts={
            "ctx-first": {"cluster": "shared", "user": "alice", "namespace": "from-first"},
            "both": {"cluster": "shared", "user": "alice", "namespace": "both-first"},
        },
        clusters={"shared": {"server": "https://first.invalid:6443"}},
        users={"alice": {"token": "first-token"}},
    )
    second = _config(
        "ctx-second",
        contexts={
            "ctx-second": {"cluster": "shared", "user": "alice", "namespace": "from-second"},
            "both": {"cluster": "only-second", "namespace": "both-second"},
            "late": {"cluster": "only-second", "user": "bob"},
        },
        clusters={
            "shared": {"server": "https://second.invalid:6443"},
            "only-second": {"server": "https://late.invalid:6443"},
        },
        users={"alice": {"token": "second-token"}, "bob": {"token": "bob-token"}},
    )
    return _write(tmp_path / "first.yaml", first), _write(tmp_path / "second.yaml", second)


def _kubeconfig_env(*parts: Path | str) -> dict[str, str]:
    return {"KUBECONFIG": os.pathsep.join(str(p) for p in parts)}


# ---------------------------------------------------------------- unit: the merge rules


def test_merge_first_file_sets_current_context(two_files):
    first, second = two_files
    assert load_merged(None, _kubeconfig_env(first, second)).current_context == "ctx-first"
    assert load_merged(None, _kubeconfig_env(second, first)).current_context == "ctx-second"


def test_merge_first_file_wins_each_name_and_later_files_fill_gaps(two_files):
    first, second = two_files
    merged = load_merged(None, _kubeconfig_env(first, second))
    assert merged.contexts["both"].value["context"]["namespace"] == "both-first"
    assert merged.contexts["both"].source == str(first)
    assert merged.clusters["shared"].value["cluster"]["server"] == "https://first.invalid:6443"
    assert merged.users["alice"].value["user"]["token"] == "first-token"
    assert merged.contexts["late"].source == str(second)
    assert merged.users["bob"].value["user"]["token"] == "bob-token"
    assert sorted(merged.contexts) == ["both", "ctx-first", "ctx-second", "late"]


def test_merge_whole_entry_wins_not_field_by_field():
    merged = MergedConfig()
    merge_file(merged, "/a", _config(None, contexts={"x": {"cluster": "c"}}))
    merge_file(merged, "/b", _config(None, contexts={"x": {"cluster": "d", "namespace": "ns"}}))
    assert merged.contexts["x"].value["context"] == {"cluster": "c"}


def test_merge_empty_current_context_does_not_count(tmp_path, two_files):
    _, second = two_files
    blank = _write(tmp_path / "blank.yaml", _config(""))
    assert load_merged(None, _kubeconfig_env(blank, second)).current_context == "ctx-second"


def test_merge_skips_empty_entries_missing_and_empty_files(tmp_path, two_files):
    _, second = two_files
    empty = _write(tmp_path / "empty.yaml", "")
    env = {"KUBECONFIG": f"{os.pathsep}{empty}{os.pathsep}{tmp_path / 'nope'}{os.pathsep}{second}"}
    merged = load_merged(None, env)
    assert merged.current_context == "ctx-second"
    assert merged.files == [str(empty), str(second)]


def test_kubeconfig_files_precedence(tmp_path):
    env = {"KUBECONFIG": "a:b::a", "HOME": str(tmp_path)}
    assert kubeconfig_files("x.yaml", env) == ["x.yaml"]
    assert kubeconfig_files(None, env) == ["a", "b"]
    home = {"KUBECONFIG": "", "HOME": str(tmp_path)}
    assert kubeconfig_files(None, home) == [str(tmp_path / ".kube" / "config")]


def test_merge_duplicate_name_in_one_file_is_an_error(tmp_path):
    dup = tmp_path / "dup.yaml"
    dup.write_text(
        "contexts:\n- name: x\n  context: {cluster: c}\n- name: x\n  context: {cluster: d}\n"
    )
    with pytest.raises(ConfigError, match='duplicate name "x" in contexts'):
        load_merged(str(dup), {})


def test_explicit_kubeconfig_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="no kubeconfig found at"):
        load_merged(str(tmp_path / "missing"), {})


def test_as_document_lists_every_name_once(two_files):
    first, second = two_files
    doc = as_document(load_merged(None, _kubeconfig_env(first, second)))
    assert [c["name"] for c in doc["clusters"]] == ["only-second", "shared"]
    assert doc["current-context"] == "ctx-first"


def test_connect_uses_first_files_context_and_entries(two_files, monkeypatch):
    first, second = two_files
    monkeypatch.setenv("KUBECONFIG", f"{first}{os.pathsep}{second}")
    cluster = Cluster.connect()
    assert cluster.target.context == "ctx-first"
    assert cluster.target.namespace == "from-first"
    assert cluster.target.server == "https://first.invalid:6443"
    late = Cluster.connect(context="late")
    assert late.target.server == "https://late.invalid:6443" and late.target.user == "bob"


def test_connect_relative_ca_path_resolves_against_defining_file(tmp_path, monkeypatch):
    from k8sgpt_py.sandbox.sandbox import ca_cert_pem

    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "ca.pem").write_text(ca_cert_pem())
    cfg = _config(
        "c",
        contexts={"c": {"cluster": "k", "user": "u"}},
        clusters={"k": {"server": "https://127.0.0.1:1", "certificate-authority": "ca.pem"}},
        users={"u": {"token": "t"}},
    )
    other = _write(tmp_path / "other.yaml", _config(None))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KUBECONFIG", f"{other}{os.pathsep}{_write(sub / 'config', cfg)}")
    cluster = Cluster.connect()
    assert cluster._api.configuration.ssl_ca_cert == str(sub / "ca.pem")


def test_connect_without_current_context_names_the_contexts(two_files, tmp_path, monkeypatch):
    none = _write(tmp_path / "none.yaml", _config(None, contexts={"a": {"cluster": "x"}}))
    monkeypatch.setenv("KUBECONFIG", str(none))
    with pytest.raises(ConfigError) as info:
        Cluster.connect()
    assert "no current context" in info.value.message and info.value.hint
    assert "contexts: a" in info.value.hint


# ---------------------------------------------------------------- against the real kubectl


def _kubectl(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ["HOME"], **env}
    return subprocess.run(
        ["kubectl", *args], capture_output=True, text=True, timeout=60, env=full, check=False
    )


@pytest.mark.kubectl
@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not on PATH")
@pytest.mark.parametrize("order", ["first-second", "second-first", "blank-second", "gaps"])
def test_merge_matches_kubectl(two_files, tmp_path, order):
    first, second = two_files
    blank = _write(tmp_path / "blank.yaml", _config(""))
    empty = _write(tmp_path / "empty.yaml", "")
    parts = {
        "first-second": [first, second],
        "second-first": [second, first],
        "blank-second": [blank, second, first],
        "gaps": ["", empty, tmp_path / "missing.yaml", "", first, second],
    }[order]
    env = _kubeconfig_env(*parts)
    merged = load_merged(None, env)
    current = _kubectl(env, "config", "current-context")
    assert current.returncode == 0, current.stderr
    assert current.stdout.strip() == merged.current_context
    view = _kubectl(env, "config", "view", "--raw", "-o", "json")
    assert view.returncode == 0, view.stderr
    theirs = json.loads(view.stdout)
    ours = as_document(merged)
    assert theirs["current-context"] == ours["current-context"]
    for section in ("clusters", "users", "contexts"):
        assert _entries(theirs, section) == _entries(ours, section)


def _entries(doc: dict[str, Any], section: str) -> dict[str, dict[str, Any]]:
    """name -> entry, without the empty fields kubectl adds when it prints."""
    field = section[:-1]
    return {e["name"]: {k: v for k, v in e[field].items() if v != ""} for e in doc[section]}
