"""The ``kai`` command: ``kai "REQUEST"`` plus explain, scan, forecast, anomalies, advise, ...

``main()`` is the single error boundary: it turns kai errors into one line on stderr (plus a
hint) and the documented exit code. Global options may stand before or after the request.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from k8sgpt_py.cli import _globals
from k8sgpt_py.errors import ExitCode, KaiError

app = typer.Typer(
    name="kai",
    help='Run a Kubernetes cluster in plain English, safely. Try: kai --sandbox "list pods"',
    no_args_is_help=False,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    output: Annotated[str, typer.Option("-o", "--output", help="text, json or yaml")] = "text",
    namespace: Annotated[str | None, typer.Option("-n", "--namespace", help="namespace")] = None,
    all_namespaces: Annotated[bool, typer.Option("-A", "--all-namespaces")] = False,
    context: Annotated[str | None, typer.Option("--context", help="kubeconfig context")] = None,
    kubeconfig: Annotated[str | None, typer.Option("--kubeconfig", help="kubeconfig path")] = None,
    yes: Annotated[bool, typer.Option("-y", "--yes", help="apply without asking")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show the diff, apply nothing")
    ] = False,
    read_only: Annotated[bool, typer.Option("--read-only", help="never propose writes")] = False,
    sandbox: Annotated[bool, typer.Option("--sandbox", help="use a fresh local sandbox")] = False,
    offline: Annotated[bool, typer.Option("--offline", help="use the offline planner")] = False,
    model: Annotated[str | None, typer.Option("--model", help="LLM model name")] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible URL")
    ] = None,
    max_steps: Annotated[int | None, typer.Option("--max-steps", help="LLM loop bound")] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="no colour")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="show tool calls")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="tracebacks on errors")] = False,
) -> None:
    """Run a Kubernetes cluster in plain English, safely."""
    ctx.obj = _globals.build(
        _globals.GlobalFlags(
            output=output,
            namespace=namespace,
            all_namespaces=all_namespaces,
            context=context,
            kubeconfig=kubeconfig,
            yes=yes,
            dry_run=dry_run,
            read_only=read_only,
            sandbox=sandbox,
            offline=offline,
            model=model,
            base_url=base_url,
            max_steps=max_steps,
            no_color=no_color,
            verbose=verbose,
            debug=debug,
        )
    )
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        from k8sgpt_py.cli.ask import interactive

        interactive(ctx.obj, ctx.get_help())


def _register() -> None:
    from k8sgpt_py.cli import (
        advise,
        ask,
        diagnose,
        forecast,
        history,
        insights,
        sandbox,
        version,
    )

    for module in (ask, diagnose, forecast, insights, advise, history, sandbox, version):
        module.register(app)


_register()


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``kai`` console script."""
    from typer.exceptions import TyperException

    command = typer.main.get_command(app)  # built once: names for argv rewriting, then run
    names = set(getattr(command, "commands", {}))
    args = _globals.rewrite_argv(list(sys.argv[1:] if argv is None else argv), names)
    debug = "--debug" in args
    try:
        code = command.main(args=args, prog_name="kai", standalone_mode=False)
    except KaiError as exc:
        if debug:
            _print_traceback()
        report_error(exc.message, exc.hint)
        code = int(exc.exit_code)
    except typer.Abort:
        code = int(ExitCode.INTERRUPTED)
    except KeyboardInterrupt:
        sys.stderr.write("\nkai: interrupted\n")
        code = int(ExitCode.INTERRUPTED)
    except TyperException as exc:  # usage errors from the (vendored) click parser
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        report_error(message, "see `kai --help`")
        code = int(ExitCode.USAGE)
    except Exception as exc:  # the error boundary
        if debug:
            _print_traceback()
        report_error(
            f"internal error: {type(exc).__name__}: {exc}", "re-run with --debug and report it"
        )
        code = int(ExitCode.INTERNAL)
    sys.exit(code if isinstance(code, int) else 0)


def _print_traceback() -> None:
    import traceback  # only for --debug: kept off the start-up path

    traceback.print_exc()


def report_error(message: str, hint: str | None) -> None:
    """``kai: error: ...`` and an optional ``hint: ...`` on stderr, secrets redacted."""
    from k8sgpt_py.redact import redact_text

    lines = redact_text(message).splitlines() or [""]
    sys.stderr.write(f"kai: error: {lines[0]}\n")
    if hint:
        sys.stderr.write(f"hint: {redact_text(hint)}\n")
    sys.stderr.flush()
