"""Fuzzy name resolution: ``checkout`` -> ``deployment/checkoutservice`` in ``shop``.

Scoring is deliberately simple and explainable: exact name, then prefix, then a whole
dash-separated token, then substring, then edit similarity. A clear winner resolves; near
ties are ambiguous (exit 2 listing candidates); nothing close is unknown (exit 2 too).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from k8sgpt_py.cluster.kinds import lookup_kind
from k8sgpt_py.cluster.kube import Cluster
from k8sgpt_py.cluster.refs import ResourceRef
from k8sgpt_py.errors import Ambiguous, NotFound

MIN_SCORE = 0.6
TIE_MARGIN = 0.04  # closer than this, two readings are equally likely


@dataclass(frozen=True)
class Resolved:
    """The object a reference named."""

    kind: str
    name: str
    namespace: str | None
    obj: dict[str, Any]
    score: float

    @property
    def is_exact(self) -> bool:
        """True when the name matched letter for letter."""
        return self.score >= 1.0

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind.lower()}/{where}{self.name}"


def name_score(query: str, name: str) -> float:
    """How well ``query`` names ``name`` (1.0 exact, 0 unrelated)."""
    query, name = query.lower(), name.lower()
    if query == name:
        return 1.0
    coverage = len(query) / max(len(name), 1)
    if name.startswith(query):
        return 0.85 + 0.1 * coverage
    if query in name.split("-"):
        return 0.8 + 0.1 * coverage
    if query in name:
        return 0.7 + 0.1 * coverage
    if name.startswith(query.rstrip("s")) and len(query) > 3:
        return 0.7
    return 0.8 * difflib.SequenceMatcher(None, query, name).ratio()


def resolve(
    cluster: Cluster,
    ref: ResourceRef,
    *,
    kinds: Sequence[str],
    default_namespace: str | None = None,
) -> Resolved:
    """Find the one object ``ref`` means among ``kinds`` (``ref.kind`` narrows them)."""
    scored = _candidates(cluster, ref, kinds)
    if not scored:
        where = f' in namespace "{ref.namespace}"' if ref.namespace else ""
        raise NotFound(f"no {'/'.join(k.lower() for k in _kinds(ref, kinds))} found{where}")
    top = max(c.score for c in scored)
    if top < MIN_SCORE:
        scored.sort(key=lambda c: -c.score)
        close = ", ".join(str(c) for c in scored[:3])
        raise NotFound(f'nothing named "{ref.name}" found', hint=f"closest: {close}")
    # Near-ties: exact names beat fuzzy ones; among the rest, earlier kinds win.
    near = [c for c in scored if c.score >= top - TIE_MARGIN and (c.is_exact or top < 1.0)]
    best_rank = min(_rank(c, ref, kinds) for c in near)
    near = [c for c in near if _rank(c, ref, kinds) == best_rank]
    near.sort(key=lambda c: (-c.score, c.namespace != default_namespace))
    best = near[0]
    rivals = [c for c in near[1:] if c.name != best.name or best.namespace != default_namespace]
    if rivals:
        names = [str(best), *(str(r) for r in rivals[:4])]
        raise Ambiguous(
            f'"{ref.name}" is ambiguous: {", ".join(names)}',
            candidates=names,
            hint="name it exactly, e.g. deploy/NAME -n NAMESPACE",
        )
    return best


def _kinds(ref: ResourceRef, kinds: Sequence[str]) -> list[str]:
    return [ref.kind] if ref.kind else list(kinds)


def _rank(c: Resolved, ref: ResourceRef, kinds: Sequence[str]) -> int:
    order = _kinds(ref, kinds)
    return order.index(c.kind) if c.kind in order else len(order)


def _candidates(cluster: Cluster, ref: ResourceRef, kinds: Sequence[str]) -> list[Resolved]:
    """Every object of the kinds, listed kind by kind until no kind left can change the result.

    An exact match outranks any fuzzy one, and among exact matches the lowest rank wins
    outright (see :func:`resolve`). So once an exact match is found, kinds whose rank is
    higher can neither win nor tie and are not listed: ``kai explain worker`` reads the
    deployments, not thirteen kinds across the cluster.
    """
    order = _kinds(ref, kinds)
    infos = [lookup_kind(kind) for kind in order]
    ranks = [order.index(i.kind) if i.kind in order else len(order) for i in infos]
    out: list[Resolved] = []
    for position, info in enumerate(infos):
        namespace = ref.namespace if info.is_namespaced else None
        for obj in cluster.iter_list(info, namespace):
            meta = obj.get("metadata") or {}
            name = str(meta.get("name", ""))
            out.append(
                Resolved(info.kind, name, meta.get("namespace"), obj, name_score(ref.name, name))
            )
        best_exact = min((_rank(c, ref, kinds) for c in out if c.is_exact), default=None)
        if best_exact is not None and best_exact < min(ranks[position + 1 :], default=len(order)):
            break
    return out
