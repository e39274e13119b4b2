"""Findings and explanations for people: a severity-coloured table, the root cause, the fix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from k8sgpt_py.render.text import heading, plain, table

if TYPE_CHECKING:
    from rich.console import Console

    from k8sgpt_py.analyzers import Finding
    from k8sgpt_py.diagnose import Explanation

_STYLE = {"critical": "bold red", "warning": "yellow", "info": "dim"}


def show_findings(console: Console, findings: Sequence[Finding], *, where: str) -> None:
    """A table of findings, most severe first, and a count line."""
    if not findings:
        plain(console, f"no problems found in {where}", style="green")
        return
    rows = [
        {
            "severity": f.severity.value,
            "kind": f.kind,
            "namespace": f.namespace or "",
            "name": f.name,
            "reason": f.reason,
            "message": f.message,
        }
        for f in findings
    ]
    table(console, rows)
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.severity.value] = counts.get(f.severity.value, 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    plain(console, f"{len(findings)} findings in {where}: {summary}", style="bold")


def show_explanation(console: Console, explanation: Explanation, *, answer: str | None) -> None:
    """The explanation text (or the model's narrative), then evidence tables."""
    heading(console, f"explain {explanation.subject}")
    for line in (answer or explanation.text).splitlines():
        style = ""
        if line.startswith("Root cause"):
            style = (
                _STYLE.get(explanation.findings[0].severity.value, "")
                if explanation.findings
                else ""
            )
        elif line.startswith("Fix"):
            style = "green"
        plain(console, line, style=style)
    if explanation.events:
        console.print()
        table(console, explanation.events[-8:], title="Events", hide=("name",))
    for label, text in list(explanation.logs.items())[:3]:
        console.print()
        heading(console, f"logs {label}")
        plain(console, "\n".join(text.rstrip("\n").splitlines()[-8:]), style="dim")
