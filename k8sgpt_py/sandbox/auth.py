"""Bearer-token users and their (very small) RBAC: an admin and a read-only viewer.

Each sandbox makes its own random tokens (:meth:`Tokens.generate`); they appear only in the
kubeconfig it writes and, for ``kai sandbox up``, in a private token file so a restarted
background sandbox accepts the same kubeconfig.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from k8sgpt_py.sandbox.resources import ResourceType
from k8sgpt_py.sandbox.store import ApiError
from k8sgpt_py.userfiles import write_private

READ_VERBS = frozenset({"get", "list", "watch"})


@dataclass(frozen=True)
class User:
    """An authenticated caller."""

    name: str
    is_read_only: bool

    def allows(self, verb: str, resource: str, subresource: str = "") -> bool:
        """Whether RBAC lets this user do ``verb`` on ``resource[/subresource]``."""
        if resource == "selfsubjectaccessreviews" and verb == "create":
            return True
        if not self.is_read_only:
            return True
        return verb in READ_VERBS and subresource in {"", "log", "status", "scale"}


ADMIN = User("kai-admin", is_read_only=False)
VIEWER = User("kai-viewer", is_read_only=True)
TOKEN_BYTES = 32


@dataclass(frozen=True)
class Tokens:
    """One sandbox's bearer tokens (never logged, never in the repository)."""

    admin: str
    viewer: str

    def __repr__(self) -> str:
        return "Tokens(admin=..., viewer=...)"

    @classmethod
    def generate(cls) -> Tokens:
        """Fresh random tokens (``secrets.token_urlsafe``)."""
        return cls(secrets.token_urlsafe(TOKEN_BYTES), secrets.token_urlsafe(TOKEN_BYTES))

    def user_for(self, token: str) -> User | None:
        """The user a token belongs to (constant-time comparison), or None."""
        found = None
        for user, expected in ((ADMIN, self.admin), (VIEWER, self.viewer)):
            if hmac.compare_digest(token.encode(), expected.encode()):
                found = user
        return found

    @classmethod
    def load_or_create(cls, path: Path) -> Tokens:
        """The tokens kept in ``path``; new ones (written 0600) when it is missing or bad."""
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            tokens = cls(str(doc["admin"]), str(doc["viewer"]))
            if tokens.admin and tokens.viewer:
                return tokens
        except (OSError, ValueError, KeyError, TypeError):
            pass
        tokens = cls.generate()
        write_private(path, json.dumps({"admin": tokens.admin, "viewer": tokens.viewer}))
        return tokens


def authenticate(header: str | None, tokens: Tokens) -> User:
    """The user behind an ``Authorization: Bearer`` header; 401 otherwise."""
    if header and header.lower().startswith("bearer "):
        user = tokens.user_for(header[7:].strip())
        if user is not None:
            return user
    raise ApiError(401, "Unauthorized", "Unauthorized")


def forbidden(
    user: User,
    verb: str,
    rtype: ResourceType,
    *,
    namespace: str | None,
    name: str | None,
    subresource: str = "",
) -> ApiError:
    """The 403 Status the real API server sends, word for word."""
    target = f'{rtype.qualified} "{name}"' if name else rtype.qualified
    resource = f"{rtype.plural}/{subresource}" if subresource else rtype.plural
    scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    message = (
        f'{target} is forbidden: User "{user.name}" cannot {verb} resource "{resource}" '
        f'in API group "{rtype.group}" {scope}'
    )
    details = {"group": rtype.group, "kind": rtype.plural}
    if name:
        details["name"] = name
    return ApiError(403, "Forbidden", message, details)
