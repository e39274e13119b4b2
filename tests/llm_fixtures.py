"""Pytest fixtures around the scripted LLM server (import them into tests/conftest.py).

``scripted_llm(*replies)`` starts a :class:`ScriptedLLM` on 127.0.0.1 replaying the
replies and returns it; every server is stopped at teardown, and a test fails if its
script ran out (a request the test did not expect). ``llm_settings(server)`` gives
Settings pointing at it, so ``make_chat_model`` builds the real ChatOpenAI client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from k8sgpt_py.config import Settings

try:
    from llm_server import Reply, ScriptedLLM
except ImportError:  # imported as tests.llm_fixtures with the repo root on sys.path
    from tests.llm_server import Reply, ScriptedLLM


@pytest.fixture
def scripted_llm() -> Iterator[Callable[..., ScriptedLLM]]:
    """Factory: ``server = scripted_llm(answer("hi"))``; stopped after the test."""
    servers: list[ScriptedLLM] = []

    def start(*replies: Reply) -> ScriptedLLM:
        server = ScriptedLLM(list(replies)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
    overruns = [error for server in servers for error in server.errors]
    assert not overruns, f"scripted LLM got unexpected requests: {overruns}"


def llm_settings(server: ScriptedLLM, **overrides: object) -> Settings:
    """Settings for the scripted server: model "scripted", no key, short timeout."""
    base = Settings(model="scripted", base_url=server.base_url, timeout_seconds=5.0)
    return replace(base, **overrides)  # type: ignore[arg-type]
