"""Prompt files: the only code that reads ``prompts/``.

Prompts are Markdown files with ``$name`` placeholders filled by
``string.Template.substitute`` (a missing value raises). A placeholder whose name matches
a partial file ``_name.md`` is filled with that partial, rendered with the same values.
Files are read from ``<repo>/prompts`` in a checkout, else from the installed package
(``k8sgpt_py/prompts``). ``PROMPT_VERSION`` is a short hash of all prompt files, recorded
in the audit log so answers can be traced to the prompts that produced them.
"""

from __future__ import annotations

import functools
import hashlib
import string
from datetime import date
from importlib.abc import Traversable
from importlib.resources import files
from pathlib import Path

DATA_OPEN = "<cluster_data>"
DATA_CLOSE = "</cluster_data>"


@functools.cache
def prompts_dir() -> Traversable:
    """Where prompt files live: the repo's ``prompts/`` if present, else the package's."""
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "prompts" / "system.md").is_file():
        return root / "prompts"
    return files("k8sgpt_py") / "prompts"


def load_prompt(name: str) -> str:
    """Raw text of ``<name>.md`` (no substitution).

    Raises:
        FileNotFoundError: No such prompt file.
    """
    path = prompts_dir() / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(f"prompt file {name}.md not found in {prompts_dir()}")
    return path.read_text(encoding="utf-8")


def render(name: str, /, **values: str) -> str:
    """Render ``<name>.md`` with ``values``; partial placeholders are filled automatically.

    Raises:
        KeyError: A placeholder has no value (``string.Template.substitute``).
    """
    return _render(name, values, seen=(name,)).strip() + "\n"


def _render(name: str, values: dict[str, str], *, seen: tuple[str, ...]) -> str:
    template = string.Template(load_prompt(name))
    filled = dict(values)
    for ident in template.get_identifiers():
        partial = f"_{ident}"
        if ident not in filled and partial not in seen and _exists(partial):
            filled[ident] = _render(partial, values, seen=(*seen, partial)).strip()
    return template.substitute(filled)


def _exists(name: str) -> bool:
    return (prompts_dir() / f"{name}.md").is_file()


# What the model is told about the mode (``$mode``), per ``ToolContext.mode``
MODES = {
    "read_only": "read-only (--read-only): you have no write tools. If asked for a change, "
    "say which change you would make and why, and that kai runs read-only, so nothing was "
    "changed",
    "dry_run": "dry run (--dry-run): write tools propose changes; kai validates them "
    "(guardrails, RBAC, a server-side dry run) and shows the diff, but applies nothing. "
    "Say the change was previewed, not made",
    "confirm": "confirm: write tools propose changes; kai validates them, shows the diff and "
    "asks the user to confirm before applying anything. Say what you proposed and that it "
    "waits for their confirmation",
    "preview": "preview (no terminal and no --yes): write tools propose changes; kai validates "
    "them and shows the diff, but cannot ask for confirmation, so it applies nothing. Say "
    "what you proposed and that re-running with --yes applies it",
    "apply": "apply (--yes): write tools propose changes; kai validates each one (guardrails, "
    "RBAC, a server-side dry run) and then applies it without asking. Say what you "
    "proposed; kai itself reports what it applied",
}
# The note on a write tool's result, per mode
PROPOSAL_NOTES = {
    "read_only": "not proposed: kai runs read-only",
    "dry_run": "proposed only: kai will validate it and show the diff as a dry run; nothing "
    "will be applied",
    "confirm": "proposed only: kai will show the user a dry-run diff and ask them to confirm; "
    "nothing has been changed",
    "preview": "proposed only: kai will show the diff but cannot ask for confirmation, so "
    "nothing will be applied",
    "apply": "proposed: kai will validate it and then apply it without asking (--yes); "
    "nothing has been changed yet",
}
REFUSED_NOTE = (
    "kai refused this proposal, so it will not happen: tell the user it was refused and why; "
    "do not claim it, and do not try to get the same change through another tool"
)


def system_prompt(
    *,
    context: str | None,
    namespace: str | None,
    read_only: bool,
    today: date,
    mode: str = "confirm",
) -> str:
    """The system prompt of the tool-calling chain.

    Args:
        context: Kube context name (``None`` -> "current context").
        namespace: Default namespace for requests that name none.
        read_only: Whether write tools are withheld (forces the read-only mode).
        today: The date the model should assume (clock is a parameter).
        mode: What happens to proposals: a ``tools.base.WriteMode`` (``MODES`` keys).
    """
    return render(
        "system",
        context=context or "(current context)",
        namespace=namespace or "default",
        today=today.isoformat(),
        mode=MODES["read_only" if read_only else mode],
    )


def fence(text: str) -> str:
    """Wrap cluster text in data delimiters, neutralising any delimiter inside it."""
    inner = text.replace(DATA_CLOSE, "<\\/cluster_data>").replace(DATA_OPEN, "<cluster_data\\>")
    return f"{DATA_OPEN}\n{inner}\n{DATA_CLOSE}"


def explain_prompt(*, findings: str, subject: str) -> str:
    """The prompt for ``kai explain``: root cause and fix for each problem in ``findings``.

    Args:
        findings: The findings as text or JSON (already redacted by the caller).
        subject: What was checked, e.g. ``"namespace shop"`` or ``"pod shop/cart-1"``.
    """
    inner = findings.replace(DATA_CLOSE, "<\\/cluster_data>")
    return render("explain", findings=inner, subject=subject)


def _all_files() -> list[Traversable]:
    return sorted(
        (p for p in prompts_dir().iterdir() if p.name.endswith(".md")), key=lambda p: p.name
    )


@functools.cache
def prompt_version() -> str:
    """12 hex digits of a SHA-256 over every prompt file's name and contents."""
    digest = hashlib.sha256()
    for path in _all_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def __getattr__(name: str) -> str:
    if name == "PROMPT_VERSION":  # computed on first use: no file reads at import time
        return prompt_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
