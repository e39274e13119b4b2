"""Diagnostic questions the offline planner answers with a command instead of tool calls.

"why is worker crashing" is ``kai explain worker``, "is the cluster healthy" is ``kai scan``
and "anything unusual in shop" is ``kai anomalies -n shop``: no model needed for those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from k8sgpt_py.planner.offline import NS_SUFFIX, normalise

Command = Literal["explain", "scan", "anomalies"]

_TARGET = r"(?:the\s+|my\s+|our\s+)?(?P<target>[a-z0-9][a-z0-9./-]*)(?:\s+(?:pods?|deployment|deploy|statefulset|service|app|job|node))?"
_WHOLE = ("cluster", "everything", "things", "all", "it", "stuff")
_PATTERNS: tuple[tuple[str, Command], ...] = (
    (
        rf"(?:is|are)\s+(?:the\s+|my\s+|our\s+)?(?:{'|'.join(_WHOLE)})\s+(?:healthy|ok|okay|fine|alright|all\s+right|working|up){NS_SUFFIX}",
        "scan",
    ),
    (
        rf"(?:what(?:'?s|\s+is)|is\s+anything|anything)\s+(?:broken|wrong|failing|unhealthy|down|crashing){NS_SUFFIX}",
        "scan",
    ),
    (
        rf"(?:are\s+there\s+|do\s+we\s+have\s+)?(?:any\s+)?(?:problems|issues|errors|failures){NS_SUFFIX}",
        "scan",
    ),
    (rf"(?:health\s*check|scan|check)\s+(?:the\s+)?(?:cluster|everything){NS_SUFFIX}", "scan"),
    (rf"(?:run\s+a\s+)?health\s*-?check{NS_SUFFIX}", "scan"),
    (r"scan(?:\s+(?:the\s+)?(?P<ns>[a-z0-9-]+)(?:\s+namespace)?)?", "scan"),
    (
        rf"how\s+(?:is|are)\s+(?:the\s+|my\s+|our\s+)?(?:cluster|things|everything)\s+(?:doing|looking){NS_SUFFIX}",
        "scan",
    ),
    (
        rf"(?:is\s+there\s+|are\s+there\s+)?(?:anything|something)\s+(?:unusual|odd|weird|strange|abnormal|anomalous)(?:\s+in\s+the\s+metrics)?{NS_SUFFIX}",
        "anomalies",
    ),
    (
        rf"(?:(?:are\s+there|do\s+we\s+have|do\s+you\s+see)\s+)?(?:any|show|list|find|detect)\s+(?:metric\s+)?anomal(?:y|ies){NS_SUFFIX}(?:\s+metrics)?",
        "anomalies",
    ),
    (
        rf"why\s+(?:is|are|does|do|did|was|were|isn't|aren't|doesn't|won't|can't|cannot|is\s+not|does\s+not|keeps?)\s+{_TARGET}(?:\s+[a-z'-]+)*?{NS_SUFFIX}",
        "explain",
    ),
    (
        rf"why\s+{_TARGET}{NS_SUFFIX}\s+(?:is|are|keeps?|does|did|was|won't|can't|isn't|doesn't|seems?)\b(?:\s+[a-z'-]+)*",
        "explain",
    ),
    (
        rf"what(?:'?s|\s+is)\s+(?:wrong|going\s+on|happening|up)\s+with\s+{_TARGET}{NS_SUFFIX}",
        "explain",
    ),
    (
        rf"(?:is|are)\s+(?:there\s+)?(?:anything|something)\s+(?:wrong|broken|off|the\s+matter)\s+with\s+{_TARGET}{NS_SUFFIX}",
        "explain",
    ),
    (rf"(?:debug|troubleshoot|diagnose|explain|investigate)\s+{_TARGET}{NS_SUFFIX}", "explain"),
    (
        rf"(?:something(?:'?s|\s+is)|there(?:'?s|\s+is)\s+something)\s+(?:wrong|off|broken)\s+with\s+{_TARGET}{NS_SUFFIX}",
        "explain",
    ),
    (
        rf"{_TARGET}{NS_SUFFIX}\s+(?:is|are|keeps?|seems?(?:\s+to\s+be)?)\s+(?:down|broken|crashing|failing|not\s+working|stuck|pending|restarting|dead|flapping|erroring|unhealthy|crashlooping)",
        "explain",
    ),
    (
        rf"(?:is|are)\s+{_TARGET}\s+(?:healthy|ok|okay|fine|alright|working|up|running|broken){NS_SUFFIX}",
        "explain",
    ),
)
EXAMPLES: dict[Command, tuple[str, ...]] = {
    "explain": ("why is worker crashing", "what's wrong with bigjob", "debug memhog"),
    "scan": ("is the cluster healthy", "any problems in staging", "what is broken"),
    "anomalies": ("anything unusual in shop", "are there any anomalies in staging"),
}
_QUESTIONS = tuple((re.compile(rf"^{p}$", re.IGNORECASE), command) for p, command in _PATTERNS)


@dataclass(frozen=True)
class Question:
    """What to run: ``kai explain TARGET``, ``kai scan`` or ``kai anomalies`` in a namespace."""

    command: Command
    target: str | None = None
    namespace: str | None = None

    def as_command(self) -> str:
        """The equivalent command line, to teach it."""
        where = f" -n {self.namespace}" if self.namespace else ""
        return f"kai{where} {self.command}" + (f" {self.target}" if self.target else "")


_LEAD_IN = re.compile(
    r"^(?:explain(?=\s+why\b)|(?:can\s+you\s+)?tell\s+me|help\s+me(?:\s+(?:understand|figure\s+out|see))?|"
    r"i\s+wonder|do\s+you\s+know)\s+",
    re.IGNORECASE,
)
_TRAILER = re.compile(
    r"(?:(?:[?.!,]\s*|\s+)(?:and\s+)?(?:please|thanks|thank\s+you|pls|"
    r"tell\s+me\s+(?:what|why|how|more)(?:\s+it\s+is)?|explain(?:\s+why)?))+$",
    re.IGNORECASE,
)
# "why are pods pending in staging" names no object: scan the namespace instead
_GENERIC = {"pods", "pod", "deployments", "things", "workloads", "services", "nodes", "apps"}


def question(request: str) -> Question | None:
    """The diagnostic question a request asks, or None when it asks something else."""
    text = _TRAILER.sub("", _LEAD_IN.sub("", normalise(request), count=1)).strip()
    for pattern, command in _QUESTIONS:
        match = pattern.match(text)
        if match is None:
            continue
        groups = match.groupdict()
        namespace = groups.get("ns") or groups.get("ns2")
        if namespace in (*_WHOLE, "metrics"):
            namespace = None
        target = groups.get("target")
        if command == "explain" and target and target.lower() in _GENERIC:
            return Question("scan", None, namespace)
        return Question(command, target.lower() if target else None, namespace)
    return None
