"""What a request names: whole words, the kinds and namespaces given with them, sets, zeros.

:func:`read_request` reads a request once into a :class:`RequestScope`; the guardrails
(``changes/guardrails.py``) judge proposals against it. Names are whole words: one-letter
words, stop words, kind words and numbers never name anything fuzzily, and a word inside a
name (``a`` in ``cart``) is not a mention of it. ``-l app=x``/``labelled app=x`` and
"everything"/"all deployments" describe sets, but only in a request for a change.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from k8sgpt_py.cluster.kinds import KINDS


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})

# kind words a request may use, and the kinds they mean: every kind kai knows by its name,
# plural and short names, and the plurals people write of short names ("pvcs"); not words
# that are English or common app names ("no" for Node, "events")
_SHORT_PLURALS = {"deploys", "pvcs", "pvs", "hpas", "autoscalers", "pdbs", "netpols", "quotas"}
_NOT_KIND_WORDS = {"no", "ev", "event", "events", "ep", "endpoints"}
_KIND_WORDS: dict[str, frozenset[str]] = {}
for _info in KINDS:
    _names = {_info.kind.lower(), _info.plural, *_info.aliases}
    _names |= {f"{a}s" for a in _info.aliases} & _SHORT_PLURALS
    for _word in _names - _NOT_KIND_WORDS:
        _KIND_WORDS[_word] = frozenset({_info.kind})
for _word in ("workload", "workloads", "app", "apps", "application", "applications"):
    _KIND_WORDS[_word] = WORKLOADS
# "the frontend service" usually means the app, not the Service object
_AFTER_NAME = {"service": WORKLOADS | {"Service"}, "services": WORKLOADS | {"Service"}}
_NOT_AFTER_NAME = {"namespace", "namespaces", "ns"}  # "staging namespace" names a namespace
# kinds written as two or three words ("service account", "cron job") read as one kind word
_KIND_PHRASE = re.compile(
    r"\b(clusterrole|service|config|cron|stateful|daemon|replica|network|role|cluster|storage|resource"
    r"|limit|persistent|pod|horizontal)[ -](accounts?|maps?|jobs?|sets?|polic(?:y|ies)"
    r"|bindings?|roles?|class(?:es)?|quotas?|ranges?|volume(?:[ -]claims?|s)?"
    r"|disruption[ -]budgets?|pod[ -]autoscalers?)\b"
)

_STOP = frozenset(
    _wordset(
        """a an the and or but of to in on at by for from with without into onto as is are was
    be been it its it's this that these those there here my our your their me us them you i
    we he she they all any every each everything some no not none only just also too very
    so than then now please pls kai can could would will should shall may might must do does
    did done have has had up down out off over more less much many few one two three four
    five six seven eight nine ten zero half double twice new old same other another next last
    previous current again back what why how when where which who whose whats let lets want
    need make sure get set show list describe explain tell give put keep use using via per
    scale scaled scaling resize restart restarted rollout roll rolling rollback revert undo
    update upgrade downgrade change bump patch delete remove destroy drop purge wipe rm kill
    drain cordon uncordon evict increase decrease reduce raise lower add stop start shrink
    grow apply create edit fix replicas replica copies instances instance image images tag
    version memory cpu limit limits request requests env environment variable variables
    label labels labelled labeled selector traffic load peak handle logs log yaml json
    suspend resume pause unpause trigger run expose autoscale annotate annotation
    annotations taint untaint"""
    )
)
_FILLER = frozenset({"the", "a", "an", "of", "named", "called", "my", "our", "this", "that"})
_NAMESPACE_LEAD = {"in", "from", "on", "inside", "within"}
_TOKEN = re.compile(r"(?<![a-z0-9=])-{1,2}[a-z][a-z-]*|[a-z0-9][a-z0-9._/-]*|=")
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S*")
_ZERO = re.compile(
    r"\bto\s+(?:0|zero)\b|\b(?:0|zero|no)\s+(?:replicas?|pods?|instances?|copies)\b"
    r"|\breplicas?\s*(?:=|:|to)?\s*(?:0|zero)\b|\bstop\s+all\s+(?:replicas|pods)\b"
)
_SELECTOR_LEAD = re.compile(
    r"(?:^|\s)(?:-l|--selector|--selector=|selector|labels?|label{1,2}ed|with\s+labels?)"
    r"[\s=]*(?P<terms>[a-z0-9][\w./-]*\s*!?==?\s*[\w./-]+(?:\s*,\s*[a-z0-9][\w./-]*\s*!?==?\s*[\w./-]+)*)"
)
_SET_WORDS = frozenset({"all", "every", "everything", "each"})
_CHANGE_VERBS = frozenset(
    _wordset(
        """scale resize restart rollout rollback revert roll set update change upgrade downgrade
    bump patch delete remove destroy drop purge wipe rm kill drain cordon uncordon evict
    increase decrease reduce raise lower add stop shrink grow apply create edit give bounce
    recycle redeploy suspend resume pause label annotate expose autoscale trigger taint
    untaint unpause"""
    )
)
_QUESTION_WORDS = frozenset(
    _wordset(
        """why what what's whats how when where which who whose is are was were does do did
    should shall has have will would could can may might"""
    )
)
_POLITE = re.compile(
    r"^(?:(?:hey|ok|okay)\s+)?(?:kai[,:]?\s+)?(?:please\s+|pls\s+|(?:can|could|would|will)\s+"
    r"you\s+(?:please\s+)?|i\s+(?:want|need|would like|'d like)\s+(?:you\s+)?to\s+|let'?s\s+)*"
)


@dataclass(frozen=True)
class Mention:
    """A word of the request that may name an object, with the kind/namespace it comes with."""

    word: str
    kinds: frozenset[str] = frozenset()
    namespace: str | None = None
    explicit: bool = False  # written as kind/name or ns/name


@dataclass(frozen=True)
class RequestScope:
    """What a request names, read once: the words, kinds, namespaces, sets and verbs."""

    request: str
    mentions: tuple[Mention, ...] = ()
    namespaces: frozenset[str] = frozenset()  # named by the request, else the -n flag
    selectors: tuple[frozenset[str], ...] = ()
    set_kinds: frozenset[str] = frozenset()  # "all deployments", "everything": kinds of the set
    words: frozenset[str] = field(default_factory=frozenset)
    explicit_zero: bool = False


def tokens(request: str) -> list[str]:
    """Lower-case words of a request (``pod/x`` stays one word; ``-n`` is a word)."""
    return _TOKEN.findall(request.lower())


def read_request(
    request: str,
    *,
    known_namespaces: Collection[str] | None = None,
    flag_namespace: str | None = None,
) -> RequestScope:
    """Parse what ``request`` names. ``known_namespaces`` (the cluster's) makes "in X" precise."""
    text = _URL.sub(" ", request.lower())
    for _ in range(2):  # "cluster role binding" takes two joins
        text = _KIND_PHRASE.sub(_join_kind_phrase, text)
    words = [w.rstrip(".,;:!?'\"") for w in tokens(text)]
    words = [w.removesuffix("'s") for w in words if w]
    mentions: list[Mention] = []
    namespaces: set[str] = set()
    used: set[int] = set()
    for i, word in enumerate(words):
        if "/" in word:
            used.add(i)
            mention, ns = _slash_mention(word, known_namespaces)
            if mention is not None:
                mentions.append(mention)
            if ns:
                namespaces.add(ns)
        elif _is_namespace_position(words, i, known_namespaces):
            used.add(i)
            namespaces.add(word)
    for i, word in enumerate(words):
        if i in used or word in _KIND_WORDS or word.startswith("-") or word == "=":
            continue
        kinds = _bound_kinds(words, i)
        if word in _STOP or word.isdigit():
            continue
        if len(word) < 2 and not _kind_before(words, i):
            continue  # "x" names something only as "pod x"
        mentions.append(Mention(word, kinds))
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt and i + 1 not in used and _is_name_word(nxt) and _is_name_word(word):
            joined = _bound_kinds(words, i + 1) | kinds
            mentions += [Mention(word + nxt, joined), Mention(f"{word}-{nxt}", joined)]
    if not namespaces and flag_namespace:
        namespaces.add(flag_namespace)
    is_change = asks_for_change(request)
    plain = set(words)
    return RequestScope(
        request=request,
        mentions=tuple(mentions),
        namespaces=frozenset(namespaces),
        # a set grounds many objects at once: only a request for a change describes one
        # ("is everything in staging healthy?" lets no write through)
        selectors=_selectors(text) if is_change else (),
        set_kinds=_set_kinds(words) if is_change else frozenset(),
        words=frozenset(plain),
        explicit_zero=bool(_ZERO.search(text)),
    )


def _is_name_word(word: str) -> bool:
    return (
        len(word) >= 3
        and word not in _STOP
        and word not in _KIND_WORDS
        and not word.isdigit()
        and "/" not in word
        and not word.startswith("-")
    )


def _slash_mention(word: str, known: Collection[str] | None) -> tuple[Mention | None, str | None]:
    """``kind/name``, ``ns/name`` or ``kind/ns/name`` (kai's own way of naming objects).

    ``x/y`` names namespace ``x`` only when the cluster has it (``repo/image`` does not).
    """
    parts = [p for p in word.split("/") if p]
    if len(parts) == 1:
        return Mention(parts[0], explicit=True), None
    if len(parts) >= 3 and parts[0] in _KIND_WORDS:
        return Mention(parts[-1], _KIND_WORDS[parts[0]], parts[-2], True), parts[-2]
    if len(parts) == 2 and parts[0] in _KIND_WORDS:
        return Mention(parts[1], _KIND_WORDS[parts[0]], explicit=True), None
    if len(parts) == 2 and known is not None and parts[0] in known:
        return Mention(parts[1], namespace=parts[0], explicit=True), parts[0]
    if len(parts) == 2:
        return Mention(parts[1], explicit=True), None
    return None, None


def _is_namespace_position(words: list[str], i: int, known: Collection[str] | None) -> bool:
    """``in X``, ``in the X namespace``, ``namespace X``, ``-n X``: X names a namespace."""
    word = words[i]
    if word in _STOP or word in _KIND_WORDS or word.isdigit() or word.startswith("-"):
        return False
    if known is not None and word not in known:
        return False
    back = [w for w in words[max(0, i - 3) : i] if w not in ("the", "=")]
    prev = back[-1] if back else ""
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if prev in ("namespace", "ns", "-n", "--namespace") or nxt in ("namespace", "ns"):
        return True
    lead = prev in _NAMESPACE_LEAD or (
        prev == "namespace" and len(back) > 1 and back[-2] in _NAMESPACE_LEAD
    )
    # without the cluster's list, only "in X" counts ("set env A=1 on worker" names no namespace)
    return lead and (known is not None or prev in ("in", "inside", "within"))


def _join_kind_phrase(match: re.Match[str]) -> str:
    """Join "service account" into "serviceaccount" when the joined words are a kind word."""
    joined = re.sub(r"[ -]", "", match.group(0))
    return joined if joined in _KIND_WORDS else match.group(0)


def _bound_kinds(words: list[str], i: int) -> frozenset[str]:
    """Kinds written next to a name: before it ("pod X", "pods of X") or after ("X pod")."""
    kinds: set[str] = set()
    j = i - 1
    while j >= 0 and (words[j] in _KIND_WORDS or words[j] in _FILLER):
        kinds |= _KIND_WORDS.get(words[j], frozenset())
        j -= 1
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if nxt in _AFTER_NAME:
        kinds |= _AFTER_NAME[nxt]
    elif nxt in _KIND_WORDS and nxt not in _NOT_AFTER_NAME:
        kinds |= _KIND_WORDS[nxt]
    return frozenset(kinds)


def _kind_before(words: list[str], i: int) -> bool:
    return i > 0 and words[i - 1] in _KIND_WORDS


def _selectors(text: str) -> tuple[frozenset[str], ...]:
    """Label selectors the request spells out after -l / labelled / with label."""
    groups = []
    for match in _SELECTOR_LEAD.finditer(text):
        groups.append(selector_terms(match.group("terms")))
    return tuple(groups)


def selector_terms(selector: str) -> frozenset[str]:
    """``app = x, tier==web`` -> {"app=x", "tier=web"} (spacing and ``==`` normalised)."""
    terms = set()
    for part in selector.lower().split(","):
        part = re.sub(r"\s+", "", part).replace("==", "=")
        if part:
            terms.add(part)
    return frozenset(terms)


def _set_kinds(words: list[str]) -> frozenset[str]:
    """Kinds of an explicit "all X"/"everything" set, or nothing when the request has none."""
    kinds: set[str] = set()
    for i, word in enumerate(words):
        if word not in _SET_WORDS:
            continue
        following = [w for w in words[i + 1 : i + 4] if w not in ("the", "of", "my", "our")]
        named = [w for w in following[:2] if w in _KIND_WORDS]
        if named and named[0] in ("namespaces", "namespace", "nodes", "node", "ns"):
            continue  # "all namespaces" is not a set kai changes in one go
        raw_next = words[i + 1] if i + 1 < len(words) else ""
        if named:
            kinds |= _KIND_WORDS[named[0]]
        elif word == "everything" or raw_next in ("of", "in"):
            kinds |= WORKLOADS
    return frozenset(kinds)


def name_matches(word: str, name: str) -> str | None:
    """How ``word`` names ``name``: "exact", "fuzzy", "owner" (a pod name) or None."""
    name = name.lower()
    if word == name:
        return "exact"
    if not _is_name_word(word):
        return None
    if word.startswith(name + "-"):
        return "owner"  # worker-5d9c-x is a pod of worker
    if name.startswith(word) or word in name.split("-"):
        return "fuzzy"
    if len(word) > 4 and word.endswith("s") and name.startswith(word[:-1]):
        return "fuzzy"  # "payments" -> paymentservice
    if len(word) >= 5 and difflib.SequenceMatcher(None, word, name).ratio() >= 0.85:
        return "fuzzy"  # a typo of the whole name
    return None


def asks_for_change(request: str) -> bool:
    """Does the request ask kai to change something (not only a question or a read)?

    True when a change verb (scale, restart, set, delete, drain, ...) appears and the
    request is not phrased as a question ("why did worker restart", "how do I scale X");
    polite forms ("can you scale X", "please restart Y") still ask for a change.
    """
    text = _POLITE.sub("", request.lower().strip(), count=1)
    words = [w.rstrip(".,;:!?") for w in text.split()]
    if not words or words[0] in _QUESTION_WORDS:
        return False
    return any(w in _CHANGE_VERBS for w in words)
