"""What the sentences around an instruction tell it: the object, the namespace, a variable.

People describe the problem before they ask: "The worker deployment in namespace jobs keeps
crashing because DATABASE_URL is not set. Set it to postgres://db/app." The first sentence
is a *statement*: no instruction in it, but it names the object "it" refers to, the
namespace and the variable. "In namespace payments, ..." names the namespace for what
follows, and "...: fix it" only urges the rest on. A sentence that is neither an
instruction kai understands nor one of these keeps the whole request not understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from k8sgpt_py.planner import extract
from k8sgpt_py.planner import lexicon as lx
from k8sgpt_py.planner.clause import Clause, NameIndex

# a sentence ends at ". ", "! ", "? " or ": " (not "the command: echo hi")
_SENTENCE_END = re.compile(r"(?:[.!?;]|(?<!\bcommand)(?<!\bcmd)(?<!\bargs):)\s+(?=\S)", re.I)
_ABOUT = ("Deployment", "StatefulSet", "DaemonSet", "Service", "CronJob", "Node",
          "PersistentVolumeClaim", "Ingress")  # fmt: skip
_IMPERATIVE_NOT = {"dont", "never", "not", "stop", "avoid", "please"}


@dataclass
class Context:
    """What earlier sentences and clauses established."""

    antecedent: str | None = None
    antecedent_namespace: str | None = None
    namespace: str | None = None
    topic: str | None = None
    new_namespaces: set[str] = field(default_factory=set)

    def after(self, tool: str, args: dict[str, object]) -> None:
        """An instruction's object becomes what "it" means next; a new namespace is known."""
        name = args.get("name")
        if tool == "create_namespace" and isinstance(name, str):
            self.new_namespaces.add(name)
        if isinstance(name, str):
            namespace = args.get("namespace")
            self.antecedent = name
            self.antecedent_namespace = namespace if isinstance(namespace, str) else None


def sentences(request: str, *, colons: bool = True) -> list[str]:
    """The request's sentences, each without its final punctuation.

    With ``colons`` False a colon does not end a sentence ("an autoscaler on cart: 1 to 5").
    """
    text = " ".join(request.strip().split())
    if not colons:
        text = re.sub(r":\s+", " ", text)
    parts = (p.strip().rstrip(".!?:;").strip() for p in _SENTENCE_END.split(text))
    return [p for p in parts if p]


def is_urging(text: str) -> bool:
    """Is this "fix it", "do it": a clause that asks for nothing the rest does not ask?"""
    words = " ".join(text.lower().strip(" .!,").split())
    for opener in sorted(lx.POLITE_OPENERS, key=len, reverse=True):
        if words.startswith(opener + " "):
            words = words[len(opener) + 1 :]
    return words.removesuffix(" please") in lx.URGINGS


def namespace_only(text: str, names: NameIndex | None) -> str | None:
    """The namespace a prefix ("In namespace payments") names for what follows, else None."""
    clause = Clause.read(text, names, None)
    if clause.cues or clause.content() or clause.refs or clause.slots.numbers:
        return None
    return clause.slots.namespace


def read_statement(text: str, names: NameIndex | None, context: Context) -> bool:
    """Take what a statement of fact establishes into ``context``; False if not a statement."""
    clause = Clause.read(text, names, None)
    lows = [w.low for w in clause.words]
    first = lows[clause.start] if clause.start < len(lows) else ""
    if not first or first in lx.CUES or first in lx.QUESTION_OPENERS or first in _IMPERATIVE_NOT:
        return False
    if set(lows) & lx.CONDITIONS:
        return False  # "if cart is slow, scale it": a condition, not a fact
    if not (set(lows) & lx.STATE_WORDS or any(w.endswith("ed") for w in lows)):
        return False
    if clause.slots.namespace:
        context.namespace = clause.slots.namespace
    about = clause.take(_ABOUT, mark=False)
    if about:
        context.antecedent, context.antecedent_namespace = about, clause.slots.namespace
    context.topic = extract.env_topic(clause.words) or context.topic
    return True
