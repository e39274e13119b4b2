"""The record one offline intent is: its tool, the cues that may head it, its builder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from k8sgpt_py.planner.clause import Clause

Args = dict[str, Any]


@dataclass(frozen=True)
class Intent:
    """One thing kai understands offline."""

    name: str
    tool: str
    cues: tuple[str, ...]  # the first is the intent's own verb family
    build: Callable[[Clause], Args | None]
    examples: tuple[str, ...]
    is_write: bool = True
