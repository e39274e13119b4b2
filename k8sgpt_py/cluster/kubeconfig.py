"""Which kubeconfig files to read and how to merge them, exactly as kubectl (client-go) does.

Pure file and dict work, no ``kubernetes`` import: :mod:`k8sgpt_py.cluster.kube` turns the
result into a client. kubectl's rules (``clientcmd.ClientConfigLoadingRules.Load``):

* ``--kubeconfig FILE`` is the only file read, and it must exist.
* Otherwise ``$KUBECONFIG`` is a list split on ``os.pathsep``: empty entries and duplicates
  are ignored, missing files are skipped, an empty file is an empty config.
* Otherwise ``~/.kube/config`` (when it exists).
* The first file to name a cluster, user or context wins that name (the whole entry; later
  files never change it); the first file with a non-empty ``current-context`` sets it.
* Relative file paths in an entry are relative to the file that defined the entry.

When no file sets a current context and no ``--context`` is given, kubectl uses the pod's
service account if it runs in a cluster (:func:`in_cluster_account`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from k8sgpt_py.errors import ConfigError

SECTIONS = ("clusters", "users", "contexts")
SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")
SERVICE_HOST_ENV = "KUBERNETES_SERVICE_HOST"
SERVICE_PORT_ENV = "KUBERNETES_SERVICE_PORT"


@dataclass(frozen=True)
class Entry:
    """One named cluster, user or context and the file that defined it."""

    name: str
    value: dict[str, Any]
    source: str


@dataclass
class MergedConfig:
    """The kubeconfig kubectl would see; ``files`` are the ones actually read."""

    files: list[str] = field(default_factory=list)
    current_context: str = ""
    clusters: dict[str, Entry] = field(default_factory=dict)
    users: dict[str, Entry] = field(default_factory=dict)
    contexts: dict[str, Entry] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """Nothing usable was found (no file, or files without any context)."""
        return not self.contexts and not self.current_context


def kubeconfig_files(explicit: str | None, environ: dict[str, str] | None = None) -> list[str]:
    """The candidate files in precedence order (explicit, else ``$KUBECONFIG``, else home)."""
    env = os.environ if environ is None else environ
    if explicit:
        return [os.path.expanduser(explicit)]
    listed = env.get("KUBECONFIG") or ""
    if listed:
        seen: list[str] = []
        for part in listed.split(os.pathsep):
            path = os.path.expanduser(part)
            if part and path not in seen:
                seen.append(path)
        return seen
    home = env.get("HOME") or os.path.expanduser("~")
    return [os.path.join(home, ".kube", "config")]


def load_merged(explicit: str | None, environ: dict[str, str] | None = None) -> MergedConfig:
    """Read and merge the kubeconfig files; ConfigError (exit 3) for unreadable ones."""
    merged = MergedConfig()
    for path in kubeconfig_files(explicit, environ):
        if not os.path.exists(path):
            if explicit:
                raise ConfigError(
                    f"no kubeconfig found at {path}",
                    hint="pass an existing file to --kubeconfig, or set KUBECONFIG",
                )
            continue
        merge_file(merged, path, read_file(path))
    return merged


def read_file(path: str) -> dict[str, Any]:
    """One kubeconfig file as a dict (an empty file is an empty config)."""
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            doc = yaml.safe_load(handle)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"cannot read kubeconfig {path}: {reason}") from exc
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ConfigError(f"cannot read kubeconfig {path}: not a kubeconfig (expected a mapping)")
    return doc


def merge_file(merged: MergedConfig, path: str, doc: dict[str, Any]) -> None:
    """Merge one file's entries under kubectl's first-file-wins rules."""
    merged.files.append(path)
    for section in SECTIONS:
        items = doc.get(section) or []
        if not isinstance(items, list):
            raise ConfigError(f"cannot read kubeconfig {path}: {section} must be a list")
        names: set[str] = set()
        target: dict[str, Entry] = getattr(merged, section)
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise ConfigError(
                    f"cannot read kubeconfig {path}: an entry in {section} has no name"
                )
            name = item["name"]
            if name in names:
                raise ConfigError(
                    f'cannot read kubeconfig {path}: duplicate name "{name}" in {section}'
                )
            names.add(name)
            if name not in target:
                target[name] = Entry(name, dict(item), os.path.abspath(path))
    current = doc.get("current-context")
    if not merged.current_context and isinstance(current, str) and current:
        merged.current_context = current


def as_document(merged: MergedConfig) -> dict[str, Any]:
    """The merged config as one kubeconfig dict (what ``kubectl config view --raw`` shows)."""
    doc: dict[str, Any] = {"current-context": merged.current_context}
    for section in SECTIONS:
        entries: dict[str, Entry] = getattr(merged, section)
        doc[section] = [entries[name].value for name in sorted(entries)]
    return doc


def no_context_error(merged: MergedConfig, explicit: str | None) -> ConfigError:
    """The error when no context is chosen and there is no service account to fall back on."""
    if not merged.files:
        where = ", ".join(kubeconfig_files(explicit))
        return ConfigError(
            f"no kubeconfig found at {where}",
            hint="set KUBECONFIG, pass --kubeconfig, or try `kai --sandbox ...`",
        )
    names = ", ".join(sorted(merged.contexts))
    return ConfigError(
        f"no current context set in kubeconfig {', '.join(merged.files)}",
        hint=f"pass --context NAME (contexts: {names})"
        if names
        else "add a context with `kubectl config set-context`",
    )


def exec_command_of(user: Any) -> str | None:
    """The ``exec:`` credential plugin command of a kubeconfig user, if it has one."""
    spec = user.get("exec") if isinstance(user, dict) else None
    return str(spec.get("command") or "") if isinstance(spec, dict) else None


@dataclass(frozen=True)
class InClusterAccount:
    """A pod's service account: where the API server is, and the files to authenticate."""

    server: str
    token_file: Path
    ca_file: Path
    namespace: str


def in_cluster_account(
    environ: dict[str, str] | None = None, account_dir: Path | None = None
) -> InClusterAccount | None:
    """The service account a pod gets, when kubectl would use it (client-go ``Possible()``).

    Needs ``KUBERNETES_SERVICE_HOST``/``_PORT`` and a token file. The namespace is
    ``$POD_NAMESPACE``, else the account's ``namespace`` file, else ``default``.
    """
    env = os.environ if environ is None else environ
    folder = SERVICE_ACCOUNT_DIR if account_dir is None else Path(account_dir)
    host, port = env.get(SERVICE_HOST_ENV) or "", env.get(SERVICE_PORT_ENV) or ""
    token = folder / "token"
    if not host or not port or not token.is_file():
        return None
    namespace = env.get("POD_NAMESPACE") or ""
    if not namespace:
        try:
            namespace = (folder / "namespace").read_text(encoding="utf-8").strip()
        except OSError:
            namespace = ""
    bracketed = f"[{host}]" if ":" in host or "%" in host else host
    return InClusterAccount(
        server=f"https://{bracketed}:{port}",
        token_file=token,
        ca_file=folder / "ca.crt",
        namespace=namespace or "default",
    )
