"""The offline planner: a lexicon of verbs plus slot extraction, no model needed.

A request is split into clauses ("and"/"then"/";"). Each clause is read into cues (what its
verbs mean, lexicon.py) and slots (numbers, quantities, images, env pairs, namespace,
slots.py); its target is found among its words by fuzzy matching against the cluster's real
names (clause.py). The first intent (intents.py) whose cue appears and whose builder accepts
the slots gives the tool call. What no intent understands returns None, and the caller says
what is missing. Writes are never read from negated, conditional or asked clauses.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from k8sgpt_py.planner import lexicon as lx
from k8sgpt_py.planner.clause import Clause, NameIndex
from k8sgpt_py.planner.discourse import (
    Context,
    is_urging,
    namespace_only,
    read_statement,
    sentences,
)
from k8sgpt_py.planner.fixes import FIX, fix_args, fix_calls
from k8sgpt_py.planner.intents import INTENTS
from k8sgpt_py.planner.plan import Plan, Step
from k8sgpt_py.planner.slots import tokenize

if TYPE_CHECKING:
    from k8sgpt_py.cluster.kube import Cluster
    from k8sgpt_py.tools.base import ToolContext

_POLITE = re.compile(
    r"^(?:(?:hey |ok |okay )?kai[,:]?\s+)?(?:please |pls |can you |could you |would you |"
    r"i want to |i'd like to |i need to |let's |go |now )*",
    re.IGNORECASE,
)
# " in staging", " in namespace staging", " -n staging": the namespace a request names
NS_SUFFIX = r"(?:\s+(?:in|on|from)\s+(?:the\s+)?(?:namespace\s+)?(?P<ns>[a-z0-9-]+)(?:\s+namespace)?|\s+-n\s+(?P<ns2>[a-z0-9-]+))?"
_HARD_SPLIT = re.compile(
    r"\s*(?:;|,?\s+and\s+then\s+|,?\s+then\s+|,?\s+and\s+also\s+|,?\s+after\s+that\s+|"
    r"\.\s+(?=[a-z]))\s*",
    re.IGNORECASE,
)
_SOFT_SPLIT = re.compile(r"\s*(?:,\s*and\s+|\s+and\s+|,\s+)\s*", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"<[^<>]{1,60}>")
_COMMA, _AND = "\x00", "\x01"  # separators shielded inside parentheses


@dataclass(frozen=True)
class Call:
    """One tool call a clause produced."""

    tool: str
    args: dict[str, Any]


def normalise(request: str) -> str:
    """Lower-case, single spaces, no trailing punctuation or politeness."""
    text = " ".join(request.strip().split())
    text = text.rstrip(" .!?")
    return _POLITE.sub("", text, count=1).strip()


def _shield(text: str) -> str:
    """Commas and "and" inside parentheses do not cut a clause: "(get, list and watch)"."""
    return re.sub(
        r"\([^()]*\)",
        lambda m: m.group(0).replace(",", _COMMA).replace(" and ", _AND),
        text,
    )


def clauses(request: str) -> list[str]:
    """The request cut where a new instruction starts ("..., then ...", "... and restart ...")."""
    out = _clauses(_shield(" ".join(request.strip().split()).rstrip(" .!?")))
    return [c.replace(_COMMA, ",").replace(_AND, " and ") for c in out]


def _clauses(text: str) -> list[str]:
    out: list[str] = []
    for part in _HARD_SPLIT.split(text):
        pieces = _SOFT_SPLIT.split(part)
        current = pieces[0]
        for piece in pieces[1:]:
            if _starts_instruction(piece) and not _only_polite(current):
                out.append(current)
                current = piece
            else:
                joiner = ", " if "," in part else " and "
                current = f"{current}{joiner}{piece}"
        out.append(current)
    return [p for p in (o.strip(" ,.") for o in out) if p]


def _only_polite(text: str) -> bool:
    return all(w.low in lx.FILLER or w.low in lx.POLITE_OPENERS for w in tokenize(text))


def _starts_instruction(text: str) -> bool:
    words = [w.low for w in tokenize(text)[:6]]
    stripped = True
    while stripped:
        stripped = False
        for n in (3, 2, 1):
            if len(words) > n and " ".join(words[:n]) in lx.POLITE_OPENERS:
                words, stripped = words[n:], True
                break
    return any(" ".join(words[:n]) in lx.CUES for n in (3, 2, 1) if len(words) >= n) and (
        bool(words) and words[0] not in ("up", "down", "run", "keep", "make", "out")
    )


def parse(request: str, names: NameIndex | None = None) -> list[Call] | None:
    """Tool calls for the request, or None when any part is not understood.

    ``names`` (the cluster's object names) lets the target be found among the request's
    words; without it, the one word that is left over names the target. Sentences that
    state facts ("the worker keeps crashing") give later ones their object and namespace
    (discourse.py). "fix it" next to other instructions only urges them on; alone it asks
    to fix what the statement named.
    """
    found = _parse(request, names, colons=True)
    if found is None and re.search(r":\s", request):  # "an hpa on cart: 1 to 5 pods"
        found = _parse(request, names, colons=False)
    return found


def _parse(request: str, names: NameIndex | None, *, colons: bool) -> list[Call] | None:
    steps: list[tuple[Call | None, bool]] = []  # (call, only urges)
    context = Context()
    for sentence in sentences(request, colons=colons):
        got = _parse_sentence(sentence, names, context)
        if got is not None:
            steps.extend(got)
            continue
        parts = clauses(sentence)
        if any(_starts_instruction(p) for p in parts[1:]):
            return None  # "cart is slow, restart it": an instruction kai did not understand
        if not read_statement(sentence, names, context):
            return None
    asked = [call for call, urges in steps if not urges]
    if asked:
        return [call for call in asked if call is not None]
    urged = [call for call, _ in steps if call is not None]  # "Diagnose and fix it"
    return urged or None


def _parse_sentence(
    sentence: str, names: NameIndex | None, context: Context
) -> list[tuple[Call | None, bool]] | None:
    """Each clause's call and whether it only urges; None when a clause is not understood."""
    steps: list[tuple[Call | None, bool]] = []
    for text in clauses(sentence):
        urges = is_urging(text)
        call = parse_clause(text, names, context.antecedent, context=context)
        if call is not None:
            steps.append((call, urges))
            if not urges:
                context.after(call.tool, call.args)
            continue
        namespace = namespace_only(text, names)
        if namespace is not None:
            context.namespace = namespace  # "In namespace payments, ..."
        elif urges:
            steps.append((None, True))
        else:
            return None
    return steps or None


def parse_clause(
    text: str,
    names: NameIndex | None,
    antecedent: str | None = None,
    *,
    context: Context | None = None,
) -> Call | None:
    """The one tool call a clause asks for, or None."""
    context = context or Context(antecedent=antecedent)
    clause = Clause.read(
        text,
        names,
        antecedent,
        antecedent_namespace=context.antecedent_namespace,
        namespace=context.namespace,
        topic=context.topic,
        new_namespaces=context.new_namespaces,
    )
    if not clause.cues:
        return None
    blocked = clause.is_blocked()
    for intent in INTENTS:
        if not clause.has(*intent.cues) or (intent.is_write and blocked):
            continue
        used, namespace = [w.used for w in clause.words], clause.slots.namespace
        args = intent.build(clause)
        if args is not None:
            return Call(intent.tool, args)
        for w, was in zip(clause.words, used, strict=True):  # what a builder took, it gives back
            w.used = was
        clause.slots.namespace = namespace
    fix = fix_args(clause)
    return Call(FIX, fix) if fix is not None else None


def did_you_mean(request: str) -> str | None:
    """The verb a misspelt first word probably was ("sclae" -> "scale"), or None."""
    words = [w.low for w in tokenize(normalise(request))]
    if not words or not words[0].isalpha() or len(words[0]) < 3:
        return None
    known = lx.FILLER | lx.BLOCKERS | lx.QUESTION_OPENERS | set(lx.KIND_WORDS)
    if words[0] in known or any(w in lx.CUES for w in words):
        return None  # a verb kai knows is there: the words around it are the problem
    verbs = sorted({p for p in lx.CUES if " " not in p and len(p) > 2})
    close = difflib.get_close_matches(words[0], verbs, n=1, cutoff=0.75)
    return close[0] if close else None


class ClusterNames:
    """The cluster's names, listed once per kind on first use (all namespaces)."""

    def __init__(self, cluster: Cluster) -> None:
        """Bind the cluster; nothing is listed until a name is needed."""
        self._cluster = cluster
        self._cache: dict[str, list[tuple[str, str | None]]] = {}
        self._selectors: dict[tuple[str, str, str | None], dict[str, str]] = {}

    def names(self, kind: str) -> Sequence[tuple[str, str | None]]:
        """(name, namespace) of every object of a kind; empty when listing is forbidden."""
        if kind not in self._cache:
            from k8sgpt_py.errors import Rejected

            self._cache[kind] = []
            try:
                for o in self._cluster.iter_list(kind, None):
                    name, namespace = str(o["metadata"]["name"]), o["metadata"].get("namespace")
                    self._cache[kind].append((name, namespace))
                    labels = ((o.get("spec") or {}).get("selector") or {}).get("matchLabels")
                    if isinstance(labels, dict):
                        self._selectors[(kind, name, namespace)] = dict(labels)
            except Rejected:  # RBAC: the tools will say so when they need it
                self._cache[kind] = []
        return self._cache[kind]

    def selector(self, kind: str, name: str, namespace: str | None) -> dict[str, str]:
        """The pod labels a workload selects; {} when unknown or ambiguous."""
        self.names(kind)
        found = [
            labels
            for (k, n, ns), labels in self._selectors.items()
            if k == kind and n == name and namespace in (None, ns)
        ]
        return found[0] if len(found) == 1 else {}

    def namespaces(self) -> set[str]:
        """Namespace names."""
        return {name for name, _ in self.names("Namespace")}


def plan_offline(request: str, *, ctx: ToolContext) -> Plan | None:
    """Run the request's tool calls; None when the offline planner does not understand it."""
    from k8sgpt_py.errors import ModelUnavailable, UsageError
    from k8sgpt_py.tools.registry import all_tools

    holes = _PLACEHOLDER.findall(request)
    if holes:
        raise UsageError(
            f"the request still holds the placeholder {holes[0]}",
            hint="replace it with the real value, then run the command again",
        )
    names = ClusterNames(ctx.cluster)
    calls = parse(request, names)
    if calls is None:
        verb = did_you_mean(request)
        if verb is None:
            return None  # the caller says what is missing
        hint = f'did you mean "{verb}"? (`kai help` lists what kai understands offline)'
        if ctx.settings.has_llm:  # --offline was asked for: a usage problem
            raise UsageError(f"the offline planner does not understand {request!r}", hint=hint)
        raise ModelUnavailable(
            f"the offline planner does not understand {request!r} and no LLM is configured",
            hint=f"{hint}; or set KAI_MODEL and OPENAI_API_KEY (or KAI_BASE_URL) to let a "
            "model plan it",
        )
    plan = Plan(request=request, planner="offline")
    tools = all_tools(read_only=ctx.read_only)
    for call in _with_fixes(calls, ctx, names, plan):
        tool = tools.get(call.tool)
        if tool is None:
            if ctx.read_only and call.tool in all_tools():
                from k8sgpt_py.errors import Rejected

                raise Rejected(f"{call.tool} changes the cluster and kai runs read-only")
            return None
        result = tool.run(ctx, call.args, raise_errors=True)
        plan.steps.append(Step(call.tool, call.args, result))
        if isinstance(result.data, dict):
            plan.advice.extend(str(a) for a in result.data.get("advice") or [])
        if result.status == "error":
            plan.errors.append(result.error or f"{call.tool} failed")
            break
    return plan


def _with_fixes(calls: list[Call], ctx: ToolContext, names: NameIndex, plan: Plan) -> list[Call]:
    """Each "fix X" step replaced by the calls X's diagnosis suggests (fixes.py)."""
    out: list[Call] = []
    for call in calls:
        if call.tool != FIX:
            out.append(call)
            continue
        fixed, found = fix_calls(ctx, call.args, names)
        plan.advice.append(found)
        out.extend(fixed)
    return out
