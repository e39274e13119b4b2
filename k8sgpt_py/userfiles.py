"""Files kai keeps for its user: private (0600, in 0700 folders) from the first byte.

The audit log, the undo store, the interactive history and the sandbox's tokens and
kubeconfig can all hold things other local users must not read (what was changed where,
credentials typed at the prompt, bearer tokens). Every file kai writes under
``$XDG_STATE_HOME/kai`` or ``$XDG_CONFIG_HOME/kai`` goes through this module:

- files are created with ``os.open(..., 0o600)``, never created open and chmod-ed after,
  so there is no moment where they are readable by others;
- a file kai wrote before with a looser mode is tightened the next time kai writes it;
- kai's own folders are made (missing parents too) 0700, and tightened when looser.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) 0700; tighten ``path`` itself if it is looser.

    Only for kai's own folders: existing parents (``~/.local/state``) are left as they are.
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made meanwhile by another kai
            folder.mkdir(mode=DIR_MODE)
    _tighten(path, DIR_MODE)
    return path


def _make_parent(path: Path) -> None:
    """Create a missing parent folder 0700 (an existing one is not ours to change)."""
    if not path.parent.exists():
        private_dir(path.parent)


def _tighten(path: Path | int, mode: int) -> None:
    """Tighten ``path`` (or an open descriptor) to ``mode`` if it is ours and looser."""
    info = os.stat(path) if isinstance(path, Path) else os.fstat(path)
    is_kind = stat.S_ISDIR(info.st_mode) if mode == DIR_MODE else stat.S_ISREG(info.st_mode)
    if not is_kind or info.st_uid != os.geteuid() or not stat.S_IMODE(info.st_mode) & 0o077:
        return  # a device (/dev/null), someone else's file, or already private
    if isinstance(path, Path):
        os.chmod(path, mode)
    else:
        os.fchmod(path, mode)


def open_append(path: Path) -> BinaryIO:
    """``path`` opened for appending bytes: created 0600, tightened if kai made it looser."""
    _make_parent(path)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
    try:
        _tighten(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "ab")


def ensure_private_file(path: Path) -> None:
    """Create ``path`` empty (0600) if missing, else tighten it: before a library writes it."""
    with open_append(path):
        pass


def write_private(path: Path, data: str | bytes, *, durable: bool = False) -> None:
    """Replace ``path`` atomically with ``data``: a 0600 temporary file renamed over it.

    Args:
        path: The file to write; a missing parent folder is created 0700.
        data: Text (written as UTF-8) or bytes.
        durable: fsync before the rename, so a crash leaves the old or the new file whole.
    """
    _make_parent(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(tmp, flags, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
