"""What kai understands offline, generated from the lexicon and the intent table.

``kai help`` (and ``help`` in the interactive session) prints this, so the list can never
drift from what the planner really does.
"""

from __future__ import annotations

from typing import Any

from k8sgpt_py.planner.fixes import EXAMPLES as FIX_EXAMPLES
from k8sgpt_py.planner.intents import INTENTS
from k8sgpt_py.planner.lexicon import CUES
from k8sgpt_py.planner.questions import EXAMPLES

MAX_VERBS = 16
HELP_WORDS = {"help", "?", "what can you do", "what do you understand", "commands"}


def is_help(request: str) -> bool:
    """Is the request a plea for help rather than an instruction?"""
    words = " ".join(request.lower().strip(" !.").split())
    return words in HELP_WORDS or words.rstrip("?") in HELP_WORDS


def verbs_for(cues: tuple[str, ...]) -> list[str]:
    """The verb phrases that carry these cues, the intent's own family first."""
    return [
        phrase
        for cue in cues
        for phrase, of in CUES.items()
        if of == cue and not (phrase.split()[0].endswith("ed") and phrase != "need")
    ]


def offline_help() -> dict[str, Any]:
    """Intents (tool, verbs, examples) and the diagnostic questions, as plain data."""
    intents = [
        {
            "intent": intent.name,
            "tool": intent.tool,
            "writes": intent.is_write,
            "verbs": verbs_for(intent.cues)[:MAX_VERBS],
            "examples": list(intent.examples),
        }
        for intent in INTENTS
    ]
    questions = {command: list(examples) for command, examples in EXAMPLES.items()}
    return {"intents": intents, "fix": list(FIX_EXAMPLES), "questions": questions}


def offline_help_text() -> str:
    """The help as text lines for a terminal or a pipe."""
    data = offline_help()
    lines = ["kai understands these requests without a model (names are fuzzy):", ""]
    for item in data["intents"]:
        mark = " (asks before changing anything)" if item["writes"] else ""
        lines.append(f"  {item['intent']}{mark}")
        lines.append("    e.g. " + " | ".join(f'"{e}"' for e in item["examples"]))
        lines.append("    verbs: " + ", ".join(item["verbs"]))
    lines.append("  fix (diagnoses like kai explain, then asks before making the fix it names)")
    lines.append("    e.g. " + " | ".join(f'"{e}"' for e in data["fix"]))
    lines.append("")
    lines.append("Questions answered by kai explain / scan / anomalies:")
    for command, examples in data["questions"].items():
        lines.append(f"  {command}: " + " | ".join(f'"{e}"' for e in examples))
    lines.append("")
    lines.append(
        'Join steps with "and", "then" or ";" (e.g. "scale cart to 3 and then restart it"). '
        'Add "in NAMESPACE" or -n NAMESPACE to pick a namespace.'
    )
    lines.append("Anything else needs a model: set KAI_MODEL and OPENAI_API_KEY (or KAI_BASE_URL).")
    return "\n".join(lines)
