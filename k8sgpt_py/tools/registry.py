"""The registry both planners share: importing the tool modules registers their tools."""

from __future__ import annotations

import importlib

from k8sgpt_py.tools.base import REGISTRY, Tool

TOOL_MODULES = (
    "read",
    "read_more",
    "usage",
    "history",
    "write",
    "write_sets",
    "manifests",
    "create",
    "advisors",
)


def all_tools(*, read_only: bool = False) -> dict[str, Tool]:
    """Every registered tool (only read tools when ``read_only``)."""
    for module in TOOL_MODULES:
        try:
            importlib.import_module(f"k8sgpt_py.tools.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"k8sgpt_py.tools.{module}":
                raise
    return {name: t for name, t in REGISTRY.items() if not (read_only and t.is_mutating)}
