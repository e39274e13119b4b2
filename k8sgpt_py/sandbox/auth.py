"""Bearer-token users and their (very small) RBAC: an admin and a read-only viewer."""

from __future__ import annotations

from dataclasses import dataclass

from k8sgpt_py.sandbox.resources import ResourceType
from k8sgpt_py.sandbox.store import ApiError

READ_VERBS = frozenset({"get", "list", "watch"})


@dataclass(frozen=True)
class User:
    """An authenticated caller."""

    name: str
    token: str
    is_read_only: bool

    def allows(self, verb: str, resource: str, subresource: str = "") -> bool:
        """Whether RBAC lets this user do ``verb`` on ``resource[/subresource]``."""
        if resource == "selfsubjectaccessreviews" and verb == "create":
            return True
        if not self.is_read_only:
            return True
        return verb in READ_VERBS and subresource in {"", "log", "status", "scale"}


ADMIN = User("kai-admin", "kai-sandbox-admin-token", is_read_only=False)
VIEWER = User("kai-viewer", "kai-sandbox-viewer-token", is_read_only=True)
USERS = {u.token: u for u in (ADMIN, VIEWER)}


def authenticate(header: str | None) -> User:
    """The user behind an ``Authorization: Bearer`` header; 401 otherwise."""
    if header and header.lower().startswith("bearer "):
        user = USERS.get(header[7:].strip())
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
