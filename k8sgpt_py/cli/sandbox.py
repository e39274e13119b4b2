"""``kai sandbox up|down|status`` (a background sandbox cluster) and ``kai demo`` (a tour)."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from k8sgpt_py.cli._context import AppContext

sandbox_app = typer.Typer(help="A local sandbox cluster that kubectl and kai can both use.")


def register(app: typer.Typer) -> None:
    """Add the ``sandbox`` group and ``demo``."""
    app.add_typer(sandbox_app, name="sandbox")
    app.command("demo", help="A guided tour of kai on a fresh sandbox cluster.")(demo)


@sandbox_app.command("up")
def up(
    ctx: typer.Context,
    reset: Annotated[bool, typer.Option("--reset", help="start again from the demo seed")] = False,
) -> None:
    """Start the sandbox in the background (state survives between commands)."""
    from k8sgpt_py.sandbox.daemon import start

    status = start(reset=reset)
    _print_status(ctx.obj, status)


@sandbox_app.command("down")
def down(
    ctx: typer.Context,
    reset: Annotated[bool, typer.Option("--reset", help="also forget its state")] = False,
) -> None:
    """Stop the background sandbox."""
    from k8sgpt_py.sandbox.daemon import stop

    _print_status(ctx.obj, stop(reset=reset))


@sandbox_app.command("status")
def status(ctx: typer.Context) -> None:
    """Is the background sandbox running, and where."""
    from k8sgpt_py.sandbox.daemon import read_status

    _print_status(ctx.obj, read_status())


def _print_status(app_ctx: AppContext, info: dict[str, object]) -> None:
    from k8sgpt_py.render.emit import document, emit_data

    if app_ctx.output != "text":
        emit_data(document("Sandbox", info), app_ctx.output, app_ctx.terminal.stdout)
        return
    err = app_ctx.terminal.err()
    if info.get("running"):
        err.print(f"sandbox running at {info['url']} (pid {info['pid']})", highlight=False)
        typer.echo(f"export KUBECONFIG={info['kubeconfig']}")
    else:
        err.print("sandbox is not running (start it with `kai sandbox up`)", highlight=False)


DEMO_STEPS = (
    ("What is running in the shop namespace?", "list pods in shop"),
    ("Fuzzy names: 'checkout' finds deployment shop/checkoutservice.", "describe checkout"),
    ("A change: kai shows the server-side dry-run diff before applying.", "scale checkout to 5"),
    ("Roll paymentservice back to its previous revision.", "roll back paymentservice"),
    ("Why is the worker in staging crashing? Read its previous logs.", "previous logs of worker"),
)


def demo(ctx: typer.Context) -> None:
    """Run the headline requests against a fresh sandbox and explain each."""
    from k8sgpt_py.cli.ask import run_request
    from k8sgpt_py.cli.history import run_undo
    from k8sgpt_py.render.text import heading, plain

    app_ctx: AppContext = dataclasses.replace(ctx.obj, use_sandbox=True, assume_yes=True)
    ctx.call_on_close(app_ctx.close)
    out = app_ctx.terminal.out()
    plain(out, "kai demo: a throwaway sandbox cluster on 127.0.0.1, changes auto-confirmed.")
    for why, request in DEMO_STEPS:
        out.print()
        plain(out, f"» {why}", style="bold magenta")
        heading(out, f'kai "{request}"')
        run_request(app_ctx, request)
    out.print()
    plain(out, "Undo the last change from the audit log:", style="bold magenta")
    run_undo(app_ctx, None)
    out.print()
    plain(
        out,
        "Next: `kai sandbox up` for a sandbox that kubectl can use too, then "
        'kai "scale cart to 3", `kai history`, `kai undo`.',
    )
