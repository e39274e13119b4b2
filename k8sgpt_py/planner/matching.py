"""Words against the cluster's real names: which spans of a clause name which objects.

A span is a word alone or joined with the next one or two ("cart service" ->
``cartservice``, ``cart-service``); it names an object when
:func:`k8sgpt_py.cluster.resolve.name_score` reaches the guardrail's own bar.
"""

from __future__ import annotations

from k8sgpt_py.planner.slots import Word

NAME_SCORE_MIN = 0.7  # the guardrail's own bar for "the request mentions it"
SURE_SCORE = 0.85  # a second name this good means the clause names two objects
Match = tuple[float, int, int, str]  # score, words covered, start, name


def matches(words: list[Word], content: list[int], names: set[str]) -> list[Match]:
    """Every (score, size, start, name) a span starting at a content word reaches, best first."""
    found: list[Match] = []
    for i in content:
        for size, span in _spans(words, i):
            for name in names:
                score = name_score(span, name)
                if score >= NAME_SCORE_MIN:
                    found.append((score, size, i, name))
    found.sort(key=lambda m: (-m[0], -m[1]))
    return found


def best(found: list[Match]) -> tuple[int, int, str] | None:
    """The top match as (start, size, name); None when another name competes with it."""
    if not found:
        return None
    _, size, start, chosen = found[0]
    covered = set(range(start, start + size))
    for other_score, _, other_start, name in found[1:]:
        if other_start not in covered and name != chosen and other_score >= SURE_SCORE:
            return None  # "restart checkout because cart is slow": two objects, no guessing
    return start, size, chosen


def name_score(span: str, name: str) -> float:
    """How well a span names an object (see :func:`k8sgpt_py.cluster.resolve.name_score`)."""
    from k8sgpt_py.cluster.resolve import name_score as score

    return score(span, name)


def _spans(words: list[Word], i: int) -> list[tuple[int, str]]:
    """The word at ``i`` alone and joined with up to two following words (size, text)."""
    out = [(1, words[i].low)]
    joined = [words[i].low]
    for j in range(i + 1, min(i + 3, len(words))):
        if words[j].used and words[j].low not in ("service", "svc", "api"):
            break
        if words[j].low in ("the", "a", "of", "in", "to", "and"):
            break
        joined.append(words[j].low)
        out.extend([(len(joined), "".join(joined)), (len(joined), "-".join(joined))])
    return out
