"""make_chat_model and provider error translation, against the scripted server over HTTP."""

from __future__ import annotations

import importlib.util
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import llm_fixtures
from llm_server import ScriptedLLM, answer, delay, http_error, invalid_json, raw

from k8sgpt_py.config import Settings
from k8sgpt_py.errors import ExitCode, MissingApiKey, ModelUnavailable
from k8sgpt_py.planner.llm import run_llm
from k8sgpt_py.planner.models import (
    NO_KEY_PLACEHOLDER,
    make_chat_model,
    split_provider,
    translate_model_error,
)
from k8sgpt_py.tools.base import ToolContext

scripted_llm = llm_fixtures.scripted_llm  # the lead's conftest may also provide it
llm_settings = llm_fixtures.llm_settings


def _ctx() -> ToolContext:
    return ToolContext(
        cluster=cast(Any, None),
        settings=Settings(),
        namespace=None,
        now=datetime(2026, 3, 6, tzinfo=UTC),
    )


def _ask(server: ScriptedLLM, **settings: Any) -> Any:
    retries = settings.pop("max_retries", 2)
    model = make_chat_model(llm_settings(server, **settings), max_retries=retries)
    return run_llm("hello", model=model, tools=[], ctx=_ctx())


def test_llm_models_missing_key_for_openai_names_the_variable():
    with pytest.raises(MissingApiKey) as info:
        make_chat_model(Settings(model="gpt-4o-mini"))
    assert info.value.exit_code == ExitCode.LLM
    assert info.value.message == "no API key for https://api.openai.com/v1"
    assert "OPENAI_API_KEY" in (info.value.hint or "")


def test_llm_models_local_endpoint_gets_placeholder_key(scripted_llm):
    server = scripted_llm(answer("hi"))
    plan = _ask(server)

    assert plan.answer == "hi"
    assert server.headers[0]["authorization"] == f"Bearer {NO_KEY_PLACEHOLDER}"
    assert server.requests[0]["model"] == "scripted"
    assert server.paths == ["/v1/chat/completions"]


def test_llm_models_key_and_timeout_are_passed_through():
    model: Any = make_chat_model(Settings(model="gpt-4o", api_key="sk-test", timeout_seconds=12.5))
    assert model.model_name == "gpt-4o"
    assert model.request_timeout == 12.5
    assert model.max_retries == 2
    assert model.openai_api_key.get_secret_value() == "sk-test"
    assert model.openai_api_base == "https://api.openai.com/v1"


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("gpt-4o", (None, "gpt-4o")),
        ("openai:gpt-4o", (None, "gpt-4o")),
        ("anthropic:claude-sonnet-4", ("anthropic", "claude-sonnet-4")),
        ("llama3.1:8b", (None, "llama3.1:8b")),
        ("ollama:llama3.1:8b", ("ollama", "llama3.1:8b")),
        (None, (None, "gpt-4o-mini")),
    ],
)
def test_llm_models_split_provider(model, expected):
    assert split_provider(model) == expected


@pytest.mark.skipif(
    importlib.util.find_spec("langchain_anthropic") is not None, reason="provider installed"
)
def test_llm_models_missing_provider_package_is_model_unavailable():
    with pytest.raises(ModelUnavailable) as info:
        make_chat_model(Settings(model="anthropic:claude-sonnet-4", api_key="x"))
    assert info.value.message == "model provider 'anthropic' is not installed"
    assert "pip install langchain-anthropic" in (info.value.hint or "")


def test_llm_models_http_500_is_retried(scripted_llm):
    server = scripted_llm(http_error(500), answer("recovered"))
    plan = _ask(server)

    assert plan.answer == "recovered"
    assert len(server.requests) == 2


def test_llm_models_rate_limit_after_retries(scripted_llm):
    limited = http_error(429, "quota exceeded", headers={"retry-after-ms": "10"})
    server = scripted_llm(limited, limited, limited)
    with pytest.raises(ModelUnavailable) as info:
        _ask(server)

    assert len(server.requests) == 3
    assert info.value.message == (
        f"model quota or rate limit exceeded (429 from {server.base_url}/chat/completions)"
    )
    assert info.value.exit_code == ExitCode.LLM


def test_llm_models_401_is_key_rejected(scripted_llm):
    server = scripted_llm(http_error(401, "invalid api key"))
    with pytest.raises(MissingApiKey) as info:
        _ask(server)

    assert info.value.message.startswith("the model endpoint rejected the API key (401 from ")
    assert len(server.requests) == 1


def test_llm_models_404_names_model_and_url(scripted_llm):
    server = scripted_llm(http_error(404, "model not found"))
    with pytest.raises(ModelUnavailable) as info:
        _ask(server)
    assert info.value.message.startswith("model or endpoint not found (404 from ")
    assert "KAI_MODEL" in (info.value.hint or "")


def test_llm_models_timeout(scripted_llm):
    server = scripted_llm(delay(3.0, answer("late")))
    with pytest.raises(ModelUnavailable) as info:
        _ask(server, timeout_seconds=0.3, max_retries=0)

    assert info.value.message == (
        f"the model did not answer in time ({server.base_url}/chat/completions)"
    )
    assert "KAI_TIMEOUT" in (info.value.hint or "")


def test_llm_models_invalid_json_body_is_malformed(scripted_llm):
    server = scripted_llm(invalid_json())
    with pytest.raises(ModelUnavailable) as info:
        _ask(server)
    assert info.value.message.startswith("malformed response from the model endpoint (")


def test_llm_models_response_without_choices_is_malformed(scripted_llm):
    server = scripted_llm(raw(200, '{"id": "x", "object": "chat.completion"}'))
    with pytest.raises(ModelUnavailable) as info:
        _ask(server)
    assert info.value.message.startswith("malformed response from the model endpoint (")
    assert len(info.value.message.splitlines()) == 1


def test_llm_models_unreachable_names_the_url():
    server = ScriptedLLM().start()
    url = server.base_url
    server.stop()
    model = make_chat_model(Settings(model="m", base_url=url, timeout_seconds=2), max_retries=0)
    with pytest.raises(ModelUnavailable) as info:
        run_llm("hello", model=model, tools=[], ctx=_ctx())

    assert (
        info.value.message
        == f"cannot reach the model endpoint {url}/chat/completions: connection failed"
    )
    assert isinstance(info.value.__cause__, Exception)


def test_llm_models_translate_passes_kai_errors_through():
    err = MissingApiKey("x")
    assert translate_model_error(err) is err


def test_llm_models_translate_plain_timeout_and_connection_errors():
    assert translate_model_error(TimeoutError("t")).message.startswith("the model did not answer")
    assert translate_model_error(ConnectionRefusedError("c")).message.startswith("cannot reach")


def test_llm_models_no_tools_means_no_tools_field(scripted_llm):
    server = scripted_llm(answer("plain"))
    _ask(server)
    assert "tools" not in server.requests[0]
    assert "tool_choice" not in server.requests[0]


def test_llm_server_records_overrun_and_serves_models():
    import urllib.request

    with ScriptedLLM([answer("one")]) as server:
        model = make_chat_model(llm_settings(server), max_retries=0)
        run_llm("a", model=model, tools=[], ctx=_ctx())
        with pytest.raises(ModelUnavailable):
            run_llm("b", model=model, tools=[], ctx=_ctx())
        with urllib.request.urlopen(f"{server.base_url}/models", timeout=5) as resp:
            listed = resp.read().decode()

    assert server.errors == ["script exhausted at request 2"]
    assert server.remaining == 0
    assert '"id": "scripted"' in listed
