"""Redaction of what a change carries: its patch, the tool call that made it, its request.

A patch names no kind, so :func:`k8sgpt_py.redact.redact` cannot tell that
``{"stringData": {"webhook": "..."}}`` is aimed at a Secret; the functions here take the
target's kind from the caller. The request that asked for a change can repeat a value the
change hides (``set the db password of worker to hunter2``): :func:`hidden_values` and
:func:`redact_known` take those values out of it before it is shown or written down.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from typing import Any

from k8sgpt_py.redact import REDACTED, is_credential_name, redact, redact_as_secret, redact_text

_SECRET_FIELDS = ("data", "stringData")
_MIN_KNOWN_CHARS = 3  # shorter hidden values are not searched for in free text


def is_secret_kind(kind: object) -> bool:
    """``Secret`` as a kind, plural or the way a model may spell it (``secret``)."""
    return isinstance(kind, str) and kind.lower() in ("secret", "secrets")


def redact_patch(kind: str | None, patch: Any) -> Any:
    """:func:`redact` for a patch (or manifest) of an object of ``kind``.

    For a Secret, ``data``/``stringData`` values are hidden. JSON patch operations
    (RFC 6902) hide their ``value`` under those fields or at a Secret's root, and a string
    value whose last path segment names a credential (``/metadata/annotations/api-token``).
    """
    secret = is_secret_kind(kind)
    if isinstance(patch, list):
        return [_redact_operation(op, is_secret=secret) for op in patch]
    if secret and isinstance(patch, dict):
        return redact_as_secret(patch)
    return redact(patch)


def _pointer(path: object) -> list[str]:
    """The segments of a JSON pointer (``~1`` is ``/``, ``~0`` is ``~``)."""
    parts = str(path).split("/")[1:] if str(path).startswith("/") else []
    return [p.replace("~1", "/").replace("~0", "~") for p in parts]


def _redact_operation(op: Any, *, is_secret: bool) -> Any:
    if not isinstance(op, dict) or "value" not in op:
        return redact(op)
    segments, value = _pointer(op.get("path", "")), op["value"]
    if is_secret and not segments and isinstance(value, dict):
        shown: Any = redact_as_secret(value)
    elif is_secret and segments[:1] and segments[0] in _SECRET_FIELDS:
        shown = dict.fromkeys(value, REDACTED) if isinstance(value, dict) else REDACTED
    elif segments and isinstance(value, str) and value and is_credential_name(segments[-1]):
        shown = REDACTED
    else:
        shown = redact(value)
    return {key: shown if key == "value" else redact(item) for key, item in op.items()}


def redact_tool_args(args: Any) -> Any:
    """A tool call's arguments as shown or recorded.

    A ``patch`` is redacted for the ``kind`` beside it, a YAML ``manifest`` document by
    document (each names its own kind); everything else (arguments that are not a mapping,
    such as a model's unparsable JSON, too) as by :func:`redact`.
    """
    if not isinstance(args, Mapping):
        return redact(args)
    out = dict(args)
    if "patch" in out:
        out["patch"] = redact_patch(out.get("kind"), out["patch"])
    if isinstance(out.get("manifest"), str):
        out["manifest"] = _redact_manifest_text(out["manifest"])
    return dict(redact(out))


def _redact_manifest_text(text: str) -> str:
    import yaml

    try:
        docs = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    except yaml.YAMLError:
        return redact_text(text)
    shown = [redact(doc) for doc in docs]
    if shown == docs or not all(isinstance(doc, dict) for doc in docs):
        return redact_text(text)  # nothing hidden as objects: keep the text as written
    return yaml.safe_dump_all(shown, sort_keys=False)


def hidden_values(kind: str | None, body: Any) -> set[str]:
    """The strings :func:`redact_patch` hides whole in a patch or manifest of ``kind``.

    For Secret data the decoded text is one of them too.
    """
    found: set[str] = set()
    _collect(body, redact_patch(kind, body), found)
    return found


def _collect(raw: Any, shown: Any, found: set[str]) -> None:
    if isinstance(raw, dict) and isinstance(shown, dict):
        for key, value in raw.items():
            if key in shown:
                _collect(value, shown[key], found)
    elif isinstance(raw, list) and isinstance(shown, list) and len(raw) == len(shown):
        for item, shown_item in zip(raw, shown, strict=True):
            _collect(item, shown_item, found)
    elif isinstance(raw, str) and shown == REDACTED and REDACTED not in raw:
        found.add(raw)
        try:
            decoded = base64.b64decode(raw, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return
        if decoded.isprintable():
            found.add(decoded)


def redact_known(text: str, values: Iterable[str]) -> str:
    """``text`` with each of ``values`` (as a whole word) replaced by the redaction marker."""
    for value in sorted(set(values), key=len, reverse=True):
        if len(value) >= _MIN_KNOWN_CHARS and value in text:
            word = re.compile(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])")
            text = word.sub(REDACTED, text)
    return text
