"""proposal -> validate (guardrails, RBAC) -> server dry run -> diff -> confirm -> apply -> audit.

Nothing is applied until every proposal of a plan has passed validation and its dry run,
so a plan is never half-applied because of a refusal. Apply stops at the first failure
and reports exactly what was applied.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from k8sgpt_py.changes import guardrails
from k8sgpt_py.changes.audit import AuditLog, AuditWriteError, new_id
from k8sgpt_py.changes.diff import unified
from k8sgpt_py.changes.proposal import Proposal
from k8sgpt_py.cluster.kinds import lookup_kind
from k8sgpt_py.cluster.kube import ApiError, Cluster, Conflict
from k8sgpt_py.errors import (
    ApplyFailed,
    ChangeDeclined,
    ClusterUnavailable,
    Forbidden,
    KaiError,
    NotFound,
    Rejected,
)

_VERBS = {"patch": "patch", "create": "create", "delete": "delete", "evict": "create"}


class ApplyConflict(ApplyFailed):
    """The object changed between the diff and the apply (HTTP 409); nothing after it ran."""

    def __init__(self, message: str, *, index: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.index = index


@dataclass
class Change:
    """One proposal as it moves through the pipeline."""

    proposal: Proposal
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    diff: str = ""
    applied: bool = False
    error: str | None = None
    audit_id: str | None = None
    note: str | None = None
    outcome_unknown: bool = False
    result: dict[str, Any] | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        """``changes[]`` entry of the output contract (secret values redacted)."""
        from k8sgpt_py.changes.diff import comparable
        from k8sgpt_py.redact import redact

        p = self.proposal
        out = {
            "target": p.target.to_json(),
            "action": p.action,
            "reason": p.reason,
            "patch": _shown_body(p),
            "before": comparable(self.before),
            "after": comparable(self.after),
            "diff": self.diff,
            "destructive": p.destructive,
            "applied": self.applied,
        }
        if self.error:
            out["error"] = self.error
        if self.audit_id:
            out["audit_id"] = self.audit_id
        if self.note:
            out["note"] = self.note
        if self.outcome_unknown:
            out["outcome"] = "unknown"
        return dict(redact(out))


def prepare(
    cluster: Cluster,
    proposals: list[Proposal],
    *,
    request: str,
    check_grounding: bool = True,
    namespace: str | None = None,
    scope: guardrails.RequestScope | None = None,
) -> list[Change]:
    """Validate and dry-run every proposal; raise (exit 5, or 2 for unknown targets) on refusal.

    ``namespace`` is the ``-n`` flag (it restricts a request that names no namespace);
    ``scope`` is the request already read by :func:`request_scope`.
    """
    if check_grounding:
        scope = scope or request_scope(cluster, request, namespace=namespace)
        reasons = guardrails.refusals(proposals, scope)
        if reasons:
            raise Rejected(reasons[0], hint="ask for the change explicitly if you meant it")
    allowed: RbacCache = {}
    changes = []
    for proposal in proposals:
        _check_rbac(cluster, proposal, allowed)
        changes.append(_dry_run(cluster, proposal))
    return changes


RbacCache = dict[tuple[str, str, str | None, str | None], tuple[bool, str]]


def request_scope(
    cluster: Cluster, request: str, *, namespace: str | None = None
) -> guardrails.RequestScope:
    """What ``request`` names, read against the cluster's namespaces (when they can be listed)."""
    try:
        known: set[str] | None = {
            str(ns["metadata"]["name"]) for ns in cluster.list("Namespace", None)
        }
    except KaiError:  # e.g. RBAC forbids listing namespaces: read the request without them
        known = None
    return guardrails.read_request(request, known_namespaces=known, flag_namespace=namespace)


def vet(
    cluster: Cluster,
    proposals: Sequence[Proposal],
    scope: guardrails.RequestScope,
    *,
    rbac: RbacCache | None = None,
) -> str | None:
    """Why a write tool's proposals would be refused (guardrails, then RBAC), or None."""
    reasons = list(dict.fromkeys(guardrails.refusals(proposals, scope)))
    if reasons:
        more = f"; and {len(reasons) - 2} more refusals like these" if len(reasons) > 3 else ""
        return "; ".join(reasons[: 2 if more else 3]) + more
    cache: RbacCache = {} if rbac is None else rbac
    for proposal in proposals:
        try:
            _check_rbac(cluster, proposal, cache)
        except Forbidden as exc:
            return exc.message
    return None


def _check_rbac(
    cluster: Cluster,
    proposal: Proposal,
    cache: dict[tuple[str, str, str | None, str | None], tuple[bool, str]],
) -> None:
    t = proposal.target
    verb = _VERBS[proposal.action]
    sub = "eviction" if proposal.action == "evict" else None
    key = (verb, t.kind, t.namespace, sub)
    if key not in cache:
        cache[key] = cluster.can_i(verb, t.kind, t.namespace, subresource=sub)
    allowed, why = cache[key]
    if not allowed:
        what = f"{verb} {lookup_kind(t.kind).plural}" + (f"/{sub}" if sub else "")
        where = f' in namespace "{t.namespace}"' if t.namespace else ""
        raise Forbidden(
            f"RBAC forbids {what}{where} for context {cluster.target.context}"
            + (f": {why}" if why else ""),
            hint="ask a cluster admin for the permission, or run with a context that has it",
        )


def _dry_run(cluster: Cluster, proposal: Proposal) -> Change:
    t = proposal.target
    change = Change(proposal)
    try:
        if proposal.action != "create":
            change.before = cluster.get(t.kind, t.name, t.namespace)
        change.after = _call(cluster, change, dry_run=True)
    except ApiError as exc:
        raise Rejected(
            f"the API server refused the dry run of {proposal.reason}: {exc.message}",
            hint="the change is invalid as proposed; nothing was applied",
        ) from exc
    except Forbidden as exc:
        raise Forbidden(f"dry run of {proposal.reason} forbidden: {exc.message}") from exc
    if proposal.action in ("delete", "evict"):
        change.after = None
    label = str(t)
    change.diff = (
        f"--- live/{label}\n+++ evicted/{label}\n-pod {t.namespace}/{t.name} on its node\n"
        if proposal.action == "evict"
        else unified(change.before, change.after, label)
    )
    return change


def _call(cluster: Cluster, change: Change, *, dry_run: bool) -> dict[str, Any]:
    p, t = change.proposal, change.proposal.target
    if p.action == "patch":
        patch = p.patch
        if not dry_run and change.before is not None:
            patch = _with_precondition(patch, change.before)
        return cluster.patch(
            t.kind, t.name, t.namespace, patch, patch_type=p.patch_type, dry_run=dry_run
        )
    if p.action == "create":
        return cluster.create(t.kind, dict(p.manifest or {}), t.namespace, dry_run=dry_run)
    if p.action == "delete":
        return cluster.delete(t.kind, t.name, t.namespace, dry_run=dry_run)
    return cluster.evict(t.name, t.namespace or "", dry_run=dry_run)


def _with_precondition(patch: Any, before: dict[str, Any]) -> Any:
    """Make the apply fail with 409 if the object changed after the diff was shown."""
    version = (before.get("metadata") or {}).get("resourceVersion")
    if not version:
        return patch
    if isinstance(patch, list):
        return [{"op": "test", "path": "/metadata/resourceVersion", "value": version}, *patch]
    meta = {**(patch.get("metadata") or {}), "resourceVersion": version}
    return {**patch, "metadata": meta}


def confirm(
    changes: list[Change],
    *,
    assume_yes: bool,
    ask: Callable[[str], str] | None,
    context: str,
) -> None:
    """Ask once (twice for destructive changes); raise ChangeDeclined when not confirmed."""
    if assume_yes:
        return
    if ask is None:
        raise ChangeDeclined(
            "not applied: no terminal to confirm on and --yes not given",
            hint="review the diff, then re-run with --yes (or --dry-run to only preview)",
        )
    count = len(changes)
    answer = ask(f"Apply {count} change{'s' * (count != 1)} to context {context}? [y/N] ")
    if answer.strip().lower() not in ("y", "yes"):
        raise ChangeDeclined("not applied: declined")
    for change in changes:
        if change.proposal.destructive:
            name = change.proposal.target.name
            typed = ask(f"{change.proposal.reason} is destructive. Type {name!r} to confirm: ")
            if typed.strip() != name:
                raise ChangeDeclined(f"not applied: {name!r} was not confirmed")


def apply(
    cluster: Cluster,
    changes: list[Change],
    *,
    audit: AuditLog,
    now: datetime,
    meta: dict[str, Any],
) -> None:
    """Apply in order; audit each; on failure stop and raise ApplyFailed saying what landed.

    Refused before anything is written: a change whose patch or manifest holds the redaction
    marker (exit 5), and any change when the audit log cannot be written (exit 1).
    """
    _refuse_redaction_marker(changes)
    try:
        audit.check_writable()
    except AuditWriteError as exc:
        raise ApplyFailed(
            f"nothing was applied: {exc.message}",
            hint=f"kai audits every change it makes; fix permissions or free space in "
            f"{exc.path.parent}, then re-run",
        ) from exc
    for index, change in enumerate(changes):
        record_id = new_id(now)
        conflict = False
        try:
            change.result = _call(cluster, change, dry_run=False)
            change.applied = True
        except ClusterUnavailable as exc:  # no answer: the write may or may not have landed
            change.error = exc.message
            _settle_unknown_outcome(cluster, change, wait_seconds=_settle_time(cluster, exc))
        except KaiError as exc:
            change.error = exc.message
            conflict = isinstance(exc, Conflict)
        _audit(audit, _record(record_id, change, cluster, now, meta), change, changes)
        if conflict:
            raise ApplyConflict(
                f"{change.proposal.target} changed after its diff was shown", index=index
            )
        if change.error:
            raise ApplyFailed(
                f"{change.proposal.reason} failed: {change.error} ({_summary(changes, change)})",
                hint="`kai undo` reverts what was applied" if _applied(changes) else None,
            )


def _applied(changes: list[Change]) -> list[str]:
    return [c.proposal.reason for c in changes if c.applied]


def _summary(changes: list[Change], current: Change) -> str:
    """``applied: ...; not applied: ...`` for the changes other than ``current``."""
    done = [c.proposal.reason for c in changes if c.applied and c is not current]
    pending = [c.proposal.reason for c in changes if not c.applied and c is not current]
    summary = f"applied: {'; '.join(done) or 'nothing'}"
    return summary + (f"; not applied: {'; '.join(pending)}" if pending else "")


def _refuse_redaction_marker(changes: list[Change]) -> None:
    """Last line of defence: never write ``[REDACTED]`` (a value kai hid) to the cluster."""
    import json

    from k8sgpt_py.redact import REDACTED

    for change in changes:
        p = change.proposal
        body = p.patch if p.action == "patch" else p.manifest
        if body is not None and REDACTED in json.dumps(body, default=str):
            raise Rejected(
                f"refused: {p.reason} would write the redaction marker {REDACTED} into "
                f"{p.target}; nothing was applied",
                hint="kai never writes a redacted value back; give the real value explicitly",
            )


def _audit(audit: AuditLog, record: dict[str, Any], change: Change, changes: list[Change]) -> None:
    """Append the record (and its private undo data); say plainly what landed if it fails."""
    try:
        audit.append(record, private={"before": change.before, "after": change.result})
        change.audit_id = record["id"]
        return
    except AuditWriteError as exc:
        error = exc
    if change.applied:
        state = "was applied (it is live)"
    elif change.outcome_unknown:
        state = "may have been applied (outcome unknown)"
    else:
        state = f"was not applied ({change.error})"
    others = f"; other changes: {_summary(changes, change)}" if len(changes) > 1 else ""
    where = f"fix permissions or free space in {error.path.parent}"
    if error.what.startswith("the undo data"):
        change.audit_id = record["id"]  # the audit line itself was written
        raise ApplyFailed(
            f"{change.proposal.reason} {state} and audited as {record['id']}, but its undo data "
            f"could not be saved: {error.message}{others}",
            hint=f"`kai undo` will refuse fields whose values were redacted; {where}",
        ) from error
    landed = change.applied or change.outcome_unknown
    raise ApplyFailed(
        f"{change.proposal.reason} {state} but could not be audited: {error.message}{others}",
        hint=f"`kai undo` cannot revert it; {where}" if landed else where,
    ) from error


SETTLE_POLL_SECONDS = 0.5


def _settle_time(cluster: Cluster, exc: ClusterUnavailable) -> float:
    """How long to keep re-reading: a timed-out write may still be carried out."""
    return min(2 * cluster.timeout_seconds, 10.0) if exc.timed_out else 0.0


def _settle_unknown_outcome(cluster: Cluster, change: Change, *, wait_seconds: float) -> None:
    """After a lost answer, re-read the object (for a while after a timeout): did it land?

    The change is never re-sent. If it has not landed when kai stops looking and the request
    timed out, the outcome is recorded as unknown rather than as "not applied".
    """
    import time

    deadline = time.monotonic() + wait_seconds
    while True:
        landed, live = _landed(cluster, change)
        if landed is None:
            change.error = f"{change.error}; outcome unknown (the object could not be re-read)"
            change.outcome_unknown = True
            return
        if landed:
            change.applied, change.result, change.error = True, live, None
            change.note = "the answer was lost, but re-reading the object shows the change landed"
            return
        if time.monotonic() >= deadline:
            break
        time.sleep(SETTLE_POLL_SECONDS)
    if wait_seconds:
        change.outcome_unknown = True
        change.error = (
            f"{change.error}; not visible when re-read {wait_seconds:g} s later, but a request "
            "that timed out may still be carried out: check the object before retrying"
        )
    else:
        change.error = f"{change.error}; re-reading the object shows it was not applied"


def _landed(cluster: Cluster, change: Change) -> tuple[bool | None, dict[str, Any] | None]:
    """(did the change land, the live object); (None, None) when it cannot be read."""
    from k8sgpt_py.changes.diff import writable_fields

    t = change.proposal.target
    try:
        live: dict[str, Any] | None = cluster.get(t.kind, t.name, t.namespace)
    except NotFound:
        live = None
    except KaiError:
        return None, None
    if change.proposal.action in ("delete", "evict"):
        return live is None, live
    # every field the change writes, not just spec: a ConfigMap's data lives outside it
    return live is not None and writable_fields(live) == writable_fields(change.after), live


def _shown_body(p: Proposal) -> Any:
    """The patch or manifest as the output and the audit log show it.

    Redacted for the target's kind: a patch to a Secret names no kind itself.
    """
    from k8sgpt_py.redact_changes import redact_patch

    return redact_patch(p.target.kind, p.patch if p.action == "patch" else p.manifest)


def _record(
    record_id: str, change: Change, cluster: Cluster, now: datetime, meta: dict[str, Any]
) -> dict[str, Any]:
    p = change.proposal
    return {
        "id": record_id,
        "time": now.isoformat(),
        **meta,
        "context": cluster.target.context,
        "server": cluster.target.server,
        "target": p.target.to_json(),
        "action": p.action,
        "reason": p.reason,
        "patch_type": p.patch_type,
        "patch": _shown_body(p),
        "before": change.before,
        "after": change.result,
        "applied": change.applied,
        "error": change.error,
        **({"note": change.note} if change.note else {}),
        **({"outcome": "unknown"} if change.outcome_unknown else {}),
    }
