"""Discovery: which kinds a cluster serves (CRDs included), read as ``kubectl api-resources`` does.

Results are cached per :class:`~k8sgpt_py.cluster.kube.Cluster` object, and every kind found
is registered with :mod:`k8sgpt_py.cluster.kinds` so later calls by kind name (the changes
pipeline, ``kai undo``) reach the right REST path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from k8sgpt_py.cluster.kinds import KindInfo, find_kind, register_kind
from k8sgpt_py.errors import KaiError, NotFound

if TYPE_CHECKING:
    from k8sgpt_py.cluster.kube import Cluster

_CACHE: WeakKeyDictionary[Cluster, dict[str, list[KindInfo] | None]] = WeakKeyDictionary()


class UnservedKind(NotFound):
    """The cluster does not serve this kind (or not in this apiVersion)."""


def _split(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


def served_in(cluster: Cluster, api_version: str) -> list[KindInfo] | None:
    """Kinds served at one group version (``apps/v1``, ``v1``); None when it is not served."""
    cache = _CACHE.setdefault(cluster, {})
    if api_version in cache:
        return cache[api_version]
    group, version = _split(api_version)
    path = f"/apis/{group}/{version}" if group else f"/api/{version}"
    try:
        doc: dict[str, Any] = cluster.request("GET", path)
    except NotFound:
        cache[api_version] = None
        return None
    kinds = []
    for entry in doc.get("resources") or []:
        plural = str(entry.get("name") or "")
        if not plural or "/" in plural or not entry.get("kind"):
            continue  # subresources (pods/log, deployments/scale)
        info = KindInfo(
            kind=str(entry["kind"]),
            plural=plural,
            group=group,
            version=version,
            is_namespaced=bool(entry.get("namespaced")),
            aliases=tuple(str(s) for s in entry.get("shortNames") or ()),
        )
        kinds.append(info)
        register_kind(info)
    cache[api_version] = kinds
    return kinds


def preferred_versions(cluster: Cluster) -> list[str]:
    """Every served group's preferred version, core ``v1`` first."""
    out = ["v1"]
    for group in cluster.request("GET", "/apis").get("groups") or []:
        preferred = (group.get("preferredVersion") or {}).get("groupVersion")
        if preferred:
            out.append(str(preferred))
    return out


def kind_for_manifest(cluster: Cluster, api_version: str, kind: str) -> KindInfo:
    """The served kind a manifest names; :class:`UnservedKind` when the cluster lacks it.

    kai addresses each kind at one version (the static table's, else the first discovered);
    a manifest in another version of a known kind is refused rather than sent to the wrong path.
    """
    served = served_in(cluster, api_version)
    known = find_kind(kind)
    if served is None:
        hint = "check `kubectl api-resources`; is the CRD installed?"
        if known is not None and known.kind == kind:
            hint = f"kai writes {kind} as {known.api_version}: use apiVersion: {known.api_version}"
        raise UnservedKind(
            f"the cluster does not serve apiVersion {api_version!r} (kind {kind})", hint=hint
        )
    match = next((k for k in served if k.kind == kind), None)
    if match is None:
        names = ", ".join(sorted(k.kind for k in served)) or "nothing"
        raise UnservedKind(
            f"the cluster serves no kind {kind!r} in {api_version} (it serves: {names})"[:300],
            hint="check the kind's spelling and apiVersion (`kubectl api-resources`)",
        )
    if known is not None and known.group == match.group and known.version != match.version:
        raise UnservedKind(
            f"kai writes {kind} as {known.api_version}, not {api_version}",
            hint=f"rewrite the manifest with apiVersion: {known.api_version}",
        )
    return match


def discover_kind(cluster: Cluster, name: str) -> KindInfo:
    """A kind the static table does not know, by kind, plural, short name or ``plural.group``."""
    key = name.strip().lower()
    for api_version in preferred_versions(cluster):
        try:
            served = served_in(cluster, api_version) or []
        except KaiError:  # an aggregated API that is down (metrics-server): skip it, as kubectl
            continue
        for info in served:
            names = {info.kind.lower(), info.plural, *info.aliases}
            if info.group:
                names |= {f"{info.plural}.{info.group}", f"{info.kind.lower()}.{info.group}"}
            if key in names:
                return info
    raise UnservedKind(
        f'the cluster serves no resource type "{name}"',
        hint="see `kubectl api-resources` for the types it serves",
    )


def resolve_kind(cluster: Cluster, name: str) -> KindInfo:
    """A kind by any name: the static table first, then the cluster's discovery documents."""
    return find_kind(name) or discover_kind(cluster, name)
