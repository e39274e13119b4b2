"""Slots the general write tools need: a new object's name, a Service type, replica bounds.

Each extractor reads a clause's words (slots.py) and marks what it consumed, like the
extractors in clause.py: "called qa" names what is created, "a NodePort" is a Service type,
"between 2 and 8" or "min 2 max 10" bound an autoscaler, ``--image=nginx`` is a kubectl option.
"""

from __future__ import annotations

import re

from k8sgpt_py.planner import lexicon as lx
from k8sgpt_py.planner.slots import Number, Slots, Word

NAMEISH = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_RANGE = re.compile(r"^(\d+)(?:-|–|\.\.)(\d+)$")
# words that may stand between a bound and its number: "max of 10", "min replicas = 2"
_BOUND_GAP = {"of", "=", ":", "to", "replicas", "replica", "pods", "pod", "is", "at", "be", "count"}
_MIN_WORDS = {"min", "minimum", "least", "floor"}
_MAX_WORDS = {"max", "maximum", "most", "ceiling"}


def options(words: list[Word], slots: Slots) -> None:
    """kubectl-style ``--key=value`` options (``--image=nginx``, ``--from=cronjob/x``)."""
    for w in words:
        if w.used or not w.text.startswith("--") or "=" not in w.text:
            continue
        key, value = w.text[2:].split("=", 1)
        if key.lower() == "from-literal" and "=" in value:  # kubectl create configmap
            literal, text = value.split("=", 1)
            slots.pairs[literal] = text
        else:
            slots.options[key.lower()] = value
        w.used = True


def key_values(words: list[Word], slots: Slots) -> None:
    """``key COLOR with value blue`` (and ``key X value Y``): a pair written out in words."""
    for i, w in enumerate(words[:-3]):
        if w.used or w.low != "key":
            continue
        j = i + 2
        while j < len(words) and words[j].low in ("with", "and", "=", ":", "the", "a", "its"):
            j += 1
        if j + 1 < len(words) and words[j].low == "value":
            key, value = words[i + 1], words[j + 1]
            slots.pairs[key.text] = value.text
            for x in words[i : j + 2]:
                x.used = True


def called(words: list[Word], slots: Slots) -> None:
    """``called X``/``named X``: the name of what is made. The name stays a content word."""
    for i, w in enumerate(words[:-1]):
        nxt = words[i + 1]
        if w.used or nxt.used or w.low not in ("called", "named"):
            continue
        if NAMEISH.match(nxt.low) and nxt.low not in lx.KIND_WORDS:
            slots.called, slots.called_at, w.used = nxt.low, i + 1, True
            return
    if "name" in slots.options:
        slots.called = slots.options["name"].lower()


def service_type(words: list[Word], slots: Slots) -> None:
    """NodePort, LoadBalancer or ClusterIP, written any way (``node port``, ``type=NodePort``)."""
    for w in words:
        low = w.low.split("=", 1)[1] if w.low.startswith("type=") else w.low
        if not w.used and low in lx.SERVICE_TYPES:
            slots.service_type, w.used = lx.SERVICE_TYPES[low], True
    if slots.options.get("type", "").lower() in lx.SERVICE_TYPES:
        slots.service_type = lx.SERVICE_TYPES[slots.options["type"].lower()]


def bounds(words: list[Word], slots: Slots) -> None:
    """Replica bounds: ``between 2 and 8``, ``2-8``, ``min 2 max 10``, ``at most 6``."""
    for w in words:
        match = _RANGE.match(w.low)
        if not w.used and match:
            slots.bounds.update(min=int(match[1]), max=int(match[2]))
            slots.is_range = w.used = True
    whole = [n for n in slots.numbers if not n.percent and n.value == int(n.value)]
    for n in whole:
        following = next((m for m in whole if m.index > n.index), None)
        if following is None:
            continue
        ranged = n.before == "between" and following.before in ("and", "to")
        if ranged or (n.after == "to" and following.index == n.index + 2 and n.before != "from"):
            slots.bounds.update(min=int(n.value), max=int(following.value))
            slots.is_range = ranged  # "between 2 and 8" asks for bounds; "2 to 8" only gives them
            return
    for n in whole:
        which = _bound_of(words, n)
        if which is not None:
            slots.bounds.setdefault(which, int(n.value))
    for key in ("min", "max"):
        value = slots.options.get(key) or slots.pairs.get(key)
        if value is not None and value.isdigit():
            slots.bounds[key] = int(value)


def _bound_of(words: list[Word], n: Number) -> str | None:
    """Is this number a lower or an upper bound, by the words before it?"""
    before = [w.low for w in words[max(0, n.index - 4) : n.index]]
    if before[-2:] == ["up", "to"]:
        return "max"
    if before[-2:] in (["more", "than"], ["higher", "than"]):
        _unblock(words, n.index - 3)
        return "max"
    if before[-2:] in (["fewer", "than"], ["less", "than"], ["lower", "than"]):
        _unblock(words, n.index - 3)
        return "min"
    for low in reversed(before):
        if low in _MIN_WORDS:
            return "min"
        if low in _MAX_WORDS:
            return "max"
        if low not in _BOUND_GAP:
            return None
    return None


def _unblock(words: list[Word], i: int) -> None:
    """The "no" of "no more than 8" bounds a number; it does not negate the request."""
    if i >= 0 and words[i].low in ("no", "not"):
        words[i].used = True


def env_topic(words: list[Word]) -> str | None:
    """A variable a statement talks about ("DATABASE_URL is not set"), for "set it to X"."""
    names = [w.text for w in words if _ENV_NAME.match(w.text)]
    return names[0] if len(set(names)) == 1 else None


def variable_to(words: list[Word], slots: Slots, topic: str | None) -> None:
    """``set LOG_LEVEL to debug``; ``set it to X`` when a statement named the variable."""
    if slots.env:
        return
    for i, w in enumerate(words[:-2]):
        value = words[i + 2]
        if w.used or words[i + 1].low != "to" or value.used:
            continue
        if _ENV_NAME.match(w.text):
            key = w.text
        elif topic and w.low in ("it", "that", "this"):
            key = topic
        else:
            continue
        slots.env[key] = value.text
        w.used = words[i + 1].used = value.used = True
        return


def purpose(words: list[Word], start: int) -> None:
    """Words after "so" give the purpose ("cordon node-c so no pods land on it"), not asks."""
    lows = [w.low for w in words]
    for i in range(start + 2, len(lows) - 1):
        said = lows[i] == "so" and lows[i - 1] not in ("do", "it", "and", "or")
        if said or lows[i : i + 3] == ["in", "order", "to"]:
            for w in words[i:]:
                w.used = True
            return


def follows(lows: list[str], start: int, tail: tuple[str, ...]) -> bool:
    """Does ``tail`` occur in ``lows`` at or after ``start`` (within five words)?"""
    return any(
        tuple(lows[j : j + len(tail)]) == tail for j in range(start, min(len(lows), start + 5))
    )


def is_namespace(word: str, known: set[str] | None, *, explicit: bool) -> bool:
    """Can ``word`` (after "in", "namespace"...) be a namespace: a real one, or said so?"""
    if "/" in word or word in lx.FILLER:
        return False
    if known is not None:  # a real namespace, even one called "jobs"
        return word in known and (explicit or (word not in lx.KIND_WORDS and word not in lx.CUES))
    if word in lx.KIND_WORDS or word in lx.CUES:
        return False
    return explicit or (bool(NAMEISH.match(word)) and not word[0].isdigit())
