"""Start-up and latency figures (issues 2 and 5).

    python3 benchmarks/cli_startup.py [--runs 15] [--source]

Prints median/min/max wall seconds for each command (run on an idle machine: the figures
are wall-clock) and the heavy packages that importing k8sgpt_py.cli pulls in (should be none):
- `kai --help` (goal <= 0.25 s);
- `kai --sandbox -o json --yes "scale checkout to 5"`, sandbox start included (goal <= 2.0 s);
- `kai explain worker` and `kai explain cart` offline, against a running `kai sandbox up`
  (goal <= 1.5 s; cart also runs the metric anomaly check on its demo history).

kai is timed as installed: its modules byte-compiled, as `pip install` leaves them (run
`python3 -m compileall k8sgpt_py` first; with `--source` the bytecode cache is removed, so
each run also compiles kai's modules, as an editable checkout does under
PYTHONDONTWRITEBYTECODE).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("langchain", "langchain_core", "kubernetes", "sklearn", "pulp", "statsmodels", "openai")


def kai_script() -> list[str]:
    script = Path(sys.executable).parent / "kai"
    return [str(script)] if script.exists() else [sys.executable, "-m", "k8sgpt_py"]


def timed(command: list[str], runs: int, env: dict[str, str]) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=env, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{command} failed ({done.returncode}): {done.stderr.decode()[-400:]}")
    return times


def heavy_imports() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import k8sgpt_py.cli"],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in out.stderr.splitlines()}
    return sorted(loaded & set(HEAVY))


def prepare_bytecode(source: bool) -> str:
    """Compile kai's modules (as pip does) or, with ``source``, remove their bytecode."""
    import compileall
    import shutil

    package = Path(__file__).resolve().parents[1] / "k8sgpt_py"
    if source:
        for cache in package.rglob("__pycache__"):
            shutil.rmtree(cache)
        if os.environ.get("PYTHONDONTWRITEBYTECODE"):
            return "none: every run compiles kai's modules (PYTHONDONTWRITEBYTECODE is set)"
        return "removed: the first run compiles kai's modules"
    compileall.compile_dir(package, quiet=1)
    return "compiled, as pip install leaves it"


def report(name: str, times: list[float], goal: float) -> None:
    median = statistics.median(times)
    verdict = "ok" if median <= goal else "OVER GOAL"
    print(
        f"{name:55} median {median:.3f}s  min {min(times):.3f}s  max {max(times):.3f}s"
        f"  (goal <= {goal}s: {verdict})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--source", action="store_true", help="time kai without its bytecode")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XDG_STATE_HOME": tmp, "XDG_CONFIG_HOME": tmp}
        for var in ("KAI_MODEL", "KAI_BASE_URL", "OPENAI_API_KEY"):
            env.pop(var, None)
        kai = kai_script()
        print(
            f"kai = {' '.join(kai)}; runs = {args.runs}; cpus = {os.cpu_count()}; "
            f"load = {os.getloadavg()[0]:.2f}"
        )
        print(f"heavy packages loaded by `import k8sgpt_py.cli`: {heavy_imports() or 'none'}")
        print(f"kai's bytecode: {prepare_bytecode(args.source)}")
        report("kai --help", timed([*kai, "--help"], args.runs, env), 0.25)
        scale = [*kai, "--sandbox", "-o", "json", "--yes", "scale checkout to 5"]
        report(
            'kai --sandbox -o json --yes "scale checkout to 5"', timed(scale, args.runs, env), 2.0
        )
        up = subprocess.run(
            [*kai, "-o", "json", "sandbox", "up"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        env["KUBECONFIG"] = json.loads(up.stdout)["kubeconfig"]
        try:
            for name in ("worker", "cart"):
                command = [*kai, "explain", name]
                report(
                    f"kai explain {name} (background sandbox)", timed(command, args.runs, env), 1.5
                )
        finally:
            subprocess.run([*kai, "sandbox", "down", "--reset"], env=env, capture_output=True)


if __name__ == "__main__":
    main()
