"""``kai sandbox up|down|status`` (a background sandbox cluster) and ``kai demo`` (a tour)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
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


DEMO_STEPS: tuple[tuple[str, list[str]], ...] = (
    ("What is running in the shop namespace?", ["list pods in shop"]),
    ("Scan staging with every analyzer (no model needed).", ["-n", "staging", "scan"]),
    (
        "Why is the worker crashing? Evidence, root cause and fix (kai explain, no model needed).",
        ["why is the worker crashing?"],
    ),
    ("And the pending bigjob? The placement advisor does the maths.", ["explain", "bigjob"]),
    (
        "Capacity from the forecast: the server-side dry-run diff comes first.",
        ["--yes", "scale checkout to handle Friday traffic"],
    ),
    (
        "Would 40 checkout replicas fit? If not, how many nodes to add?",
        ["advise", "placement", "--what-if", "checkout=40"],
    ),
    ("Anything unusual in the metrics? (a memory leak was injected)", ["-n", "shop", "anomalies"]),
    ("Roll paymentservice back to its previous revision.", ["--yes", "roll back paymentservice"]),
    ("Every change is audited...", ["history"]),
    ("...and can be undone (shown as a diff first).", ["--yes", "undo"]),
)


def demo(ctx: typer.Context) -> None:
    """Run the headline commands against one fresh sandbox, explaining each."""
    import os
    import tempfile
    from pathlib import Path

    import typer.main

    from k8sgpt_py.cli import _globals, app, report_error
    from k8sgpt_py.errors import KaiError
    from k8sgpt_py.render.text import heading, plain
    from k8sgpt_py.sandbox import Sandbox

    app_ctx: AppContext = ctx.obj
    out = app_ctx.terminal.out()
    command = typer.main.get_command(app)
    commands = set(getattr(command, "commands", {}))
    plain(out, "kai demo: a throwaway sandbox cluster on 127.0.0.1; changes are auto-confirmed.")
    saved_state = os.environ.get("XDG_STATE_HOME")
    with tempfile.TemporaryDirectory(prefix="kai-demo-") as tmp, Sandbox() as box:
        kubeconfig = str(box.write_kubeconfig(Path(tmp) / "kubeconfig"))
        os.environ["XDG_STATE_HOME"] = tmp  # the tour's audit log is not the user's
        try:
            for why, argv in DEMO_STEPS:
                out.print()
                plain(out, f"» {why}", style="bold magenta")
                heading(out, "kai " + " ".join(f'"{a}"' if " " in a else a for a in argv))
                args = _globals.rewrite_argv(["--kubeconfig", kubeconfig, *argv], commands)
                try:
                    command.main(args=args, prog_name="kai", standalone_mode=False)
                except KaiError as exc:
                    report_error(exc.message, exc.hint)
        finally:
            if saved_state is None:
                os.environ.pop("XDG_STATE_HOME", None)
            else:
                os.environ["XDG_STATE_HOME"] = saved_state
    out.print()
    plain(
        out,
        "Next: `kai sandbox up` for a sandbox that kubectl can use too; "
        "set KAI_MODEL (and OPENAI_API_KEY or KAI_BASE_URL) to plan with an LLM.",
    )
