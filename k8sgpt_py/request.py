"""One request end to end: plan, validate, dry run, diff, confirm, apply, audit.

The CLI supplies a :class:`RequestUI` (what to show, how to ask); this module decides
nothing about presentation, and the changes pipeline never learns which planner ran.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from k8sgpt_py.changes import guardrails
from k8sgpt_py.changes.audit import AuditLog
from k8sgpt_py.changes.pipeline import (
    ApplyConflict,
    Change,
    RbacCache,
    apply,
    confirm,
    prepare,
    request_scope,
    vet,
)
from k8sgpt_py.changes.proposal import Proposal
from k8sgpt_py.config import Settings
from k8sgpt_py.errors import (
    ApplyFailed,
    KaiError,
    ModelUnavailable,
    NothingDone,
    Rejected,
    UsageError,
)
from k8sgpt_py.planner.plan import Plan
from k8sgpt_py.render.emit import document
from k8sgpt_py.tools.base import ToolContext, WriteMode

MAX_REQUEST_CHARS = 10_000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
MAX_CONFLICT_ROUNDS = 2


class RequestUI(Protocol):
    """How a request talks to the person running it."""

    def show_plan(self, plan: Plan) -> None:
        """The steps and what they read."""

    def show_changes(self, changes: list[Change]) -> None:
        """The validated, dry-run diffs before confirmation."""

    def ask(self) -> Callable[[str], str] | None:
        """A prompt function, or None when kai must not prompt."""

    def notice(self, text: str) -> None:
        """A one-line note for the person (stderr), e.g. a conflict being re-diffed."""


@dataclass(frozen=True)
class RequestOptions:
    """Flags that shape how a request runs."""

    assume_yes: bool = False
    dry_run: bool = False
    offline: bool = False
    check_grounding: bool = True


@dataclass
class RequestOutcome:
    """Everything that happened; ``error`` is re-raised by the CLI after output is written."""

    request: str
    plan: Plan | None = None
    changes: list[Change] = field(default_factory=list)
    dry_run: bool = False
    error: KaiError | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The documented ``-o json`` shape."""
        plan = self.plan
        errors = list(plan.errors) if plan else []
        if self.error:
            errors.append(self.error.message)
        body: dict[str, Any] = {
            "request": self.request,
            "planner": plan.planner if plan else None,
            "steps": [s.to_json() for s in plan.steps] if plan else [],
            "changes": [c.to_json() for c in self.changes],
            "advice": list(plan.advice) if plan else [],
            "answer": plan.answer if plan else None,
            "dry_run": self.dry_run,
            "errors": errors,
        }
        if plan and plan.usage:
            body["usage"] = plan.usage
        return document("Request", body)


def clean_request(text: str) -> str:
    """Reject empty, huge or binary requests; drop control characters (exit 2 on refusal)."""
    if len(text) > MAX_REQUEST_CHARS:
        raise UsageError(
            f"request is {len(text)} characters long; the limit is {MAX_REQUEST_CHARS}",
            hint="say what you want in a sentence or two; pipe long context on stdin instead",
        )
    if "\x00" in text:
        raise UsageError("request contains binary data (NUL bytes)")
    text = _ANSI.sub("", text)  # pasted colour codes
    cleaned = "".join(
        ch if ch in "\t\n" or unicodedata.category(ch)[0] != "C" else " " for ch in text
    )
    cleaned = " ".join(cleaned.split())
    if not cleaned:
        raise UsageError("empty request", hint='try: kai "list pods in shop"')
    return cleaned


def make_plan(
    request: str,
    *,
    ctx: ToolContext,
    settings: Settings,
    offline: bool,
    llm: PlannerFn | None,
    context: str | None = None,
) -> Plan:
    """Route: the LLM plans when configured (unless --offline); the offline rules otherwise."""
    from k8sgpt_py.planner.offline import plan_offline
    from k8sgpt_py.planner.offline_sets import plan_sets

    if settings.has_llm and not offline and llm is not None:
        return llm(request, ctx, context)
    plan = plan_sets(request, ctx=ctx) or plan_offline(request, ctx=ctx)
    if plan is not None:
        return plan
    if offline and settings.has_llm:
        raise UsageError(
            f"the offline planner does not understand {request!r}",
            hint="drop --offline to let the configured model plan it",
        )
    raise ModelUnavailable(
        f"the offline planner does not understand {request!r} and no LLM is configured",
        hint="set KAI_MODEL and OPENAI_API_KEY (or KAI_BASE_URL for a local model such as Ollama); "
        "offline kai handles scale, restart, roll back, set image/resources/env, autoscale, "
        "expose, create namespace/configmap/job/deployment, cronjobs, labels, service type, "
        "node pinning, logs, get/list/describe, delete, cordon/uncordon/drain, and questions "
        "such as 'why is worker failing', 'is the cluster healthy' (`kai help` lists them)",
    )


class PlannerFn(Protocol):
    """An LLM planner bound to its model and tools."""

    def __call__(self, request: str, ctx: ToolContext, context: str | None = None) -> Plan:
        """Plan one request; ``context`` is data for the model (never for guardrails)."""


def handle_request(
    request: str,
    *,
    ctx: ToolContext,
    settings: Settings,
    ui: RequestUI,
    audit: AuditLog,
    options: RequestOptions,
    llm: PlannerFn | None = None,
    context: str | None = None,
) -> RequestOutcome:
    """Run one request; errors are captured in the outcome so output is still one document.

    ``context`` (piped stdin, gathered findings) goes to the model as fenced data; the
    guardrails judge the request alone, so text in the context cannot ground a change.
    Write tools' proposals are checked as they are made (the planner learns of a refusal at
    once) and all of them again before the dry run. A request that asks for a change and
    gets none ends in :class:`NothingDone` (exit 8); one whose every proposal was refused,
    in :class:`Rejected` (exit 5).
    """
    outcome = RequestOutcome(request=request, dry_run=options.dry_run)
    try:
        request = outcome.request = clean_request(request)
        checker = _Checker(ctx, request) if options.check_grounding else None
        ctx = replace(
            ctx,
            mode=write_mode(ctx, options, ui),
            vet=checker.vet if checker else None,
        )
        outcome.plan = make_plan(
            request, ctx=ctx, settings=settings, offline=options.offline, llm=llm, context=context
        )
        proposals = outcome.plan.proposals
        _hide_proposed_secrets(outcome, proposals)
        ui.show_plan(outcome.plan)
        refused = [s.result.error or "refused" for s in outcome.plan.steps if s.result.refused]
        if not proposals:
            _nothing_proposed(outcome.plan, refused)
            return outcome
        for reason in refused:
            ui.notice(reason)
        outcome.changes = prepare(
            ctx.cluster,
            proposals,
            request=request,
            check_grounding=options.check_grounding,
            scope=checker.scope if checker else None,
        )
        meta = {"request": outcome.request, "planner": outcome.plan.planner, **outcome.meta}
        if outcome.plan.planner == "llm":
            from k8sgpt_py.planner.prompts import prompt_version

            meta |= {"usage": outcome.plan.usage, "prompt_version": prompt_version()}
        _review_and_apply(outcome, ctx=ctx, ui=ui, audit=audit, options=options, meta=meta)
    except ApplyFailed as exc:
        outcome.error = exc
        _offer_rollback(outcome, ctx=ctx, ui=ui, audit=audit)
    except KaiError as exc:
        outcome.error = exc
    return outcome


def _hide_proposed_secrets(outcome: RequestOutcome, proposals: list[Proposal]) -> None:
    """Hide what the changes hide where the request or the model's answer repeats it.

    A Secret's data or a credential env value typed in prose (``set the db password to x``)
    would otherwise reach the output and the audit log through the request's own words.
    """
    from k8sgpt_py.redact_changes import hidden_values, redact_known

    hidden: set[str] = set()
    for p in proposals:
        hidden |= hidden_values(p.target.kind, p.patch if p.action == "patch" else p.manifest)
    if not hidden:
        return
    outcome.request = redact_known(outcome.request, hidden)
    if outcome.plan is not None and outcome.plan.answer:
        outcome.plan.answer = redact_known(outcome.plan.answer, hidden)


def write_mode(ctx: ToolContext, options: RequestOptions, ui: RequestUI) -> WriteMode:
    """What will happen to a proposal: the planner is told (``$mode`` of the system prompt)."""
    if ctx.read_only:
        return "read_only"
    if options.dry_run:
        return "dry_run"
    if options.assume_yes:
        return "apply"
    return "confirm" if ui.ask() is not None else "preview"


class _Checker:
    """Vets proposals as write tools make them: the request read once, RBAC answers cached."""

    def __init__(self, ctx: ToolContext, request: str) -> None:
        self._ctx = ctx
        self._request = request
        self._scope: guardrails.RequestScope | None = None
        self._rbac: RbacCache = {}

    @property
    def scope(self) -> guardrails.RequestScope:
        """The request read against the cluster's namespaces (listed on first use)."""
        if self._scope is None:
            cluster, namespace = self._ctx.cluster, self._ctx.namespace
            self._scope = request_scope(cluster, self._request, namespace=namespace)
        return self._scope

    def vet(self, proposals: Sequence[Proposal]) -> str | None:
        """Why these proposals would be refused (guardrails, RBAC), or None."""
        return vet(self._ctx.cluster, proposals, self.scope, rbac=self._rbac)


def _nothing_proposed(plan: Plan, refused: list[str]) -> None:
    """No proposal survived: refused (exit 5), nothing done (exit 8), or a read (fine).

    "Nothing done" means: the request asks for a change (a change verb, not a question:
    :func:`guardrails.asks_for_change`) and no write tool produced its answer — the model
    answered without proposing, a write tool failed, or no rule applied. A write tool that
    ran and found nothing to change (a capacity plan that says the replicas suffice) did
    its job.
    """
    if refused:
        raise Rejected(refused[0], hint="ask for the change explicitly if you meant it")
    if not guardrails.asks_for_change(plan.request):
        return
    if any(step.result.status == "needs_approval" or step.result.settled for step in plan.steps):
        return
    who = "the model" if plan.planner == "llm" else "the offline planner"
    why = f": {plan.errors[0]}" if plan.errors else ""
    raise NothingDone(
        f"nothing was done: the request asks for a change, but {who} proposed none{why}",
        hint="read the answer for why; name the object and the change, "
        'e.g. kai "scale checkout to 5"',
    )


def _review_and_apply(
    outcome: RequestOutcome,
    *,
    ctx: ToolContext,
    ui: RequestUI,
    audit: AuditLog,
    options: RequestOptions,
    meta: dict[str, Any],
) -> None:
    """Show the diffs; unless a dry run (or nothing would change), confirm and apply."""
    ui.show_changes(outcome.changes)
    if options.dry_run or not any(c.diff for c in outcome.changes):
        return
    confirm(
        outcome.changes,
        assume_yes=options.assume_yes,
        ask=ui.ask(),
        context=ctx.cluster.target.context,
    )
    _apply_with_conflicts(outcome, ctx=ctx, ui=ui, audit=audit, options=options, meta=meta)


def _apply_with_conflicts(
    outcome: RequestOutcome,
    *,
    ctx: ToolContext,
    ui: RequestUI,
    audit: AuditLog,
    options: RequestOptions,
    meta: dict[str, Any],
) -> None:
    """Apply; on a 409, re-read and re-diff what is left, confirm again, and retry (bounded)."""
    pending = outcome.changes
    for round_ in range(MAX_CONFLICT_ROUNDS + 1):
        try:
            apply(ctx.cluster, pending, audit=audit, now=ctx.now, meta=meta)
            return
        except ApplyConflict as exc:
            if round_ == MAX_CONFLICT_ROUNDS:
                raise
            ui.notice(f"{exc.message}: re-reading it and showing the new diff")
            fresh = prepare(
                ctx.cluster,
                [c.proposal for c in pending[exc.index :]],
                request=outcome.request,
                check_grounding=options.check_grounding,
                namespace=ctx.namespace,
            )
            done = [c for c in outcome.changes if c.applied]
            outcome.changes = done + fresh
            ui.show_changes(fresh)
            confirm(
                fresh,
                assume_yes=options.assume_yes,
                ask=ui.ask(),
                context=ctx.cluster.target.context,
            )
            pending = fresh


def _offer_rollback(
    outcome: RequestOutcome, *, ctx: ToolContext, ui: RequestUI, audit: AuditLog
) -> None:
    """After a failed multi-step apply, offer to revert the steps that did land.

    Each revert is a :func:`handle_undo`: the same 3-way check, private undo data, dry
    run, diff and audit as ``kai undo``; a step it cannot revert safely is reported.
    """
    applied = [c for c in outcome.changes if c.applied and c.audit_id]
    ask = ui.ask()
    if not applied:
        return
    for change in outcome.changes:
        if change.applied and not change.audit_id:
            ui.notice(f"cannot be rolled back (it was not audited): {change.proposal.reason}")
    ids = " ".join(str(c.audit_id) for c in reversed(applied))
    if ask is None:
        ui.notice(f"to revert what was applied: kai --yes undo ID for each of: {ids}")
        return
    answer = ask(f"Roll back the {len(applied)} change(s) that were applied? [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        return
    for change in reversed(applied):
        undone = handle_undo(
            change.audit_id, ctx=ctx, ui=ui, audit=audit, options=RequestOptions(assume_yes=True)
        )
        verdict = (
            "reverted" if undone.error is None else f"could not revert ({undone.error.message})"
        )
        ui.notice(f"{verdict}: {change.proposal.reason}")


def handle_undo(
    record_id: str | None,
    *,
    ctx: ToolContext,
    ui: RequestUI,
    audit: AuditLog,
    options: RequestOptions,
    force: bool = False,
) -> RequestOutcome:
    """Revert one audited change (default: the last applied one not yet undone).

    Refused: an undo, a record already undone or never applied (exit 2); a record whose
    fields were changed by someone else since kai applied it (exit 5, unless ``force``);
    a field whose previous value is only known redacted (exit 5). The revert is built from
    the private (un-redacted) undo data, then dry-run, diffed, confirmed and audited.
    """
    from k8sgpt_py.changes import undo

    outcome = RequestOutcome(request=f"undo {record_id or 'last change'}", dry_run=options.dry_run)
    try:
        record = audit.find(record_id)
        if audit.skipped:
            ui.notice(f"skipped {audit.skipped} unreadable line(s) in {audit.path}")
        undo.check_undoable(record, audit)
        undo.check_same_cluster(record, ctx.cluster)
        live = undo.read_target(record, ctx.cluster)
        plan = undo.plan_undo(record, live, undo.undo_data(record, audit), force=force)
        if plan.conflicts:
            changed = ", ".join(plan.conflicts)
            ui.notice(
                f"--force: reverting what changed after kai applied {record['id']}: {changed}"
            )
        outcome.request = f"undo {record['id']} ({record.get('reason') or record.get('action')})"
        outcome.meta["undo_of"] = record["id"]
        outcome.changes = prepare(ctx.cluster, [plan.proposal], request="", check_grounding=False)
        undo.check_unchanged(record, live, outcome.changes[0])
        ui.show_changes(outcome.changes)
        if options.dry_run or not any(c.diff for c in outcome.changes):
            return outcome
        confirm(
            outcome.changes,
            assume_yes=options.assume_yes,
            ask=ui.ask(),
            context=ctx.cluster.target.context,
        )
        meta = {"request": outcome.request, "planner": "undo", "undo_of": record["id"]}
        try:
            apply(ctx.cluster, outcome.changes, audit=audit, now=ctx.now, meta=meta)
        except ApplyConflict as exc:
            raise undo.changed_meanwhile(record) from exc
    except KaiError as exc:
        outcome.error = exc
    return outcome
