"""Guardrails: refuse writes nobody asked for, and destructive ones not asked for explicitly.

A proposal is *grounded* when the request mentions its target (fuzzily: ``checkout`` names
``checkoutservice``; ``pod/worker-5d9c-x`` names deployment ``worker``). Destructive changes
also need the destructive verb in the request. Both planners pass through here, so a model
that obeys instructions hidden in a log line still cannot write what was not asked for.
"""

from __future__ import annotations

import re

from k8sgpt_py.changes.proposal import Proposal
from k8sgpt_py.cluster.resolve import name_score

_TOKEN = re.compile(r"[a-z0-9][a-z0-9.\-]*")
_DELETE_WORDS = {"delete", "remove", "destroy", "drop", "purge", "wipe", "rm"}
_ZERO_WORDS = {"0", "zero", "off", "down"}


def tokens(request: str) -> list[str]:
    """Lower-case name-like words of a request (``pod/x`` gives ``pod`` and ``x``)."""
    return _TOKEN.findall(request.lower().replace("/", " "))


def is_mentioned(name: str, request: str) -> bool:
    """Does the request name ``name``, exactly or recognisably?"""
    name = name.lower()
    for word in tokens(request):
        if word == name or word.startswith(name + "-") or name_score(word, name) >= 0.7:
            return True
    return False


def check(proposal: Proposal, request: str) -> str | None:
    """Return why the proposal must be refused, or None when it may go on to the dry run."""
    target = proposal.target
    if not is_mentioned(proposal.grounding_name, request):
        return (
            f"refusing to {proposal.action} {target}: the request does not mention "
            f"{proposal.grounding_name!r} (kai only changes what you asked about)"
        )
    if proposal.destructive:
        words = set(tokens(request))
        if proposal.action == "delete" and not words & _DELETE_WORDS:
            return f"refusing to delete {target}: deleting it needs an explicit request to delete"
        if proposal.action == "patch" and not words & _ZERO_WORDS:
            return f'refusing to scale {target} to zero: say so explicitly ("scale ... to 0")'
    return None
