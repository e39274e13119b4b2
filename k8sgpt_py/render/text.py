"""Text renderers: kubectl-like tables, YAML, logs and coloured diffs (plain when piped).

Every function here redacts what it prints (``k8sgpt_py.redact``), so text output is
scrubbed at the boundary whatever the caller passed; JSON/YAML documents are scrubbed in
``render.emit``. Redaction is idempotent, so already-redacted input is shown as is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

_SHARED = ("kind", "namespace")  # dropped when every row has the same value
# what text from the cluster or a model must not send to a terminal: escape sequences (CSI,
# OSC such as a hyperlink or window title), other C0/C1 controls, bidirectional overrides
_TERMINAL_UNSAFE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


def terminal_safe(text: str) -> str:
    """``text`` without what could drive the terminal (colours, cursor moves, titles, links)."""
    return _TERMINAL_UNSAFE.sub("", text)


def _cell(value: Any) -> str:
    if value is None:
        return "<none>"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value) or "<none>"
    return str(value)


def table(
    console: Console,
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str | None = None,
    hide: Sequence[str] = (),
) -> None:
    """Rows of flat dicts as an aligned table (header from the first row's keys)."""
    from rich import box
    from rich.table import Table

    if not rows:
        return
    from k8sgpt_py.redact import redact

    rows = redact([dict(row) for row in rows])
    columns = [k for k in rows[0] if k not in hide]
    for key in _SHARED:
        if key in columns and all(r.get(key) == rows[0].get(key) for r in rows):
            columns.remove(key)
    grid = Table(
        box=box.SIMPLE_HEAD if console.is_terminal else None,
        show_edge=False,
        pad_edge=False,
        title=title,
        title_justify="left",
        header_style="bold" if console.is_terminal else "",
    )
    for column in columns:
        grid.add_column(column.upper().replace("_", "-"), overflow="fold")
    for row in rows:
        grid.add_row(*(_cell(row.get(c)) for c in columns))
    console.print(grid)


def yaml_block(console: Console, data: Any) -> None:
    """Data as YAML (syntax-coloured on a terminal)."""
    import yaml

    from k8sgpt_py.redact import redact

    text = yaml.safe_dump(
        redact(data), sort_keys=False, default_flow_style=False, allow_unicode=True
    )
    if console.is_terminal:
        from rich.syntax import Syntax

        console.print(Syntax(text.rstrip(), "yaml", theme="ansi_dark", background_color="default"))
    else:
        console.out(text.rstrip(), highlight=False)


def diff_block(console: Console, diff: str) -> None:
    """A unified diff: red/green on a terminal, verbatim when piped."""
    if not diff:
        console.out("(no change)", highlight=False)
        return
    from k8sgpt_py.redact import redact_text

    diff = redact_text(diff)
    if not console.is_terminal:
        console.out(diff.rstrip("\n"), highlight=False)
        return
    from rich.text import Text

    for line in diff.rstrip("\n").splitlines():
        style = ""
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        console.print(Text(line, style=style))


def plain(console: Console, text: str, *, style: str = "") -> None:
    """Text we do not control (logs, model answers, messages): never parsed as markup."""
    from rich.text import Text

    from k8sgpt_py.redact import redact_text

    if console.is_terminal:
        console.print(Text(terminal_safe(redact_text(text)), style=style))
    else:
        console.print(Text(redact_text(text)))


def heading(console: Console, text: str) -> None:
    """A step heading: `● list pods in namespace shop`."""
    from rich.text import Text

    from k8sgpt_py.redact import redact_text

    text = redact_text(text)
    if console.is_terminal:
        console.print(Text("● ", style="cyan") + Text(text, style="bold"))
    else:
        console.out(f"# {text}", highlight=False)
