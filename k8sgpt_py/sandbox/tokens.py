"""Service account tokens: ``kubectl create token`` (TokenRequest) and requests that use them.

A token is JWT-shaped and names its service account; the sandbox remembers the tokens it
issued (in memory, so they die with the server) and authorizes their holders through RBAC,
as it does impersonated callers.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from typing import Any

from k8sgpt_py.sandbox import rbac
from k8sgpt_py.sandbox.api import Api, Request
from k8sgpt_py.sandbox.store import Store, format_time

Obj = dict[str, Any]
_INDEX = "service-account-tokens"
DEFAULT_EXPIRATION_SECONDS = 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _issued(store: Store) -> dict[str, str]:
    issued: dict[str, str] = store.indexes.setdefault(_INDEX, {})
    return issued


def token_request(api: Api, req: Request) -> Obj:
    """POST ``serviceaccounts/<name>/token``: a new token for the service account."""
    account = api.get(req)
    body = req.body if isinstance(req.body, dict) else {}
    spec = dict(body.get("spec") or {})
    seconds = int(spec.get("expirationSeconds") or DEFAULT_EXPIRATION_SECONDS)
    spec["expirationSeconds"] = seconds
    spec.setdefault("audiences", ["https://kubernetes.default.svc.cluster.local"])
    now = api.store.clock()
    expires = now + timedelta(seconds=seconds)
    subject = f"{rbac.SA_PREFIX}{req.namespace}:{req.name}"
    claims = {
        "aud": spec["audiences"],
        "exp": int(expires.timestamp()),
        "iat": int(now.timestamp()),
        "iss": "https://kubernetes.default.svc.cluster.local",
        "sub": subject,
        "jti": str(api.store.next_counter("token")),
    }
    header = _b64(json.dumps({"alg": "RS256", "kid": "kai-sandbox"}).encode())
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = _b64(hashlib.sha256(f"{header}.{payload}".encode()).digest())
    token = f"{header}.{payload}.{signature}"
    _issued(api.store)[token] = subject
    return {
        "kind": "TokenRequest",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": {"name": account["metadata"]["name"], "namespace": req.namespace},
        "spec": spec,
        "status": {"token": token, "expirationTimestamp": format_time(expires)},
    }


def holder(store: Store, header: str | None) -> rbac.Subject | None:
    """The service account behind a bearer token this sandbox issued, if any."""
    if not header or not header.lower().startswith("bearer "):
        return None
    subject = _issued(store).get(header[7:].strip())
    return rbac.subject_for(subject, []) if subject else None
