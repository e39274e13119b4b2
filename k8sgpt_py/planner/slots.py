"""Slot extraction for the offline planner: words -> numbers, quantities, images, env, namespace.

A request is cut into :class:`Word` tokens (original spelling kept for values, lower case for
matching). Each extractor marks the words it consumed, so what is left over is the verb and
the words that may name the target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from k8sgpt_py.planner.lexicon import MAX_PHRASE_WORDS, PHRASES

NUMBER_WORDS = {
    "zero": 0,
    "none": 0,
    "one": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "dozen": 12,
}
# multi-word numbers, longest first: "half a dozen" before "a dozen"
NUMBER_PHRASES: tuple[tuple[tuple[str, ...], int], ...] = (
    (("half", "a", "dozen"), 6),
    (("a", "dozen"), 12),
    (("a", "couple", "of"), 2),
    (("a", "couple", "more"), 2),
    (("a", "couple"), 2),
    (("couple", "of"), 2),
    (("a", "pair", "of"), 2),
    (("a", "single"), 1),
    (("just", "one"), 1),
)
FACTORS = {
    "double": 100.0,
    "doubled": 100.0,
    "twice": 100.0,
    "2x": 100.0,
    "x2": 100.0,
    "triple": 200.0,
    "tripled": 200.0,
    "3x": 200.0,
    "x3": 200.0,
    "quadruple": 300.0,
    "halve": -50.0,
    "halved": -50.0,
}
REPLICA_NOUNS = {
    "replica",
    "replicas",
    "pod",
    "pods",
    "instance",
    "instances",
    "copy",
    "copies",
    "replicaset",
}
_QTY = re.compile(r"^(\d+(?:\.\d+)?)(m|ki|mi|gi|ti|k|mb|gb|gib|mib|g|kb|cores?|cpus?)$", re.I)
_UNITS = {
    "m": "m",
    "ki": "Ki",
    "mi": "Mi",
    "gi": "Gi",
    "ti": "Ti",
    "k": "k",
    "kb": "k",
    "mb": "M",
    "gb": "G",
    "g": "G",
    "gib": "Gi",
    "mib": "Mi",
    "core": "",
    "cores": "",
    "cpu": "",
    "cpus": "",
}
_NUM = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_PCT = re.compile(r"^([+-]?\d+(?:\.\d+)?)%$")
_PAIR = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*)=(\S+)$")
_ANY_PAIR = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_./-]*)=(\S*)$")  # label keys hold "/"
_TAG = re.compile(r"^:?(?:v\d[\w.\-]*|\d+\.\d+[\w.\-]*|latest|stable)$", re.I)
_IMAGE = re.compile(
    r"^[a-z0-9][\w.\-]*(?::\d+)?(?:/[\w.\-]+)+(?::[\w.\-]+|@sha256:[0-9a-f]+)?$"  # repo/app:tag
    r"|^[a-z0-9][\w.\-]*:[\w.\-]+$"  # app:tag
)
_CONTRACTIONS = {
    "don't": ["dont"],
    "do not": ["dont"],
    "doesn't": ["does", "not"],
    "isn't": ["is", "not"],
    "aren't": ["are", "not"],
    "won't": ["wont"],
    "can't": ["cant"],
    "cannot": ["cant"],
    "shouldn't": ["should", "not"],
    "what's": ["what", "is"],
    "whats": ["what", "is"],
    "it's": ["it", "is"],
    "let's": ["lets"],
    "i'd": ["i", "would"],
    "we'd": ["we", "would"],
    "i'm": ["i", "am"],
    "that's": ["that", "is"],
    "there's": ["there", "is"],
    "how's": ["how", "is"],
}


@dataclass
class Word:
    """One token: its text as typed and in lower case; ``used`` once a slot took it."""

    text: str
    low: str
    used: bool = False


def tokenize(text: str) -> list[Word]:
    """Words of a request; punctuation around words dropped, possessives and contractions split."""
    out: list[Word] = []
    for raw in text.replace("’", "'").split():
        for piece in _split_punct(raw):
            low = piece.lower()
            if low in _CONTRACTIONS:
                out.extend(Word(w, w) for w in _CONTRACTIONS[low])
                continue
            if low.endswith("'s") and len(low) > 2:
                piece, low = piece[:-2], low[:-2]
            elif low.endswith("'") and len(low) > 1:
                piece, low = piece[:-1], low[:-1]
            if piece:
                out.append(Word(piece, low))
    return _join_phrases(out)


def _join_phrases(words: list[Word]) -> list[Word]:
    """Kinds and terms written as several words become one ("cron job" -> ``cronjob``)."""
    out: list[Word] = []
    i = 0
    while i < len(words):
        for size in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            joined = PHRASES.get(tuple(w.low for w in words[i : i + size]))
            if joined is not None:
                out.append(Word("".join(w.text for w in words[i : i + size]), joined))
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _split_punct(raw: str) -> list[str]:
    if "=" in raw or "://" in raw:  # env values and URLs keep their punctuation
        return [raw.rstrip(",;!?")]
    word = raw.strip("\"'`()[]{}").rstrip(",;!?.:")
    if raw.endswith(":") and not word:
        return []
    return [word] if word else []


@dataclass
class Number:
    """A number in the request and the words around it that give it a role."""

    value: float
    index: int
    before: str = ""
    after: str = ""
    percent: bool = False


@dataclass
class Slots:
    """Everything extracted from one clause (values as typed, keys lower case)."""

    numbers: list[Number] = field(default_factory=list)
    factor: float | None = None
    quantities: list[str] = field(default_factory=list)
    resources: dict[str, str] = field(default_factory=dict)  # "cpu_request" -> "200m"
    env: dict[str, str] = field(default_factory=dict)
    image: str | None = None
    container: str | None = None
    namespace: str | None = None
    all_namespaces: bool = False
    previous: bool = False
    flags: set[str] = field(default_factory=set)
    pairs: dict[str, str] = field(default_factory=dict)  # every key=value, labels included
    options: dict[str, str] = field(default_factory=dict)  # kubectl-style --key=value
    called: str | None = None  # "called qa", "named app-settings": a new object's name
    called_at: int | None = None  # where that name is among the words
    service_type: str | None = None  # NodePort, LoadBalancer, ClusterIP
    bounds: dict[str, int] = field(default_factory=dict)  # "min"/"max" replicas
    is_range: bool = False  # "between 2 and 8", "2-8": bounds, not a count
    froms: list[Number] = field(default_factory=list)  # "from 2 (to 4)": the current count


def parse_number(words: list[Word], i: int) -> tuple[float, int] | None:
    """The number starting at word ``i`` and how many words it spans."""
    for phrase, value in NUMBER_PHRASES:
        if tuple(w.low for w in words[i : i + len(phrase)]) == phrase:
            return float(value), len(phrase)
    low = words[i].low
    if _NUM.match(low):
        return float(low), 1
    if low in NUMBER_WORDS:
        return float(NUMBER_WORDS[low]), 1
    return None


def quantity(text: str) -> str | None:
    """``512mi`` -> ``512Mi``, ``1gb`` -> ``1G``, ``2cores`` -> ``2``; None if not a quantity."""
    match = _QTY.match(text)
    if not match:
        return None
    return match.group(1) + _UNITS[match.group(2).lower()]


def is_image(text: str) -> bool:
    """An image reference (``repo/app:v2``) or a bare tag (``v1.2.3``, ``1.4``, ``latest``)."""
    return bool(_TAG.match(text) or (_IMAGE.match(text) and not text.endswith("/")))


def pair(text: str) -> tuple[str, str] | None:
    """``KEY=VALUE`` split, or None."""
    match = _PAIR.match(text)
    return (match.group(1), match.group(2)) if match else None


def any_pair(text: str) -> tuple[str, str] | None:
    """``key=value`` for labels and configmap data (``app.kubernetes.io/name=x``), or None."""
    match = _ANY_PAIR.match(text)
    return (match.group(1), match.group(2)) if match else None


def percent(text: str) -> float | None:
    """``50%`` -> 50.0."""
    match = _PCT.match(text)
    return float(match.group(1)) if match else None
