"""Where the demo cluster lives: ``<repo>/examples/shop``, or the copy in the package."""

from __future__ import annotations

from pathlib import Path


def demo_dir() -> Path:
    """``<repo>/examples/shop`` in a checkout, else the copy packaged with k8sgpt_py."""
    repo_copy = Path(__file__).resolve().parents[1] / "examples" / "shop"
    if repo_copy.is_dir():
        return repo_copy
    from importlib.resources import files

    return Path(str(files("k8sgpt_py") / "examples" / "shop"))
