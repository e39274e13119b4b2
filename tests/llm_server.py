"""A scripted OpenAI-compatible chat completions server on 127.0.0.1 for tests.

Each POST to ``/v1/chat/completions`` (or ``/chat/completions``) consumes the next
entry of a script and records the parsed request body. Entries are built with
:func:`answer`, :func:`tool_calls`, :func:`call`, :func:`http_error`, :func:`delay`,
:func:`invalid_json` and :func:`raw`. Answers and tool calls are sent as SSE chunks when
the request has ``"stream": true`` (with a final usage chunk when
``stream_options.include_usage`` is set). When the script runs out the server answers 500
and records the overrun in ``errors`` so the test can fail with a clear message.

Usage::

    server = ScriptedLLM([tool_calls(call("list_things", {"ns": "shop"})), answer("done")])
    server.start()
    ... ChatOpenAI(base_url=server.base_url, api_key="x") ...
    server.stop()
    assert server.requests[1]["messages"][-1]["role"] == "tool"
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_ids = itertools.count(1)


@dataclass(frozen=True)
class ToolCall:
    """One tool call the scripted model makes; ``arguments`` may be raw (invalid) JSON text."""

    name: str
    arguments: dict[str, Any] | str = field(default_factory=dict)
    id: str = ""

    def arguments_text(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments)


@dataclass(frozen=True)
class Reply:
    """One scripted response."""

    kind: str  # answer | tool_calls | error | delay | invalid_json | raw
    text: str = ""
    calls: tuple[ToolCall, ...] = ()
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""
    seconds: float = 0.0
    then: Reply | None = None
    usage: tuple[int, int] = (10, 5)


def answer(text: str, *, usage: tuple[int, int] = (10, 5)) -> Reply:
    """An assistant message with text and no tool calls (streamed if asked)."""
    return Reply("answer", text=text, usage=usage)


def call(name: str, arguments: dict[str, Any] | str | None = None, *, id: str = "") -> ToolCall:
    """A tool call for :func:`tool_calls`; a str ``arguments`` is sent verbatim."""
    return ToolCall(name, {} if arguments is None else arguments, id or f"call_{next(_ids)}")


def tool_calls(*calls: ToolCall, text: str = "", usage: tuple[int, int] = (10, 5)) -> Reply:
    """An assistant message with one or more (parallel) tool calls."""
    return Reply("tool_calls", text=text, calls=calls, usage=usage)


def http_error(
    status: int, message: str = "scripted failure", *, headers: dict[str, str] | None = None
) -> Reply:
    """An HTTP error with an OpenAI-style error body (add ``retry-after-ms`` for 429)."""
    body = json.dumps({"error": {"message": message, "type": "scripted", "code": status}})
    return Reply("error", status=status, body=body, headers=tuple((headers or {}).items()))


def delay(seconds: float, then: Reply | None = None) -> Reply:
    """Wait ``seconds`` before answering with ``then`` (or closing): a timeout fault."""
    return Reply("delay", seconds=seconds, then=then)


def invalid_json() -> Reply:
    """A 200 response whose body is not JSON."""
    return Reply("invalid_json", body="<html>this is not json")


def raw(status: int, body: str, *, headers: dict[str, str] | None = None) -> Reply:
    """Any status and body, as given."""
    return Reply("raw", status=status, body=body, headers=tuple((headers or {}).items()))


def _usage(reply: Reply) -> dict[str, int]:
    prompt, completion = reply.usage
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _message(reply: Reply) -> dict[str, Any]:
    msg: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
    if reply.calls:
        msg["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": c.arguments_text()},
            }
            for c in reply.calls
        ]
    return msg


def completion_body(reply: Reply, model: str) -> dict[str, Any]:
    """The non-streaming ``chat.completion`` object for an answer or tool-call reply."""
    return {
        "id": f"chatcmpl-{next(_ids)}",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": _message(reply),
                "finish_reason": "tool_calls" if reply.calls else "stop",
            }
        ],
        "usage": _usage(reply),
    }


def stream_chunks(reply: Reply, model: str, *, include_usage: bool) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects of a streamed reply, in order."""
    base = {"id": f"chatcmpl-{next(_ids)}", "object": "chat.completion.chunk", "model": model}
    base["created"] = 1_700_000_000

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    chunks = [chunk({"role": "assistant", "content": ""})]
    words = reply.text.split(" ")
    for i, word in enumerate(words if reply.text else []):
        chunks.append(chunk({"content": word if i == 0 else " " + word}))
    for index, c in enumerate(reply.calls):
        head = {"index": index, "id": c.id, "type": "function"}
        chunks.append(chunk({"tool_calls": [{**head, "function": {"name": c.name}}]}))
        text = c.arguments_text()
        for start in range(0, len(text), 7):
            piece = {"index": index, "function": {"arguments": text[start : start + 7]}}
            chunks.append(chunk({"tool_calls": [piece]}))
    chunks.append(chunk({}, "tool_calls" if reply.calls else "stop"))
    if include_usage:
        chunks.append({**base, "choices": [], "usage": _usage(reply)})
    return chunks


class ScriptedLLM:
    """The server: ``start()``, then point a client at ``base_url``; ``stop()`` at the end."""

    def __init__(self, script: list[Reply] | None = None) -> None:
        self.script: list[Reply] = list(script or [])
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``: what ``base_url``/``KAI_BASE_URL`` should be."""
        assert self._server is not None, "server not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def add(self, *replies: Reply) -> None:
        """Append replies to the script."""
        with self._lock:
            self.script.extend(replies)

    def start(self) -> ScriptedLLM:
        """Listen on an ephemeral port of 127.0.0.1 in a daemon thread."""
        handler = type("Handler", (_Handler,), {"owner": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (pending delays are cut short)."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedLLM:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def next_reply(self, body: dict[str, Any], path: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(body)
            self.paths.append(path)
            self.headers.append(headers)
            if not self.script:
                self.errors.append(f"script exhausted at request {len(self.requests)}")
                return http_error(500, "scripted LLM: script exhausted")
            return self.script.pop(0)

    @property
    def remaining(self) -> int:
        """Replies not yet consumed."""
        with self._lock:
            return len(self.script)

    def tool_names(self, request_index: int) -> list[str]:
        """Names of the tools offered in one recorded request ([] when none)."""
        tools = self.requests[request_index].get("tools") or []
        return [t["function"]["name"] for t in tools]


class _Handler(BaseHTTPRequestHandler):
    owner: ScriptedLLM
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        if self.path.split("?")[0] in ("/v1/models", "/models"):
            data = [{"id": "scripted", "object": "model", "owned_by": "tests"}]
            self._send(200, json.dumps({"object": "list", "data": data}))
        else:
            self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}))

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw_body = self.rfile.read(length)
        path = self.path.split("?")[0]
        if path not in ("/v1/chat/completions", "/chat/completions"):
            self._send(404, json.dumps({"error": {"message": f"no route {path}"}}))
            return
        try:
            body = json.loads(raw_body or b"{}")
        except ValueError:
            body = {"_unparsed": raw_body.decode("utf-8", "replace")}
        headers = {k.lower(): v for k, v in self.headers.items()}
        self._reply(self.owner.next_reply(body, path, headers), body)

    def _reply(self, reply: Reply, body: dict[str, Any]) -> None:
        model = str(body.get("model", "scripted"))
        if reply.kind == "delay":
            if self.owner._stopping.wait(reply.seconds) or reply.then is None:
                self.close_connection = True
                return
            reply = reply.then
        if reply.kind in ("error", "raw", "invalid_json"):
            self._send(reply.status, reply.body, dict(reply.headers))
        elif body.get("stream"):
            include = bool((body.get("stream_options") or {}).get("include_usage"))
            self._send_sse(stream_chunks(reply, model, include_usage=include))
        else:
            self._send(200, json.dumps(completion_body(reply, model)))

    def _send(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        data = text.encode()
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True

    def _send_sse(self, chunks: list[dict[str, Any]]) -> None:
        try:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("connection", "close")
            self.end_headers()
            for item in chunks:
                self.wfile.write(f"data: {json.dumps(item)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except OSError:
            pass
        self.close_connection = True
