"""Shared by the write/create/read tool tests: a ToolContext, land proposals, undo them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from k8sgpt_py.changes.audit import AuditLog
from k8sgpt_py.changes.pipeline import Change, apply, prepare
from k8sgpt_py.config import Settings
from k8sgpt_py.errors import NotFound
from k8sgpt_py.request import RequestOptions, handle_undo
from k8sgpt_py.tools.base import ToolContext, ToolResult
from k8sgpt_py.tools.registry import all_tools

NOW = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)


class QuietUI:
    """A RequestUI that shows nothing and never prompts."""

    def show_plan(self, plan: Any) -> None:
        pass

    def show_changes(self, changes: list[Change]) -> None:
        pass

    def ask(self) -> None:
        return None

    def notice(self, text: str) -> None:
        pass


@pytest.fixture
def ctx(kube: Any) -> ToolContext:
    return ToolContext(cluster=kube, settings=Settings(), namespace="shop", now=NOW)


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    return AuditLog(tmp_path / "audit.jsonl")


def run(ctx: ToolContext, tool_name: str, /, **args: Any) -> ToolResult:
    return all_tools()[tool_name].run(ctx, args)


def propose(ctx: ToolContext, tool_name: str, /, **args: Any) -> ToolResult:
    result = run(ctx, tool_name, **args)
    assert result.status == "needs_approval", result.error
    return result


def land(ctx: ToolContext, result: ToolResult, request: str, audit: AuditLog) -> list[Change]:
    """Validate, dry-run, diff and apply the proposals as `kai --yes REQUEST` would."""
    changes = prepare(ctx.cluster, list(result.proposals), request=request)
    apply(ctx.cluster, changes, audit=audit, now=NOW, meta={"request": request})
    assert all(c.applied for c in changes)
    return changes


def undo(ctx: ToolContext, audit: AuditLog) -> None:
    outcome = handle_undo(
        None, ctx=ctx, ui=QuietUI(), audit=audit, options=RequestOptions(assume_yes=True)
    )
    assert outcome.error is None, outcome.error
    assert all(c.applied for c in outcome.changes)


def gone(kube: Any, kind: str, name: str, namespace: str | None) -> bool:
    try:
        kube.get(kind, name, namespace)
    except NotFound:
        return True
    return False
