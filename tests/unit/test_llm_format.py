"""Tool schemas and tool-result text sent to the model (no server needed)."""

from __future__ import annotations

import json
from typing import Any, Literal

from k8sgpt_py.changes.proposal import ObjectRef, Proposal
from k8sgpt_py.planner.llm import fit_json, format_result, result_payload, tool_schema
from k8sgpt_py.tools.base import REGISTRY, Tool, ToolContext, ToolResult, tool


def _register(func: Any) -> Tool:
    previous = REGISTRY.get(func.__name__)
    tool()(func)
    made = REGISTRY.pop(func.__name__)
    if previous is not None:
        REGISTRY[func.__name__] = previous
    return made


def find_widgets(
    ctx: ToolContext,
    namespace: str,
    mode: Literal["fast", "full"] = "fast",
    limit: int = 10,
    title: str | None = None,
) -> ToolResult:
    """Find widgets in a namespace.

    Looks everywhere.

    Args:
        namespace: Where to look; the default namespace
            when in doubt.
        limit (int): At most this many.
        title: A widget title.

    Returns:
        The widgets.
    """
    return ToolResult.ok([])


def test_llm_tool_schema_uses_name_docstring_and_arg_descriptions():
    schema = tool_schema(_register(find_widgets))

    assert schema == {
        "type": "function",
        "function": {
            "name": "find_widgets",
            "description": "Find widgets in a namespace.\n\nLooks everywhere.",
            "parameters": {
                "additionalProperties": False,
                "properties": {
                    "namespace": {
                        "type": "string",
                        "description": "Where to look; the default namespace when in doubt.",
                    },
                    "mode": {"default": "fast", "enum": ["fast", "full"], "type": "string"},
                    "limit": {
                        "default": 10,
                        "type": "integer",
                        "description": "At most this many.",
                    },
                    "title": {
                        "anyOf": [{"type": "string"}, {"type": "null"}],
                        "default": None,
                        "description": "A widget title.",
                    },
                },
                "required": ["namespace"],
                "type": "object",
            },
        },
    }


def test_llm_tool_schema_for_every_registered_tool_is_json():
    from k8sgpt_py.tools.registry import all_tools

    for name, item in all_tools().items():
        schema = tool_schema(item)
        assert schema["function"]["name"] == name
        assert schema["function"]["description"]
        assert schema["function"]["parameters"]["type"] == "object"
        json.dumps(schema)


def test_llm_result_payload_describes_proposals():
    target = ObjectRef("apps/v1", "Deployment", "web", "shop")
    result = ToolResult.propose(Proposal(target, "patch", "scale to 0", destructive=True))
    assert result_payload(result) == {
        "status": "needs_approval",
        "proposed": [
            {
                "target": "deployment/shop/web",
                "action": "patch",
                "reason": "scale to 0",
                "destructive": True,
            }
        ],
        "note": "proposed only: kai will show the user a dry-run diff and ask them to confirm; "
        "nothing has been changed",
    }


def test_llm_format_result_error_and_no_data():
    assert format_result(ToolResult.no_data("no pods in namespace shop")) == (
        "<cluster_data>\n"
        '{"status": "no_data", "error": "no pods in namespace shop"}'
        "\n</cluster_data>"
    )
    text = format_result(ToolResult.fail("boom token=abc123"))
    assert '"error": "boom token=[REDACTED]"' in text


def test_llm_fit_json_small_data_is_unchanged():
    data = {"a": [1, 2, 3], "b": "text"}
    assert fit_json(data, 100) == json.dumps(data)


def test_llm_fit_json_keeps_last_log_lines_with_marker():
    logs = "\n".join(f"line {i}" for i in range(1000))
    text = fit_json({"status": "ok", "data": logs}, 600)
    data = json.loads(text)
    kept = data["data"].splitlines()

    assert len(text) <= 600
    assert kept[0].startswith("...[truncated ") and kept[0].endswith(" lines]")
    dropped = int(kept[0].split()[1])
    assert dropped + len(kept) - 1 == 1000
    assert kept[-1] == "line 999"


def test_llm_fit_json_cuts_long_lists():
    items = [{"name": f"pod-{i}", "phase": "Running"} for i in range(500)]
    text = fit_json({"items": items}, 1_000)
    data = json.loads(text)

    assert len(text) <= 1_000
    assert data["items"][0] == {"name": "pod-0", "phase": "Running"}
    assert data["items"][-1].startswith("...[truncated ") and data["items"][-1].endswith(" items]")


def test_llm_fit_json_hard_cut_as_last_resort():
    data = {f"key{i}": i for i in range(2_000)}
    text = fit_json(data, 500)
    assert text.startswith('{"key0": 0')
    assert text.endswith(" chars]")
    assert "...[truncated " in text
    assert len(text) < 540
