"""One clause of a request, read into cues and slots; the target found among its words.

The target is not "whatever word follows the verb": every word no cue or slot took is a
candidate, alone or joined with its neighbours ("cart service" -> ``cartservice``), scored
against the cluster's real names with :func:`k8sgpt_py.cluster.resolve.name_score`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from k8sgpt_py.planner import extract, matching
from k8sgpt_py.planner import lexicon as lx
from k8sgpt_py.planner.matching import Match
from k8sgpt_py.planner.slots import (
    FACTORS,
    REPLICA_NOUNS,
    Number,
    Slots,
    Word,
    any_pair,
    is_image,
    pair,
    parse_number,
    percent,
    quantity,
    tokenize,
)

# unit words written apart from their number: "2 cores", "20 GiB"
_UNIT_WORDS = {"cores", "core", "cpus", "cpu", "gi", "gib", "gb", "mi", "mib", "mb", "ki", "ti"}
_NAMEISH = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_REF = re.compile(r"^([a-z.]+)/([a-z0-9][a-z0-9.\-]*)$")


class NameIndex(Protocol):
    """The cluster's object names, fetched once per request and kind."""

    def names(self, kind: str) -> Sequence[tuple[str, str | None]]:
        """(name, namespace) of every object of a kind."""

    def namespaces(self) -> set[str]:
        """Every namespace name."""

    def selector(self, kind: str, name: str, namespace: str | None) -> dict[str, str]:
        """The pod labels a workload selects (``spec.selector.matchLabels``); {} if unknown."""


@dataclass
class Clause:
    """A clause's words, its cues in order, its slots and what it may refer back to."""

    words: list[Word]
    names: NameIndex | None = None
    antecedent: str | None = None
    cues: list[tuple[str, int]] = field(default_factory=list)
    slots: Slots = field(default_factory=Slots)
    refs: list[tuple[str, str]] = field(default_factory=list)  # (kind alias, ref text)
    start: int = 0
    antecedent_namespace: str | None = None
    topic: str | None = None  # a variable an earlier statement named ("DATABASE_URL is unset")
    ns_at: set[int] = field(default_factory=set)  # the words that named the namespace
    ns_trigger: str | None = None  # "in", "from", "namespace"...: the word before it
    default_namespace: str | None = None  # what earlier sentences named
    new_namespaces: set[str] = field(default_factory=set)  # made earlier in the request

    # -- reading -------------------------------------------------------------------------

    @classmethod
    def read(
        cls,
        text: str,
        names: NameIndex | None,
        antecedent: str | None,
        *,
        antecedent_namespace: str | None = None,
        namespace: str | None = None,
        topic: str | None = None,
        new_namespaces: set[str] | None = None,
    ) -> Clause:
        """Tokenise, strip politeness, then take flags, pairs, refs, cues and slots.

        ``namespace`` applies when the clause names none ("In staging, restart worker");
        ``antecedent_namespace`` goes with the antecedent when "it" or its name is the target.
        """
        clause = cls(tokenize(text), names, antecedent)
        clause.antecedent_namespace, clause.topic = antecedent_namespace, topic
        clause.default_namespace, clause.new_namespaces = namespace, set(new_namespaces or ())
        clause._strip_polite()
        extract.purpose(clause.words, clause.start)
        clause._flags()
        extract.options(clause.words, clause.slots)
        extract.key_values(clause.words, clause.slots)
        clause._pairs()
        extract.called(clause.words, clause.slots)
        extract.service_type(clause.words, clause.slots)
        clause._refs()
        clause._cues()
        if clause.head() == "set":
            extract.variable_to(clause.words, clause.slots, topic)
        clause._image()
        clause._namespace()
        if clause.slots.namespace is None:
            clause.slots.namespace = namespace
        clause._container()
        clause._numbers()
        extract.bounds(clause.words, clause.slots)
        clause._resources()
        if not clause.cues and any(
            n.before == "to" and n.after in REPLICA_NOUNS for n in clause.slots.numbers
        ):
            clause.cues.append(("scale", clause.slots.numbers[0].index))
        return clause

    def _strip_polite(self) -> None:
        changed = True
        while changed:
            changed = False
            for opener in sorted(lx.POLITE_OPENERS, key=len, reverse=True):
                parts = opener.split()
                got = [w.low for w in self.words[self.start : self.start + len(parts)]]
                if got == parts and len(self.words) > self.start + len(parts):
                    for w in self.words[self.start : self.start + len(parts)]:
                        w.used = True
                    self.start += len(parts)
                    changed = True
                    break
        if [w.low for w in self.words[self.start : self.start + 2]] in (["do", "a"], ["do", "an"]):
            self.words[self.start].used = self.words[self.start + 1].used = True
            self.start += 2

    def _flags(self) -> None:
        words = self.words
        for i, w in enumerate(words):
            nxt = words[i + 1] if i + 1 < len(words) else None
            if w.low == "-n" and nxt is not None and nxt.low.isdigit():
                self.slots.flags.add(f"tail={nxt.low}")
                w.used = nxt.used = True
            elif w.low in ("-n", "--namespace") and nxt is not None:
                self.slots.namespace, w.used, nxt.used = nxt.low, True, True
                self.ns_at |= {i, i + 1}
            elif w.low.startswith("--namespace="):
                self.slots.namespace, w.used = w.low.split("=", 1)[1], True
            elif w.low in ("-a", "--all-namespaces"):
                self.slots.all_namespaces = w.used = True
            elif w.low in ("-p", "--previous"):
                self.slots.previous = w.used = True
            elif w.low == "--tail" and nxt is not None:
                self.slots.flags.add(f"tail={nxt.low}")
                w.used = nxt.used = True
            elif w.low.startswith("--tail="):
                self.slots.flags.add(f"tail={w.low.split('=', 1)[1]}")
                w.used = True
            elif w.low == "-o" and nxt is not None and nxt.low in ("yaml", "json", "wide"):
                self.slots.flags.add("yaml")
                w.used = nxt.used = True

    def _pairs(self) -> None:
        envy = any(w.low in lx.ENV_WORDS for w in self.words)
        for w in self.words:
            if not w.used and (anything := any_pair(w.text)):
                self.slots.pairs[anything[0]] = anything[1]
            if w.used or not (found := pair(w.text)):
                continue
            key, value = found
            low = key.lower()
            if low in lx.RESOURCE_WORDS:
                self.slots.flags.add(f"{lx.RESOURCE_WORDS[low]}={value}")
            elif low in ("ingressclassname", "selector", "targetport"):
                continue
            elif not (key.isupper() or "_" in key) and is_image(value) and "/" in value:
                self.slots.container, self.slots.image = low, value
            elif key.isupper() or "_" in key or envy:
                self.slots.env[key] = value
            else:
                continue  # "app=worker" is a label or selector, not a variable
            w.used = True

    def _refs(self) -> None:
        imagey = any(w.low in ("image", "tag", "version", "upgrade", "deploy") for w in self.words)
        for w in self.words:
            match = _REF.match(w.low)
            if w.used or not match:
                continue
            known = match.group(1).split(".")[0] in lx.KIND_ALIASES
            if known or (match.group(1).isalpha() and not imagey):
                self.refs.append((match.group(1), w.low))  # unknown kinds: the tool says so
                w.used = True

    def _cues(self) -> None:
        words, i = self.words, 0
        while i < len(words):
            if words[i].used:
                i += 1
                continue
            for size in range(min(lx.MAX_CUE_WORDS, len(words) - i), 0, -1):
                span = words[i : i + size]
                if any(w.used for w in span):
                    continue
                phrase = " ".join(w.low for w in span)
                cue = lx.CUES.get(phrase)
                if cue:
                    self.cues.append((cue, i))
                    if cue == "factor":
                        self.slots.factor = FACTORS[phrase]
                    for w in span:
                        w.used = True
                    i += size - 1
                    break
            i += 1
        lows = [w.low for w in words]
        for heads, tail, cue in lx.GAPS:
            for i, low in enumerate(lows):
                if low in heads and extract.follows(lows, i + 1, tail):
                    self.cues.append((cue, i))
                    words[i].used = True
        self.cues.sort(key=lambda c: c[1])

    def _image(self) -> None:
        imagey = self.has("image") or any(w.low in ("image", "tag", "version") for w in self.words)
        for w in self.words:
            if w.used or self.slots.image:
                continue
            if is_image(w.text) and (imagey or not re.match(r"^\d+(\.\d+)?$", w.text)):
                if "/" in w.text and w.low.split("/")[0] in lx.KIND_ALIASES:
                    continue
                self.slots.image, w.used = w.text, True

    def _namespace(self) -> None:
        words = self.words
        known = self.names.namespaces() | self.new_namespaces if self.names is not None else None
        for i, w in enumerate(words):
            low = w.low
            if low in ("everywhere", "cluster-wide") or (
                low == "all" and i + 1 < len(words) and words[i + 1].low == "namespaces"
            ):
                self.slots.all_namespaces = w.used = True
                if low == "all":
                    words[i + 1].used = True
                continue
            if w.used or low not in ("in", "from", "on", "within", "inside", "namespace", "ns"):
                continue
            j = i + 1
            while j < len(words) and words[j].low in ("the", "namespace", "ns"):
                j += 1
            if j >= len(words) or words[j].used:
                continue
            cand = words[j].low
            explicit = low in ("namespace", "ns") or j > i + 1
            if known is None and low not in ("in", "namespace", "ns") and not explicit:
                continue
            if (
                known is None
                and j + 1 < len(words)
                and words[j + 1].low not in ("namespace", "ns", "to", "and")
                and not explicit
            ):
                continue
            said = words[j - 1].low in ("namespace", "ns") or (
                j + 1 < len(words) and words[j + 1].low in ("namespace", "ns")
            )
            if known is not None and (low in ("in", "inside", "within", "from") and said):
                known = known | {cand} if _NAMEISH.match(cand) else known  # "in namespace new"
            if not extract.is_namespace(cand, known, explicit=explicit):
                continue
            self.slots.namespace, self.ns_trigger = cand, low
            for k in range(i, j + 1):
                words[k].used = True
                self.ns_at.add(k)
            if j + 1 < len(words) and words[j + 1].low in ("namespace", "ns"):
                words[j + 1].used = True
                self.ns_at.add(j + 1)

    def _container(self) -> None:
        words = self.words
        for i, w in enumerate(words[:-1]):
            if w.low in ("container", "-c") and not words[i + 1].used:
                name = words[i + 1].low
                if _NAMEISH.match(name) and name not in lx.FILLER:
                    self.slots.container, w.used, words[i + 1].used = name, True, True

    def _numbers(self) -> None:
        words, i = self.words, 0
        while i < len(words):
            w = words[i]
            if w.used:
                i += 1
                continue
            pct = percent(w.low)
            if w.low in FACTORS:
                self.slots.factor, w.used = FACTORS[w.low], True
            elif pct is not None:
                self._number(pct, i, 1, is_percent=True)
            elif quantity(w.low) and not re.match(r"^\d+$", w.low):
                i += 1
                continue
            elif found := parse_number(words, i):
                value, size = found
                nxt = words[i + size].low if i + size < len(words) else ""
                if nxt in _UNIT_WORDS and size == 1 and w.low[0].isdigit():
                    i += 1
                    continue
                self._number(value, i, size, is_percent=nxt in ("percent", "%", "pct"))
                i += size
                continue
            i += 1
        pairs = set(itertools.pairwise(w.low for w in words))
        if ("in", "half") in pairs or ("by", "half") in pairs:
            self.slots.factor = -50.0

    def _number(self, value: float, i: int, size: int, *, is_percent: bool) -> None:
        words = self.words
        before = words[i - 1].low if i > 0 else ""
        after = words[i + size].low if i + size < len(words) else ""
        if is_percent and after in ("percent", "%", "pct"):
            words[i + size].used = True
            after = words[i + size + 1].low if i + size + 1 < len(words) else ""
        if before == "from" and not is_percent and after not in REPLICA_NOUNS:
            for w in words[i : i + size]:
                w.used = True  # "from 2 to 4": the current count, not the wanted one
            self.slots.froms.append(Number(value, i, before, after))
            return
        self.slots.numbers.append(Number(value, i, before, after, is_percent))
        for w in words[i : i + size]:
            w.used = True

    def _resources(self) -> None:
        words = self.words
        for i, w in enumerate(words):
            if w.used:
                continue
            qty = quantity(w.low)
            nxt = words[i + 1].low if i + 1 < len(words) else ""
            if qty is None and nxt in ("cores", "core", "cpus", "cpu") and re.match(r"^\d", w.low):
                qty = w.low
            elif qty is None and nxt in _UNIT_WORDS and re.match(r"^\d+(\.\d+)?$", w.low):
                qty = quantity(w.low + nxt)
            if qty is not None and re.match(r"^\d+(\.\d+)?$", qty) and not nxt.startswith("c"):
                continue
            if qty is not None:
                self.slots.quantities.append(qty)
                w.used = True
                if nxt in _UNIT_WORDS and nxt != "cpu":
                    words[i + 1].used = True

    # -- queries -----------------------------------------------------------------------------

    def has(self, *cues: str) -> bool:
        """Does a cue of these kinds appear?"""
        return any(c in cues for c, _ in self.cues)

    def head(self) -> str | None:
        """The first cue, the clause's main verb."""
        return self.cues[0][0] if self.cues else None

    def has_word(self, *lows: str) -> bool:
        """Is one of these words (lower case) in the clause, used or not?"""
        return any(w.low in lows for w in self.words)

    def kind_words(self) -> list[str]:
        """Kind words the clause names (``deployment``, ``pods``...), as typed in lower case."""
        return [w.low for w in self.words if not w.used and w.low in lx.KIND_WORDS]

    def is_blocked(self) -> bool:
        """Negated, conditional or asked: never a write."""
        first = self.words[self.start].low if self.start < len(self.words) else ""
        if first in lx.QUESTION_OPENERS:
            return True
        if any(w.low in lx.BLOCKERS for w in self.words if not w.used):
            return True
        return not self._participle_is_requested()

    def _participle_is_requested(self) -> bool:
        """A participle asks ("checkout should be restarted"), or reports ("I restarted it")."""
        if not self.cues:
            return True
        _, at = self.cues[0]
        if not self.words[at].low.endswith("ed") or self.words[at].low == "need":
            return True
        before = {w.low for w in self.words[:at]}
        return bool(before & {"be", "get", "gets", "want", "wants", "like", "need", "needs"})

    def content(self) -> list[int]:
        """Indexes of words that may name a target."""
        return [
            i
            for i, w in enumerate(self.words)
            if not w.used
            and w.low not in lx.FILLER
            and w.low not in lx.KIND_WORDS
            and w.low not in lx.BLOCKERS
            and w.low not in lx.QUESTION_OPENERS
            and _NAMEISH.match(w.low)
            and (len(w.low) > 1 or w.low.isdigit())
        ]

    def target(self, kinds: Iterable[str], *, ref_kinds: Iterable[str] = ()) -> str | None:
        """The one object the clause names among ``kinds`` (a ref, a real name or a lone word).

        When that is the antecedent, its namespace comes with it (unless the clause names one).
        """
        name = self._target(kinds, ref_kinds)
        if name is not None and name == self.antecedent and self.slots.namespace is None:
            self.slots.namespace = self.antecedent_namespace
        return name

    def _target(self, kinds: Iterable[str], ref_kinds: Iterable[str]) -> str | None:
        wanted = {k.lower() for k in ref_kinds}
        for alias, text in self.refs:
            if not wanted or lx.KIND_ALIASES.get(alias.split(".")[0]) in wanted:
                return text
        content = self.content()
        if self.names is not None:
            found = self._resolve(content, tuple(kinds))
            if found is not None:
                return found or None
        if len(content) == 1:
            return self.words[content[0]].low
        if not content and self.antecedent and self._refers_back():
            return self.antecedent
        vague = [w.low for w in self.words if not w.used and w.low in lx.NAME_PARTS]
        if not content and len(vague) == 1:
            return vague[0]  # "scale service to 3": let resolution say it is ambiguous
        return None

    def _refers_back(self) -> bool:
        """A pronoun, or a kind with a definite article: "restart it", "fix the service"."""
        if self.has_word("it", "them", "its", "that", "this"):
            return True
        lows = [w.low for w in self.words]
        return any(
            low in lx.KIND_WORDS and i and lows[i - 1] in ("the", "that", "this")
            for i, low in enumerate(lows)
        )

    def real(self, kinds: Iterable[str]) -> str | None:
        """A name of ``kinds`` that really exists and that the clause gives (no lone-word guess)."""
        if self.names is None:
            return None
        return self._resolve(self.content(), tuple(kinds)) or None

    def take(self, kinds: Iterable[str], *, mark: bool = True) -> str | None:
        """The one real name of ``kinds`` among the words, which then stop being content.

        Other words may stay unexplained (a statement, or a second object named next to it);
        two different names that both match well give None.
        """
        if self.names is None:
            return None
        best = matching.best(self._matches(self.content(), tuple(kinds)))
        if best is None:
            return None
        start, size, name = best
        if mark:
            for w in self.words[start : start + size]:
                w.used = True
        return name

    def _matches(self, content: list[int], kinds: tuple[str, ...]) -> list[Match]:
        """Every real name of ``kinds`` (in the clause's namespace) a content span matches."""
        assert self.names is not None
        pool: list[tuple[str, str | None]] = []
        for kind in kinds:
            pool.extend(self.names.names(kind))
        if self.slots.namespace:
            pool = [p for p in pool if p[1] in (None, self.slots.namespace)]
        return matching.matches(self.words, content, {n for n, _ in pool})

    def _resolve(self, content: list[int], kinds: tuple[str, ...]) -> str | None:
        """Best real name over the content words and their joins; "" when two names compete."""
        if not content:
            return None
        matches = self._matches(content, kinds)
        if not matches:
            return None
        best = matching.best(matches)
        if best is None:
            return ""
        start, size, chosen = best
        covered = set(range(start, start + size))
        unexplained = [
            i for i in content if i not in covered and not any(m[2] == i for m in matches)
        ]
        if len(unexplained) > 1:
            return ""  # "scale checkout to 5 and bake a cake": words nobody understood
        return chosen
