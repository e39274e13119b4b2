"""Undo: the change that reverts one audit record, checked against what happened since.

The reverse patch goes from what kai applied (the record's ``after``) back to ``before``,
so it touches only the fields kai changed, whichever they are (``spec``, ConfigMap
``data``, a Role's ``rules``, labels, ...). A revert Kubernetes refuses (a claim's storage
cannot shrink) is refused up front with the reason. Before it is proposed, a 3-way check compares
those fields of the live object with ``after``: if someone changed them since, the undo
is refused (exit 5) unless ``--force`` is given (the diff is still shown and confirmed).

``before``/``after`` come from the private undo store (un-redacted). Records without it
(older records) fall back to the redacted audit copy, and any field whose previous value
was redacted is refused: kai never writes a redaction marker back to the cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from k8sgpt_py.changes.audit import AuditLog, merge_diff
from k8sgpt_py.changes.diff import comparable, writable_fields
from k8sgpt_py.changes.proposal import ObjectRef, Proposal
from k8sgpt_py.errors import Rejected, UsageError
from k8sgpt_py.redact import REDACTED, redact

if TYPE_CHECKING:
    from k8sgpt_py.changes.pipeline import Change
    from k8sgpt_py.cluster.kube import Cluster

_MISSING = object()
_SNAKE = {"apiVersion": "api_version", "kind": "kind", "namespace": "namespace", "name": "name"}
_RECREATE_DROP = ("deletionTimestamp", "deletionGracePeriodSeconds", "selfLink")
MAX_PATHS_SHOWN = 5


class UndoConflict(Rejected):
    """The fields an undo would restore were changed by someone else after kai."""


@dataclass(frozen=True)
class UndoData:
    """The object before and after the audited change; ``is_private``: un-redacted."""

    before: dict[str, Any] | None
    after: dict[str, Any] | None
    is_private: bool


@dataclass(frozen=True)
class UndoPlan:
    """The reverting proposal and, under ``--force``, the conflicts it overrides."""

    proposal: Proposal
    conflicts: list[str] = field(default_factory=list)


def record_target(record: dict[str, Any]) -> ObjectRef:
    """The record's target as an ObjectRef."""
    return ObjectRef(**{_SNAKE[k]: v for k, v in (record.get("target") or {}).items()})


def check_undoable(record: dict[str, Any], audit: AuditLog) -> None:
    """Refuse (exit 2) records that are undos, were already undone, or never applied."""
    rid = record.get("id")
    if record.get("undo_of"):
        raise UsageError(
            f"audit record {rid} is itself the undo of {record['undo_of']}; kai does not redo",
            hint=f"to make that change again, re-run its request (see `kai history --show "
            f"{record['undo_of']}`)",
        )
    undo = audit.undone_by(str(rid))
    if undo is not None:
        raise UsageError(
            f"audit record {rid} was already undone by {undo.get('id')}",
            hint=f"see `kai history --show {undo.get('id')}`",
        )
    if not record.get("applied"):
        unknown = record.get("outcome") == "unknown"
        raise UsageError(
            f"audit record {rid} was not applied"
            + (" (its outcome is unknown)" if unknown else "")
            + ": there is nothing to undo",
            hint="check the object with `kai describe`" if unknown else "see `kai history`",
        )


def check_same_cluster(record: dict[str, Any], cluster: Cluster) -> None:
    """Refuse (exit 2) a record made against another API server."""
    if record.get("server") not in (None, cluster.target.server):
        raise UsageError(
            f"audit record {record['id']} changed context {record.get('context')} "
            f"({record.get('server')}), not the current cluster ({cluster.target.server})",
            hint=f"run kai undo with --context {record.get('context')}",
        )


def read_target(record: dict[str, Any], cluster: Cluster) -> dict[str, Any] | None:
    """The record's object as it is now (None when it does not exist)."""
    from k8sgpt_py.errors import NotFound

    target = record.get("target") or {}
    try:
        return cluster.get(target["kind"], target["name"], target.get("namespace"))
    except NotFound:
        return None


def check_unchanged(record: dict[str, Any], live: dict[str, Any] | None, change: Change) -> None:
    """The object the 3-way check saw must be the one the dry run diffed."""
    seen = ((live or {}).get("metadata") or {}).get("resourceVersion")
    diffed = ((change.before or {}).get("metadata") or {}).get("resourceVersion")
    if change.proposal.action != "create" and seen != diffed:
        raise changed_meanwhile(record)


def changed_meanwhile(record: dict[str, Any]) -> UndoConflict:
    """Refusal (exit 5) when the object changed between the 3-way check and the apply."""
    return UndoConflict(
        f"refused to undo {record['id']}: its object changed while the undo was being "
        "prepared; nothing was reverted",
        hint=f"run `kai undo {record['id']}` again to re-check what changed",
    )


def undo_data(record: dict[str, Any], audit: AuditLog) -> UndoData:
    """The private (un-redacted) before/after when kept; the audit's redacted copy otherwise."""
    kept = audit.store.load(str(record.get("id", "")))
    if kept is not None:
        return UndoData(kept.get("before"), kept.get("after"), is_private=True)
    return UndoData(record.get("before"), record.get("after"), is_private=False)


def plan_undo(
    record: dict[str, Any], live: dict[str, Any] | None, data: UndoData, *, force: bool = False
) -> UndoPlan:
    """The change that puts the record's target back as it was before the record."""
    target = record_target(record)
    rid, action = record.get("id"), record.get("action")
    reason = f"undo {rid}: {record.get('reason') or action}"
    if target.kind == "Secret":
        raise UsageError(
            f"cannot undo {rid}: kai never keeps a copy of Secret values, so it cannot restore "
            f"{target}",
            hint="restore the Secret from where it is managed (manifests, vault, sealed secrets)",
        )
    if action == "patch":
        plan = _undo_patch(record, target, reason, live, data, force=force)
    elif action == "create":
        plan = UndoPlan(Proposal(target, "delete", reason), _created_conflicts(rid, data, live))
    elif action == "delete":
        plan = UndoPlan(_undo_delete(rid, target, reason, live, data))
    else:
        raise UsageError(
            f"cannot undo {action} of {target}",
            hint="an evicted or deleted pod is recreated by its controller",
        )
    if plan.conflicts and not force:
        raise UndoConflict(
            f"refused to undo {rid}: {target} was changed after kai applied it: "
            + _listed(plan.conflicts),
            hint=f"check who changed it; `kai undo --force {rid}` shows the diff and "
            "reverts it anyway",
        )
    refuse_redacted(plan.proposal, is_private=data.is_private, record_id=str(rid))
    return plan


def _refuse_irreversible(
    rid: Any, target: ObjectRef, patch: Any, before: dict[str, Any], after: dict[str, Any]
) -> None:
    """Refuse (exit 2) a revert Kubernetes does not allow, before asking the API server.

    A claim's storage request cannot shrink, and an object made ``immutable`` cannot be made
    mutable again: the server would refuse either, so say why instead.
    """
    if not isinstance(patch, dict):
        return
    if "immutable" in patch and after.get("immutable") is True:
        raise UsageError(
            f"cannot undo {rid}: {target} was made immutable, and Kubernetes never makes an "
            "immutable object mutable again",
            hint=f"delete {target} and create it again with its old content",
        )
    if target.kind != "PersistentVolumeClaim":
        return
    grown, was = _storage(after), _storage(before)
    if grown is not None and was is not None and _bytes(was) < _bytes(grown):
        raise UsageError(
            f"cannot undo {rid}: {target} storage cannot shrink from {grown} back to {was} "
            "(Kubernetes only grows volumes)",
            hint="to get the space back, copy the data to a new, smaller claim",
        )


def _storage(obj: dict[str, Any]) -> str | None:
    requests = ((obj.get("spec") or {}).get("resources") or {}).get("requests") or {}
    value = requests.get("storage")
    return None if value is None else str(value)


def _bytes(quantity: str) -> float:
    from k8sgpt_py.quantity import parse_quantity

    try:
        return parse_quantity(quantity)
    except ValueError:
        return float("nan")  # unreadable: compares False, so the API server decides


def _undo_patch(
    record: dict[str, Any],
    target: ObjectRef,
    reason: str,
    live: dict[str, Any] | None,
    data: UndoData,
    *,
    force: bool,
) -> UndoPlan:
    rid = record.get("id")
    if data.before is None or data.after is None:
        raise UsageError(f"cannot undo {rid}: its audit record lacks the object before and after")
    if live is None:
        raise Rejected(
            f"cannot undo {rid}: {target} no longer exists", hint="see `kai history` for who ran it"
        )
    before, after = writable_fields(data.before), writable_fields(data.after)
    now = writable_fields(live if data.is_private else redact(live))
    patch = merge_diff(after, before)
    if not patch:
        raise UsageError(f"cannot undo {rid}: it changed nothing kai can restore")
    _refuse_irreversible(rid, target, patch, before, after)
    conflicts = conflicting_paths(patch, after, now)
    if conflicts and not conflicting_paths(patch, before, now):
        raise UsageError(f"{target} already matches its state before {rid}")
    return UndoPlan(Proposal(target, "patch", reason, patch=patch, patch_type="merge"), conflicts)


def _created_conflicts(rid: Any, data: UndoData, live: dict[str, Any] | None) -> list[str]:
    if live is None:
        raise UsageError(f"cannot undo {rid}: the object it created no longer exists")
    after = data.after or {}
    uid = (after.get("metadata") or {}).get("uid")
    if uid and (live.get("metadata") or {}).get("uid") != uid:
        return ["the object was deleted and created again (new uid)"]
    kept, now = writable_fields(after), writable_fields(live if data.is_private else redact(live))
    return conflicting_paths(merge_diff(kept, now), kept, now)


def _undo_delete(
    rid: Any, target: ObjectRef, reason: str, live: dict[str, Any] | None, data: UndoData
) -> Proposal:
    if data.before is None:
        raise UsageError(f"cannot undo {rid}: its audit record lacks the deleted object")
    if live is not None:
        raise UndoConflict(
            f"refused to undo {rid}: {target} exists again (created after kai deleted it)",
            hint="delete it first if kai's copy should replace it",
        )
    manifest = comparable(data.before) or {}
    meta = {k: v for k, v in (manifest.get("metadata") or {}).items() if k not in _RECREATE_DROP}
    return Proposal(target, "create", reason, manifest={**manifest, "metadata": meta})


def conflicting_paths(patch: Any, expected: Any, live: Any, path: str = "") -> list[str]:
    """Paths the merge ``patch`` would write where ``live`` no longer equals ``expected``."""
    out: list[str] = []
    if not isinstance(patch, dict):
        return out
    for key, value in patch.items():
        here = f"{path}.{key}" if path else str(key)
        want = expected.get(key, _MISSING) if isinstance(expected, dict) else _MISSING
        have = live.get(key, _MISSING) if isinstance(live, dict) else _MISSING
        if isinstance(value, dict) and isinstance(want, dict) and isinstance(have, dict):
            out += conflicting_paths(value, want, have, here)
        elif want != have:
            out.append(_describe(here, want, have))
    return out


def _describe(path: str, want: Any, have: Any) -> str:
    numbers = all(type(v) is int for v in (want, have))
    return f"{path} (kai set {want}, now {have})" if numbers else path


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:MAX_PATHS_SHOWN])
    more = len(items) - MAX_PATHS_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def redacted_paths(obj: Any, path: str = "") -> list[str]:
    """Paths of strings (or keys) in ``obj`` that hold the redaction marker."""
    if isinstance(obj, dict):
        out: list[str] = []
        for key, value in obj.items():
            here = f"{path}.{key}" if path else str(key)
            out += [here] if REDACTED in str(key) else redacted_paths(value, here)
        return out
    if isinstance(obj, list):
        return [p for i, item in enumerate(obj) for p in redacted_paths(item, f"{path}[{i}]")]
    return [path or "(value)"] if isinstance(obj, str) and REDACTED in obj else []


def refuse_redacted(proposal: Proposal, *, is_private: bool, record_id: str) -> None:
    """Refuse (exit 5) an undo that would write the redaction marker back."""
    body = proposal.patch if proposal.action == "patch" else proposal.manifest
    paths = redacted_paths(body)
    if not paths:
        return
    why = (
        "the object already held that text before the change"
        if is_private
        else "their previous values were redacted in the audit log and no private undo data "
        "was kept for this record"
    )
    raise Rejected(
        f"refused to undo {record_id}: it would write {REDACTED} into {proposal.target} at "
        f"{_listed(paths)}; {why}",
        hint="restore those fields by hand; kai never writes a redacted value to the cluster",
    )
