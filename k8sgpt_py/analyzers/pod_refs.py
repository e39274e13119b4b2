"""ConfigMap and Secret references of a pod spec (env, envFrom, volumes, projected volumes)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from k8sgpt_py.analyzers._k8s import all_containers, dig, items, mapping, text
from k8sgpt_py.analyzers.base import RawObject


@dataclass(frozen=True)
class ConfigRef:
    """One reference from a pod spec to a ConfigMap or Secret."""

    kind: str  # "ConfigMap" or "Secret"
    name: str
    key: str | None
    is_optional: bool
    where: str  # "env DATABASE_URL of container worker", "volume config"


def config_refs(pod_spec: RawObject) -> list[ConfigRef]:
    """Every ConfigMap/Secret reference in a pod spec, in spec order."""
    refs: list[ConfigRef] = []
    for container in all_containers(pod_spec):
        refs.extend(_container_refs(container))
    for volume in items(pod_spec, "volumes"):
        refs.extend(_volume_refs(volume))
    for secret in items(pod_spec, "imagePullSecrets"):
        if text(secret, "name"):
            refs.append(ConfigRef("Secret", text(secret, "name"), None, True, "imagePullSecrets"))
    return refs


def _container_refs(container: RawObject) -> Iterator[ConfigRef]:
    cname = text(container, "name")
    for env in items(container, "env"):
        where = f"env {text(env, 'name')} of container {cname}"
        for key, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
            ref = mapping(env, "valueFrom", key)
            if ref:
                yield ConfigRef(
                    kind, text(ref, "name"), text(ref, "key") or None, _optional(ref), where
                )
    for env_from in items(container, "envFrom"):
        for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            ref = mapping(env_from, key)
            if ref:
                where = f"envFrom of container {cname}"
                yield ConfigRef(kind, text(ref, "name"), None, _optional(ref), where)


def _volume_refs(volume: RawObject) -> Iterator[ConfigRef]:
    where = f"volume {text(volume, 'name')}"
    config_map = mapping(volume, "configMap")
    if config_map:
        yield ConfigRef("ConfigMap", text(config_map, "name"), None, _optional(config_map), where)
    secret = mapping(volume, "secret")
    if secret:
        yield ConfigRef("Secret", text(secret, "secretName"), None, _optional(secret), where)
    for source in items(volume, "projected", "sources"):
        for key, kind in (("configMap", "ConfigMap"), ("secret", "Secret")):
            ref = mapping(source, key)
            if ref:
                yield ConfigRef(kind, text(ref, "name"), None, _optional(ref), where)


def _optional(ref: RawObject) -> bool:
    return dig(ref, "optional") is True
