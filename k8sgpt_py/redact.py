"""Redaction of secrets before anything reaches the LLM, logs, the audit file or the screen.

This module and :mod:`k8sgpt_py.redact_changes` (patches, tool arguments and the request
of a change, which need to know the kind they are aimed at) decide what is hidden. Entry points:

- :func:`redact` walks JSON-like data (Kubernetes objects, tool results, output documents)
  and returns a redacted deep copy; it runs :func:`redact_text` on every string it meets.
- :func:`redact_text` scrubs free text (logs, events, error messages, diffs).
- :func:`redact_pair` redacts two versions of one object for a diff, marking hidden values
  that changed so the diff still shows that they change.

All three are idempotent: redacting redacted output changes nothing.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any

REDACTED = "[REDACTED]"
CHANGED = " (changed)"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

# Words that make a *name* (env var, config key) look like it holds a credential.
_CREDENTIAL_WORDS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "pass",
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
        "pass",
        "pwd",
        "secret",
        "token",
        "apikey",
        "credential",
        "credentials",
        "privatekey",
        "dsn",
    }
)
# Run-together names: PGPASSWORD, SECRETKEY, clientsecret, authtoken.
_COMPOUND_ENDINGS = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "secretkey",
    "privatekey",
    "accesskey",
    "credential",
    "credentials",
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
        return any(w in _CREDENTIAL_WORDS or w.endswith(_COMPOUND_ENDINGS) for w in words)
    last = words[-1]
    if last in _LAST_WORDS or last.endswith(_COMPOUND_ENDINGS):
        return True
    if len(words) == 1 and last == "auth":
        return True
    return last == "key" and len(words) > 1 and words[-2] in _KEY_QUALIFIERS


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


_FLAG = re.compile(r"--?(?P<name>[A-Za-z][\w.-]*)")


def _redact_list(items: list[Any] | tuple[Any, ...], parent_kind: str | None) -> list[Any]:
    """Items in order; the item after a credential flag (``["--db-password", "x"]``) is hidden."""
    out: list[Any] = []
    hide_next = False
    for item in items:
        if hide_next and isinstance(item, str) and item and not item.startswith("-"):
            out.append(REDACTED)
            hide_next = False
            continue
        flag = _FLAG.fullmatch(item) if isinstance(item, str) else None
        hide_next = flag is not None and is_credential_name(flag.group("name"))
        out.append(_walk(item, parent_kind))
    return out


def _walk(obj: Any, parent_kind: str | None) -> Any:
    if isinstance(obj, dict):
        return _redact_dict(obj, parent_kind)
    if isinstance(obj, list):
        return _redact_list(obj, parent_kind)
    if isinstance(obj, tuple):
        return tuple(_redact_list(obj, parent_kind))
    if isinstance(obj, str):
        return redact_text(obj)
    return obj


def redact(obj: Any) -> Any:
    """Return a redacted deep copy of JSON-like data.

    Secret ``data``/``stringData`` values, env values whose name looks like a credential,
    mapping values under credential-like keys, list items after a credential flag
    (``args: [--db-password, x]``) and the contents of the ``last-applied-configuration``
    annotation are replaced by ``[REDACTED]``; every other string goes through
    :func:`redact_text`. Keys are kept so the shape stays readable.
    """
    return _walk(obj, None)


def redact_as_secret(obj: dict[str, Any]) -> dict[str, Any]:
    """:func:`redact` for a mapping known to be a Secret (or a patch to one) without a kind.

    Its ``data``/``stringData`` values are hidden whatever their keys.
    """
    return _redact_dict(obj, "SecretList")


def redact_pair(before: Any, after: Any) -> tuple[Any, Any]:
    """Redacted copies of two versions of one object, for showing a diff between them.

    A hidden value that differs between the versions is shown as ``[REDACTED] (changed)``
    on the ``after`` side, so a change that only touches secret values still shows up (and
    the diff is never empty when the objects differ). No fingerprint of the value is shown:
    a short hash of a weak password can be brute-forced offline and would link equal
    values across objects, while "(changed)" tells the reviewer all the diff needs to say.
    """
    red_before, red_after = redact(before), redact(after)
    return red_before, _mark_changed(before, after, red_before, red_after)


def _mark_changed(raw_b: Any, raw_a: Any, red_b: Any, red_a: Any) -> Any:
    if isinstance(red_a, dict) and isinstance(red_b, dict):
        if not (isinstance(raw_a, dict) and isinstance(raw_b, dict)):
            return red_a
        return {
            key: _mark_changed(raw_b[key], raw_a[key], red_b[key], value)
            if key in red_b and key in raw_b and key in raw_a
            else value
            for key, value in red_a.items()
        }
    if isinstance(red_a, list) and isinstance(red_b, list):
        if not (isinstance(raw_a, list) and isinstance(raw_b, list)):
            return red_a
        return _mark_list(raw_b, raw_a, red_b, red_a)
    if isinstance(red_a, str) and red_a == red_b and raw_a != raw_b:
        return _with_changed_mark(red_a)
    return red_a


def _named(items: list[Any]) -> dict[str, int] | None:
    """Index by ``name`` when every item is a dict with a unique name (env, containers)."""
    names = [item.get("name") if isinstance(item, dict) else None for item in items]
    if not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
        return None
    return {str(n): i for i, n in enumerate(names)}


def _mark_list(raw_b: list[Any], raw_a: list[Any], red_b: list[Any], red_a: list[Any]) -> list[Any]:
    by_name_b, by_name_a = _named(raw_b), _named(raw_a)
    if by_name_b is not None and by_name_a is not None:
        pairs = {i: by_name_b.get(name) for name, i in by_name_a.items()}
    else:
        pairs = {i: i if i < len(raw_b) else None for i in range(len(raw_a))}
    out = list(red_a)
    for i, j in pairs.items():
        if j is not None:
            out[i] = _mark_changed(raw_b[j], raw_a[i], red_b[j], red_a[i])
    return out


def _with_changed_mark(text: str) -> str:
    """``...[REDACTED]...`` -> ``...[REDACTED] (changed)...`` (once, after the last one)."""
    if CHANGED in text:
        return text
    cut = text.rfind(REDACTED)
    if cut < 0:
        return text + CHANGED
    cut += len(REDACTED)
    return text[:cut] + CHANGED + text[cut:]


# Every pattern below needs one of these (lower-cased) substrings; text without any is
# returned as is. Substring tests are ~10x faster than one big regex alternation.
_TRIGGERS = (
    *("pass", "secret", "token", "key", "credential", "auth", "pwd", "dsn", "bearer", "eyj"),
    *("sk-", "sk_", "pk_", "rk_", "akia", "asia", "agpa", "aida", "aroa", "anpa", "anva"),
    *("aipa", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat", "xox", "aiza", "glpat"),
    *("://", "hooks.slack.com", "/api/webhooks/"),
)
_LINE_MODE_CHARS = 4096
_PEM_BEGIN = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----")
_PEM_BODY_LINE = re.compile(r"[A-Za-z0-9+/=]+|(?:Proc-Type|DEK-Info|Comment): .*")
_PEM_INLINE = re.compile(r"(?:\\[rn]|[A-Za-z0-9+/=])*")  # the rest of the BEGIN line
_PEM_MAX_LINES = 256  # an RSA-16384 key is ~200 lines of 64 characters
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
_WEBHOOK = re.compile(
    r"(?i)\b((?:hooks\.slack\.com/(?:services|workflows|triggers)"
    r"|discord(?:app)?\.com/api/webhooks)/)(?!\[REDACTED\])[A-Za-z0-9_/-]+"
)
_URL_CREDS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^\s/:@\"']*):([^\s/@\"']+)@")
# Pairs match only the key; separator and value sit in a lookahead so a key that turns out
# not to be a credential does not swallow the next one (``args: --password=x``).
_VALUE = r"(?P<val>\[REDACTED\]|\"[^\"\n]*\"|'[^'\n]*'|[^\s,;&\"'}\]]+)"
_PAIR = re.compile(
    r"(?<![\w.])(?P<key>[A-Za-z_][\w.-]*)(?=(?P<q>[\"']?)(?P<sep>[ \t]*[:=][ \t]*)" + _VALUE + ")"
)
# ``--db-password VALUE``, and ``token VALUE`` in prose when VALUE looks generated.
_SPACED = re.compile(
    r"(?<![\w.])(?P<dash>--?)?(?P<key>[A-Za-z_][\w.-]*)"
    r"(?=(?P<sep>[ \t]+)(?P<val>\[REDACTED\]|\"[^\"\n]*\"|'[^'\n]*'|[^\s\"']+))"
)
_GENERATED = re.compile(
    r"(?=[^\s]*\d)(?=[^\s]*[A-Za-z])[A-Za-z0-9+/=_.~-]{6,}|[A-Za-z0-9+/=_]{20,}"
)
# Values that are never a credential: ``automountServiceAccountToken: false``.
_PLAIN_VALUES = frozenset({"", "true", "false", "null", "none", "~"})
# Bare words that in prose name an object, not a value: 'secret db-creds2 not found'.
_NOT_PROSE_KEYS = frozenset({"secret", "credential", "credentials", "auth", "dsn"})


def _pair(match: re.Match[str]) -> str | None:
    key, val = match.group("key"), match.group("val")
    broad = key.isupper() and "=" in match.group("sep")  # env dumps: SECRET_KEY_BASE=...
    if _is_plain(val) or not is_credential_name(key, broad=broad):
        return None
    quote = val[0] if val[:1] in ("'", '"') else ""
    return f"{quote}{REDACTED}{quote}"


def _spaced(match: re.Match[str]) -> str | None:
    key, val = match.group("key"), match.group("val")
    if _is_plain(val) or not is_credential_name(key):
        return None
    if match.group("dash"):
        if val.startswith("-"):
            return None
        quote = val[0] if val[:1] in ("'", '"') else ""
        return f"{quote}{REDACTED}{quote}"
    if key.lower() in _NOT_PROSE_KEYS or not _GENERATED.fullmatch(val):
        return None
    return REDACTED


def _is_plain(val: str) -> bool:
    """Already redacted, empty, or a boolean/null: nothing to hide."""
    return REDACTED in val or val.strip("\"'").lower() in _PLAIN_VALUES


def _sub_values(
    pattern: re.Pattern[str], text: str, replace: Callable[[re.Match[str]], str | None]
) -> str:
    """Replace the ``val`` group of each match that ``replace`` accepts (key kept)."""
    parts: list[str] = []
    pos = 0
    for match in pattern.finditer(text):
        if match.start() < pos:
            continue
        new = replace(match)
        if new is None:
            continue
        parts.append(text[pos : match.start("val")])
        parts.append(new)
        pos = match.end("val")
    if not parts:
        return text
    parts.append(text[pos:])
    return "".join(parts)


def _auth_header(match: re.Match[str]) -> str:
    scheme = f"{match.group(2)} " if match.group(2) else ""
    return f"{match.group(1)}{scheme}{REDACTED}"


def redact_text(text: str) -> str:
    """Scrub credentials from free text; ordinary text comes back unchanged.

    Covers PEM private keys (up to their END line, a blank line or the first line that is
    not key material), ``Authorization:`` headers, bearer tokens, JWTs, well-known API key
    formats (``sk-…``, ``sk_live_…``, AWS, GitHub, Slack, Google), Slack and Discord
    webhook URLs, ``user:pass@`` in URLs, ``password=…``/``DB_PASS: …`` pairs, credential
    flags (``--db-password VALUE``) and ``token VALUE`` when VALUE looks generated.
    """
    if not text or not _has_trigger(text):
        return text
    if "PRIVATE KEY-----" in text:
        text = _redact_pem(text)
    if len(text) <= _LINE_MODE_CHARS:
        return _scrub(text)
    # Long text (logs): only lines that could hold a credential go through the regexes.
    return "".join(
        _scrub(line) if _has_trigger(line) else line for line in text.splitlines(keepends=True)
    )


def _has_trigger(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in _TRIGGERS)


def may_hold_credential(text: str) -> bool:
    """Cheap test: does ``text`` hold a word any credential pattern needs (token, pass, ...)?

    False means :func:`redact_text` leaves it, and whatever follows it, alone.
    """
    return _has_trigger(text)


def _redact_pem(text: str) -> str:
    parts: list[str] = []
    pos = 0
    for match in _PEM_BEGIN.finditer(text):
        if match.start() < pos:
            continue
        parts.append(text[pos : match.end()] + REDACTED)
        pos = _pem_end(text, match)
    parts.append(text[pos:])
    return "".join(parts)


def _pem_end(text: str, begin: re.Match[str]) -> int:
    """Where the text after a private key block resumes (the block itself is hidden)."""
    start = begin.end()
    if text.startswith(REDACTED, start):
        return start + len(REDACTED)
    end_marker = f"-----END {begin.group(1)}PRIVATE KEY-----"
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    found = text.find(end_marker, start, line_end)
    if found >= 0:  # one-line or JSON-escaped key
        return found + len(end_marker)
    inline = _PEM_INLINE.match(text, start, line_end)
    rest_at = inline.end() if inline else start
    if text[rest_at:line_end].strip():
        return rest_at  # the key stops mid-line (a closing quote, a comma)
    pos = line_end
    for _ in range(_PEM_MAX_LINES):
        if pos >= len(text):
            return pos
        next_end = text.find("\n", pos + 1)
        next_end = len(text) if next_end < 0 else next_end
        line = text[pos + 1 : next_end].strip()
        if line.startswith(end_marker):
            return pos + 1 + text[pos + 1 : next_end].index(end_marker) + len(end_marker)
        if not line or not _PEM_BODY_LINE.fullmatch(line):
            return pos
        pos = next_end
    return pos


def ends_in_private_key(text: str) -> bool:
    """Whether whole-line ``text`` ends inside a PEM private key: more of it may follow.

    For text that arrives in pieces (:mod:`k8sgpt_py.redact_stream`): such text must be held
    until the block ends (END line, blank line, a line that is not key material, or
    ``_PEM_MAX_LINES``), since :func:`redact_text` recognises the body only after BEGIN.
    """
    body = text.removesuffix("\n")
    if "PRIVATE KEY-----" not in body:
        return False
    begins = list(_PEM_BEGIN.finditer(body))
    if not begins:
        return False
    last = begins[-1]
    if f"-----END {last.group(1)}PRIVATE KEY-----" in body[last.end() :]:
        return False
    return _pem_end(body, last) >= len(body)


def _scrub(text: str) -> str:
    text = _AUTH_HEADER.sub(_auth_header, text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _JWT.sub(REDACTED, text)
    text = _TOKENS.sub(REDACTED, text)
    text = _WEBHOOK.sub(lambda m: f"{m.group(1)}{REDACTED}", text)
    text = _URL_CREDS.sub(lambda m: f"{m.group(1)}{m.group(2)}:{REDACTED}@", text)
    text = _sub_values(_PAIR, text, _pair)
    return _sub_values(_SPACED, text, _spaced)
