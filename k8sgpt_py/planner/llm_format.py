"""Text the model sees: tool schemas from Tool metadata, and tool results as fenced JSON.

Results are redacted (``k8sgpt_py.redact``), cut to a character budget with markers saying
what was cut (``...[truncated 812 lines]``) and wrapped in ``<cluster_data>`` delimiters.
"""

from __future__ import annotations

import json
import re
from typing import Any

from k8sgpt_py.planner import prompts
from k8sgpt_py.redact import redact
from k8sgpt_py.tools.base import Tool, ToolResult

RESULT_BUDGET_CHARS = 6_000
_SECTION = re.compile(r"^\s*(Args|Arguments|Returns|Raises|Yields|Examples?|Notes?):\s*$")


def tool_schema(tool: Tool) -> dict[str, Any]:
    """The OpenAI ``tools[]`` entry for a tool: name, docstring summary, argument schema."""
    summary, params = _split_docstring(tool.description)
    schema = _strip_titles(tool.args_model.model_json_schema())
    for name, prop in schema.get("properties", {}).items():
        if name in params and isinstance(prop, dict):
            prop.setdefault("description", params[name])
    return {
        "type": "function",
        "function": {"name": tool.name, "description": summary, "parameters": schema},
    }


def _split_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """Description text before the first Google section, and ``Args:`` entries."""
    summary: list[str] = []
    params: dict[str, str] = {}
    section: str | None = None
    current: str | None = None
    for line in doc.splitlines():
        heading = _SECTION.match(line)
        if heading:
            section, current = heading.group(1), None
        elif section is None:
            summary.append(line)
        elif section in ("Args", "Arguments") and line.strip():
            entry = re.match(r"^\s{0,8}(\w+)(?:\s*\([^)]*\))?:\s*(.*)$", line)
            if entry and (current is None or _indent(line) <= _indent_of(doc, current)):
                current = entry.group(1)
                params[current] = entry.group(2).strip()
            elif current is not None:
                params[current] = f"{params[current]} {line.strip()}".strip()
    return "\n".join(summary).strip(), params


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _indent_of(doc: str, param: str) -> int:
    for line in doc.splitlines():
        if re.match(rf"^\s*{param}(?:\s*\([^)]*\))?:", line):
            return _indent(line)
    return 0


def _strip_titles(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _strip_titles(v)
            for k, v in node.items()
            if not (k == "title" and isinstance(v, str))
        }
    if isinstance(node, list):
        return [_strip_titles(v) for v in node]
    return node


def result_payload(result: ToolResult, *, mode: str = "confirm") -> dict[str, Any]:
    """What the model is told about a tool result (before redaction and truncation).

    ``mode`` (a ``tools.base.WriteMode``) decides what the note on a proposal says will
    happen to it; a refused proposal carries a note saying it will not happen.
    """
    payload = result.to_json()
    if result.refused:
        payload["note"] = prompts.REFUSED_NOTE
    if result.proposals:
        payload["proposed"] = [
            {
                "target": str(p.target),
                "action": p.action,
                "reason": p.reason,
                "destructive": p.destructive,
            }
            for p in result.proposals
        ]
        payload["note"] = prompts.PROPOSAL_NOTES.get(mode, prompts.PROPOSAL_NOTES["confirm"])
    return payload


def format_result(
    result: ToolResult, *, budget_chars: int = RESULT_BUDGET_CHARS, mode: str = "confirm"
) -> str:
    """Redacted JSON text of a tool result, cut to ``budget_chars`` and fenced as data."""
    text = fit_json(redact(result_payload(result, mode=mode)), budget_chars)
    return prompts.fence(text)


def fit_json(data: Any, budget_chars: int) -> str:
    """JSON text of ``data`` no longer than about ``budget_chars``, marking what was cut.

    Long strings keep their last lines (the newest log lines) and long lists their first
    items, each with a ``...[truncated N lines]``/``[truncated N items]`` marker; as a
    last resort the text itself is cut with ``...[truncated N chars]``.
    """
    text = json.dumps(data, ensure_ascii=False, default=str)
    limit = budget_chars
    while len(text) > budget_chars and limit >= 64:
        limit //= 2
        text = json.dumps(_shrink(data, limit), ensure_ascii=False, default=str)
    if len(text) > budget_chars:
        cut = len(text) - budget_chars
        text = f"{text[:budget_chars]}...[truncated {cut} chars]"
    return text


def _shrink(node: Any, limit: int) -> Any:
    if isinstance(node, str) and len(node) > limit:
        return _shrink_text(node, limit)
    if isinstance(node, dict):
        return {k: _shrink(v, limit) for k, v in node.items()}
    if isinstance(node, list | tuple):
        items = [_shrink(v, limit) for v in node]
        keep = max(1, limit // 64)
        if len(items) > keep:
            return [*items[:keep], f"...[truncated {len(items) - keep} items]"]
        return items
    return node


def _shrink_text(text: str, limit: int) -> str:
    lines = text.splitlines()
    if len(lines) > 1:
        kept: list[str] = []
        size = 0
        for line in reversed(lines):
            if size + len(line) + 1 > limit and kept:
                break
            kept.append(line[-limit:])
            size += len(line) + 1
        return f"...[truncated {len(lines) - len(kept)} lines]\n" + "\n".join(reversed(kept))
    return f"{text[:limit]}...[truncated {len(text) - limit} chars]"
