"""userfiles: private from creation, tightened on the next write, never someone else's file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from k8sgpt_py.userfiles import ensure_private_file, open_append, private_dir, write_private


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def no_umask():
    old = os.umask(0)
    yield
    os.umask(old)


def test_private_dir_makes_missing_parents_0700_and_leaves_existing_ones(tmp_path: Path):
    os.chmod(tmp_path, 0o755)
    private_dir(tmp_path / "a" / "b")
    assert mode(tmp_path / "a") == 0o700 and mode(tmp_path / "a" / "b") == 0o700
    assert mode(tmp_path) == 0o755


def test_private_dir_tightens_a_loose_folder(tmp_path: Path):
    (tmp_path / "kai").mkdir(mode=0o777)
    private_dir(tmp_path / "kai")
    assert mode(tmp_path / "kai") == 0o700


def test_open_append_creates_0600_and_tightens_an_old_file(tmp_path: Path):
    new, old = tmp_path / "new.log", tmp_path / "old.log"
    old.write_text("kept\n")
    os.chmod(old, 0o644)
    for path in (new, old):
        with open_append(path) as handle:
            handle.write(b"line\n")
        assert mode(path) == 0o600
    assert old.read_text() == "kept\nline\n"


def test_open_append_never_changes_a_device(tmp_path: Path):
    link = tmp_path / "audit.jsonl"
    link.symlink_to(os.devnull)
    before = mode(os.devnull)
    with open_append(link) as handle:
        handle.write(b"x")
    assert mode(os.devnull) == before


def test_ensure_private_file_keeps_content(tmp_path: Path):
    path = tmp_path / "history"
    path.write_text("ls\n")
    os.chmod(path, 0o666)
    ensure_private_file(path)
    assert mode(path) == 0o600 and path.read_text() == "ls\n"


def test_write_private_replaces_atomically_and_leaves_no_temporary_file(tmp_path: Path):
    path = tmp_path / "sub" / "tokens.json"
    write_private(path, "one")
    write_private(path, b"two", durable=True)
    assert path.read_text() == "two" and mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["tokens.json"]


def test_write_private_does_not_tighten_a_folder_it_did_not_make(tmp_path: Path):
    os.chmod(tmp_path, 0o755)
    write_private(tmp_path / "kubeconfig", "x")
    assert mode(tmp_path) == 0o755 and mode(tmp_path / "kubeconfig") == 0o600
