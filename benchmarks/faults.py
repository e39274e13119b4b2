"""Issue 7 and issue 11 figures: every fault, bad-input and trust-defect class, through the CLI.

    python3 benchmarks/faults.py [--tries 3] [--only TEXT]    (about 75 s)

Each try gets a fresh sandbox, audit log and config, sets its case up (faults, objects,
earlier kai commands, a scripted model on 127.0.0.1), runs the command under test, and
checks:

- exit: the exit code against the one the case expects (README, tests/cli);
- changed: whether that command changed the cluster (any object kai could write: spec,
  data, labels, annotations; status, events and controller-owned objects aside), against
  whether it should;
- unconfirmed: a change made by a command that was not allowed to apply (no --yes, --dry-run);
- audit true: what the audit log says that command applied is what the objects look like,
  and every change it made is explained by an applied record or one whose outcome is unknown;
- leaked: a known secret (the sandbox's Secret values, raw and base64, its bearer tokens,
  and the values the case plants) appears in any stdout, stderr or the audit log of the try,
  or in what kai sent the scripted model (unless the user typed it in the request);
- marker: the redaction marker ``[REDACTED]`` is found in any sandbox object afterwards;
- one line: no traceback, and a failure is one ``kai: error:`` line (plus hint);
- check: what the case itself specifies (values restored, context used, file modes...).

A row behaves as specified when every try passes every column. Rows starting "11.N" are
the issue-11 classes; a class with several rows behaves only if all of them do.
"""

from __future__ import annotations

import argparse
import base64
import collections
import json
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# this checkout's kai, even where another checkout is the installed one (pip install -e)
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests")]

from _kai import run_kai_full  # noqa: E402
from llm_server import ScriptedLLM, answer, call, tool_calls  # noqa: E402

DEPLOY = r"/namespaces/shop/deployments/checkoutservice$"
LIST = r"/apis/apps/v1/deployments$"
MARKER = "[REDACTED]"
SEEN: dict[str, set[str]] = collections.defaultdict(set)  # values remembered across tries


@dataclass
class Ctx:
    """One try: the sandbox, its folder, and every kai output so far."""

    box: Any
    tmp: Path
    cluster: Any
    attempt: int
    secrets: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)  # every argument given to kai
    vars: dict[str, str] = field(default_factory=dict)
    llm: ScriptedLLM | None = None
    undo: list[Callable[[], None]] = field(default_factory=list)

    def kai(self, *args: str, process: bool = False) -> tuple[int, str, str]:
        code, out, err = run_kai_full(list(args), process=process)
        self.outputs += [out, err]
        self.typed += args
        return code, out, err

    def setup(self, *args: str, want: int = 0) -> None:
        """An earlier kai command the case needs; it must exit ``want``."""
        code, _, err = self.kai(*args)
        if code != want:
            raise RuntimeError(f"setup `kai {' '.join(args)}` exited {code}: {err.strip()}")

    def model(self, *replies: Any) -> None:
        """A scripted OpenAI-compatible model on 127.0.0.1 for this try."""
        self.llm = ScriptedLLM(list(replies)).start()
        self.undo.append(self.llm.stop)
        os.environ.update(KAI_MODEL="scripted", KAI_BASE_URL=self.llm.base_url, KAI_TIMEOUT="5")

    def audit(self) -> list[dict[str, Any]]:
        path = self.tmp / "kai" / "audit.jsonl"
        if not path.is_file():  # /dev/full in one case: never read it
            return []
        records = []
        for line in path.read_bytes().splitlines():
            try:
                records.append(json.loads(line.decode("utf-8")))
            except ValueError:  # a line the case broke on purpose
                continue
        return records


Arm = Callable[[Ctx], list[str]]
Check = Callable[[Ctx, int, str, str], str]  # (ctx, code, stdout, stderr) -> "" or what failed


@dataclass
class Case:
    name: str
    args: list[str]
    expect: int
    arm: Arm = lambda ctx: []
    confirmed: bool = True  # does the command carry --yes (so applying is allowed)?
    changes: bool | None = False  # should the command change the cluster (None: it may)
    env: dict[str, str] = field(default_factory=dict)
    settle_seconds: float = 0.0
    check: Check | None = None
    secrets: tuple[str, ...] = ()
    audited: bool = True  # False: the audit log cannot be written, by design of the case
    process: bool = False  # run the command in a fresh interpreter


def group_of(case: Case) -> str:
    head = case.name.split(" ", 1)[0]
    if head.startswith("11."):
        return head.rstrip("abcdefghijklmnopqrstuvwxyz")
    return case.name


# ------------------------------------------------------------------------------ arms, checks


def fault(**kw: Any) -> Arm:
    def arm(ctx: Ctx) -> list[str]:
        ctx.box.inject_fault(**kw)
        return []

    return arm


def kubeconfig_text(text: str) -> Arm:
    def arm(ctx: Ctx) -> list[str]:
        (ctx.tmp / "bad-kubeconfig").write_text(text)
        return ["--kubeconfig", str(ctx.tmp / "bad-kubeconfig")]

    return arm


def steps(*arms: Arm) -> Arm:
    def arm(ctx: Ctx) -> list[str]:
        return [arg for each in arms for arg in each(ctx)]

    return arm


def setup(*args: str, want: int = 0) -> Arm:
    def arm(ctx: Ctx) -> list[str]:
        ctx.setup(*args, want=want)
        return []

    return arm


def model(*replies: Any) -> Arm:
    def arm(ctx: Ctx) -> list[str]:
        ctx.model(*replies)
        return []

    return arm


def says(*words: str, absent: tuple[str, ...] = (), stream: str = "stderr") -> Check:
    def check(ctx: Ctx, code: int, out: str, err: str) -> str:
        text = err if stream == "stderr" else out
        missing = [w for w in words if w not in text]
        present = [w for w in absent if w in text]
        if missing:
            return f"{stream} lacks {missing[0]!r}"
        return f"{stream} has {present[0]!r}" if present else ""

    return check


def both(*checks: Check) -> Check:
    def check(ctx: Ctx, code: int, out: str, err: str) -> str:
        return next((why for c in checks if (why := c(ctx, code, out, err))), "")

    return check


def container(ctx: Ctx, name: str, namespace: str) -> dict[str, Any]:
    deploy = ctx.cluster.get("Deployment", name, namespace)
    return deploy["spec"]["template"]["spec"]["containers"][0]


def env_of(ctx: Ctx, name: str, namespace: str) -> dict[str, Any]:
    return {e["name"]: e.get("value") for e in container(ctx, name, namespace).get("env", [])}


def replicas(ctx: Ctx, name: str, namespace: str = "shop") -> int:
    return int(ctx.cluster.get("Deployment", name, namespace)["spec"]["replicas"])


def patch_template(name: str, namespace: str, box: dict[str, Any]) -> Arm:
    """Someone (not kai) sets fields of the first container, e.g. credential-looking env."""

    def arm(ctx: Ctx) -> list[str]:
        spec = {"template": {"spec": {"containers": [box]}}}
        ctx.cluster.patch("Deployment", name, namespace, {"spec": spec}, patch_type="strategic")
        return []

    return arm


def sent_to_model(ctx: Ctx) -> tuple[str, str]:
    """(the system prompt, every tool result) the scripted model was sent."""
    assert ctx.llm is not None
    system = ctx.llm.requests[0]["messages"][0]["content"] if ctx.llm.requests else ""
    tools = [
        m["content"]
        for request in ctx.llm.requests
        for m in request["messages"]
        if m["role"] == "tool"
    ]
    return system, "\n".join(tools)


def told_model(*words: str) -> Check:
    def check(ctx: Ctx, code: int, out: str, err: str) -> str:
        _, tools = sent_to_model(ctx)
        missing = [w for w in words if w not in tools]
        return f"the model was not told {missing[0]!r}" if missing else ""

    return check


# ------------------------------------------------------------------------------ issue 7 cases

CASES = [
    Case(
        "read: 500 once (retried)",
        ["describe checkout"],
        0,
        fault(path=LIST, method="GET", status=500, count=1),
    ),
    Case("read: 500 always", ["describe checkout"], 3, fault(path=LIST, method="GET", status=500)),
    Case(
        "read: dropped connection once",
        ["describe checkout"],
        0,
        fault(path=LIST, method="GET", drop=True, count=1),
    ),
    Case(
        "read: timeout always",
        ["describe checkout"],
        3,
        fault(path=LIST, method="GET", delay_seconds=3.0),
        env={"KAI_TIMEOUT": "1"},
    ),
    Case(
        "read: slow (0.5 s)",
        ["describe checkout"],
        0,
        fault(path=LIST, method="GET", delay_seconds=0.5),
    ),
    Case("read: 403", ["describe checkout"], 5, fault(path=LIST, method="GET", status=403)),
    Case(
        "write: 500 at apply",
        ["--yes", "scale checkout to 4"],
        1,
        fault(path=DEPLOY, method="PATCH", status=500, count=1, real_only=True),
    ),
    Case(
        "write: dropped at apply",
        ["--yes", "scale checkout to 4"],
        1,
        fault(path=DEPLOY, method="PATCH", drop=True, count=1, real_only=True),
    ),
    Case(
        "write: timeout, lands in 1.5 s",
        ["--yes", "scale checkout to 4"],
        0,
        fault(path=DEPLOY, method="PATCH", delay_seconds=1.5, count=1, real_only=True),
        changes=True,
        env={"KAI_TIMEOUT": "1"},
        settle_seconds=0.5,
    ),
    Case(
        "write: timeout, lands in 4 s",
        ["--yes", "scale checkout to 4"],
        1,
        fault(path=DEPLOY, method="PATCH", delay_seconds=4.0, count=1, real_only=True),
        changes=True,
        env={"KAI_TIMEOUT": "1"},
        settle_seconds=2.5,
    ),
    Case(
        "write: 409 once (re-diffed)",
        ["--yes", "scale checkout to 4"],
        0,
        fault(path=DEPLOY, method="PATCH", status=409, count=1, real_only=True),
        changes=True,
    ),
    Case(
        "write: 409 always",
        ["--yes", "scale checkout to 4"],
        1,
        fault(path=DEPLOY, method="PATCH", status=409, real_only=True),
    ),
    Case(
        "write: 403 at apply",
        ["--yes", "scale checkout to 4"],
        1,
        fault(path=DEPLOY, method="PATCH", status=403, real_only=True),
    ),
    Case(
        "dry run: 422",
        ["--yes", "scale checkout to 4"],
        5,
        fault(path=DEPLOY, method="PATCH", status=422, dry_run_only=True),
    ),
    Case(
        "plan fails midway (2 steps)",
        ["--yes", "scale checkout to 4 and scale cart to 3"],
        1,
        fault(
            path=r"/deployments/cartservice$", method="PATCH", status=500, count=1, real_only=True
        ),
        changes=True,
    ),
    Case(
        "RBAC denied (viewer)",
        ["--context", "kai-sandbox-viewer", "--yes", "scale checkout to 4"],
        5,
    ),
    Case("no terminal, no --yes", ["scale checkout to 4"], 6, confirmed=False),
    Case("--dry-run", ["--dry-run", "--yes", "scale checkout to 4"], 0, confirmed=False),
    Case("empty request", ["--yes", "   "], 2),
    Case("huge request (10k+)", ["--yes", "scale checkout to 4 " + "x" * 10_000], 2),
    Case("binary request", ["--yes", "scale checkout\x00 to 4"], 2),
    Case("control characters", ["--yes", "\x1b[31mscale checkout to 4\x1b[0m"], 0, changes=True),
    Case("non-English request", ["--yes", "escala checkout a 4 réplicas"], 4),
    Case("malformed ref", ["explain", "a/b/c"], 2),
    Case("ambiguous name", ["--yes", "scale service to 4"], 2),
    Case("unknown context", ["--context", "nope", "--yes", "scale checkout to 4"], 3),
    Case("broken kubeconfig", ["--yes", "scale checkout to 4"], 3, kubeconfig_text("not: [valid")),
    Case(
        "unreachable cluster",
        ["--yes", "scale checkout to 4"],
        3,
        kubeconfig_text(
            "apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters: [{name: c, cluster: {server: 'http://127.0.0.1:9'}}]\n"
            "users: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\n"
        ),
    ),
    Case(
        "Prometheus returns garbage",
        ["anomalies", "checkoutservice"],
        3,
        env={"KAI_PROMETHEUS_URL": "GARBAGE"},
    ),
]

# ------------------------------------------------------------------------------ issue 11 cases

PLANTED_ENV = {"name": "server", "env": [{"name": "API_TOKEN", "value": "tok-live-7f3a9c"}]}
PLANTED_ARGS = {"name": "server", "args": ["--db-password=pa55-w0rd-arg"]}
LEAKY_LOG = "\n".join(
    [
        "2026-03-01T10:00:00Z INFO starting",
        "PGPASSWORD=pgS3cret-one",
        "SECRETKEY=sk3y-two-2",
        "DB_PASS=dbP4ss-zero",
        "config db.pass=dbp4ss-three",
        "exec /app --db-password flagP4ss-four --port 8080",
        "auth with token 7f3a9b2c4d5e6f70",
        "alerts to https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/sl4ckW3bhookTok",
        "-----BEGIN PRIVATE KEY-----",
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
        "2026-03-01T10:00:05Z INFO listening on :8080",
        "2026-03-01T10:00:06Z WARN cache miss ratio high",
    ]
)
LOG_SECRETS = (
    "pgS3cret-one",
    "sk3y-two-2",
    "dbP4ss-zero",
    "dbp4ss-three",
    "flagP4ss-four",
    "7f3a9b2c4d5e6f70",
    "sl4ckW3bhookTok",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
)
# Mondays 09:00 UTC: the demo history is moved by whole weeks to end just before each.
AFTER_BLACK_FRIDAY = ("2026-11-30T09:00:00Z", "2027-11-29T09:00:00Z", "2028-11-27T09:00:00Z")
ANY_MONDAY = ("2026-11-23T09:00:00Z", "2027-06-14T09:00:00Z", "2028-02-28T09:00:00Z")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
NEW_HOOK = "whsec-rotated-8c41"  # a key named "hook": only the kind says it is secret
NEW_HOOK_B64 = base64.b64encode(NEW_HOOK.encode()).decode()


def clock(*moments: str) -> Arm:
    """KAI_NOW for this try: each try of the row a different date."""

    def arm(ctx: Ctx) -> list[str]:
        os.environ["KAI_NOW"] = moments[ctx.attempt % len(moments)]
        return []

    return arm


def same_plan_every_try(ctx: Ctx, code: int, out: str, err: str) -> str:
    plan = json.loads(out)["steps"][0]["result"]["data"]
    SEEN["capacity"].add(repr((plan["replicas"], plan["predicted_peak_rps"], plan["model"])))
    return "" if len(SEEN["capacity"]) == 1 else f"answers differ by date: {SEEN['capacity']}"


def undo_restored_env(ctx: Ctx, code: int, out: str, err: str) -> str:
    box = container(ctx, "checkoutservice", "shop")
    env = {e["name"]: e.get("value") for e in box.get("env", [])}
    if env.get("DB_PASSWORD") != "first-real-pw" or env.get("API_TOKEN") != "tok-live-7f3a9c":
        return f"env after undo: {env}"
    return "" if box.get("args") == PLANTED_ARGS["args"] else f"args after undo: {box.get('args')}"


LEDGER = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "name": "ledger-0",
        "namespace": "staging",
        "annotations": {"example.com/api-token": "annot-tok-91ce"},
    },
    "spec": {
        "containers": [
            {
                "name": "app",
                "image": "docker.io/library/busybox:1.36",
                "args": ["--token=arg-tok-5be1"],
                "env": [{"name": "DB_PASSWORD", "value": "pod-pw-0d2e"}],
            }
        ]
    },
}


def create(kind: str, body: dict[str, Any]) -> Arm:
    def arm(ctx: Ctx) -> list[str]:
        ctx.cluster.create(kind, json.loads(json.dumps(body)), body["metadata"]["namespace"])
        return []

    return arm


def pod_restored(ctx: Ctx, code: int, out: str, err: str) -> str:
    pod = ctx.cluster.get("Pod", "ledger-0", "staging")
    box, want = pod["spec"]["containers"][0], LEDGER["spec"]["containers"][0]
    same = pod["metadata"].get("annotations", {}).get("example.com/api-token") == "annot-tok-91ce"
    if not (same and box.get("args") == want["args"] and box.get("env") == want["env"]):
        return "the recreated pod lacks its real values"
    return ""


def db_login() -> dict[str, Any]:
    """A Secret made by `kubectl apply`: its last-applied annotation repeats the value."""
    applied = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db-login", "namespace": "shop"},
        "stringData": {"password": "Pl4intext-Hunter2"},
    }
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "db-login",
            "namespace": "shop",
            "annotations": {LAST_APPLIED: json.dumps(applied)},
        },
        "type": "Opaque",
        "data": {"password": base64.b64encode(b"Pl4intext-Hunter2").decode()},
    }


def real_value_written(ctx: Ctx, code: int, out: str, err: str) -> str:
    if env_of(ctx, "worker", "staging").get("DB_PASS") != "hunter2":
        return "the cluster did not get the real value"
    (change,) = json.loads(out)["changes"]
    return "" if MARKER in change["diff"] else "changes[].diff shows no redacted value"


def chatty_pod(ctx: Ctx) -> list[str]:
    meta = {"name": "chatty", "namespace": "staging"}
    meta["annotations"] = {"sandbox.kai.dev/logs": LEAKY_LOG}  # the sandbox kubelet's logs
    image = "docker.io/library/busybox:1.36"
    spec = {"containers": [{"name": "app", "image": image}]}
    ctx.cluster.create(
        "Pod", {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}, "staging"
    )
    return []


def shop_worker(ctx: Ctx) -> list[str]:
    """A second deployment named worker, in shop (staging has the demo's one)."""
    labels = {"app": "worker"}
    template = {
        "metadata": {"labels": labels},
        "spec": {"containers": [{"name": "w", "image": "busybox:1.36"}]},
    }
    meta = {"name": "worker", "namespace": "shop", "labels": labels}
    spec = {"replicas": 2, "selector": {"matchLabels": labels}, "template": template}
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta, "spec": spec}
    ctx.cluster.create("Deployment", body, "shop")
    return []


def someone_scales(n: int) -> Arm:
    def arm(ctx: Ctx) -> list[str]:
        patch = {"spec": {"replicas": n}}
        ctx.cluster.patch("Deployment", "checkoutservice", "shop", patch, patch_type="merge")
        return []

    return arm


def undo_first(ctx: Ctx) -> list[str]:
    ctx.vars["first"] = ctx.audit()[0]["id"]
    ctx.setup("--yes", "undo", ctx.vars["first"])
    return []


def kubeconfig_doc(ctx: Ctx) -> dict[str, Any]:
    import yaml

    return yaml.safe_load((ctx.tmp / "kubeconfig").read_text())


def write_yaml(path: Path, doc: dict[str, Any]) -> Path:
    import yaml

    path.write_text(yaml.safe_dump(doc))
    os.chmod(path, 0o600)
    return path


def viewer_first(ctx: Ctx) -> list[str]:
    """KUBECONFIG=a:b, a's current-context the read-only viewer: kubectl would use it."""
    doc = kubeconfig_doc(ctx)
    doc["current-context"] = "kai-sandbox-viewer"
    doc["contexts"] = [c for c in doc["contexts"] if c["name"] == "kai-sandbox-viewer"]
    first = write_yaml(ctx.tmp / "viewer.yaml", doc)
    os.environ["KUBECONFIG"] = f"{first}{os.pathsep}{ctx.tmp / 'kubeconfig'}"
    return []


def service_account(ctx: Ctx) -> list[str]:
    """A pod's view: no kubeconfig, KUBERNETES_SERVICE_* and a service-account folder.

    kai reads the folder at a fixed path (/var/run/secrets/...); the benchmark points that
    one constant at its own folder, the same seam tests/cli/test_cluster_auth_cli.py uses.
    """
    from k8sgpt_py.cluster import kubeconfig
    from k8sgpt_py.sandbox.sandbox import ca_cert_pem

    folder = ctx.tmp / "serviceaccount"
    folder.mkdir()
    (folder / "token").write_text(ctx.box.tokens.admin)
    (folder / "ca.crt").write_text(ca_cert_pem())
    (folder / "namespace").write_text("shop\n")
    for var in ("KUBECONFIG", "POD_NAMESPACE"):
        os.environ.pop(var, None)
    os.environ.update(
        HOME=str(ctx.tmp / "home"),
        KUBERNETES_SERVICE_HOST="127.0.0.1",
        KUBERNETES_SERVICE_PORT=ctx.box.url.rsplit(":", 1)[1],
    )
    saved = kubeconfig.SERVICE_ACCOUNT_DIR
    kubeconfig.SERVICE_ACCOUNT_DIR = folder
    ctx.undo.append(lambda: setattr(kubeconfig, "SERVICE_ACCOUNT_DIR", saved))
    return []


def listed_shop_pods(ctx: Ctx, code: int, out: str, err: str) -> str:
    items = json.loads(out)["steps"][0]["result"]["data"]["items"]
    names = [row["name"] for row in items]
    ok = any(n.startswith("checkoutservice-") for n in names)
    return "" if ok else "not the service account's namespace (shop)"


def full_disk_audit(ctx: Ctx) -> list[str]:
    (ctx.tmp / "kai").mkdir(exist_ok=True)
    (ctx.tmp / "kai" / "audit.jsonl").symlink_to("/dev/full")  # every write: ENOSPC
    return []


def failing_exec_plugin(ctx: Ctx) -> list[str]:
    doc = kubeconfig_doc(ctx)
    plugin = {"apiVersion": "client.authentication.k8s.io/v1", "command": "kai-no-such-plugin"}
    doc["users"][0]["user"] = {"exec": plugin}
    return ["--kubeconfig", str(write_yaml(ctx.tmp / "exec-kubeconfig", doc))]


def one_stderr_line(ctx: Ctx, code: int, out: str, err: str) -> str:
    lines = err.splitlines()
    return "" if len(lines) == 1 else f"{len(lines)} stderr lines"


def config_bytes(content: bytes) -> Arm:
    def arm(ctx: Ctx) -> list[str]:
        (ctx.tmp / "kai").mkdir(exist_ok=True)
        (ctx.tmp / "kai" / "config.yaml").write_bytes(content)
        return []

    return arm


def broken_audit_line(ctx: Ctx) -> list[str]:
    with (ctx.tmp / "kai" / "audit.jsonl").open("ab") as handle:
        handle.write(b'{"v": 1, "id": "\xff\xfe broken"}\n')
    return []


def prompt_told_apply(ctx: Ctx, code: int, out: str, err: str) -> str:
    system, tools = sent_to_model(ctx)
    if "- mode: apply (--yes)" not in system or "only propose changes" in system:
        return "the system prompt does not say --yes applies"
    return "" if "apply it without asking (--yes)" in tools else "the proposal note is wrong"


FIXED_TOKENS = ("kai-sandbox-admin-token", "kai-sandbox-viewer-token")


def background_sandbox(ctx: Ctx) -> list[str]:
    """`kai sandbox up`, then a kubeconfig holding the old fixed token instead of its own."""
    code, out, err = ctx.kai("-o", "json", "sandbox", "up")
    ctx.undo.append(lambda: ctx.kai("sandbox", "down", "--reset") and None)
    if code != 0:
        raise RuntimeError(f"kai sandbox up exited {code}: {err.strip()}")
    path = Path(json.loads(out)["kubeconfig"])
    ctx.vars["kubeconfig"] = str(path)
    import yaml

    doc = yaml.safe_load(path.read_text())
    ctx.secrets += [u["user"]["token"] for u in doc["users"]]
    ctx.vars["token"] = doc["users"][0]["user"]["token"]
    doc["users"][0]["user"]["token"] = FIXED_TOKENS[0]
    return ["--kubeconfig", str(write_yaml(ctx.tmp / "old-token", doc))]


def sandbox_files_private(ctx: Ctx, code: int, out: str, err: str) -> str:
    folder = Path(ctx.vars["kubeconfig"]).parent
    for path in (folder.parent, folder):
        if stat.S_IMODE(path.stat().st_mode) != 0o700:
            return f"{path.name}/ is {oct(stat.S_IMODE(path.stat().st_mode))}"
    loose = [p.name for p in folder.iterdir() if stat.S_IMODE(p.stat().st_mode) != 0o600]
    if loose:
        return f"not 0600: {loose}"
    token = ctx.vars["token"]
    if token in FIXED_TOKENS or token in SEEN["sandbox tokens"]:
        return "the sandbox token is not new"
    SEEN["sandbox tokens"].add(token)
    return ""


ISSUE_11 = [
    Case(
        "11.1a capacity: window past the horizon",
        ["--yes", "scale frontend for black friday"],
        2,
        clock(*AFTER_BLACK_FRIDAY),
        check=says("at most 28 days ahead", "\nhint: kai forecasts up to 28 days past"),
    ),
    Case(
        "11.1b capacity: same answer on any date",
        ["-o", "json", "--dry-run", "scale checkout to handle Friday traffic"],
        0,
        clock(*ANY_MONDAY),
        confirmed=False,
        check=same_plan_every_try,
    ),
    Case(
        "11.2a undo: env and args (redacted in log)",
        ["--yes", "undo"],
        0,
        steps(
            patch_template("checkoutservice", "shop", {**PLANTED_ENV, **PLANTED_ARGS}),
            setup("--yes", "set env DB_PASSWORD=first-real-pw on checkout"),
            setup("--yes", "set env DB_PASSWORD=second-real-pw on checkout"),
        ),
        changes=True,
        check=undo_restored_env,
        secrets=("tok-live-7f3a9c", "pa55-w0rd-arg", "first-real-pw", "second-real-pw"),
    ),
    Case(
        "11.2b undo: deleted pod with secrets",
        ["--yes", "undo"],
        0,
        steps(create("Pod", LEDGER), setup("--yes", "delete pod ledger-0 in staging")),
        changes=True,
        check=pod_restored,
        secrets=("annot-tok-91ce", "arg-tok-5be1", "pod-pw-0d2e"),
    ),
    Case(
        "11.3a diff: Secret, last-applied, dry run",
        ["--dry-run", "delete secret db-login"],
        0,
        create("Secret", db_login()),
        confirmed=False,
        check=says("last-applied-configuration", "password", absent=("]]",), stream="stdout"),
        secrets=("Pl4intext-Hunter2", base64.b64encode(b"Pl4intext-Hunter2").decode()),
    ),
    Case(
        "11.3b diff: env values, exit-6 path",
        ["set env DB_PASS=hunter2 on worker"],
        6,
        patch_template(
            "worker",
            "staging",
            {"name": "worker", "env": [{"name": "API_TOKEN", "value": "t0ken-abc123XYZ"}]},
        ),
        confirmed=False,
        check=says("DB_PASS", "API_TOKEN", stream="stdout"),
        secrets=("hunter2", "t0ken-abc123XYZ"),
    ),
    Case(
        "11.3c diff: env value, -o json, applied",
        ["-o", "json", "--yes", "set env DB_PASS=hunter2 on worker"],
        0,
        changes=True,
        check=real_value_written,
        secrets=("hunter2",),
    ),
    Case(
        "11.3d diff: a model's patch to a Secret",
        ["-o", "json", "--yes", f"set the payment webhook secret to {NEW_HOOK}"],
        0,
        model(
            tool_calls(
                call(
                    "patch_resource",
                    {
                        "kind": "secret",
                        "name": "payment-keys",
                        "namespace": "shop",
                        "patch": {"stringData": {"hook": NEW_HOOK}},
                    },
                )
            ),
            answer(f"Set the webhook secret to {NEW_HOOK}."),
        ),
        changes=True,
        check=lambda ctx, *_: (
            ""
            if ctx.cluster.get("Secret", "payment-keys", "shop")["data"].get("hook") == NEW_HOOK_B64
            else "the Secret did not get the real value"
        ),
        secrets=(NEW_HOOK, NEW_HOOK_B64),
    ),
    Case(
        "11.4 logs: every credential form",
        ["logs of chatty -n staging"],
        0,
        chatty_pod,
        check=says(
            "INFO listening on :8080", "WARN cache miss ratio high", absent=("]]",), stream="stdout"
        ),
        secrets=LOG_SECRETS,
    ),
    Case(
        "11.5a guardrail: pod X is not deploy X",
        ["-o", "json", "--yes", "delete pod worker in staging"],
        5,
        model(
            tool_calls(
                call(
                    "delete_resource",
                    {"kind": "deployment", "name": "worker", "namespace": "staging"},
                )
            ),
            answer("kai refused deleting deployment/staging/worker."),
        ),
        check=both(says("as a pod, not as a deployment"), told_model('"refused": true')),
    ),
    Case(
        "11.5b guardrail: namespace named",
        ["-o", "json", "--yes", "scale worker in staging to 3"],
        0,
        steps(
            shop_worker,
            model(
                tool_calls(
                    call("scale_workload", {"name": "worker", "namespace": "shop", "replicas": 3})
                ),
                tool_calls(
                    call(
                        "scale_workload", {"name": "worker", "namespace": "staging", "replicas": 3}
                    )
                ),
                answer("Proposed scaling deployment/staging/worker to 3."),
            ),
        ),
        changes=True,
        check=both(
            told_model("names namespace staging, not shop"),
            lambda ctx, *_: (
                ""
                if (replicas(ctx, "worker"), replicas(ctx, "worker", "staging")) == (2, 3)
                else "the wrong worker was scaled"
            ),
        ),
    ),
    Case(
        "11.5c guardrail: down by 1 is not zero",
        ["--yes", "scale worker in staging down by 1"],
        5,
        model(
            tool_calls(
                call("scale_workload", {"name": "worker", "namespace": "staging", "change": -1})
            ),
            answer("Scaling worker down by 1 would stop it."),
        ),
        check=both(says("needs an explicit zero"), told_model("explicit zero")),
    ),
    Case(
        "11.5d guardrail: one-letter words",
        ["--yes", "scale a service in shop to 5"],
        5,
        model(
            tool_calls(
                call("scale_workload", {"name": "cartservice", "namespace": "shop", "replicas": 5})
            ),
            answer("Refused."),
        ),
        check=says("does not mention 'cartservice'"),
    ),
    Case(
        "11.6a undo: later change by others",
        ["--yes", "undo"],
        5,
        steps(setup("--yes", "scale checkout to 4"), someone_scales(6)),
        check=both(
            says("spec.replicas (kai set 4, now 6)", "--force"),
            lambda ctx, *_: "" if replicas(ctx, "checkoutservice") == 6 else "clobbered",
        ),
    ),
    Case(
        "11.6b undo: the same record twice",
        ["--yes", "undo", "{first}"],
        2,
        steps(setup("--yes", "scale checkout to 4"), undo_first),
        check=says("already undone by"),
    ),
    Case(
        "11.7a KUBECONFIG=a:b, a's context wins",
        ["--yes", "scale checkout to 4"],
        5,
        viewer_first,
        check=says("for context kai-sandbox-viewer"),
    ),
    Case(
        "11.7b in-cluster service account",
        ["-o", "json", "list pods"],
        0,
        service_account,
        check=listed_shop_pods,
    ),
    Case(
        "11.8a applied but unauditable",
        ["--yes", "scale checkout to 4"],
        1,
        full_disk_audit,
        changes=True,
        audited=False,
        check=says("was applied", "could not be audited", absent=("internal error",)),
    ),
    Case(
        "11.8b exec plugin fails (own process)",
        ["list pods"],
        3,
        failing_exec_plugin,
        process=True,
        check=both(says("kai-no-such-plugin", absent=("ERROR:root",)), one_stderr_line),
    ),
    Case(
        "11.8c 401 says Unauthorized",
        ["list pods in shop"],
        3,
        fault(path=r"/namespaces/shop/pods$", status=401),
        check=says("Unauthorized (HTTP 401)", absent=(MARKER,)),
    ),
    Case("11.8d --horizon 99999999d", ["forecast", "checkout", "--horizon", "99999999d"], 2),
    Case("11.8e --since 99999999d", ["anomalies", "--since", "99999999d"], 2),
    Case("11.8f --what-if checkout=1e20", ["advise", "placement", "--what-if", "checkout=1e20"], 2),
    Case(
        "11.8g config file not UTF-8",
        ["list pods"],
        2,
        config_bytes(b"model: \xff\xfe\xfd\n"),
        check=says("not UTF-8 text"),
    ),
    Case(
        "11.8h audit line not UTF-8, then undo",
        ["--yes", "undo"],
        0,
        steps(setup("--yes", "scale checkout to 4"), broken_audit_line),
        changes=True,
        check=says("skipped 1 unreadable line"),
    ),
    Case(
        "11.8i --plot into a missing folder",
        ["forecast", "checkout", "--plot", "{tmp}/missing/plot.png"],
        2,
        lambda ctx: ctx.vars.update(tmp=str(ctx.tmp)) or [],
        check=says("does not exist", absent=("internal error",)),
    ),
    Case(
        "11.9a prompt tells the real mode",
        ["--yes", "scale checkout to 3"],
        0,
        model(
            tool_calls(call("scale_workload", {"name": "checkoutservice", "replicas": 3})),
            answer("Proposed 3 replicas for checkoutservice."),
        ),
        changes=True,
        check=prompt_told_apply,
    ),
    Case(
        "11.9b change asked, nothing done",
        ["--yes", "restart the frobnicator"],
        8,
        model(answer("I cannot find anything called the frobnicator, so I changed nothing.")),
        check=says("nothing was done"),
    ),
    Case(
        "11.10 sandbox: own token, private files",
        ["list pods in shop"],
        3,
        background_sandbox,
        check=both(says("Unauthorized (HTTP 401)"), sandbox_files_private),
    ),
]

# ------------------------------------------------------------------------------ measuring

CASES_ALL = CASES + ISSUE_11
SKIPPED_KEYS = {"/events", "/endpoints"}  # written by the sandbox itself, never by kai


def dump(box: Any) -> dict[str, Any]:
    """The sandbox's objects (read from this thread while its server may be busy: retried)."""
    for _ in range(20):
        try:
            return json.loads(json.dumps(box.store.to_json()))
        except RuntimeError:  # a dict changed size while we read it
            time.sleep(0.01)
    raise RuntimeError("could not read the sandbox store")


def objects(doc: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(kind, namespace, name) -> object, for what kai could write: not events, not objects
    a controller owns (pods of a ReplicaSet, ReplicaSets of a Deployment)."""
    from k8sgpt_py.sandbox.resources import BY_KEY

    out = {}
    for key, items in doc["objects"].items():
        if key in SKIPPED_KEYS:
            continue
        for obj in items:
            meta = obj["metadata"]
            if not meta.get("ownerReferences"):
                out[(BY_KEY[key].kind, meta.get("namespace") or "", meta["name"])] = obj
    return out


def intent(obj: dict[str, Any]) -> dict[str, Any]:
    """What a change sets: everything but status and the server's bookkeeping."""
    meta = obj.get("metadata") or {}
    body = {k: v for k, v in obj.items() if k not in ("metadata", "status", "kind", "apiVersion")}
    return {
        **body,
        "uid": meta.get("uid"),
        "labels": meta.get("labels"),
        "notes": meta.get("annotations"),
    }


def target_of(record: dict[str, Any]) -> tuple[str, str, str]:
    target = record["target"]
    return (target["kind"], target.get("namespace") or "", target["name"])


def audit_truthful(
    records: list[dict[str, Any]],
    before: dict[tuple[str, str, str], dict[str, Any]],
    after: dict[tuple[str, str, str], dict[str, Any]],
) -> bool:
    """The command's records match the objects, and explain every change it made."""
    from k8sgpt_py.redact import redact

    unknown = {target_of(r) for r in records if r.get("outcome") == "unknown"}
    latest = {target_of(r): r for r in records if r.get("applied")}
    for key, record in latest.items():
        live = after.get(key)
        if key in unknown:
            continue
        if record.get("action") == "delete":
            gone = (record.get("before") or {}).get("metadata", {}).get("uid")
            if live is not None and live["metadata"].get("uid") == gone:
                return False
        elif live is None or intent(redact(live)) != intent(record.get("after") or {}):
            return False
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    changed = {k for k in changed if intent(before.get(k) or {}) != intent(after.get(k) or {})}
    return changed <= set(latest) | unknown


def known_secrets(box: Any) -> list[str]:
    """The seed's Secret values, raw and base64, and the sandbox's bearer tokens."""
    values = [box.tokens.admin, box.tokens.viewer]
    for secret in box.store.list("/secrets"):
        for encoded in (secret.get("data") or {}).values():
            values += [encoded, base64.b64decode(encoded).decode("utf-8", "replace")]
    return values


def sent_by_kai(llm: ScriptedLLM) -> str:
    """Every message kai sent the model, but the model's own (replayed as history)."""
    messages = [m for r in llm.requests for m in r.get("messages", [])]
    return json.dumps([m for m in messages if m.get("role") != "assistant"])


@dataclass
class Outcome:
    code: int
    changed: bool
    unconfirmed: bool
    truthful: bool | None
    leaked: list[str]
    marker: bool
    clean: bool
    why: str  # "" when the case's own check passed


def one_try(case: Case, attempt: int, prom_url: str) -> Outcome:
    from k8sgpt_py.cluster.kube import Cluster
    from k8sgpt_py.sandbox import Sandbox

    saved = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp_name, Sandbox() as box:
        tmp = Path(tmp_name)
        kubeconfig = box.write_kubeconfig(tmp / "kubeconfig")
        for var in ("KAI_MODEL", "KAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "KAI_NOW"):
            os.environ.pop(var, None)  # nothing from the caller's shell decides the outcome
        for var in ("KAI_PROMETHEUS_URL", "KAI_READ_ONLY", "KAI_TIMEOUT", "KAI_METRICS_CSV"):
            os.environ.pop(var, None)
        os.environ.update(
            XDG_STATE_HOME=str(tmp),
            XDG_CONFIG_HOME=str(tmp),
            KUBECONFIG=str(kubeconfig),
            **{k: (prom_url if v == "GARBAGE" else v) for k, v in case.env.items()},
        )
        ctx = Ctx(box, tmp, Cluster.connect(kubeconfig=str(kubeconfig)), attempt)
        try:
            ctx.secrets += [*known_secrets(box), *case.secrets]
            marked_before = MARKER in json.dumps(dump(box))
            extra = case.arm(ctx)
            before = objects(dump(box))
            known = len(ctx.audit())
            args = [arg.format(**ctx.vars) if ctx.vars else arg for arg in case.args]
            code, out, err = ctx.kai(*extra, *args, process=case.process)
            box.clear_faults()
            time.sleep(case.settle_seconds)  # let a delayed request finish on the server
            doc = dump(box)
            after = objects(doc)
            records = ctx.audit()[known:]
            why = case.check(ctx, code, out, err) if case.check else ""
            log = tmp / "kai" / "audit.jsonl"
            seen = [*ctx.outputs, log.read_text(errors="replace") if log.is_file() else ""]
            leaked = {s for s in ctx.secrets if s and s in "\n".join(seen)}
            if ctx.llm is not None:  # what kai sent the model: the user's words may hold it
                sent, typed = sent_by_kai(ctx.llm), " ".join(ctx.typed)
                leaked |= {s for s in ctx.secrets if s and s in sent and s not in typed}
        except Exception as exc:  # a broken setup is a failed try, not a crash of the table
            return Outcome(-1, False, False, False, [], False, False, f"setup: {exc}")
        finally:
            for undo in reversed(ctx.undo):
                undo()
            os.environ.clear()
            os.environ.update(saved)
    changed = before != after and any(
        intent(before.get(k) or {}) != intent(after.get(k) or {})
        for k in before.keys() | after.keys()
    )
    return Outcome(
        code=code,
        changed=changed,
        unconfirmed=changed and not case.confirmed,
        truthful=audit_truthful(records, before, after) if case.audited else None,
        leaked=sorted(leaked),
        marker=not marked_before and MARKER in json.dumps(doc),
        clean="Traceback" not in err and (code == 0 or err.count("kai: error:") == 1),
        why=why,
    )


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


def verdict(case: Case, results: list[Outcome]) -> str:
    """ "" when every try behaved as specified, else the first thing that did not."""
    for r in results:
        if r.code != case.expect and r.code != -1:
            return f"exit {r.code}, expected {case.expect}"
        if r.why:
            return r.why
        if case.changes is not None and r.changed != case.changes:
            return "changed the cluster" if r.changed else "did not change the cluster"
        if r.unconfirmed:
            return "applied without confirmation"
        if r.truthful is False:
            return "the audit log does not match the cluster"
        if r.leaked:
            return f"leaked {r.leaked[0][:24]!r}"
        if r.marker:
            return f"wrote {MARKER} into the cluster"
        if not r.clean:
            return "not a one-line error"
    return ""


HEADER = (
    f"{'class':42} {'tries':>5} {'want':>4} {'exit':6} {'changed':>7} {'want':>4} "
    f"{'unconfirmed':>11} {'audit true':>10} {'leaked':>6} {'marker':>6} {'one line':>8} "
    f"{'check':>5}  ok"
)


def row(case: Case, results: list[Outcome]) -> str:
    n = len(results)
    codes = ",".join(str(c) for c in sorted({r.code for r in results}))
    want_change = {True: "yes", False: "no", None: "any"}[case.changes]
    audited = [r.truthful for r in results if r.truthful is not None]
    audit = f"{sum(audited)}/{n}" if audited else "n/a"
    return (
        f"{case.name:42} {n:>5} {case.expect:>4} {codes:6} {sum(r.changed for r in results):>5}/{n:<1} "
        f"{want_change:>4} {sum(r.unconfirmed for r in results):>11} {audit:>10} "
        f"{sum(bool(r.leaked) for r in results):>6} {sum(r.marker for r in results):>6} "
        f"{sum(r.clean for r in results):>6}/{n:<1} {sum(not r.why for r in results):>3}/{n:<1}  "
        f"{'yes' if not verdict(case, results) else 'NO'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tries", type=int, default=3)
    parser.add_argument("--only", default="", help="rows whose class contains this text")
    args = parser.parse_args()
    server = garbage_server()
    prom = f"http://127.0.0.1:{server.server_port}"
    cases = [c for c in CASES_ALL if args.only in c.name]
    print(HEADER)
    totals: collections.Counter[str] = collections.Counter()
    failed: dict[str, str] = {}
    started = time.monotonic()
    for case in cases:
        results = [one_try(case, attempt, prom) for attempt in range(args.tries)]
        print(row(case, results), flush=True)
        totals.update(
            tries=len(results),
            unconfirmed=sum(r.unconfirmed for r in results),
            lies=sum(r.truthful is False for r in results),
            leaks=sum(bool(r.leaked) for r in results),
            markers=sum(r.marker for r in results),
            unclean=sum(not r.clean for r in results),
        )
        if why := verdict(case, results):
            failed[case.name] = why
    server.shutdown()
    for name, why in failed.items():
        print(f"  {name}: {why}")
    groups = list(dict.fromkeys(group_of(c) for c in cases))
    bad = {group_of(c) for c in cases if c.name in failed}
    print(
        f"\n{totals['tries']} tries in {time.monotonic() - started:.0f} s: "
        f"{totals['unconfirmed']} applied without confirmation, {totals['lies']} untruthful "
        f"audit logs, {totals['leaks']} with a secret leaked, {totals['markers']} with "
        f"{MARKER} written to the cluster, {totals['unclean']} without a one-line error"
    )
    print(
        f"{len(groups) - len(bad)} of {len(groups)} classes behave as specified "
        f"({len(cases) - len(failed)} of {len(cases)} rows)"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
