"""``kai version``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add ``version``."""
    app.command("version", help="Print kai's version.")(version)


def version(ctx: typer.Context) -> None:
    """Print the version (as a document with -o json/yaml)."""
    from k8sgpt_py import __version__
    from k8sgpt_py.render.emit import document, emit_data

    if ctx.obj.output == "text":
        typer.echo(f"kai {__version__}")
    else:
        emit_data(
            document("Version", {"kai": __version__}), ctx.obj.output, ctx.obj.terminal.stdout
        )
