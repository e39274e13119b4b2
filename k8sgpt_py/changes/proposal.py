"""A proposed change: what a write tool returns instead of writing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Action = Literal["patch", "create", "delete", "evict"]
PatchType = Literal["merge", "strategic", "json"]


@dataclass(frozen=True)
class ObjectRef:
    """One Kubernetes object, as the API names it."""

    api_version: str
    kind: str
    name: str
    namespace: str | None = None

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind.lower()}/{where}{self.name}"

    def to_json(self) -> dict[str, Any]:
        """The ``target`` object of the JSON output contract."""
        return {
            "apiVersion": self.api_version,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
        }


@dataclass(frozen=True)
class Selection:
    """The explicit set a set tool's proposal belongs to: a namespace, maybe a label selector.

    A selection with a selector grounds its members only when the request spells the same
    selector out; one without (every workload of the namespace) only when the request says
    "all"/"everything" and names the namespace.
    """

    namespace: str
    selector: str | None = None
    kinds: tuple[str, ...] = ()

    def __str__(self) -> str:
        kinds = "/".join(k.lower() for k in self.kinds) or "objects"
        label = f" labelled {self.selector}" if self.selector else ""
        return f"every {kinds}{label} in namespace {self.namespace}"


@dataclass(frozen=True)
class Proposal:
    """A change to one object; nothing happens until the changes pipeline applies it.

    ``destructive`` marks changes that need an explicit request and a second confirmation
    (deleting namespaces, nodes or PVCs, scaling to zero). ``scope`` names the object the
    user must have mentioned when it is not the target itself (a drain's evictions: the node).
    ``selection`` is set by set tools: the explicit set the target was chosen as a member of.
    """

    target: ObjectRef
    action: Action
    reason: str
    patch: dict[str, Any] | list[dict[str, Any]] | None = None
    patch_type: PatchType = "strategic"
    manifest: dict[str, Any] | None = None
    destructive: bool = False
    notes: tuple[str, ...] = field(default=())
    scope: str | None = None
    selection: Selection | None = None

    @property
    def grounding_name(self) -> str:
        """The name a request must mention for this change to count as asked for."""
        return self.scope or self.target.name
