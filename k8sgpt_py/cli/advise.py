"""``kai advise placement|consolidate|fragmentation``: the ILP scheduler advisor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from k8sgpt_py.cli._context import AppContext


advise_app = typer.Typer(help="Will it fit, how many nodes, how to pack better.")


def register(app: typer.Typer) -> None:
    """Add the ``advise`` group."""
    app.add_typer(advise_app, name="advise")


def _emit(app_ctx: AppContext, kind: str, body: dict[str, Any], text: str) -> None:
    from k8sgpt_py.render.emit import document, emit_data
    from k8sgpt_py.render.text import plain

    if app_ctx.output == "text":
        plain(app_ctx.terminal.out(), text)
    else:
        emit_data(document(kind, body), app_ctx.output, app_ctx.terminal.stdout)


@advise_app.command("placement")
def placement(
    ctx: typer.Context,
    what_if: Annotated[list[str], typer.Option("--what-if", help="WORKLOAD=REPLICAS (repeatable)")],
) -> None:
    """Would these replica counts fit; if not, the fewest nodes to add and where pods go."""
    from k8sgpt_py.placement_ops import parse_what_if, to_plain
    from k8sgpt_py.placement_ops import what_if as ask

    app_ctx: AppContext = ctx.obj
    changes = parse_what_if(what_if)
    tool_ctx = app_ctx.tool_context()
    with app_ctx.terminal.progress("solving the placement…"):
        answer = ask(tool_ctx, changes)
    body = {
        "changes": dict(answer.changes),
        "fits": answer.fits,
        "extra_nodes": dict(answer.extra_nodes),
        "new_pods": to_plain(answer.new_pods),
        "moves": to_plain(answer.moves),
        "solver": _solver(answer.result),
        "explanation": answer.explanation,
    }
    _emit(app_ctx, "PlacementWhatIf", body, answer.explanation)


@advise_app.command("consolidate")
def consolidate(ctx: typer.Context) -> None:
    """The fewest nodes that hold today's pods, nodes that could be drained, and the moves."""
    from k8sgpt_py.advisors.placement import consolidate as solve
    from k8sgpt_py.placement_ops import read_state, to_plain

    app_ctx: AppContext = ctx.obj
    with app_ctx.terminal.progress("solving the consolidation…"):
        answer = solve(read_state(app_ctx.cluster()))
    body = {
        "nodes_before": answer.nodes_before,
        "nodes_after": answer.nodes_after,
        "drainable_nodes": list(answer.drainable_nodes),
        "moves": to_plain(answer.moves),
        "solver": _solver(answer.result),
        "explanation": answer.explanation,
    }
    text = answer.explanation
    if answer.drainable_nodes:
        text += "\nTo act on it: " + "; ".join(
            f'kai "drain {node}"' for node in answer.drainable_nodes
        )
    _emit(app_ctx, "Consolidation", body, text)


@advise_app.command("fragmentation")
def fragmentation(ctx: typer.Context) -> None:
    """Free capacity per node, and how much of it no likely pod can use."""
    from k8sgpt_py.advisors.placement_explain import fragmentation as measure
    from k8sgpt_py.placement_ops import read_state, to_plain
    from k8sgpt_py.render.text import table

    app_ctx: AppContext = ctx.obj
    report = measure(read_state(app_ctx.cluster()))
    if app_ctx.output != "text":
        _emit(app_ctx, "Fragmentation", to_plain(report), "")
        return
    rows = [to_plain(n) for n in report.nodes]
    flat = [
        {
            k: (
                f"{v['cpu_millicores']}m/{v['memory_bytes'] // 2**20}Mi"
                if isinstance(v, dict)
                else v
            )
            for k, v in row.items()
        }
        for row in rows
    ]
    table(app_ctx.terminal.out(), flat)
    app_ctx.terminal.out().print(
        f"stranded: {report.stranded_cpu_share:.0%} of free CPU, "
        f"{report.stranded_memory_share:.0%} of free memory",
        highlight=False,
    )


def _solver(result: Any) -> dict[str, Any]:
    return {
        "name": result.solver,
        "status": result.status,
        "objective": result.objective,
        "gap": result.gap,
        "seconds": round(result.solve_seconds, 3),
    }
