"""The one client object: kubeconfig loading and every API call (the only ``kubernetes`` importer).

All requests go through :meth:`Cluster.request`, which speaks JSON dicts and translates
``ApiException``/urllib3 failures into kai errors. Idempotent reads retry with bounded backoff;
writes are never retried blindly.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from k8sgpt_py.cluster.kinds import KindInfo, lookup_kind
from k8sgpt_py.cluster.kubeconfig import (
    SECTIONS,
    InClusterAccount,
    MergedConfig,
    exec_command_of,
    in_cluster_account,
    load_merged,
    no_context_error,
)
from k8sgpt_py.errors import (
    ClusterUnavailable,
    ConfigError,
    Forbidden,
    KaiError,
    NotFound,
    Rejected,
)

PatchType = Literal["merge", "strategic", "json"]
_PATCH_CONTENT = {
    "merge": "application/merge-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "json": "application/json-patch+json",
}
READ_RETRIES = 3
RETRY_BACKOFF_SECONDS = 0.2
IN_CLUSTER_CONTEXT = "in-cluster"
IN_CLUSTER_USER = "serviceaccount"


class Conflict(KaiError):
    """The object changed since it was read (HTTP 409)."""

    exit_code = Rejected.exit_code


class ApiError(KaiError):
    """Any other non-success answer from the API server."""

    def __init__(self, message: str, *, status: int, reason: str = "", hint: str | None = None):
        super().__init__(message, hint=hint)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class KubeTarget:
    """Which cluster we talk to, as kubeconfig resolved it."""

    context: str
    namespace: str
    server: str
    user: str


def _error_from_status(
    status: int, body: bytes, what: str, target: KubeTarget | None = None
) -> KaiError:
    try:
        doc = json.loads(body or b"{}")
        message = str(doc.get("message") or "")
        reason = str(doc.get("reason") or "")
    except (ValueError, AttributeError):
        message, reason = body[:256].decode("utf-8", "replace").strip(), ""
    message = message or f"HTTP {status}"
    if status == 404:
        return NotFound(message)
    if status == 403:
        return Forbidden(message, hint="ask a cluster admin for access, or use --read-only")
    if status == 401:
        return _unauthorized(message, target)
    if status == 409:
        return Conflict(message, hint="the object changed meanwhile; run the request again")
    if status == 422 or status == 400:
        return ApiError(message, status=status, reason=reason or "Invalid")
    if status >= 500:
        return ClusterUnavailable(
            f"the API server failed {what} (HTTP {status}): {message}"[:300],
            hint="the cluster may be overloaded or failing; try again shortly",
        )
    return ApiError(f"{what}: {message}", status=status, reason=reason)


def _unauthorized(message: str, target: KubeTarget | None) -> ClusterUnavailable:
    """401: say Unauthorized first, and name the user and context.

    The wording avoids ``credentials: ...`` / ``token: ...`` pairs, which the redactor
    (rightly) blanks as ``[REDACTED]`` in everything kai prints.
    """
    who = f' user "{target.user}" of context "{target.context}"' if target else ""
    where = f" at {target.server}" if target else ""
    detail = "" if message.strip().lower() in {"unauthorized", "http 401"} else f" ({message})"
    return ClusterUnavailable(
        _one_line(f"Unauthorized (HTTP 401): the API server{where} rejected{who}{detail}")[:300],
        hint="the credentials have expired or are wrong: log in again, or check the context "
        "with `kubectl config current-context` and `kubectl config view --minify`",
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


@contextlib.contextmanager
def _client_logs() -> Iterator[builtins.list[logging.LogRecord]]:
    """Collect what the kubernetes client logs instead of printing it (``ERROR:root:...``).

    The client reports exec-plugin failures with ``logging.error`` on the root logger, which
    would configure logging and print to stderr; kai turns them into one error line instead.
    """
    records: builtins.list[logging.LogRecord] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers = [_Collect(logging.WARNING)]
    try:
        yield records
    finally:
        root.handlers = saved


def _exec_failure(
    command: str | None, user: str, records: builtins.list[logging.LogRecord]
) -> str | None:
    """The one-line message for a failed exec plugin, or None when it worked."""
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    if command is None or not errors:
        return None
    detail = _one_line(errors[0]).removeprefix("exec: ")
    if "No such file or directory" in detail:
        detail = f"executable {command} not found"
    return f'exec credential plugin "{command}" of user "{user}" failed: {detail}'[:400]


def _load_configuration(
    merged: MergedConfig, context: str, user: str, exec_command: str | None
) -> Any:
    """A client Configuration for one context of the merged kubeconfig."""
    import yaml
    from kubernetes.client import Configuration
    from kubernetes.config.config_exception import ConfigException
    from kubernetes.config.kube_config import ConfigNode, KubeConfigLoader

    # Each entry keeps the file that defined it, so relative paths resolve against that file.
    doc: dict[str, Any] = {"current-context": context}
    for section in SECTIONS:
        entries = getattr(merged, section).values()
        doc[section] = [
            ConfigNode(f"{e.source}/{e.name}", e.value, e.source)  # type: ignore[no-untyped-call]
            for e in entries
        ]
    configuration = Configuration()
    where = ", ".join(merged.files)
    try:
        with _client_logs() as records:
            root = ConfigNode("kubeconfig", doc)  # type: ignore[no-untyped-call]
            loader = KubeConfigLoader(config_dict=root, config_base_path=None)  # type: ignore[no-untyped-call]
            loader.load_and_set(configuration)  # type: ignore[no-untyped-call]
    except ConfigException as exc:
        raise ConfigError(f"cannot load kubeconfig {where}: {_one_line(str(exc))}") from exc
    except (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError, OSError) as exc:
        raise ConfigError(f"cannot load kubeconfig {where}: {_one_line(str(exc))}") from exc
    failure = _exec_failure(exec_command, user, records)
    if failure is not None:
        raise ConfigError(failure)
    configuration.retries = 0  # kai retries reads itself, and never writes
    return configuration


class Cluster:
    """A connection to one cluster; pass it down, never build another."""

    def __init__(
        self,
        api_client: Any,
        target: KubeTarget,
        *,
        timeout_seconds: float = 30.0,
        exec_command: str | None = None,
    ):
        self._api = api_client
        self.target = target
        self.timeout_seconds = timeout_seconds
        self._exec_command = exec_command

    @classmethod
    def connect(
        cls,
        *,
        kubeconfig: str | None = None,
        context: str | None = None,
        timeout_seconds: float = 30.0,
        service_account_dir: Path | None = None,
    ) -> Cluster:
        """Load kubeconfig the way kubectl does (see :mod:`k8sgpt_py.cluster.kubeconfig`).

        Without a kubeconfig context (and no ``context``), a pod's service account is used
        when ``KUBERNETES_SERVICE_HOST``/``_PORT`` and its token file are there, as kubectl
        does; ``service_account_dir`` replaces ``/var/run/secrets/kubernetes.io/serviceaccount``.
        """
        merged = load_merged(kubeconfig)
        name = context or merged.current_context
        if not name:
            account = in_cluster_account(account_dir=service_account_dir)
            if account is not None:
                return cls._connect_in_cluster(account, timeout_seconds)
            raise no_context_error(merged, kubeconfig)
        entry = merged.contexts.get(name)
        if entry is None:
            names = ", ".join(sorted(merged.contexts)) or "none"
            where = ", ".join(merged.files) or "kubeconfig"
            raise ConfigError(f'context "{name}" not found in {where}', hint=f"contexts: {names}")
        ctx = entry.value.get("context") or {}
        if not isinstance(ctx, dict):
            raise ConfigError(f'context "{name}" in {entry.source} is not a mapping')
        user_name = str(ctx.get("user") or "")
        user_entry = merged.users.get(user_name)
        user = (user_entry.value.get("user") or {}) if user_entry else {}
        exec_command = exec_command_of(user)
        configuration = _load_configuration(merged, name, user_name, exec_command)
        from kubernetes.client import ApiClient

        target = KubeTarget(
            context=name,
            namespace=str(ctx.get("namespace") or "default"),
            server=configuration.host,
            user=user_name,
        )
        api = ApiClient(configuration)
        return cls(api, target, timeout_seconds=timeout_seconds, exec_command=exec_command)

    @classmethod
    def _connect_in_cluster(cls, account: InClusterAccount, timeout_seconds: float) -> Cluster:
        from kubernetes.client import ApiClient, Configuration
        from kubernetes.config.config_exception import ConfigException
        from kubernetes.config.incluster_config import InClusterConfigLoader

        configuration = Configuration()
        try:
            loader = InClusterConfigLoader(  # type: ignore[no-untyped-call]
                token_filename=str(account.token_file), cert_filename=str(account.ca_file)
            )
            loader.load_and_set(configuration)  # type: ignore[no-untyped-call]
        except (ConfigException, OSError, UnicodeDecodeError) as exc:
            raise ConfigError(
                f"cannot use the in-cluster service account ({account.token_file.parent}): "
                f"{_one_line(str(exc))}",
                hint="mount the service account token and ca.crt, or set KUBECONFIG",
            ) from exc
        configuration.retries = 0
        target = KubeTarget(
            context=IN_CLUSTER_CONTEXT,
            namespace=account.namespace,
            server=configuration.host,
            user=IN_CLUSTER_USER,
        )
        return cls(ApiClient(configuration), target, timeout_seconds=timeout_seconds)

    # -- the choke point -------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: Any = None,
        content_type: str = "application/json",
        raw: bool = False,
    ) -> Any:
        """Send one request; return parsed JSON (or text when ``raw``); raise kai errors."""
        import urllib3
        from kubernetes.client.exceptions import ApiException

        params = {k: v for k, v in (query or {}).items() if v is not None}
        headers = {"Accept": "application/json", "Content-Type": content_type}
        with _client_logs() as records:  # an expired exec credential is renewed here
            _, url, headers, body_, _ = self._api.param_serialize(
                method,
                path,
                query_params=list(params.items()),
                header_params=headers,
                body=body,
                auth_settings=["BearerToken"],
            )
        failure = _exec_failure(self._exec_command, self.target.user, records)
        if failure is not None:
            raise ClusterUnavailable(failure)
        tries = READ_RETRIES if method == "GET" else 1
        for attempt in range(tries):
            try:
                response = self._api.call_api(
                    method,
                    url,
                    header_params=headers,
                    body=body_,
                    _request_timeout=self.timeout_seconds,
                )
                data = response.read()
            except (urllib3.exceptions.HTTPError, ApiException, OSError) as exc:
                if attempt + 1 < tries:
                    time.sleep(RETRY_BACKOFF_SECONDS * 2**attempt)
                    continue
                raise self._unreachable(exc) from exc
            if response.status >= 500 and attempt + 1 < tries:
                time.sleep(RETRY_BACKOFF_SECONDS * 2**attempt)
                continue
            break
        if response.status >= 300:
            raise _error_from_status(response.status, data, f"{method} {path}", self.target)
        if raw:
            return data.decode("utf-8", "replace")
        try:
            return json.loads(data) if data else {}
        except ValueError as exc:
            raise ApiError(
                f"the API server sent a response that is not JSON for {method} {path}", status=0
            ) from exc

    def _unreachable(self, exc: BaseException) -> ClusterUnavailable:
        import urllib3

        reason = str(getattr(exc, "reason", "") or exc).splitlines()[0][:200]
        error = ClusterUnavailable(
            f'cannot reach cluster "{self.target.context}" ({self.target.server}): {reason}',
            hint="check `kubectl config current-context` or pass --context",
        )
        # A timed-out request reached the server and may still be carried out there.
        error.timed_out = isinstance(
            getattr(exc, "reason", exc), urllib3.exceptions.TimeoutError | TimeoutError
        ) or isinstance(exc, urllib3.exceptions.TimeoutError | TimeoutError)
        return error

    # -- verbs -------------------------------------------------------------------------------

    def kind_info(self, kind: str | KindInfo) -> KindInfo:
        """A kind by name: kai's table, else this cluster's discovery (CRDs)."""
        if isinstance(kind, KindInfo):
            return kind
        from k8sgpt_py.cluster.discovery import resolve_kind

        return resolve_kind(self, kind)

    def get(self, kind: str | KindInfo, name: str, namespace: str | None = None) -> dict[str, Any]:
        """One object as a dict; NotFound names kind, namespace and name."""
        info = self.kind_info(kind)
        try:
            obj: dict[str, Any] = self.request("GET", info.path(namespace, name))
        except NotFound as exc:
            where = f' in namespace "{namespace}"' if info.is_namespaced and namespace else ""
            raise NotFound(f'{info.kind.lower()} "{name}" not found{where}') from exc
        return obj

    def iter_list(
        self,
        kind: str | KindInfo,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        page_size: int = 500,
    ) -> Iterator[dict[str, Any]]:
        """Objects of a kind (``namespace`` None: all namespaces), page by page."""
        info = self.kind_info(kind)
        token: str | None = None
        while True:
            page = self.request(
                "GET",
                info.path(namespace),
                query={
                    "labelSelector": label_selector,
                    "fieldSelector": field_selector,
                    "limit": page_size,
                    "continue": token,
                },
            )
            for item in page.get("items") or []:
                item.setdefault("kind", info.kind)
                item.setdefault("apiVersion", info.api_version)
                yield item
            token = (page.get("metadata") or {}).get("continue")
            if not token:
                return

    def list(
        self, kind: str | KindInfo, namespace: str | None = None, **kw: Any
    ) -> builtins.list[dict[str, Any]]:
        """All objects of a kind as a list (see :meth:`iter_list`)."""
        return list(self.iter_list(kind, namespace, **kw))

    def patch(
        self,
        kind: str | KindInfo,
        name: str,
        namespace: str | None,
        patch: Any,
        *,
        patch_type: PatchType = "strategic",
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Patch one object; ``dry_run`` asks the server to validate without storing."""
        info = self.kind_info(kind)
        return dict(
            self.request(
                "PATCH",
                info.path(namespace, name),
                query={"dryRun": "All" if dry_run else None},
                body=patch,
                content_type=_PATCH_CONTENT[patch_type],
            )
        )

    def create(
        self,
        kind: str | KindInfo,
        body: dict[str, Any],
        namespace: str | None,
        *,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Create an object."""
        info = self.kind_info(kind)
        query = {"dryRun": "All" if dry_run else None}
        return dict(self.request("POST", info.path(namespace), query=query, body=body))

    def delete(
        self, kind: str | KindInfo, name: str, namespace: str | None, *, dry_run: bool = False
    ) -> dict[str, Any]:
        """Delete an object (foreground propagation is left to the server's default)."""
        info = self.kind_info(kind)
        query = {"dryRun": "All" if dry_run else None}
        return dict(self.request("DELETE", info.path(namespace, name), query=query))

    def evict(self, name: str, namespace: str, *, dry_run: bool = False) -> dict[str, Any]:
        """Evict a pod through the Eviction API (respects PodDisruptionBudgets)."""
        body = {
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": {"name": name, "namespace": namespace},
        }
        if dry_run:
            body["deleteOptions"] = {"dryRun": ["All"]}
        path = lookup_kind("Pod").path(namespace, name) + "/eviction"
        query = {"dryRun": "All" if dry_run else None}
        return dict(self.request("POST", path, query=query, body=body))

    def logs(
        self,
        pod: str,
        namespace: str,
        *,
        container: str | None = None,
        tail_lines: int | None = None,
        previous: bool = False,
    ) -> str:
        """Log text of one container."""
        path = lookup_kind("Pod").path(namespace, pod) + "/log"
        query = {
            "container": container,
            "tailLines": tail_lines,
            "previous": "true" if previous else None,
        }
        return str(self.request("GET", path, query=query, raw=True))

    def can_i(
        self,
        verb: str,
        kind: str | KindInfo,
        namespace: str | None,
        *,
        name: str | None = None,
        subresource: str | None = None,
    ) -> tuple[bool, str]:
        """SelfSubjectAccessReview: may the current user do ``verb`` on the resource?"""
        info = self.kind_info(kind)
        attrs = {"verb": verb, "group": info.group, "resource": info.plural, "name": name}
        if info.is_namespaced:
            attrs["namespace"] = namespace
        if subresource:
            attrs["subresource"] = subresource
        review = self.request(
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            body={
                "apiVersion": "authorization.k8s.io/v1",
                "kind": "SelfSubjectAccessReview",
                "spec": {"resourceAttributes": {k: v for k, v in attrs.items() if v}},
            },
        )
        status = review.get("status") or {}
        return bool(status.get("allowed")), str(status.get("reason") or "")

    def pod_metrics(self, namespace: str | None = None) -> builtins.list[dict[str, Any]]:
        """metrics.k8s.io PodMetrics (current usage), or [] when metrics-server is absent."""
        base = "/apis/metrics.k8s.io/v1beta1"
        path = f"{base}/namespaces/{namespace}/pods" if namespace else f"{base}/pods"
        try:
            return list(self.request("GET", path).get("items") or [])
        except NotFound:
            return []
