"""Every ``kai "..."`` fix that scan/explain suggest on the broken sandbox must parse offline.

The sandbox's staging namespace is broken on purpose (a missing env var, a bad image, an
OOM, a service selecting nothing); a cordoned node and an HPA on a workload without requests
add two more analyzers. Each suggested request, its <placeholder> filled in as a person
would, must give the intended tool call. A suggestion nobody taught the test about fails it, so new
suggestions come with an offline parse.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import offline_paraphrases as bench

from k8sgpt_py.planner.offline import Call, ClusterNames, parse
from k8sgpt_py.planner.questions import Question, question

SUGGESTION = re.compile(r'kai (?:-n (?P<ns>\S+) )?"(?P<request>[^"]+)"')
FILLED = {
    "<image>:<tag>": "registry.kai.dev/staging/imagecheck:v2.0.0",
    "<value>": "postgres://db:5432/app",
    "<labels of its pods>": "app=worker",
    "<name>": "node-a",
}

# request template -> the call it must become (None: no offline tool yet, so not understood)
EXPECTED: list[tuple[re.Pattern[str], object]] = [
    (
        re.compile(r"^set image (?P<ref>\S+) (?P<c>[\w-]+)=(?P<image>\S+)$"),
        lambda m: Call("set_image", {"name": m["ref"], "container": m["c"], "image": m["image"]}),
    ),
    (
        re.compile(
            r"^set (?P<res>memory|cpu) (?P<sec>limit|request) of container (?P<c>\S+) "
            r"in (?P<ref>\S+) to (?P<q>\S+)$"
        ),
        lambda m: Call(
            "set_resources",
            {"name": m["ref"], "container": m["c"], f"{m['res']}_{m['sec']}": m["q"]},
        ),
    ),
    (
        re.compile(
            r"^set (?P<res>memory|cpu) (?P<sec>limit|request) of (?P<ref>\S+) to (?P<q>\S+)$"
        ),
        lambda m: Call("set_resources", {"name": m["ref"], f"{m['res']}_{m['sec']}": m["q"]}),
    ),
    (
        re.compile(r"^set env (?P<key>\w+)=(?P<value>\S+) on (?P<ref>\S+)$"),
        lambda m: Call("set_env", {"name": m["ref"], "env": {m["key"]: m["value"]}}),
    ),
    (
        re.compile(r"^roll back (?P<ref>\S+)$"),
        lambda m: Call("rollback_deployment", {"name": m["ref"]}),
    ),
    (
        re.compile(r"^(?P<verb>uncordon|drain) node (?P<node>\S+)$"),
        lambda m: Call(f"{m['verb']}_node", {"name": m["node"]}),
    ),
    (
        re.compile(r"^set max replicas of (?P<ref>hpa/\S+) to (?P<n>\d+)$"),
        lambda m: Call("update_hpa", {"name": m["ref"], "max_replicas": int(m["n"])}),
    ),
    (
        re.compile(r"^describe pod (?P<pod>\S+)$"),
        lambda m: Call("describe_resource", {"name": m["pod"], "kind": "pod"}),
    ),
    (
        re.compile(r"^why is (?P<ref>\S+) not serving$"),
        lambda m: Question("explain", m["ref"]),
    ),
    # selector and ingress class: the general patch tool
    (
        re.compile(r"^set the selector of (?P<ref>svc/\S+) to (?P<k>[\w./-]+)=(?P<v>\S+)$"),
        lambda m: Call(
            "patch_resource",
            {
                "kind": "service",
                "name": m["ref"],
                "patch": [{"op": "add", "path": "/spec/selector", "value": {m["k"]: m["v"]}}],
                "patch_type": "json",
            },
        ),
    ),
    (
        re.compile(r"^set ingressClassName of (?P<ref>ingress/\S+) to (?P<cls>\S+)$"),
        lambda m: Call(
            "patch_resource",
            {
                "kind": "ingress",
                "name": m["ref"],
                "patch": {"spec": {"ingressClassName": m["cls"]}},
            },
        ),
    ),
]


def _fill(request: str) -> str:
    for hole, value in FILLED.items():
        request = request.replace(hole, value)
    assert "<" not in request, f"unfilled placeholder in {request!r}"
    return request


def _suggestions(kai, kube) -> set[tuple[str | None, str]]:
    texts = []
    scan = kai("-o", "json", "-A", "scan")
    assert scan.exit_code == 0, scan.stderr
    texts += [f["suggestion"] for f in scan.json()["findings"]]
    for name in [d["metadata"]["name"] for d in kube.list("Deployment", "staging")] + [
        "svc/legacy-api",
        "svc/imagecheck",
        "node/node-d",
        "hpa/worker",
    ]:
        ns = "staging"
        explained = kai("-o", "json", "-n", ns, "explain", name)
        assert explained.exit_code == 0, explained.stderr
        doc = explained.json()
        texts += [f["suggestion"] for f in doc["findings"]] + [doc.get("explanation") or ""]
    return {(m["ns"], m["request"]) for t in texts for m in SUGGESTION.finditer(t)}


@pytest.fixture
def broken_more(sandbox, kube):
    """Two more broken things: a cordoned node; an HPA on cpu of a pod that requests none."""
    kube.patch("Node", "node-d", None, {"spec": {"unschedulable": True}}, patch_type="merge")
    drop = [{"op": "remove", "path": "/spec/template/spec/containers/0/resources/requests"}]
    kube.patch("Deployment", "worker", "staging", drop, patch_type="json")
    metric = {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "worker", "namespace": "staging"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "worker"},
            "minReplicas": 1,
            "maxReplicas": 4,
            "metrics": [{"type": "Resource", "resource": metric}],
        },
    }
    kube.create("HorizontalPodAutoscaler", hpa, "staging")


def test_every_suggested_fix_parses_into_the_intended_call(sandbox, kube, kai, broken_more):
    found = _suggestions(kai, kube)
    requests = {r for _, r in found}
    assert any(r.startswith("set env DATABASE_URL=") for r in requests)  # worker
    assert any(r.startswith("set image deploy/imagecheck") for r in requests)
    assert any(r.startswith("set memory limit of container memhog") for r in requests)
    assert "uncordon node node-d" in requests
    assert "set cpu request of container worker in deploy/worker to 100m" in requests
    names = ClusterNames(kube)
    for _, request in sorted(found, key=lambda f: f[1]):
        filled = _fill(request)
        rule = next(((p, e) for p, e in EXPECTED if p.match(filled)), None)
        assert rule is not None, f"new suggestion {request!r}: add its expected offline call here"
        pattern, expect = rule
        if expect is None:
            assert parse(filled, names) is None and question(filled) is None, filled
            continue
        want = expect(pattern.match(filled))
        if isinstance(want, Question):
            assert question(filled) == want, filled
            continue
        got = parse(filled, names)
        assert got is not None and len(got) == 1, f"{filled!r} not understood offline"
        assert bench.canonical(kube, got[0].tool, got[0].args) == bench.canonical(
            kube, want.tool, want.args
        ), filled


def test_a_suggestion_with_its_placeholder_left_in_exits_2(sandbox, kube, kai):
    result = kai("-n", "staging", "set env DATABASE_URL=<value> on deploy/worker")
    assert result.exit_code == 2
    assert "placeholder <value>" in result.stderr and "replace it" in result.stderr
    worker = kube.get("Deployment", "worker", "staging")
    assert "env" not in worker["spec"]["template"]["spec"]["containers"][0] or all(
        e["name"] != "DATABASE_URL"
        for e in worker["spec"]["template"]["spec"]["containers"][0]["env"]
    )


def test_the_filled_in_env_fix_applies_end_to_end(sandbox, kube, kai):
    result = kai(
        "-n", "staging", "--yes", "set env DATABASE_URL=postgres://db:5432/app on deploy/worker"
    )
    assert result.exit_code == 0, result.stderr
    env = kube.get("Deployment", "worker", "staging")["spec"]["template"]["spec"]["containers"][0][
        "env"
    ]
    assert {"name": "DATABASE_URL", "value": "postgres://db:5432/app"} in env
