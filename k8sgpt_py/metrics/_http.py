"""A small JSON-over-HTTP GET client for the Prometheus API (stdlib ``urllib`` only).

Reads are idempotent, so connection errors, timeouts and 5xx answers are retried a bounded
number of times with exponential backoff. Every failure becomes :class:`MetricsUnavailable`
with a one-line message; no ``urllib`` exception leaves this module.
"""

from __future__ import annotations

import base64
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping

from k8sgpt_py.metrics.base import MetricsUnavailable

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_MAX_BODY_BYTES = 256 * 1024 * 1024
_TRANSIENT = (OSError, http.client.HTTPException)  # URLError, timeouts, resets, TLS errors


class _Retryable(Exception):
    """A failure worth another attempt; carries the final message if attempts run out."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def one_line(text: str, limit: int = 200) -> str:
    """Collapse whitespace and cut ``text`` to ``limit`` characters (for error messages)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def redact_url(url: str) -> str:
    """``url`` without user:password and without a query string (safe to print)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port else host
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class JsonClient:
    """GET ``{base_url}{path}?params`` and return the ``data`` of a Prometheus API answer."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_seconds: float,
        max_retries: int,
        backoff_seconds: float,
        headers: dict[str, str],
        sleep: Callable[[float], None],
    ) -> None:
        parts = urllib.parse.urlsplit(base_url.strip())
        try:
            valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
        except ValueError:  # a port that is not a number
            valid = False
        if not valid:
            raise MetricsUnavailable(f"invalid Prometheus URL {redact_url(base_url)!r}")
        netloc = parts.netloc.rsplit("@", 1)[-1]
        self.base_url = urllib.parse.urlunsplit(
            (parts.scheme, netloc, parts.path.rstrip("/"), "", "")
        )
        self.display_url = redact_url(self.base_url)
        self.timeout_seconds = timeout_seconds
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self.headers = {"Accept": "application/json", **headers}
        if parts.username is not None:
            user = urllib.parse.unquote(parts.username)
            secret = urllib.parse.unquote(parts.password or "")
            token = base64.b64encode(f"{user}:{secret}".encode()).decode()
            self.headers.setdefault("Authorization", f"Basic {token}")
        handlers = [urllib.request.ProxyHandler({})] if parts.hostname in _LOOPBACK else []
        self._opener = urllib.request.build_opener(*handlers)
        self.sleep = sleep

    def get_data(self, path: str, params: Mapping[str, str]) -> object:
        """The ``data`` member of a successful answer.

        Raises:
            MetricsUnavailable: Unreachable after retries, an HTTP error, a body that is not
                JSON, or ``status`` other than ``success``.
        """
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(params)}"
        for attempt in range(self.max_retries + 1):
            try:
                return self._get_once(url)
            except _Retryable as exc:
                if attempt == self.max_retries:
                    raise MetricsUnavailable(exc.message) from None
                self.sleep(self.backoff_seconds * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _get_once(self, url: str) -> object:
        request = urllib.request.Request(url, headers=self.headers)
        try:
            with self._opener.open(request, timeout=self.timeout_seconds) as response:
                body = response.read(_MAX_BODY_BYTES)
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc) from None
        except _TRANSIENT as exc:
            reason = getattr(exc, "reason", None) or exc
            raise _Retryable(
                f"cannot reach Prometheus at {self.display_url}: {one_line(str(reason))}"
            ) from None
        return self._data(body)

    def _http_error(self, exc: urllib.error.HTTPError) -> Exception:
        try:
            body = exc.read(64 * 1024)
        except (OSError, http.client.HTTPException):
            body = b""
        detail = _error_text(body) or one_line(body.decode("utf-8", "replace")) or exc.reason
        message = f"Prometheus at {self.display_url} answered HTTP {exc.code}: " + one_line(
            str(detail)
        )
        if exc.code >= 500:
            return _Retryable(message)
        if exc.code in (401, 403):
            return MetricsUnavailable(message, hint="check the credentials in KAI_PROMETHEUS_URL")
        return MetricsUnavailable(message, hint="check prometheus_queries in the kai config")

    def _data(self, body: bytes) -> object:
        try:
            document = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            snippet = one_line(body[:200].decode("utf-8", "replace"), 60)
            raise MetricsUnavailable(
                f"Prometheus at {self.display_url} sent a body that is not JSON: {snippet!r}",
                hint="KAI_PROMETHEUS_URL must point at the Prometheus server itself "
                "(kai appends /api/v1/...)",
            ) from None
        if not isinstance(document, dict) or "status" not in document:
            raise MetricsUnavailable(
                f"unexpected answer from Prometheus at {self.display_url}: no status field"
            )
        if document["status"] != "success":
            text = _error_text(body) or f"status {document['status']!r}"
            raise MetricsUnavailable(f"Prometheus at {self.display_url} reported: {text}")
        if "data" not in document:
            raise MetricsUnavailable(
                f"unexpected answer from Prometheus at {self.display_url}: no data field"
            )
        return document["data"]


def _error_text(body: bytes) -> str | None:
    """``errorType: error`` from a Prometheus error document, or None."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(document, dict) or "error" not in document:
        return None
    kind = document.get("errorType")
    text = one_line(str(document["error"]))
    return f"{kind}: {text}" if kind else text
