"""Which kubectl verbs work against a fresh sandbox (the k8s-ai-bench setup/verify verbs).

Usage: ``python benchmarks/kubectl_verbs.py [--kubectl PATH]``. Each verb runs one or more
real ``kubectl`` commands and checks their exit codes and what they print (or what a later
``kubectl get`` shows); the table says ``ok`` or ``failed`` with the first thing that went
wrong, and the last line is the total quoted in the README.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

#: (kubectl arguments, expected exit code, text expected in stdout+stderr) per step.
Step = tuple[str, int, str]


@dataclass(frozen=True)
class Verb:
    """One verb and the commands that show it works."""

    name: str
    steps: tuple[Step, ...]


def _s(command: str, code: int = 0, expect: str = "") -> Step:
    return (command, code, expect)


NS = "-n bench"
WEB = f"deployment/web {NS}"
SSA = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: bench}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "nginx:1.27"}]
"""
CSA = """apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: bench}
data: {mode: MODE}
"""
STORAGE = """apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fixed}
provisioner: rancher.io/local-path
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: bench}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: fixed-data, namespace: bench}
spec:
  storageClassName: fixed
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
"""
NETPOL = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-ingress, namespace: bench}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
"""
SAR = """apiVersion: authorization.k8s.io/v1
kind: SubjectAccessReview
spec:
  user: system:serviceaccount:bench:robot
  resourceAttributes: {namespace: bench, verb: list, resource: pods}
"""
GROW = """-p '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}'"""

VERBS: tuple[Verb, ...] = (
    Verb("create namespace", (_s("create namespace bench", 0, "namespace/bench created"),)),
    Verb(
        "create deployment",
        (
            _s(f"create deployment web --image=nginx {NS}", 0, "created"),
            _s(
                f"get {WEB} -o jsonpath={{.spec.replicas}}/{{.spec.strategy.type}}/"
                "{.spec.strategy.rollingUpdate.maxSurge}/{.spec.selector.matchLabels.app}",
                0,
                "1/RollingUpdate/25%/web",
            ),
        ),
    ),
    Verb("create configmap", (_s(f"create configmap cfg --from-literal=k=v {NS}", 0, "created"),)),
    Verb(
        "create secret",
        (
            _s(f"create secret generic creds --from-literal=pw=s3cret {NS}", 0, "created"),
            _s(f"get secret creds {NS} -o jsonpath={{.data.pw}}", 0, "czNjcmV0"),
        ),
    ),
    Verb(
        "create job",
        (
            _s(f"create job once --image=busybox {NS}", 0, "created"),
            _s(f"wait --for=condition=complete job/once {NS} --timeout=10s", 0, "condition met"),
        ),
    ),
    Verb(
        "create cronjob",
        (
            _s(f'create cronjob tick --image=busybox --schedule="*/5 * * * *" {NS}', 0, "created"),
            _s(f"get cronjob tick {NS} -o jsonpath={{.spec.concurrencyPolicy}}", 0, "Allow"),
        ),
    ),
    Verb(
        "create service",
        (
            _s(f"create service clusterip backend --tcp=80:8080 {NS}", 0, "created"),
            _s(f"get svc backend {NS} -o jsonpath={{.spec.clusterIP}}", 0, "10.96."),
        ),
    ),
    Verb("create serviceaccount", (_s(f"create serviceaccount robot {NS}", 0, "created"),)),
    Verb(
        "create role",
        (_s(f"create role pod-reader --verb=get,list,watch --resource=pods {NS}", 0, "created"),),
    ),
    Verb(
        "create rolebinding",
        (
            _s(
                f"create rolebinding robot-reads --role=pod-reader "
                f"--serviceaccount=bench:robot {NS}",
                0,
                "created",
            ),
        ),
    ),
    Verb(
        "create clusterrole",
        (_s("create clusterrole node-reader --verb=get,list --resource=nodes", 0, "created"),),
    ),
    Verb(
        "create clusterrolebinding",
        (
            _s(
                "create clusterrolebinding robot-nodes --clusterrole=node-reader "
                "--serviceaccount=bench:robot",
                0,
                "created",
            ),
        ),
    ),
    Verb(
        "create quota",
        (
            _s(f"create quota roomy --hard=pods=50,count/deployments.apps=10 {NS}", 0, "created"),
            _s(f"get quota roomy {NS} -o jsonpath={{.status.hard.pods}}", 0, "50"),
        ),
    ),
    Verb(
        "create ingress",
        (
            _s(f"create ingress web --rule=shop.example.com/=web:80 {NS}", 0, "created"),
            _s(
                f"get ingress web {NS} -o "
                "jsonpath={.spec.rules[0].http.paths[0].backend.service.port.number}",
                0,
                "80",
            ),
        ),
    ),
    Verb("create pdb", (_s(f"create pdb web --selector=app=web --min-available=1 {NS}", 0, ""),)),
    Verb(
        "auth can-i --as (RBAC)",
        (
            _s(f"auth can-i list pods {NS} --as=system:serviceaccount:bench:robot", 0, "yes"),
            _s(f"auth can-i delete pods {NS} --as=system:serviceaccount:bench:robot", 1, "no"),
            _s("auth can-i list nodes --as=system:serviceaccount:bench:robot", 0, "yes"),
            _s(f"get pods {NS} --as=system:serviceaccount:bench:robot", 0, ""),
            _s(f"get secrets {NS} --as=system:serviceaccount:bench:robot", 1, "forbidden"),
        ),
    ),
    Verb(
        "auth can-i --list",
        (_s(f"auth can-i --list {NS} --as=system:serviceaccount:bench:robot", 0, "pods"),),
    ),
    Verb("SubjectAccessReview", (_s("create -o jsonpath={.status.allowed} -f -", 0, "true"),)),
    Verb(
        "autoscale",
        (
            _s(f"autoscale {WEB} --min=1 --max=4 --cpu-percent=60", 0, "autoscaled"),
            _s(
                f"get hpa web {NS} -o "
                "jsonpath={.spec.metrics[0].resource.target.averageUtilization}",
                0,
                "60",
            ),
            _s(
                f"get horizontalpodautoscalers.v1.autoscaling web {NS} "
                "-o jsonpath={.spec.targetCPUUtilizationPercentage}",
                0,
                "60",
            ),
        ),
    ),
    Verb(
        "apply --server-side (new)",
        (_s("apply --server-side -f -", 0, "serverside-applied"),),
    ),
    Verb(
        "apply --server-side (existing)",
        (
            _s(f"scale deployment/api {NS} --replicas=3", 0, "scaled"),
            _s("apply --server-side -f -", 1, "conflict"),
            _s("apply --server-side --force-conflicts -f -", 0, "serverside-applied"),
            _s(f"get deployment/api {NS} -o jsonpath={{.spec.replicas}}", 0, "2"),
        ),
    ),
    Verb(
        "apply (client-side)",
        (
            _s("apply -f -", 0, "configmap/settings created"),
            _s("apply -f -", 0, "configmap/settings configured"),
            _s(
                f"get configmap settings {NS} -o jsonpath={{.metadata.annotations}}",
                0,
                "last-applied-configuration",
            ),
        ),
    ),
    Verb("scale", (_s(f"scale {WEB} --replicas=4", 0, "scaled"),)),
    Verb("set image", (_s(f"set image {WEB} nginx=nginx:1.27", 0, "image updated"),)),
    Verb("label", (_s(f"label {WEB} tier=frontend", 0, "labeled"),)),
    Verb("annotate", (_s(f"annotate {WEB} owner=team-a", 0, "annotated"),)),
    Verb(
        "expose",
        (
            _s(f"expose {WEB} --port=80 --target-port=8080", 0, "exposed"),
            _s(f"get endpoints web {NS} -o jsonpath={{.subsets[0].addresses[*].ip}}", 0, "10.244"),
        ),
    ),
    Verb("rollout status", (_s(f"rollout status {WEB} --timeout=10s", 0, "successfully rolled"),)),
    Verb("rollout history", (_s(f"rollout history {WEB}", 0, "REVISION"),)),
    Verb("rollout undo", (_s(f"rollout undo {WEB}", 0, "rolled back"),)),
    Verb(
        "rollout restart",
        (
            _s(f"rollout restart {WEB}", 0, "restarted"),
            _s(f"rollout status {WEB} --timeout=10s", 0, "successfully rolled"),
        ),
    ),
    Verb(
        "wait --for=condition=available",
        (_s(f"wait --for=condition=available {WEB} --timeout=10s", 0, "condition met"),),
    ),
    Verb(
        "image names expanded",
        (
            _s(
                f"get pods -l app=web {NS} -o jsonpath={{.items[0].status.containerStatuses[0].image}}",
                0,
                "docker.io/library/nginx:",
            ),
        ),
    ),
    Verb(
        "rolling update steps (maxSurge/maxUnavailable)",
        (
            _s(
                f"patch {WEB} -p "
                """'{"spec":{"progressDeadlineSeconds":2,"strategy":{"rollingUpdate":"""
                """{"maxSurge":1,"maxUnavailable":1}}}}'""",
                0,
                "patched",
            ),
            _s(f"set image {WEB} nginx=registry.invalid/nginx:broken", 0, "image updated"),
            _s(f"get rs -l app=web {NS} -o jsonpath={{.items[*].spec.replicas}}", 0, ""),
        ),
    ),
    Verb(
        "rollout status (progress deadline)",
        (_s(f"rollout status {WEB} --timeout=15s", 1, "exceeded its progress deadline"),),
    ),
    Verb("apply networkpolicy", (_s("apply -f -", 0, "networkpolicy"),)),
    Verb(
        "PVC resize",
        (
            _s("apply -f -", 0, "persistentvolumeclaim/data created"),
            _s(f"patch pvc data {NS} {GROW}", 0, "patched"),
            _s(f"get pvc data {NS} -o jsonpath={{.status.capacity.storage}}", 0, "2Gi"),
            _s(f"patch pvc fixed-data {NS} {GROW}", 1, "must support resize"),
        ),
    ),
    Verb(
        "quota refuses pods beyond it",
        (
            _s("create namespace tight", 0, "created"),
            _s("create quota none --hard=pods=0 -n tight", 0, "created"),
            _s("run extra --image=nginx -n tight", 1, "exceeded quota: none"),
        ),
    ),
    Verb(
        "create token",
        (
            _s(f"create token robot {NS}", 0, "."),
            _s(f"auth can-i list pods {NS} --as=system:serviceaccount:bench:robot", 0, "yes"),
        ),
    ),
    Verb("run", (_s(f"run probe --image=busybox --restart=Never {NS}", 0, "pod/probe created"),)),
    Verb("delete", (_s(f"delete pod probe {NS}", 0, "deleted"),)),
)

#: Standard input per (verb name, step index).
STDIN: dict[tuple[str, int], str] = {
    ("SubjectAccessReview", 0): SAR,
    ("apply --server-side (new)", 0): SSA.replace("REPLICAS", "2"),
    ("apply --server-side (existing)", 1): SSA.replace("REPLICAS", "2"),
    ("apply --server-side (existing)", 2): SSA.replace("REPLICAS", "2"),
    ("apply (client-side)", 0): CSA.replace("MODE", "fast"),
    ("apply (client-side)", 1): CSA.replace("MODE", "safe"),
    ("apply networkpolicy", 0): NETPOL,
    ("PVC resize", 0): STORAGE,
}


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:70] if lines else ""


def run_verb(kubectl: list[str], verb: Verb) -> tuple[bool, str]:
    """(ok, note) for one verb."""
    note = ""
    for index, (command, code, expect) in enumerate(verb.steps):
        done = subprocess.run(
            [*kubectl, *_split(command)],
            input=STDIN.get((verb.name, index), ""),
            capture_output=True,
            text=True,
            timeout=60,
        )
        output = done.stdout + done.stderr
        if done.returncode != code or expect not in output:
            return False, f"`{command[:40]}` -> {done.returncode}: {_last_line(output)}"
        note = _last_line(done.stdout) or _last_line(done.stderr)
    return True, note


def _split(command: str) -> list[str]:
    import shlex

    return shlex.split(command)


def main(argv: list[str] | None = None) -> int:
    """Run every verb against a fresh sandbox and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubectl", default=shutil.which("kubectl") or "kubectl")
    args = parser.parse_args(argv)
    from k8sgpt_py.sandbox import Sandbox

    started = time.perf_counter()
    results: list[tuple[str, bool, str]] = []
    with tempfile.TemporaryDirectory() as folder, Sandbox() as box:
        config = box.write_kubeconfig(Path(folder) / "kubeconfig")
        kubectl = [args.kubectl, "--kubeconfig", str(config), "--request-timeout=20s"]
        for verb in VERBS:
            ok, note = run_verb(kubectl, verb)
            results.append((verb.name, ok, note))
    width = max(len(name) for name, _, _ in results)
    print(f"{'verb'.ljust(width)} | result | note")
    print(f"{'-' * width}-|--------|-----")
    for name, ok, note in results:
        print(f"{name.ljust(width)} | {'ok' if ok else 'failed':<6} | {note}")
    working = sum(1 for _, ok, _ in results if ok)
    elapsed = time.perf_counter() - started
    print(f"\n{working} of {len(results)} kubectl verbs work ({elapsed:.1f} s)")
    return 0 if working == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
