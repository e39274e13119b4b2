"""Guardrails: refuse writes nobody asked for, and destructive ones not asked for explicitly.

A proposal is *grounded* when the request names its target:

- by a whole name-like word: exactly, as a prefix of the name (``checkout`` names
  ``checkoutservice``), as one dash-separated part of it, or as a pod name naming its
  workload (``pod/worker-5d9c-x`` names deployment ``worker``). One-letter words, stop
  words, kind words and numbers never ground anything fuzzily, and a word inside a name
  (``a`` in ``cart``) is not a mention of it;
- with the kind the request gives that word (``delete pod X`` does not name deployment
  ``X``), and in the namespace the request (or ``-n``) names (``scale worker in staging``
  does not name ``shop/worker``);
- or as a member of an explicit set: ``everything``/``all deployments in staging``, or a
  set tool's label selector that the request spells out (``-l app=x``, ``labelled app=x``).

Destructive changes also need explicit words: a delete needs a delete verb, and scaling to
zero needs an explicit zero ("to 0", "to zero", "0 replicas"); "down by 1" that happens to
reach zero is not one. Both planners pass through here, when a write tool proposes and again
before the dry run, so a model that obeys text hidden in a log line cannot write what was
not asked for.
"""

from __future__ import annotations

from collections.abc import Sequence

from k8sgpt_py.changes.naming import (
    WORKLOADS,
    Mention,
    RequestScope,
    asks_for_change,
    name_matches,
    read_request,
    selector_terms,
    tokens,
)
from k8sgpt_py.changes.proposal import Proposal

__all__ = [
    "Mention",
    "RequestScope",
    "asks_for_change",
    "check",
    "is_mentioned",
    "name_matches",
    "read_request",
    "refusals",
    "selector_terms",
    "tokens",
]

_OWNERS = WORKLOADS | {"ReplicaSet", "Job"}
_DELETE_WORDS = frozenset({"delete", "remove", "destroy", "drop", "purge", "wipe", "rm"})
_POD_DELETE_WORDS = _DELETE_WORDS | {"kill", "restart", "bounce", "recycle", "evict", "replace"}


def is_mentioned(name: str, request: str) -> bool:
    """Does the request name ``name`` (any kind, any namespace)?"""
    scope = read_request(request)
    return any(name_matches(m.word, name) for m in scope.mentions)


def _grounds(scope: RequestScope, proposal: Proposal) -> bool:
    """Does some mention name the proposal's target, with a compatible kind and namespace?"""
    t = proposal.target
    if t.kind == "Namespace" and t.name.lower() in scope.namespaces:
        return True
    for mention in scope.mentions:
        how = name_matches(mention.word, t.name)
        if how is None:
            continue
        if mention.namespace and t.namespace and mention.namespace != t.namespace:
            continue
        if not mention.kinds or t.kind in mention.kinds:
            return True
        if "Pod" in mention.kinds and t.kind in _OWNERS and _owner_grounded(scope, proposal, how):
            return True
    return False


def _owner_grounded(scope: RequestScope, proposal: Proposal, how: str) -> bool:
    """Do pods named by the request ground a non-destructive change to their workload?

    "fix pod/worker-5d9c-x" grounds deployment worker; "double the api pods" grounds
    deployment api unless the request deletes ("delete the api pods" means the pods).
    """
    if proposal.action == "delete" or proposal.destructive:
        return False
    return how == "owner" or not (scope.words & _DELETE_WORDS)


def _in_set(scope: RequestScope, proposal: Proposal) -> bool:
    """Is the target a member of an explicit set the request describes?"""
    t = proposal.target
    selection = proposal.selection
    if selection is not None and selection.selector:
        return selector_terms(selection.selector) in scope.selectors
    return bool(
        scope.set_kinds
        and scope.namespaces
        and t.kind in scope.set_kinds
        and t.namespace in scope.namespaces
    )


def _namespace_refusal(scope: RequestScope, proposal: Proposal) -> str | None:
    t = proposal.target
    if not scope.namespaces or t.namespace is None or proposal.action == "evict":
        return None
    if t.namespace in scope.namespaces:
        return None
    named = ", ".join(sorted(scope.namespaces))
    return (
        f"refusing to {proposal.action} {t}: the request names namespace {named}, "
        f"not {t.namespace} (kai only changes what you asked about)"
    )


def check(
    proposal: Proposal, request: str | RequestScope, *, batch: Sequence[Proposal] = ()
) -> str | None:
    """Return why the proposal must be refused, or None when it may go on to the dry run.

    ``batch`` holds the proposals made with it: a proposal *scoped* to another object (an
    HPA moved with its workload, a pod evicted by a drain) is grounded by that object's own
    grounded proposal in the batch.
    """
    scope = read_request(request) if isinstance(request, str) else request
    target = proposal.target
    refusal = _namespace_refusal(scope, proposal)
    if refusal:
        return refusal
    grounded = _grounds(scope, proposal) or _in_set(scope, proposal)
    if not grounded and not _scope_grounded(scope, proposal, batch):
        return _unmentioned(scope, proposal)
    if proposal.action == "delete":
        needed = _POD_DELETE_WORDS if target.kind == "Pod" else _DELETE_WORDS
        if not scope.words & needed:
            return f"refusing to delete {target}: deleting it needs an explicit request to delete"
    if proposal.destructive and proposal.action == "patch" and not scope.explicit_zero:
        return (
            f"refusing to scale {target} to zero: scaling to zero needs an explicit zero "
            f'in the request ("scale {target.name} to 0")'
        )
    return None


def _unmentioned(scope: RequestScope, proposal: Proposal) -> str:
    t, what = proposal.target, proposal.grounding_name
    named_as = sorted({k for m in scope.mentions if name_matches(m.word, what) for k in m.kinds})
    selection = proposal.selection
    if selection is not None and not selection.selector and not scope.namespaces:
        return (
            f"refusing to {proposal.action} {t}: a set such as {selection} needs "
            "its namespace named in the request (or -n)"
        )
    if named_as and proposal.scope is None:
        kinds = "/".join(k.lower() for k in named_as)
        return (
            f"refusing to {proposal.action} {t}: the request names {what!r} as a {kinds}, "
            f"not as a {t.kind.lower()} (kai only changes what you asked about)"
        )
    return (
        f"refusing to {proposal.action} {t}: the request does not mention {what!r} "
        "(kai only changes what you asked about)"
    )


def _scope_grounded(scope: RequestScope, proposal: Proposal, batch: Sequence[Proposal]) -> bool:
    """A scoped proposal follows an object the request names (an HPA's workload, a node)."""
    if proposal.scope is None:
        return False
    for other in batch:
        if other.scope is None and other.target.name == proposal.scope:
            return check(other, scope) is None
    return any(name_matches(m.word, proposal.scope) for m in scope.mentions)


def refusals(proposals: Sequence[Proposal], request: str | RequestScope) -> list[str]:
    """Why each refused proposal of a batch is refused (empty: all may go on)."""
    scope = read_request(request) if isinstance(request, str) else request
    out = []
    for proposal in proposals:
        reason = check(proposal, scope, batch=proposals)
        if reason:
            out.append(reason)
    return out
