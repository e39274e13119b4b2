"""The Plan both planners return: ordered tool calls, their results, and proposals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from k8sgpt_py.changes.proposal import Proposal
from k8sgpt_py.tools.base import ToolResult


@dataclass(frozen=True)
class Step:
    """One tool call and what it returned."""

    tool: str
    args: dict[str, Any]
    result: ToolResult

    def to_json(self) -> dict[str, Any]:
        """``steps[]`` entry of the output contract (a patch or manifest redacted for its kind)."""
        from k8sgpt_py.redact_changes import redact_tool_args

        args = redact_tool_args(self.args)
        return {"tool": self.tool, "args": args, "result": self.result.to_json()}


@dataclass
class Plan:
    """What a planner made of a request. ``answer`` is prose for the user, if any."""

    request: str
    planner: Literal["offline", "llm"]
    steps: list[Step] = field(default_factory=list)
    answer: str | None = None
    advice: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=dict)

    @property
    def proposals(self) -> list[Proposal]:
        """Every proposal the steps made, in order."""
        return [p for step in self.steps for p in step.result.proposals]
