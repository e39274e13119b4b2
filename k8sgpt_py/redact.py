"""Redaction of secrets before anything reaches the LLM, logs, the audit file or stdout.

Two entry points: :func:`redact` walks JSON-like data (Kubernetes objects, tool results)
and returns a redacted deep copy; :func:`redact_text` scrubs free text (logs, events,
error messages). ``redact`` also runs ``redact_text`` on every string it meets.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

REDACTED = "[REDACTED]"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

# Words that make a *name* (env var, config key) look like it holds a credential.
_CREDENTIAL_WORDS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "pwd",
        "secret",
        "token",
        "apikey",
        "credential",
        "credentials",
        "auth",
        "private",
        "privatekey",
        "key",
        "dsn",
    }
)
# For generic keys only the last word counts, and "key" needs a qualifying word before it,
# so ``secretName``, ``tokenExpirationSeconds`` and toleration ``key`` stay readable.
_LAST_WORDS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "credential",
        "credentials",
        "privatekey",
        "dsn",
    }
)
_KEY_QUALIFIERS = frozenset({"api", "access", "secret", "private", "signing", "encryption", "auth"})
_SECRET_TYPES = ("Opaque", "kubernetes.io/", "bootstrap.kubernetes.io/", "helm.sh/")

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", _CAMEL.sub("_", name).lower()) if w]


@functools.lru_cache(maxsize=4096)
def is_credential_name(name: str, *, broad: bool = False) -> bool:
    """True when ``name`` looks like it labels a credential.

    Args:
        name: An env var name or a mapping key (``DB_PASSWORD``, ``apiKey``, ``x-api-key``).
        broad: Env var rule: any word counts (``AWS_SECRET_ACCESS_KEY``, ``SECRET_KEY_BASE``).
            Otherwise only the last word(s) count, so ``secretName`` is not a credential.
    """
    words = _words(name)
    if not words:
        return False
    if broad:
        return any(w in _CREDENTIAL_WORDS for w in words)
    if words[-1] in _LAST_WORDS or (len(words) == 1 and words[0] in {"auth", "pwd"}):
        return True
    return words[-1] == "key" and len(words) > 1 and words[-2] in _KEY_QUALIFIERS


def _is_secret_object(obj: dict[str, Any], parent_kind: str | None) -> bool:
    kind = obj.get("kind")
    if kind == "Secret" or (kind is None and parent_kind == "SecretList"):
        return True
    type_ = obj.get("type")
    return (
        kind is None
        and isinstance(type_, str)
        and type_.startswith(_SECRET_TYPES)
        and isinstance(obj.get("data", obj.get("stringData")), dict)
    )


def _redact_values(data: Any) -> Any:
    if isinstance(data, dict):
        return dict.fromkeys(data, REDACTED)
    return REDACTED if data else data


def _redact_last_applied(text: str) -> str:
    try:
        parsed = json.loads(text)
    except ValueError:
        return redact_text(text)
    return json.dumps(redact(parsed), separators=(",", ":"), sort_keys=True)


def _redact_dict(obj: dict[str, Any], parent_kind: str | None) -> dict[str, Any]:
    is_secret = _is_secret_object(obj, parent_kind)
    kind = obj.get("kind") if isinstance(obj.get("kind"), str) else None
    is_env = isinstance(obj.get("name"), str) and "value" in obj and len(obj) <= 3
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if is_secret and key in ("data", "stringData"):
            out[key] = _redact_values(value)
        elif is_env and key == "value" and is_credential_name(obj["name"], broad=True):
            out[key] = REDACTED if value else value
        elif key == LAST_APPLIED and isinstance(value, str):
            out[key] = _redact_last_applied(value)
        elif isinstance(value, str) and value and is_credential_name(str(key)):
            out[key] = REDACTED
        else:
            out[key] = _walk(value, kind)
    return out


def _walk(obj: Any, parent_kind: str | None) -> Any:
    if isinstance(obj, dict):
        return _redact_dict(obj, parent_kind)
    if isinstance(obj, list):
        return [_walk(item, parent_kind) for item in obj]
    if isinstance(obj, tuple):
        return tuple(_walk(item, parent_kind) for item in obj)
    if isinstance(obj, str):
        return redact_text(obj)
    return obj


def redact(obj: Any) -> Any:
    """Return a redacted deep copy of JSON-like data.

    Secret ``data``/``stringData`` values, env values whose name looks like a credential,
    mapping values under credential-like keys, and the contents of the
    ``last-applied-configuration`` annotation are replaced by ``[REDACTED]``; every other
    string goes through :func:`redact_text`. Keys are kept so the shape stays readable.
    """
    return _walk(obj, None)


# Every pattern below needs one of these (lower-cased) substrings; text without any is
# returned as is. Substring tests are ~10x faster than one big regex alternation.
_TRIGGERS = (
    *("pass", "secret", "token", "key", "credential", "auth", "pwd", "dsn", "bearer", "eyj"),
    *("sk-", "sk_", "pk_", "rk_", "akia", "asia", "agpa", "aida", "aroa", "anpa", "anva"),
    *("aipa", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat", "xox", "aiza", "glpat"),
    "://",
)
_LINE_MODE_CHARS = 4096
_PEM = re.compile(
    r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----.*?(?:-----END \1PRIVATE KEY-----|\Z)", re.S
)
_AUTH_HEADER = re.compile(
    r"(?i)\b((?:proxy-)?authorization\b[\"']?\s*[:=]\s*[\"']?)"
    r"(?:(bearer|basic|token|digest|negotiate|apikey)\s+)?[^\s\"',;]+"
)
_BEARER = re.compile(r"(?i)\b(bearer)\s+(?!\[REDACTED\])[A-Za-z0-9\-._~+/]{8,}=*")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
_TOKENS = re.compile(
    r"\b(?:"
    r"sk-(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{20,}"  # OpenAI / Anthropic style
    r"|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{10,}"  # Stripe style
    r"|(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}"  # AWS key ids
    r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}"  # GitHub
    r"|xox[abposr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|AIza[0-9A-Za-z_-]{35}"  # Google API keys
    r"|glpat-[A-Za-z0-9_-]{20,}"  # GitLab
    r")"
)
_URL_CREDS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^\s/:@\"']+):([^\s/@\"']+)@")
_PAIR = re.compile(
    r"(?P<key>[A-Za-z_][\w.-]*)(?P<q>[\"']?)(?P<sep>[ \t]*[:=][ \t]*)"
    r"(?P<val>\"[^\"\n]*\"|'[^'\n]*'|[^\s,;&\"'}\]]+)"
)


def _pair(match: re.Match[str]) -> str:
    key, val = match.group("key"), match.group("val")
    if not is_credential_name(key) or REDACTED in val:
        return match.group(0)
    quote = val[0] if val[:1] in ("'", '"') else ""
    return f"{key}{match.group('q')}{match.group('sep')}{quote}{REDACTED}{quote}"


def _auth_header(match: re.Match[str]) -> str:
    scheme = f"{match.group(2)} " if match.group(2) else ""
    return f"{match.group(1)}{scheme}{REDACTED}"


def redact_text(text: str) -> str:
    """Scrub credentials from free text; ordinary text comes back unchanged.

    Covers PEM private keys, ``Authorization:`` headers, bearer tokens, JWTs, well-known
    API key formats (``sk-…``, ``sk_live_…``, AWS, GitHub, Slack, Google), ``user:pass@``
    in URLs and ``password=…``/``token: …``/``secret=…`` pairs.
    """
    if not text or not _has_trigger(text):
        return text
    if "PRIVATE KEY-----" in text:
        text = _PEM.sub(lambda m: f"-----BEGIN {m.group(1)}PRIVATE KEY-----{REDACTED}", text)
    if len(text) <= _LINE_MODE_CHARS:
        return _scrub(text)
    # Long text (logs): only lines that could hold a credential go through the regexes.
    return "".join(
        _scrub(line) if _has_trigger(line) else line for line in text.splitlines(keepends=True)
    )


def _has_trigger(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in _TRIGGERS)


def _scrub(text: str) -> str:
    text = _AUTH_HEADER.sub(_auth_header, text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _JWT.sub(REDACTED, text)
    text = _TOKENS.sub(REDACTED, text)
    text = _URL_CREDS.sub(lambda m: f"{m.group(1)}{m.group(2)}:{REDACTED}@", text)
    return _PAIR.sub(_pair, text)
