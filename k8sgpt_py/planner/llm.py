"""The LLM tool-calling chain: call the model, run its tool calls, repeat, return a Plan.

``run_llm`` answers one request. ``LlmSession`` keeps the conversation (system prompt,
earlier requests, tool calls and answers) between requests, so an interactive follow-up
("now do the same for cart") is understood; ``run_llm`` is ``LlmSession(...).ask``.

Read tools run inside the loop and feed the model. Write tools run too, but only return
proposals, collected in ``Plan.proposals``; nothing here writes to the cluster. Tool
results go back to the model as redacted JSON, cut to a budget and fenced as data
(``<cluster_data>``), so cluster text cannot pose as instructions.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from k8sgpt_py.planner import prompts
from k8sgpt_py.planner.llm_format import (
    RESULT_BUDGET_CHARS,
    fit_json,
    format_result,
    result_payload,
    tool_schema,
)
from k8sgpt_py.planner.plan import Plan, Step
from k8sgpt_py.redact import redact, redact_text
from k8sgpt_py.tools.base import Tool, ToolContext

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import AIMessage, BaseMessage

__all__ = [
    "RESULT_BUDGET_CHARS",
    "LlmSession",
    "explain_findings",
    "fit_json",
    "format_result",
    "result_payload",
    "run_llm",
    "tool_schema",
]

EventSink = Callable[[str, dict[str, Any]], None]
FINAL_NUDGE = (
    "kai: the tool budget for this request is used up. Answer now from the results above; "
    "do not call tools."
)


@dataclass
class _Run:
    """Mutable state of one request: the plan, result cache and failure counts."""

    plan: Plan
    messages: list[BaseMessage]
    cache: dict[str, str] = field(default_factory=dict)
    failures: Counter[str] = field(default_factory=Counter)
    step: int = 0


@dataclass(frozen=True)
class _Call:
    id: str
    name: str
    args: dict[str, Any]
    error: str | None = None  # set for calls whose arguments were not valid JSON


class LlmSession:
    """A conversation with the tool-calling chain; ``ask`` answers one request.

    The session keeps the message history (system prompt, requests, tool calls, tool
    results, answers) so follow-up requests keep their context. Turns older than the last
    ``keep_full_turns`` are compacted to request + answer to bound the prompt size.
    """

    def __init__(
        self,
        *,
        model: BaseChatModel,
        tools: Sequence[Tool],
        ctx: ToolContext,
        max_steps: int = 8,
        history: Sequence[BaseMessage] = (),
        on_event: EventSink | None = None,
        stream_to: Callable[[str], None] | None = None,
        result_budget_chars: int = RESULT_BUDGET_CHARS,
        keep_full_turns: int = 2,
    ) -> None:
        from langchain_core.messages import SystemMessage

        self.model = model
        self.ctx = ctx
        self.max_steps = max(1, max_steps)
        self.on_event = on_event
        self.stream_to = stream_to
        self.result_budget_chars = result_budget_chars
        self.keep_full_turns = keep_full_turns
        # Defensive: with read_only, write tools are neither offered nor run.
        self.tools = {t.name: t for t in tools if not (ctx.read_only and t.is_mutating)}
        self._withheld = {t.name for t in tools if ctx.read_only and t.is_mutating}
        self._schemas = [tool_schema(t) for t in self.tools.values()]
        self._own_system = not (history and isinstance(history[0], SystemMessage))
        self._system, self._turns = self._split_history(history)

    def _split_history(
        self, history: Sequence[BaseMessage]
    ) -> tuple[BaseMessage, list[list[BaseMessage]]]:
        from langchain_core.messages import HumanMessage, SystemMessage

        items = list(history)
        if items and isinstance(items[0], SystemMessage):
            system: BaseMessage = items.pop(0)
        else:
            system = SystemMessage(self._system_text())
        turns: list[list[BaseMessage]] = []
        for message in items:
            if isinstance(message, HumanMessage) or not turns:
                turns.append([])
            turns[-1].append(message)
        return system, turns

    def _system_text(self) -> str:
        target = getattr(self.ctx.cluster, "target", None)  # cluster.kube.KubeTarget
        context = self.ctx.extra.get("context") or getattr(target, "context", None)
        namespace = self.ctx.namespace or getattr(target, "namespace", None)
        return prompts.system_prompt(
            context=str(context) if context else None,
            namespace=str(namespace) if namespace else None,
            read_only=self.ctx.read_only,
            today=self.ctx.now.date(),
            mode=self.ctx.mode,
        )

    @property
    def messages(self) -> list[BaseMessage]:
        """The history the next request will be sent with (system prompt first)."""
        older = self._turns[: -self.keep_full_turns] if self.keep_full_turns else self._turns
        recent = self._turns[len(older) :]
        out = [self._system]
        for turn in older:
            out.extend(_compact(turn))
        for turn in recent:
            out.extend(turn)
        return out

    def ask(self, request: str, *, ctx: ToolContext | None = None) -> Plan:
        """Answer one request; the turn joins the history only if the model calls succeed.

        ``ctx`` replaces the session's tool context for this and later requests: it carries
        this request's proposal checks (``ctx.vet``) and mode, which the system prompt states.

        Raises:
            ModelUnavailable: The endpoint failed (unreachable, key, quota, timeout,
                malformed response), translated by ``planner.models``.
        """
        from langchain_core.messages import HumanMessage, SystemMessage

        if ctx is not None:
            self.ctx = ctx
            if self._own_system:
                self._system = SystemMessage(self._system_text())
        turn_start = HumanMessage(request)
        run = _Run(plan=Plan(request=request, planner="llm"), messages=[turn_start])
        history = self.messages
        while run.step < self.max_steps:
            run.step += 1
            is_last = run.step == self.max_steps
            ai = _checked(self._call_model(history, run, with_tools=not is_last), is_last)
            run.messages.append(ai)
            calls = _calls_of(ai)
            if not calls:
                run.plan.answer = str(ai.text).strip() or None
                self._emit("answer", {"text": run.plan.answer or ""})
                break
            if not self._run_calls(calls, run):
                break
        if run.plan.answer is None and not run.plan.errors:
            run.plan.errors.append(f"the model gave no answer within {self.max_steps} steps")
        self._turns.append(run.messages)
        return run.plan

    def _call_model(self, history: list[BaseMessage], run: _Run, *, with_tools: bool) -> AIMessage:
        from langchain_core.messages import HumanMessage, ToolMessage

        from k8sgpt_py.planner.models import translate_model_error

        messages = history + run.messages
        if not with_tools and isinstance(messages[-1], ToolMessage):
            messages = [*messages, HumanMessage(FINAL_NUDGE)]
        bind = with_tools and bool(self._schemas)  # never send an empty "tools" list
        runnable: Any = self.model.bind_tools(self._schemas) if bind else self.model
        try:
            ai = (
                _stream(runnable, messages, self.stream_to)
                if self.stream_to
                else runnable.invoke(messages)
            )
        except Exception as exc:  # provider errors are translated at the models seam
            raise translate_model_error(exc) from exc
        _add_usage(run.plan, ai)
        return ai

    def _run_calls(self, calls: list[_Call], run: _Run) -> bool:
        """Run one message's tool calls in order; False when the run must stop."""
        from langchain_core.messages import ToolMessage

        for index, call in enumerate(calls):
            text, abort = self._run_one(call, run)
            run.messages.append(ToolMessage(text, tool_call_id=call.id, name=call.name))
            if abort:
                run.plan.errors.append(abort)
                for rest in calls[index + 1 :]:
                    run.messages.append(
                        ToolMessage("not run: kai stopped this request", tool_call_id=rest.id)
                    )
                return False
        return True

    def _run_one(self, call: _Call, run: _Run) -> tuple[str, str | None]:
        """Result text for one call, and an abort reason after a repeated failure."""
        self._emit("tool_call", {"tool": call.name, "args": call.args, "id": call.id})
        problem = self._check(call)
        if problem is not None:
            kind, message = problem
            run.failures[kind] += 1
            self._emit("tool_result", {"tool": call.name, "status": "error", "error": message})
            if run.failures[kind] >= 2:
                return f"error: {message}", f"stopped: the model failed twice ({message})"
            return f"error: {message}", None
        tool = self.tools[call.name]
        clean = tool.validate(call.args)
        key = json.dumps([call.name, clean], sort_keys=True, default=str)
        if key in run.cache:
            self._emit("tool_result", {"tool": call.name, "status": "cached", "cached": True})
            return run.cache[key], None
        result = tool.run(self.ctx, clean)
        run.plan.steps.append(Step(tool=call.name, args=clean, result=result))
        text = format_result(result, budget_chars=self.result_budget_chars, mode=self.ctx.mode)
        run.cache[key] = text
        self._emit(
            "tool_result",
            {
                "tool": call.name,
                "args": clean,
                "status": result.status,
                "error": result.error,
                "invocation": result.invocation,
                "proposals": len(result.proposals),
                "refused": result.refused,
                "cached": False,
            },
        )
        return text, None

    def _check(self, call: _Call) -> tuple[str, str] | None:
        """``(kind, message)`` when the call cannot run: unknown tool or bad arguments."""
        if call.name in self._withheld:
            return "unknown_tool", f"{call.name} is a write tool and kai runs read-only"
        tool = self.tools.get(call.name)
        if tool is None:
            names = ", ".join(sorted(self.tools)) or "none"
            return "unknown_tool", f"unknown tool {call.name!r}; available tools: {names}"
        if call.error is not None:
            return "bad_args", f"arguments for {call.name} are not valid JSON: {call.error}"
        try:
            tool.validate(call.args)
        except ValueError as exc:
            return "bad_args", str(exc)
        return None

    def _emit(self, event: str, data: dict[str, Any]) -> None:
        if self.on_event is not None:
            self.on_event(event, redact(data))


def _stream(
    runnable: Any, messages: Sequence[BaseMessage], stream_to: Callable[[str], None]
) -> AIMessage:
    """Call the model streaming; text deltas go to ``stream_to`` as they arrive."""
    from langchain_core.messages import AIMessage
    from langchain_core.messages.utils import message_chunk_to_message

    total: Any = None
    for chunk in runnable.stream(messages):
        if chunk.text:
            stream_to(str(chunk.text))
        total = chunk if total is None else total + chunk
    if total is None:
        return AIMessage(content="")
    message = message_chunk_to_message(total)
    assert isinstance(message, AIMessage)
    if message.tool_calls and str(message.text).strip():
        stream_to("\n")  # text before tool calls stays apart from the answer
    return message


def _checked(ai: AIMessage, is_last: bool) -> AIMessage:
    """Give tool calls ids if the server sent none; drop calls made without tools."""
    from langchain_core.messages import AIMessage

    if is_last and (ai.tool_calls or ai.invalid_tool_calls):
        return AIMessage(content=ai.content, usage_metadata=ai.usage_metadata)
    for index, item in enumerate([*ai.tool_calls, *ai.invalid_tool_calls]):
        if not item.get("id"):
            item["id"] = f"kai_call_{index + 1}"
    return ai


def _calls_of(ai: AIMessage) -> list[_Call]:
    calls = [_Call(str(c.get("id") or ""), c["name"], dict(c["args"])) for c in ai.tool_calls]
    for bad in ai.invalid_tool_calls:
        error = (bad.get("error") or "invalid JSON").splitlines()[0][:160]
        calls.append(_Call(str(bad.get("id") or ""), str(bad.get("name") or ""), {}, error))
    return calls


def _add_usage(plan: Plan, ai: AIMessage) -> None:
    usage = ai.usage_metadata
    if not usage:
        return
    counts = {
        "input_tokens": usage["input_tokens"],
        "output_tokens": usage["output_tokens"],
        "total_tokens": usage["total_tokens"],
    }
    for key, value in counts.items():
        plan.usage[key] = plan.usage.get(key, 0) + int(value or 0)


def _compact(turn: list[BaseMessage]) -> list[BaseMessage]:
    """Request and final answer of an older turn (tool traffic dropped)."""
    from langchain_core.messages import AIMessage

    if len(turn) < 2:
        return turn
    last = turn[-1]
    if isinstance(last, AIMessage) and not last.tool_calls:
        return [turn[0], AIMessage(content=last.content)]
    return [turn[0]]


def run_llm(
    request: str,
    *,
    model: BaseChatModel,
    tools: Sequence[Tool],
    ctx: ToolContext,
    max_steps: int = 8,
    history: Sequence[BaseMessage] = (),
    on_event: EventSink | None = None,
    stream_to: Callable[[str], None] | None = None,
) -> Plan:
    """Answer one request with the tool-calling chain (``planner="llm"``).

    Args:
        request: The user's request in plain English.
        model: A chat model from ``planner.models.make_chat_model``.
        tools: The tools to offer (the caller passes only read tools with ``--read-only``).
        ctx: What tools may use; ``ctx.extra["context"]`` names the kube context.
        max_steps: Model calls at most; the last one is made without tools.
        history: Earlier messages (e.g. ``LlmSession.messages``); a leading system
            message replaces the default system prompt.
        on_event: Receives ``tool_call``, ``tool_result`` and ``answer`` events.
        stream_to: Receives answer tokens as they arrive.

    Raises:
        ModelUnavailable: The endpoint failed; see ``planner.models.translate_model_error``.
    """
    session = LlmSession(
        model=model,
        tools=tools,
        ctx=ctx,
        max_steps=max_steps,
        history=history,
        on_event=on_event,
        stream_to=stream_to,
    )
    return session.ask(request)


def explain_findings(
    findings: str,
    *,
    subject: str,
    model: BaseChatModel,
    stream_to: Callable[[str], None] | None = None,
) -> Plan:
    """One model call (no tools) for ``kai explain``: root cause and fix per problem.

    Args:
        findings: The analyzers' findings as text or JSON; redacted again here.
        subject: What was checked, e.g. ``"namespace shop"``.
        model: A chat model from ``planner.models.make_chat_model``.
        stream_to: Receives answer tokens as they arrive.

    Returns:
        A Plan with no steps: ``answer`` holds the explanation, ``usage`` the tokens.

    Raises:
        ModelUnavailable: The endpoint failed.
    """
    from langchain_core.messages import AIMessage, HumanMessage

    from k8sgpt_py.planner.models import translate_model_error

    plan = Plan(request=f"explain {subject}", planner="llm")
    text = prompts.explain_prompt(findings=redact_text(findings), subject=subject)
    messages = [HumanMessage(text)]
    try:
        ai = _stream(model, messages, stream_to) if stream_to else model.invoke(messages)
    except Exception as exc:  # provider errors are translated at the models seam
        raise translate_model_error(exc) from exc
    assert isinstance(ai, AIMessage)
    _add_usage(plan, ai)
    plan.answer = str(ai.text).strip() or None
    if plan.answer is None:
        plan.errors.append("the model returned an empty explanation")
    return plan
