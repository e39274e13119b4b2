"""The chain with the real tools against the sandbox cluster and the scripted model."""

from __future__ import annotations

import base64
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import llm_fixtures
from llm_server import answer, call, tool_calls

from k8sgpt_py.config import Settings
from k8sgpt_py.planner.llm import run_llm
from k8sgpt_py.planner.models import make_chat_model
from k8sgpt_py.tools.base import ToolContext
from k8sgpt_py.tools.registry import all_tools

scripted_llm = llm_fixtures.scripted_llm

SECRET_B64 = "c2tfbGl2ZV9rYWlzYW5kYm94U0VDUkVUMTIz"


def _ctx(kube: Any, *, read_only: bool = False) -> ToolContext:
    return ToolContext(
        cluster=kube,
        settings=Settings(),
        namespace="shop",
        now=datetime(2026, 3, 6, 12, 0, tzinfo=UTC),
        read_only=read_only,
    )


def test_llm_sandbox_list_get_secret_then_propose_scale(scripted_llm, kube):
    server = scripted_llm(
        tool_calls(call("list_resources", {"kind": "deployments", "namespace": "shop"})),
        tool_calls(
            call("get_resource", {"name": "payment-keys", "kind": "secret", "namespace": "shop"})
        ),
        tool_calls(
            call("scale_workload", {"name": "checkout", "namespace": "shop", "replicas": 5})
        ),
        answer("Proposed scaling checkoutservice to 5."),
    )
    ctx = _ctx(kube)
    tools = list(all_tools().values())
    model = make_chat_model(llm_fixtures.llm_settings(server))
    plan = run_llm("scale checkout to 5", model=model, tools=tools, ctx=ctx)

    assert plan.errors == []
    assert [s.result.status for s in plan.steps] == ["ok", "ok", "needs_approval"]
    assert [str(p.target) for p in plan.proposals] == ["deployment/shop/checkoutservice"]
    sent = json.dumps(server.requests)
    assert "checkoutservice" in server.requests[1]["messages"][-1]["content"]
    assert SECRET_B64 not in sent
    assert base64.b64decode(SECRET_B64).decode() not in sent
    assert "kube context: " in server.requests[0]["messages"][0]["content"]


def test_llm_sandbox_read_only_offers_only_read_tools(scripted_llm, kube):
    server = scripted_llm(answer("nothing to do"))
    ctx = _ctx(kube, read_only=True)
    tools = list(all_tools(read_only=True).values())
    model = make_chat_model(llm_fixtures.llm_settings(server))
    run_llm("look", model=model, tools=tools, ctx=ctx)

    offered = set(server.tool_names(0))
    assert "list_resources" in offered
    assert offered.isdisjoint({"scale_workload", "delete_pod", "drain_node", "set_env"})
