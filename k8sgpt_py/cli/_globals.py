"""Global options: let them stand anywhere, and turn them into an AppContext."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from k8sgpt_py.cli._context import AppContext

VALUE_OPTIONS = {
    "-o",
    "--output",
    "-n",
    "--namespace",
    "--context",
    "--kubeconfig",
    "--model",
    "--base-url",
    "--max-steps",
}
FLAG_OPTIONS = {
    "-A",
    "--all-namespaces",
    "-y",
    "--yes",
    "--dry-run",
    "--read-only",
    "--sandbox",
    "--offline",
    "--no-color",
    "-v",
    "--verbose",
    "--debug",
}
ROOT_ONLY = {"--help", "-h", "--install-completion", "--show-completion"}


def rewrite_argv(argv: list[str], commands: set[str]) -> list[str]:
    """Move global options to the front; make a bare request the ``ask`` command.

    ``kai "scale x to 5" -o json`` becomes ``kai -o json ask "scale x to 5"``, and
    ``kai --version`` becomes ``kai version``.
    """
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        name = arg.split("=", 1)[0]
        if arg == "--":
            rest.extend(argv[i + 1 :])
            break
        if name in VALUE_OPTIONS:
            take = 1 if "=" in arg else 2
            front.extend(argv[i : i + take])
            i += take
            continue
        if arg in FLAG_OPTIONS or (arg.startswith("-o") and arg[2:] in ("json", "yaml", "text")):
            front.append(arg)
        elif arg == "--version" and not rest:  # what every CLI answers: the version command
            rest.append("version")
        else:
            rest.append(arg)
        i += 1
    if rest and rest[0] not in commands and rest[0] not in ROOT_ONLY:
        rest.insert(0, "ask")
    return front + rest


@dataclass(frozen=True)
class GlobalFlags:
    """The global options as parsed (None: not given, so config and env decide)."""

    output: str = "text"
    namespace: str | None = None
    all_namespaces: bool = False
    context: str | None = None
    kubeconfig: str | None = None
    yes: bool = False
    dry_run: bool = False
    read_only: bool = False
    sandbox: bool = False
    offline: bool = False
    model: str | None = None
    base_url: str | None = None
    max_steps: int | None = None
    no_color: bool = False
    verbose: bool = False
    debug: bool = False


def build(flags: GlobalFlags) -> AppContext:
    """Settings (flags > env > file > defaults) and terminal facts, once per process."""
    from k8sgpt_py.cli._context import AppContext
    from k8sgpt_py.config import load
    from k8sgpt_py.errors import UsageError
    from k8sgpt_py.render.console import Terminal

    if flags.output not in ("text", "json", "yaml"):
        raise UsageError(
            f"unknown output format {flags.output!r}", hint="use -o text, json or yaml"
        )
    settings = load(
        {
            "model": flags.model,
            "base_url": flags.base_url,
            "max_steps": flags.max_steps,
            "read_only": True if flags.read_only else None,
        }
    )
    return AppContext(
        settings=settings,
        output=flags.output,  # type: ignore[arg-type]  # checked above
        terminal=Terminal.detect(no_color=flags.no_color),
        assume_yes=flags.yes,
        dry_run=flags.dry_run,
        offline=flags.offline,
        kubeconfig=flags.kubeconfig,
        context=flags.context,
        namespace=flags.namespace,
        all_namespaces=flags.all_namespaces,
        use_sandbox=flags.sandbox,
        verbose=flags.verbose,
        debug=flags.debug,
    )
