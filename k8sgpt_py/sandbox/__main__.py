"""``python -m k8sgpt_py.sandbox serve|bench``: run the sandbox in the foreground, or time it."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _bench(rounds: int, seed_dir: Path | None) -> None:
    started = time.perf_counter()
    import aiohttp.web  # noqa: F401  (imported lazily by start(); timed separately here)

    from k8sgpt_py.sandbox import Sandbox

    print(f"import sandbox+aiohttp: {time.perf_counter() - started:.3f} s")
    seeds, starts = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        box = Sandbox(seed_dir)
        t1 = time.perf_counter()
        box.start()
        t2 = time.perf_counter()
        box.stop()
        seeds.append(t1 - t0)
        starts.append(t2 - t1)
    total = sorted(s + t for s, t in zip(seeds, starts, strict=True))
    print(f"rounds: {rounds}")
    print(f"seed (median): {sorted(seeds)[rounds // 2]:.3f} s")
    print(f"start (median): {sorted(starts)[rounds // 2]:.3f} s")
    print(
        f"seed+start: median {total[rounds // 2]:.3f} s, "
        f"min {total[0]:.3f} s, max {total[-1]:.3f} s"
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m k8sgpt_py.sandbox``."""
    parser = argparse.ArgumentParser(prog="python -m k8sgpt_py.sandbox")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="serve until SIGTERM/SIGINT")
    serve_cmd.add_argument(
        "--state", type=Path, required=True, help="state file (created when missing)"
    )
    serve_cmd.add_argument(
        "--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)"
    )
    serve_cmd.add_argument(
        "--kubeconfig", type=Path, required=True, help="where to write the kubeconfig"
    )
    serve_cmd.add_argument("--seed-dir", type=Path, default=None, help="manifests to seed from")
    serve_cmd.add_argument(
        "--tokens", type=Path, default=None, help="private file keeping the bearer tokens"
    )
    bench_cmd = commands.add_parser("bench", help="time seeding and server start-up")
    bench_cmd.add_argument("--rounds", type=int, default=5)
    bench_cmd.add_argument("--seed-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.command == "serve":
        from k8sgpt_py.sandbox import serve

        serve(
            state_file=args.state,
            port=args.port,
            kubeconfig=args.kubeconfig,
            seed_dir=args.seed_dir,
            token_file=args.tokens,
        )
    else:
        _bench(max(args.rounds, 1), args.seed_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
