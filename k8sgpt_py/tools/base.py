"""Typed tools: plain functions the planners call; a registry both planners share.

A tool's first parameter is a :class:`ToolContext` (bound by the caller, never in the
schema); the others become a pydantic model whose JSON schema the LLM sees. The first
docstring line is the description. Mutating tools never write: they return proposals.
pydantic is imported only where the models are built or used, so code that needs just
:class:`ToolContext` (``kai explain`` without a model) does not load it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from k8sgpt_py.changes.proposal import Proposal

if TYPE_CHECKING:
    from pydantic import BaseModel

    from k8sgpt_py.cluster.kube import Cluster
    from k8sgpt_py.config import Settings
    from k8sgpt_py.metrics.base import MetricSource

Status = Literal["ok", "error", "no_data", "needs_approval"]
# What happens to a proposal: read_only (no write tools), dry_run (diff only), confirm (the
# user is asked), preview (no terminal and no --yes: diff only), apply (--yes)
WriteMode = Literal["read_only", "dry_run", "confirm", "preview", "apply"]
Vetter = Callable[[Sequence[Proposal]], str | None]
MAX_RESULT_CHARS = 12_000


@dataclass(frozen=True)
class ToolContext:
    """What tools may use: the cluster, settings, default namespace, metrics and the clock.

    ``mode`` says what will happen to proposals (the LLM is told). ``vet``, when set, checks
    a write tool's proposals as they are made (guardrails, RBAC): it returns why they are
    refused, and the adapter hands that back instead of the proposals.
    """

    cluster: Cluster
    settings: Settings
    namespace: str | None
    now: datetime
    read_only: bool = False
    metrics_factory: Callable[[], MetricSource | None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    mode: WriteMode = "confirm"
    vet: Vetter | None = None

    @cached_property
    def metrics(self) -> MetricSource | None:
        """The metric history source, built on first use (it imports numpy)."""
        return self.metrics_factory() if self.metrics_factory else None


@dataclass(frozen=True)
class ToolResult:
    """Structured outcome of one tool call (errors are data, not exceptions)."""

    status: Status
    data: Any = None
    error: str | None = None
    invocation: str | None = None
    proposals: tuple[Proposal, ...] = ()
    refused: bool = False
    settled: bool = False

    @classmethod
    def ok(cls, data: Any, *, invocation: str | None = None) -> ToolResult:
        """A successful read."""
        return cls("ok", data=data, invocation=invocation)

    @classmethod
    def unchanged(cls, data: Any, *, invocation: str | None = None) -> ToolResult:
        """A write tool that found nothing to change (the cluster already does what was asked)."""
        return cls("ok", data=data, invocation=invocation, settled=True)

    @classmethod
    def no_data(cls, message: str, *, invocation: str | None = None) -> ToolResult:
        """Nothing found; the message says what was asked."""
        return cls("no_data", error=message, invocation=invocation)

    @classmethod
    def fail(cls, message: str, *, invocation: str | None = None) -> ToolResult:
        """A failure the planner can read and recover from."""
        return cls("error", error=message, invocation=invocation)

    @classmethod
    def refuse(cls, message: str, *, invocation: str | None = None) -> ToolResult:
        """A write tool's proposals refused by validation: nothing will be changed."""
        return cls("error", error=message, invocation=invocation, refused=True)

    @classmethod
    def propose(
        cls, *proposals: Proposal, data: Any = None, invocation: str | None = None
    ) -> ToolResult:
        """A write tool's answer: changes to show, dry-run and confirm."""
        return cls("needs_approval", data=data, invocation=invocation, proposals=proposals)

    def to_json(self) -> dict[str, Any]:
        """JSON-able form for ``steps[].result``."""
        out: dict[str, Any] = {"status": self.status}
        if self.data is not None:
            out["data"] = self.data
        if self.error:
            out["error"] = self.error
        if self.refused:
            out["refused"] = True
        return out


@dataclass(frozen=True)
class Tool:
    """A registered tool: name, description, argument model and the function."""

    name: str
    description: str
    func: Callable[..., ToolResult]
    args_model: type[BaseModel]
    is_mutating: bool

    def validate(self, args: dict[str, Any]) -> dict[str, Any]:
        """Check arguments against the schema; raise ValueError with a readable message."""
        from pydantic import ValidationError

        try:
            return self.args_model.model_validate(args).model_dump()
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'args'}: {e['msg']}" for e in exc.errors()
            )
            raise ValueError(f"bad arguments for {self.name}: {problems}") from exc

    def run(
        self, ctx: ToolContext, args: dict[str, Any], *, raise_errors: bool = False
    ) -> ToolResult:
        """Validate and call; any exception becomes an ``error`` result.

        ``raise_errors`` lets kai errors (unknown or ambiguous names, cluster down) propagate
        with their exit codes: the offline planner wants that, the LLM loop does not.
        """
        from k8sgpt_py.errors import KaiError, UsageError

        try:
            clean = self.validate(args)
        except ValueError as exc:
            if raise_errors:
                raise UsageError(str(exc)) from exc
            return ToolResult.fail(str(exc))
        if self.is_mutating and ctx.read_only:
            return ToolResult.fail(f"{self.name} is a write tool and kai runs read-only")
        try:
            result = self.func(ctx, **clean)
            return self._vetted(ctx, result, raise_errors=raise_errors)
        except KaiError as exc:
            if raise_errors:
                raise
            return ToolResult.fail(exc.message + (f" ({exc.hint})" if exc.hint else ""))
        except Exception as exc:  # the adapter is one of the two broad catch points
            return ToolResult.fail(f"{self.name} failed: {type(exc).__name__}: {exc}")

    def _vetted(self, ctx: ToolContext, result: ToolResult, *, raise_errors: bool) -> ToolResult:
        """Check a write tool's proposals now, so a refusal reaches the planner at once."""
        if not (self.is_mutating and result.proposals and ctx.vet is not None):
            return result
        reason = ctx.vet(result.proposals)
        if reason is None:
            return result
        if raise_errors:
            from k8sgpt_py.errors import Rejected

            raise Rejected(reason, hint="ask for the change explicitly if you meant it")
        return ToolResult.refuse(reason, invocation=result.invocation)


REGISTRY: dict[str, Tool] = {}


def tool(
    *, mutating: bool = False
) -> Callable[[Callable[..., ToolResult]], Callable[..., ToolResult]]:
    """Register a function as a tool; its signature (after ``ctx``) becomes the schema."""

    def register(func: Callable[..., ToolResult]) -> Callable[..., ToolResult]:
        from pydantic import ConfigDict, create_model

        params = list(inspect.signature(func, eval_str=True).parameters.values())[1:]
        fields_: dict[str, Any] = {
            p.name: (p.annotation, ... if p.default is inspect.Parameter.empty else p.default)
            for p in params
        }
        model = create_model(
            f"{func.__name__}_args", __config__=ConfigDict(extra="forbid"), **fields_
        )
        doc = inspect.getdoc(func) or func.__name__
        REGISTRY[func.__name__] = Tool(
            name=func.__name__,
            description=doc.strip(),
            func=func,
            args_model=model,
            is_mutating=mutating,
        )
        return func

    return register
