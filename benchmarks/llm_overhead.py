"""Issue 3 figures: what kai sends the model, and kai's own time per LLM-planned request.

    python3 benchmarks/llm_overhead.py [--repeat 3]

Ten representative demo requests run through the real CLI (in-process) against a fresh
sandbox, with the real langchain-openai client talking to the scripted OpenAI-compatible
server from tests/llm_server.py on 127.0.0.1. The scripted model answers instantly, so the
wall time per request is kai's overhead (planning loop, tools, validation, dry runs, diff),
excluding model latency. Prints characters and messages sent per request (median, max).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _kai import run_kai  # noqa: E402
from llm_server import ScriptedLLM, answer, call, tool_calls  # noqa: E402

REQUESTS = [
    (
        "what is running in shop?",
        [tool_calls(call("list_resources", {"kind": "pod", "namespace": "shop"}))],
    ),
    (
        "why is the worker in staging crashing?",
        [
            tool_calls(call("describe_resource", {"name": "worker", "namespace": "staging"})),
            tool_calls(
                call("get_pod_logs", {"name": "worker", "namespace": "staging", "previous": True})
            ),
        ],
    ),
    (
        "scale checkout to 4",
        [tool_calls(call("scale_workload", {"name": "checkoutservice", "replicas": 4}))],
    ),
    (
        "roll back paymentservice",
        [tool_calls(call("rollback_deployment", {"name": "paymentservice"}))],
    ),
    (
        "are there any problems in staging?",
        [tool_calls(call("scan_cluster", {"namespace": "staging"}))],
    ),
    (
        "show me the events for imagecheck",
        [tool_calls(call("list_events", {"name": "imagecheck", "namespace": "staging"}))],
    ),
    (
        "give cartservice a 768Mi memory limit",
        [
            tool_calls(call("describe_resource", {"name": "cartservice"})),
            tool_calls(call("set_resources", {"name": "cartservice", "memory_limit": "768Mi"})),
        ],
    ),
    (
        "is anything unusual in the shop metrics?",
        [tool_calls(call("detect_anomalies", {"namespace": "shop"}))],
    ),
    ("list the nodes and their taints", [tool_calls(call("list_resources", {"kind": "node"}))]),
    (
        "restart frontend and scale cart to 3",
        [
            tool_calls(
                call("restart_workload", {"name": "frontend"}),
                call("scale_workload", {"name": "cartservice", "replicas": 3}),
            )
        ],
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from k8sgpt_py.sandbox import Sandbox

    with tempfile.TemporaryDirectory() as tmp, Sandbox() as box:
        os.environ.update(
            XDG_STATE_HOME=tmp,
            XDG_CONFIG_HOME=tmp,
            KAI_MODEL="scripted",
            KUBECONFIG=str(box.write_kubeconfig(Path(tmp) / "kubeconfig")),
        )
        server = ScriptedLLM().start()
        os.environ["KAI_BASE_URL"] = server.base_url
        chars, messages, overhead = [], [], []
        for round_ in range(args.repeat + 1):  # round 0 warms imports and connections
            for request, script in REQUESTS:
                server.add(*script, answer("done."))
                before = len(server.requests)
                start = time.perf_counter()
                code, err = run_kai(["--dry-run", "-o", "json", request])
                elapsed = time.perf_counter() - start
                if code != 0:
                    raise SystemExit(f"{request!r} exited {code}: {err}")
                sent = server.requests[before:]
                if round_ > 0:
                    overhead.append(elapsed)
                if round_ == 1:
                    chars.append(sum(len(json.dumps(b)) for b in sent))
                    messages.append(len(sent[-1]["messages"]))
                    print(
                        f"{request:45} calls {len(sent)}  messages {messages[-1]:3}  "
                        f"chars {chars[-1]:7}  overhead {elapsed:.3f}s"
                    )
        server.stop()
    print(f"\nchars sent per request:    median {statistics.median(chars):.0f}  max {max(chars)}")
    print(
        f"messages per request:      median {statistics.median(messages):.0f}  max {max(messages)}"
    )
    print(
        f"kai overhead per request:  median {statistics.median(overhead):.3f}s  "
        f"max {max(overhead):.3f}s  over {len(overhead)} runs (goal: median <= 0.5s)"
    )
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cpus")


if __name__ == "__main__":
    main()
