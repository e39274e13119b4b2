"""k8s-ai-bench style tasks against the kai sandbox: pass rate per planner.

    python3 benchmarks/k8s_eval.py                       # offline planner (no model)
    python3 benchmarks/k8s_eval.py --planner reference   # scripted reference plans (CI runs these)
    KAI_MODEL=gpt-4o-mini OPENAI_API_KEY=... python3 benchmarks/k8s_eval.py --planner llm
    python3 benchmarks/k8s_eval.py --tasks ~/k8s-ai-bench/tasks --pattern pvc

Each task gets a fresh sandbox; setup.sh, verify.sh and cleanup.sh run with the real kubectl
(and jq). Prints one row per task and ``N of M passed``; ``--json`` prints the rows as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evalkit import PLANNERS, TASKS_DIR, load_tasks, run_task


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--planner", choices=PLANNERS, default="offline")
    parser.add_argument("--tasks", type=Path, default=TASKS_DIR, help="folder of task folders")
    parser.add_argument("--pattern", default="", help="only tasks whose name contains this")
    parser.add_argument("--json", action="store_true", help="rows as one JSON document")
    args = parser.parse_args()

    missing = [tool for tool in ("kubectl", "jq", "bash") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"k8s_eval: needs {', '.join(missing)} on PATH")
    if args.planner == "llm" and not os.environ.get("KAI_MODEL"):
        sys.exit("k8s_eval: --planner llm needs KAI_MODEL (and OPENAI_API_KEY or KAI_BASE_URL)")
    if not args.tasks.is_dir():
        sys.exit(f"k8s_eval: no task folder at {args.tasks}")
    tasks = load_tasks(args.tasks, args.pattern)
    rows = []
    for task in tasks:
        result = run_task(task, args.planner)
        rows.append(result)
        if not args.json:
            verdict = "pass" if result.passed else "FAIL"
            print(
                f"{task.name:34} {task.difficulty:7} {verdict:5} {result.seconds:6.1f}s  "
                f"{result.detail[:150]}",
                flush=True,
            )
    passed = sum(r.passed for r in rows)
    if args.json:
        doc = {"planner": args.planner, "passed": passed, "total": len(rows)}
        print(json.dumps({**doc, "tasks": [r.to_json() for r in rows]}, indent=2))
    else:
        share = 100 * passed / len(rows) if rows else 0.0
        print(f"\nplanner {args.planner}: {passed} of {len(rows)} tasks passed ({share:.0f} %)")


if __name__ == "__main__":
    main()
