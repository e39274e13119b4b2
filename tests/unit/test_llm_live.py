"""Optional: the chain against a real model (KAI_LIVE_MODEL, KAI_LIVE_BASE_URL, KAI_LIVE_API_KEY).

The loopback guard in conftest allows only local endpoints (Ollama, vLLM, llama.cpp).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any, cast

import pytest

from k8sgpt_py.config import Settings
from k8sgpt_py.planner.llm import run_llm
from k8sgpt_py.planner.models import make_chat_model
from k8sgpt_py.tools.base import REGISTRY, ToolContext, ToolResult, tool


def list_deployments_live(ctx: ToolContext, namespace: str = "default") -> ToolResult:
    """List deployments in a namespace with their replica counts."""
    ctx.extra["calls"].append(namespace)
    return ToolResult.ok([{"name": "checkoutservice", "namespace": namespace, "replicas": 3}])


@pytest.mark.live_llm
def test_llm_live_model_uses_a_tool_and_answers():
    tool()(list_deployments_live)
    live_tool = REGISTRY.pop("list_deployments_live")
    settings = Settings(
        model=os.environ.get("KAI_LIVE_MODEL"),
        base_url=os.environ.get("KAI_LIVE_BASE_URL"),
        api_key=os.environ.get("KAI_LIVE_API_KEY"),
        timeout_seconds=120,
    )
    ctx = ToolContext(
        cluster=cast(Any, None),
        settings=settings,
        namespace="shop",
        now=datetime.now(UTC),
        extra={"calls": []},
    )
    plan = run_llm(
        "How many replicas does the checkout deployment in namespace shop have?",
        model=make_chat_model(settings),
        tools=[live_tool],
        ctx=ctx,
        max_steps=4,
    )
    assert ctx.extra["calls"], "the model never called the tool"
    assert plan.answer and "3" in plan.answer
