"""Issue 7 figures: every fault and bad-input class against the sandbox, through the CLI.

    python3 benchmarks/faults.py [--tries 3]

Each try gets a fresh sandbox and audit log, arms its fault, runs kai in-process, and then
checks: the exit code, whether the cluster changed, whether a change was applied without
confirmation, and whether the audit log tells the truth (what it says was applied is what
the objects look like). Prints one row per class.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _kai import run_kai

DEPLOY = r"/namespaces/shop/deployments/checkoutservice$"
LIST = r"/apis/apps/v1/deployments$"


@dataclass
class Case:
    name: str
    args: list[str]
    arm: Callable[[Any, Path], list[str]] = lambda box, tmp: []
    confirmed: bool = True  # does the command carry --yes (so applying is allowed)?
    env: dict[str, str] = field(default_factory=dict)
    settle_seconds: float = 0.0


def fault(**kw: Any) -> Callable[[Any, Path], list[str]]:
    def arm(box: Any, tmp: Path) -> list[str]:
        box.inject_fault(**kw)
        return []

    return arm


def kubeconfig_text(text: str) -> Callable[[Any, Path], list[str]]:
    def arm(box: Any, tmp: Path) -> list[str]:
        (tmp / "bad-kubeconfig").write_text(text)
        return ["--kubeconfig", str(tmp / "bad-kubeconfig")]

    return arm


CASES = [
    Case(
        "read: 500 once (retried)",
        ["describe checkout"],
        fault(path=LIST, method="GET", status=500, count=1),
    ),
    Case("read: 500 always", ["describe checkout"], fault(path=LIST, method="GET", status=500)),
    Case(
        "read: dropped connection once",
        ["describe checkout"],
        fault(path=LIST, method="GET", drop=True, count=1),
    ),
    Case(
        "read: timeout always",
        ["describe checkout"],
        fault(path=LIST, method="GET", delay_seconds=3.0),
        env={"KAI_TIMEOUT": "1"},
    ),
    Case(
        "read: slow (0.5 s)",
        ["describe checkout"],
        fault(path=LIST, method="GET", delay_seconds=0.5),
    ),
    Case("read: 403", ["describe checkout"], fault(path=LIST, method="GET", status=403)),
    Case(
        "write: 500 at apply",
        ["--yes", "scale checkout to 4"],
        fault(path=DEPLOY, method="PATCH", status=500, count=1, real_only=True),
    ),
    Case(
        "write: dropped at apply",
        ["--yes", "scale checkout to 4"],
        fault(path=DEPLOY, method="PATCH", drop=True, count=1, real_only=True),
    ),
    Case(
        "write: timeout, lands in 1.5 s",
        ["--yes", "scale checkout to 4"],
        fault(path=DEPLOY, method="PATCH", delay_seconds=1.5, count=1, real_only=True),
        env={"KAI_TIMEOUT": "1"},
        settle_seconds=0.5,
    ),
    Case(
        "write: timeout, lands in 4 s",
        ["--yes", "scale checkout to 4"],
        fault(path=DEPLOY, method="PATCH", delay_seconds=4.0, count=1, real_only=True),
        env={"KAI_TIMEOUT": "1"},
        settle_seconds=2.5,
    ),
    Case(
        "write: 409 once (re-diffed)",
        ["--yes", "scale checkout to 4"],
        fault(path=DEPLOY, method="PATCH", status=409, count=1, real_only=True),
    ),
    Case(
        "write: 409 always",
        ["--yes", "scale checkout to 4"],
        fault(path=DEPLOY, method="PATCH", status=409, real_only=True),
    ),
    Case(
        "write: 403 at apply",
        ["--yes", "scale checkout to 4"],
        fault(path=DEPLOY, method="PATCH", status=403, real_only=True),
    ),
    Case(
        "dry run: 422",
        ["--yes", "scale checkout to 4"],
        fault(path=DEPLOY, method="PATCH", status=422, dry_run_only=True),
    ),
    Case(
        "plan fails midway (2 steps)",
        ["--yes", "scale checkout to 4 and scale cart to 3"],
        fault(
            path=r"/deployments/cartservice$", method="PATCH", status=500, count=1, real_only=True
        ),
    ),
    Case(
        "RBAC denied (viewer)", ["--context", "kai-sandbox-viewer", "--yes", "scale checkout to 4"]
    ),
    Case("no terminal, no --yes", ["scale checkout to 4"], confirmed=False),
    Case("--dry-run", ["--dry-run", "--yes", "scale checkout to 4"], confirmed=False),
    Case("empty request", ["--yes", "   "]),
    Case("huge request (10k+)", ["--yes", "scale checkout to 4 " + "x" * 10_000]),
    Case("binary request", ["--yes", "scale checkout\x00 to 4"]),
    Case("control characters", ["--yes", "\x1b[31mscale checkout to 4\x1b[0m"]),
    Case("non-English request", ["--yes", "escala checkout a 4 réplicas"]),
    Case("malformed ref", ["explain", "a/b/c"]),
    Case("ambiguous name", ["--yes", "scale service to 4"]),
    Case("unknown context", ["--context", "nope", "--yes", "scale checkout to 4"]),
    Case("broken kubeconfig", ["--yes", "scale checkout to 4"], kubeconfig_text("not: [valid")),
    Case(
        "unreachable cluster",
        ["--yes", "scale checkout to 4"],
        kubeconfig_text(
            "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{name: c, cluster: {server: 'http://127.0.0.1:9'}}]\n"
            "users: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n"
        ),
    ),
    Case(
        "Prometheus returns garbage",
        ["anomalies", "checkoutservice"],
        env={"KAI_PROMETHEUS_URL": "GARBAGE"},
    ),
]


def garbage_server() -> Any:
    import http.server
    import threading

    class Garbage(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>not prometheus</html>")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def state(cluster: Any) -> dict[str, int]:
    return {
        d["metadata"]["name"]: d["spec"]["replicas"] for d in cluster.list("Deployment", "shop")
    }


def audit_truthful(path: Path, before: dict[str, int], now: dict[str, int]) -> bool:
    """Applied records match the objects; every change is explained by an applied record or
    by one that honestly says its outcome is unknown."""
    records = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    latest: dict[str, tuple[int, int]] = {}
    unknown = {r["target"]["name"] for r in records if r.get("outcome") == "unknown"}
    for record in records:
        if record["applied"]:
            name = record["target"]["name"]
            version = int(record["after"]["metadata"]["resourceVersion"])
            if name not in latest or version > latest[name][0]:
                latest[name] = (version, record["after"]["spec"]["replicas"])
    consistent = all(now.get(n) == r or n in unknown for n, (_, r) in latest.items())
    changed = {n for n in now if now[n] != before.get(n)}
    return consistent and changed <= set(latest) | unknown


def one_try(case: Case, prom_url: str) -> tuple[int, bool, bool, bool, bool]:
    from k8sgpt_py.cluster.kube import Cluster
    from k8sgpt_py.sandbox import Sandbox

    with tempfile.TemporaryDirectory() as tmp_name, Sandbox() as box:
        tmp = Path(tmp_name)
        kubeconfig = box.write_kubeconfig(tmp / "kubeconfig")
        env = {
            "XDG_STATE_HOME": str(tmp),
            "XDG_CONFIG_HOME": str(tmp),
            "KUBECONFIG": str(kubeconfig),
            **{k: (prom_url if v == "GARBAGE" else v) for k, v in case.env.items()},
        }
        saved = {k: os.environ.get(k) for k in (*env, "KAI_TIMEOUT", "KAI_PROMETHEUS_URL")}
        os.environ.update(env)
        try:
            cluster = Cluster.connect(kubeconfig=str(kubeconfig))
            before = state(cluster)
            extra = case.arm(box, tmp)
            code, err = run_kai([*extra, *case.args])
            box.clear_faults()
            time.sleep(case.settle_seconds)  # let a delayed request finish on the server
            after = state(cluster)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        changed = after != before
        truthful = audit_truthful(tmp / "kai" / "audit.jsonl", before, after)
        clean = "Traceback" not in err and (code == 0 or err.count("kai: error:") == 1)
        return code, changed, changed and not case.confirmed, truthful, clean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tries", type=int, default=3)
    args = parser.parse_args()
    server = garbage_server()
    prom = f"http://127.0.0.1:{server.server_port}"
    print(
        f"{'class':34} {'tries':>5}  {'exit codes':12} {'applied':>7} {'unconfirmed':>11} "
        f"{'audit true':>10} {'one line':>8}"
    )
    totals = collections.Counter()
    for case in CASES:
        results = [one_try(case, prom) for _ in range(args.tries)]
        codes = ",".join(str(c) for c in sorted({r[0] for r in results}))
        applied = sum(r[1] for r in results)
        unconfirmed = sum(r[2] for r in results)
        truthful = sum(r[3] for r in results)
        clean = sum(r[4] for r in results)
        totals.update(
            tries=len(results),
            unconfirmed=unconfirmed,
            lies=len(results) - truthful,
            unclean=len(results) - clean,
        )
        print(
            f"{case.name:34} {len(results):>5}  {codes:12} {applied:>4}/{len(results):<2} "
            f"{unconfirmed:>11} {truthful:>7}/{len(results):<2} {clean:>5}/{len(results):<2}"
        )
    server.shutdown()
    print(
        f"\n{totals['tries']} tries: {totals['unconfirmed']} applied without confirmation, "
        f"{totals['lies']} untruthful audit logs, {totals['unclean']} without a one-line error"
    )
    sys.exit(1 if totals["unconfirmed"] or totals["lies"] or totals["unclean"] else 0)


if __name__ == "__main__":
    main()
