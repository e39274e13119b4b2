"""Label and field selectors, in their query-string and object forms."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]


class SelectorError(ValueError):
    """A selector string that does not parse."""


@dataclass(frozen=True)
class Requirement:
    """One clause of a label selector."""

    key: str
    op: str  # "=", "!=", "in", "notin", "exists", "!"
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        """Whether ``labels`` satisfy this clause."""
        present = self.key in labels
        value = labels.get(self.key)
        if self.op == "exists":
            return present
        if self.op == "!":
            return not present
        if self.op in {"=", "in"}:
            return present and value in self.values
        return not present or value not in self.values  # "!=" and "notin"


_SET_RE = re.compile(r"^\s*([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)\s*$")
_EQ_RE = re.compile(r"^\s*([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)\s*$")
_EXISTS_RE = re.compile(r"^\s*(!?)\s*([\w./-]+)\s*$")


def _split_clauses(text: str) -> list[str]:
    clauses, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            clauses.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        clauses.append(current)
    return clauses


def parse_label_selector(text: str) -> list[Requirement]:
    """Parse ``app=web,tier in (a,b),!legacy`` into requirements; raise SelectorError."""
    reqs: list[Requirement] = []
    for clause in _split_clauses(text or ""):
        if m := _SET_RE.match(clause):
            values = tuple(v.strip() for v in m.group(3).split(",") if v.strip())
            reqs.append(Requirement(m.group(1), m.group(2), values))
        elif m := _EQ_RE.match(clause):
            op = "!=" if m.group(2) == "!=" else "="
            reqs.append(Requirement(m.group(1), op, (m.group(3),)))
        elif m := _EXISTS_RE.match(clause):
            reqs.append(Requirement(m.group(2), "!" if m.group(1) else "exists"))
        else:
            raise SelectorError(f"unable to parse requirement: {clause.strip()!r}")
    return reqs


def labels_match(reqs: list[Requirement], labels: dict[str, str] | None) -> bool:
    """Whether all requirements hold for ``labels``."""
    return all(r.matches(labels or {}) for r in reqs)


def selector_object_matches(selector: Obj | None, labels: dict[str, str] | None) -> bool:
    """Match a ``metav1.LabelSelector`` object; an empty selector matches everything."""
    if not selector:
        return True
    labels = labels or {}
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    ops = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}
    for expr in selector.get("matchExpressions") or []:
        req = Requirement(expr["key"], ops[expr["operator"]], tuple(expr.get("values") or ()))
        if not req.matches(labels):
            return False
    return True


def map_selector_matches(selector: dict[str, str] | None, labels: dict[str, str] | None) -> bool:
    """Match a plain map selector (Services); an empty one matches nothing."""
    if not selector:
        return False
    labels = labels or {}
    return all(labels.get(k) == v for k, v in selector.items())


def selector_to_string(selector: Obj | None) -> str:
    """Render a ``LabelSelector`` object in query-string form."""
    parts = [f"{k}={v}" for k, v in sorted(((selector or {}).get("matchLabels") or {}).items())]
    for expr in (selector or {}).get("matchExpressions") or []:
        op = expr["operator"]
        if op in {"In", "NotIn"}:
            parts.append(f"{expr['key']} {op.lower()} ({','.join(expr.get('values') or [])})")
        else:
            parts.append(("!" if op == "DoesNotExist" else "") + expr["key"])
    return ",".join(parts)


def _field_value(obj: Obj, path: str) -> str:
    node: Any = obj
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return "" if node is None else str(node)


FieldFilter = Callable[[Obj], bool]

_SUPPORTED_FIELDS = {
    "metadata.name",
    "metadata.namespace",
    "spec.nodeName",
    "spec.unschedulable",
    "status.phase",
    "involvedObject.name",
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.fieldPath",
    "involvedObject.resourceVersion",
    "reason",
    "type",
    "source",
}


def parse_field_selector(text: str, kind: str) -> FieldFilter:
    """Compile ``metadata.name=x,status.phase!=Running``; raise SelectorError when unsupported."""
    checks: list[tuple[str, bool, str]] = []
    for clause in _split_clauses(text or ""):
        m = re.match(r"^\s*([\w.]+)\s*(==|=|!=)\s*(.*?)\s*$", clause)
        if not m:
            raise SelectorError(f"invalid selector: {clause.strip()!r}")
        field, op, value = m.groups()
        if field not in _SUPPORTED_FIELDS:
            raise SelectorError(f'field label not supported: "{field}"')
        checks.append((field, op != "!=", value))

    def _matches(obj: Obj) -> bool:
        return all((_field_value(obj, f) == v) == equal for f, equal, v in checks)

    return _matches
