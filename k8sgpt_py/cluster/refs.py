"""Resource references as people type them.

``pod/x``, ``deploy/x``, ``deployment.apps/x``, ``svc x``, ``x -n ns`` (as kubectl reads them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from k8sgpt_py.cluster.kinds import lookup_kind
from k8sgpt_py.errors import UsageError

_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")


@dataclass(frozen=True)
class ResourceRef:
    """What the user named; ``kind`` None means "any kind", ``namespace`` None "infer it"."""

    name: str
    kind: str | None = None
    namespace: str | None = None

    def __str__(self) -> str:
        kind = f"{self.kind.lower()}/" if self.kind else ""
        where = f" -n {self.namespace}" if self.namespace else ""
        return f"{kind}{self.name}{where}"


def parse_ref(text: str, *, namespace: str | None = None) -> ResourceRef:
    """Parse one reference; raise UsageError (exit 2) when it is malformed."""
    words = text.strip().split()
    if "-n" in words or "--namespace" in words:
        flag = "-n" if "-n" in words else "--namespace"
        at = words.index(flag)
        if at + 1 >= len(words):
            raise UsageError(f"malformed resource reference {text!r}: {flag} needs a namespace")
        namespace = words[at + 1]
        del words[at : at + 2]
    if not words or len(words) > 2:
        raise UsageError(
            f"malformed resource reference {text!r}",
            hint="use TYPE/NAME, e.g. pod/web-1 or deploy/api",
        )
    kind: str | None = None
    if len(words) == 2:
        kind, name = words
    elif words[0].count("/") == 1:
        kind, name = words[0].split("/")
    elif "/" in words[0]:
        raise UsageError(f"malformed resource reference {text!r}", hint="use TYPE/NAME")
    else:
        name = words[0]
    if kind is not None:
        kind = lookup_kind(kind).kind
    name = name.strip().lower()
    if not _NAME.match(name) or len(name) > 253:
        raise UsageError(
            f"malformed resource name {name!r} in {text!r}",
            hint="names are lower-case letters, digits, '-' and '.'",
        )
    return ResourceRef(name=name, kind=kind, namespace=namespace)
