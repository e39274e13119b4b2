"""Placement advisor benchmarks: (a) bin packing with known optima, (b) synthetic cluster,
(c) the Alibaba OpenB GPU-cluster trace.

    nice -n 10 python3 benchmarks/placement.py --part a [--limit 50] [--family scholl_1d]
    nice -n 10 python3 benchmarks/placement.py --part b
    nice -n 10 python3 benchmarks/placement.py --part c

Data come from $KAI_DATA (default: ../shared/data relative to the repository root).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k8sgpt_py.advisors.heuristics import bins_used, greedy_pack, item_order
from k8sgpt_py.advisors.packing import (
    pack_fewest_nodes,
    pack_identical_bins,
)
from k8sgpt_py.advisors.placement_solver import SolverOptions

REPO = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return Path(os.environ.get("KAI_DATA", REPO.parent / "shared" / "data"))


@dataclass
class Instance:
    name: str
    family: str
    sizes: np.ndarray
    capacity: np.ndarray
    optimum: int


def _numbers(path: Path) -> list[str]:
    return path.read_text().split()


def _load_spieksma(path: Path) -> tuple[np.ndarray, np.ndarray]:
    tok = _numbers(path)
    n = int(tok[0])
    cap = np.array([int(tok[1]), int(tok[2])])
    rows = np.array(tok[3 : 3 + 3 * n], dtype=np.int64).reshape(n, 3)[:, 1:]
    return rows, cap


def _load_vbp(path: Path) -> tuple[np.ndarray, np.ndarray]:
    tok = _numbers(path)
    d = int(tok[0])
    cap = np.array(tok[1 : 1 + d], dtype=np.int64)
    m = int(tok[1 + d])
    rows = np.array(tok[2 + d : 2 + d + m * (d + 1)], dtype=np.int64).reshape(m, d + 1)
    return np.repeat(rows[:, :d], rows[:, d], axis=0), cap


def _load_scholl(path: Path) -> tuple[np.ndarray, np.ndarray]:
    tok = _numbers(path)
    n = int(tok[0])
    return np.array(tok[2 : 2 + n], dtype=np.int64).reshape(n, 1), np.array([int(tok[1])])


def _load_falkenauer(path: Path, ident: str) -> tuple[np.ndarray, np.ndarray]:
    lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
    i = lines.index(ident)
    cap_s, n_s, _ = lines[i + 1].split()
    scale = 10 if "." in cap_s or any("." in x for x in lines[i + 2 : i + 2 + int(n_s)]) else 1
    sizes = [round(float(x) * scale) for x in lines[i + 2 : i + 2 + int(n_s)]]
    return np.array(sizes, dtype=np.int64).reshape(-1, 1), np.array([round(float(cap_s) * scale)])


def load_instances(family: str | None, limit: int | None) -> list[Instance]:
    root = data_dir() / "binpacking"
    table = root / "optima.csv"
    if not table.exists():
        sys.exit(f"binpacking data missing: {table} (set KAI_DATA)")
    out: list[Instance] = []
    with table.open() as fh:
        for row in csv.DictReader(fh):
            if not row["optimum"] or (family and row["set"] != family):
                continue
            path = root / row["file"]
            if row["set"] == "caprara_toth_2d":
                sizes, cap = _load_spieksma(path)
            elif row["set"].startswith("mommessin"):
                sizes, cap = _load_vbp(path)
            elif row["set"] == "scholl_1d":
                sizes, cap = _load_scholl(path)
            else:
                sizes, cap = _load_falkenauer(path, row["instance"])
            out.append(Instance(row["instance"], row["set"], sizes, cap, int(row["optimum"])))
    if limit:
        step = max(1, len(out) // limit)
        out = out[::step][:limit]
    return out


def _greedy_bins(sizes: np.ndarray, cap: np.ndarray, best_fit: bool) -> int:
    caps = np.tile(cap, (sizes.shape[0], 1))
    return bins_used(greedy_pack(sizes, caps, order=item_order(sizes, cap), best_fit=best_fit))


def part_a(
    family: str | None, limit: int | None, seconds: float, solver: str, out: str | None
) -> None:
    instances = load_instances(family, limit)
    options = SolverOptions(time_limit_seconds=seconds, solver=solver)
    rows: dict[str, list[tuple[bool, float, float, bool, bool, bool]]] = defaultdict(list)
    sink = open(out, "a") if out else None  # noqa: SIM115
    for k, inst in enumerate(instances, 1):
        result = pack_identical_bins(inst.sizes, inst.capacity, options)
        if result.bins_used < inst.optimum:
            print(f"BUG {inst.name}: {result.bins_used} < optimum {inst.optimum}", flush=True)
        ffd = _greedy_bins(inst.sizes, inst.capacity, False)
        bfd = _greedy_bins(inst.sizes, inst.capacity, True)
        row = _row(inst, result, ffd, bfd)
        rows[inst.family].append(row)
        if sink:
            sink.write(
                f"{inst.name},{inst.family},{inst.optimum},{result.bins_used},"
                f"{result.lower_bound},{result.status},{ffd},{bfd},{result.solve_seconds:.3f}\n"
            )
            sink.flush()
        if not row[0]:
            print(
                f"  [{k}/{len(instances)}] {inst.name}: got {result.bins_used} opt {inst.optimum} "
                f"lb {result.lower_bound} ffd {ffd} ({result.solve_seconds:.1f}s)",
                flush=True,
            )
    _print_a(rows, seconds)


def _row(inst: Instance, result, ffd: int, bfd: int) -> tuple[bool, float, float, bool, bool, bool]:
    return (
        result.bins_used == inst.optimum,
        (result.bins_used - inst.optimum) / inst.optimum,
        result.solve_seconds,
        ffd == inst.optimum,
        bfd == inst.optimum,
        result.status == "optimal",
    )


def summarize(path: str, seconds: float) -> None:
    """Print the (a) table from a results CSV written with --out (also a partial one)."""
    rows: dict[str, list[tuple[bool, float, float, bool, bool, bool]]] = defaultdict(list)
    with open(path) as fh:
        for line in fh:
            _name, fam, opt, got, _lb, status, ffd, bfd, sec = line.strip().split(",")
            o, g = int(opt), int(got)
            rows[fam].append(
                (g == o, (g - o) / o, float(sec), int(ffd) == o, int(bfd) == o, status == "optimal")
            )
    _print_a(rows, seconds)


def _print_a(rows: dict[str, list[tuple[bool, float, float, bool, bool, int]]], sec: float) -> None:
    head = f"{'family':<24}{'n':>5}{'kai opt%':>10}{f'opt<={sec:g}s%':>11}{'proven%':>9}"
    head += f"{'mean gap%':>10}"
    head += f"{'mean s':>8}{'max s':>7}{'FFD opt%':>10}{'BFD opt%':>10}"
    print(f"\n(a) bin packing, time limit {sec:g} s per instance\n{head}")
    everything = [r for rs in rows.values() for r in rs]
    for fam, rs in [*sorted(rows.items()), ("ALL", everything)]:
        n = len(rs)
        print(
            f"{fam:<24}{n:>5}{100 * sum(r[0] for r in rs) / n:>10.1f}"
            f"{100 * sum(r[0] and r[2] <= sec for r in rs) / n:>11.1f}"
            f"{100 * sum(r[5] for r in rs) / n:>9.1f}"
            f"{100 * statistics.mean(r[1] for r in rs):>10.2f}"
            f"{statistics.mean(r[2] for r in rs):>8.2f}{max(r[2] for r in rs):>7.1f}"
            f"{100 * sum(r[3] for r in rs) / n:>10.1f}{100 * sum(r[4] for r in rs) / n:>10.1f}"
        )


def synthetic_cluster(seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """200 nodes of 4 types; 10,000 pods in 100 classes (CPU millicores, memory MiB)."""
    rng = np.random.default_rng(seed)
    types = np.array([[4000, 16384], [8000, 32768], [16000, 65536], [32000, 131072]])
    capacities = np.repeat(types, 50, axis=0)
    cpu = rng.choice([50, 100, 150, 200, 250, 300, 500], size=100)
    mem = rng.choice([64, 128, 256, 512, 1024, 2048], size=100)
    counts = rng.multinomial(10_000, np.full(100, 0.01))
    sizes = np.repeat(np.stack([cpu, mem], axis=1), counts, axis=0)
    return sizes.astype(np.int64), capacities.astype(np.int64)


def plain_greedy(
    sizes: np.ndarray, caps: np.ndarray, elig: np.ndarray | None, best_fit: bool
) -> tuple[np.ndarray, float]:
    """Textbook FFD / BFD: items by decreasing normalised size, nodes largest first."""
    t0 = time.perf_counter()
    ref = caps.max(axis=0)
    bin_order = np.argsort(-(caps / ref).sum(axis=1), kind="stable")
    got = greedy_pack(
        sizes,
        caps[bin_order],
        order=item_order(sizes, ref),
        eligible=None if elig is None else elig[:, bin_order],
        best_fit=best_fit,
    )
    return np.where(got >= 0, bin_order[np.maximum(got, 0)], -1), time.perf_counter() - t0


def _table(sizes: np.ndarray, caps: np.ndarray, elig: np.ndarray | None, res) -> None:
    head = f"{'method':<8}{'nodes':>7}{'unplaced':>9}{'lower bnd':>10}{'status':>10}"
    print(f"{head}{'gap%':>7}{'seconds':>9}")
    for name, best_fit in (("FFD", False), ("BFD", True)):
        got, sec = plain_greedy(sizes, caps, elig, best_fit)
        print(f"{name:<8}{bins_used(got):>7}{int((got < 0).sum()):>9}{'':>27}{sec:>9.2f}")
    unplaced = sum(1 for a in res.assignment if a < 0)
    print(
        f"{'kai':<8}{res.bins_used:>7}{unplaced:>9}{res.lower_bound:>10}{res.status:>10}"
        f"{100 * res.gap:>7.2f}{res.solve_seconds:>9.2f}   solver={res.solver}, {res.method}, "
        f"best greedy (FFD/BFD/dot-product) {res.heuristic_bins}"
    )


def part_b(seconds: float, solver: str) -> None:
    sizes, caps = synthetic_cluster()
    res = pack_fewest_nodes(sizes, caps, options=SolverOptions(seconds, solver=solver))
    print(f"\n(b) synthetic cluster: {caps.shape[0]} nodes / 4 types, {sizes.shape[0]} pods")
    _table(sizes, caps, None, res)


def load_alibaba(gpu: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pods (cpu milli, memory MiB[, GPU milli]) and nodes; eligibility from gpu_spec.

    GPU, when used, is one aggregate resource per node (1000 per card; a sharing pod asks for
    its gpu_milli): a relaxation of per-card fit.
    """
    root = data_dir() / "traces" / "alibaba_openb_gpu2023"
    if not root.exists():
        sys.exit(f"trace missing: {root} (set KAI_DATA)")
    with (root / "openb_node_list_all_node.csv").open() as fh:
        nodes = list(csv.DictReader(fh))
    with (root / "openb_pod_list_default.csv").open() as fh:
        pods = list(csv.DictReader(fh))
    caps = np.array(
        [[int(n["cpu_milli"]), int(n["memory_mib"]), 1000 * int(n["gpu"])] for n in nodes]
    )
    models = np.array([n["model"] for n in nodes])
    sizes, elig = [], np.ones((len(pods), len(nodes)), dtype=bool)
    for i, p in enumerate(pods):
        gpus = int(p["num_gpu"])
        gpu_milli = int(p["gpu_milli"] or 0) if gpus == 1 else 1000 * gpus
        sizes.append([int(p["cpu_milli"]), int(p["memory_mib"]), gpu_milli])
        if gpus and p["gpu_spec"]:
            elig[i] = np.isin(models, p["gpu_spec"].split("|"))
    dims = 3 if gpu else 2
    return np.array(sizes, dtype=np.int64)[:, :dims], caps.astype(np.int64)[:, :dims], elig


def part_c(seconds: float, solver: str, gpu: bool) -> None:
    sizes, caps, elig = load_alibaba(gpu)
    res = pack_fewest_nodes(sizes, caps, elig, SolverOptions(seconds, solver=solver))
    dims = "CPU, memory, GPU" if gpu else "CPU, memory"
    print(f"\n(c) Alibaba OpenB: {caps.shape[0]} nodes, {sizes.shape[0]} pods ({dims})")
    _table(sizes, caps, elig, res)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["a", "b", "c", "all"], default="all")
    parser.add_argument("--family", help="only this set (e.g. scholl_1d, caprara_toth_2d)")
    parser.add_argument("--limit", type=int, help="at most this many instances (evenly spread)")
    parser.add_argument("--seconds", type=float, default=None, help="time limit per solve")
    parser.add_argument("--solver", default="auto", choices=["auto", "highs", "cbc"])
    parser.add_argument("--gpu", action="store_true", help="(c): GPU as a third resource")
    parser.add_argument("--out", help="(a): append one CSV line per instance to this file")
    parser.add_argument("--summarize", help="(a): print the table from an --out file and stop")
    args = parser.parse_args()
    if args.summarize:
        summarize(args.summarize, args.seconds or 10.0)
        return
    if args.part in ("a", "all"):
        part_a(args.family, args.limit, args.seconds or 10.0, args.solver, args.out)
    if args.part in ("b", "all"):
        part_b(args.seconds or 10.0, args.solver)
    if args.part in ("c", "all"):
        part_c(args.seconds or 45.0, args.solver, args.gpu)


if __name__ == "__main__":
    main()
