"""'fix the web-svc service': diagnose the object, then plan the fixes the diagnosis names.

``kai explain`` ends each finding with the request that would fix it (``kai -n site "set the
selector of svc/web-svc to app=webapp"``). Asked to fix an object, the offline planner runs
the same diagnosis and parses those requests; a suggestion that still needs a value from a
person (``<image>:<tag>``) is not guessed but reported.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from k8sgpt_py.planner import lexicon as lx
from k8sgpt_py.planner.clause import Clause
from k8sgpt_py.planner.intent import Args
from k8sgpt_py.planner.reads import KINDS, WORKLOADS, where

if TYPE_CHECKING:
    from k8sgpt_py.planner.clause import NameIndex
    from k8sgpt_py.tools.base import ToolContext

FIX = "fix"  # a planner step, not a tool: it becomes the suggested tool calls
EXAMPLES = ("fix the worker in staging", "diagnose and fix the legacy-api service")
_VERBS = {"fix", "repair", "remediate", "heal"}
_KINDS = (*WORKLOADS, "Service", "Pod", "Node", "CronJob", "Job", "PersistentVolumeClaim",
          "Ingress", "HorizontalPodAutoscaler")  # fmt: skip
_SUGGESTED = re.compile(r'kai (?:-n (?P<ns>\S+) )?"(?P<request>[^"]+)"')


def fix_args(c: Clause) -> Args | None:
    """``{"name", "kind"?, "namespace"?}`` when the clause only asks to fix one object."""
    if not c.has_word(*_VERBS) or c.is_blocked():
        return None
    s = c.slots
    if s.numbers or s.quantities or s.image or s.env or s.pairs or s.service_type or s.factor:
        return None
    kinds = [lx.KIND_WORDS[k] for k in c.kind_words() if lx.KIND_WORDS[k] != "event"]
    name = c.target(KINDS.get(kinds[0], _KINDS) if kinds else _KINDS, ref_kinds=())
    if name is None:
        return None
    args: Args = {"name": name}
    if kinds and "/" not in name:
        args["kind"] = kinds[0]
    return where(c, args)


def fix_calls(ctx: ToolContext, args: dict[str, Any], names: NameIndex) -> tuple[list[Any], str]:
    """The calls the diagnosis of ``args``' object suggests, and what was found (one line).

    Raises NothingDone (exit 8) when the diagnosis names no fix kai can make by itself.
    """
    from k8sgpt_py.diagnose import explain
    from k8sgpt_py.errors import NothingDone
    from k8sgpt_py.planner.offline import parse
    from k8sgpt_py.tools.common import find

    kinds = KINDS.get(str(args.get("kind")), _KINDS)
    found = find(ctx, str(args["name"]), kinds=kinds, namespace=args.get("namespace"))
    explanation = explain(ctx.cluster, found, now=ctx.now)
    where_flag = f"-n {found.namespace} " if found.namespace else ""
    hint = f"kai explain {where_flag}{found.kind.lower()}/{found.name} shows the evidence"
    if not explanation.findings:
        raise NothingDone(f"nothing was done: kai found nothing wrong with {found}", hint=hint)
    calls: list[Any] = []
    waiting: list[str] = []
    for finding in explanation.findings:
        for match in _SUGGESTED.finditer(finding.suggestion):
            request = match["request"]
            if "<" in request:  # a value only a person knows
                waiting.append(f'kai -n {match["ns"]} "{request}"' if match["ns"] else request)
                continue
            where_ = f" -n {match['ns']}" if match["ns"] else ""
            for call in parse(request + where_, names) or []:
                if call not in calls:
                    calls.append(call)
    root = explanation.findings[0]
    said = f"{found}: {root.reason}: {root.message}"
    if not calls and waiting:
        raise NothingDone(
            f"nothing was done: {said}; the fix needs a value from you: {waiting[0]}", hint=hint
        )
    if not calls:
        raise NothingDone(f"nothing was done: {said}; {root.suggestion}", hint=hint)
    return calls, said
