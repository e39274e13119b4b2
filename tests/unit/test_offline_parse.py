"""The offline planner's rules: request text -> tool calls."""

from __future__ import annotations

import pytest

from k8sgpt_py.planner.offline import Call, parse
from k8sgpt_py.planner.questions import Question, question

CASES = [
    ("scale checkout to 5", Call("scale_workload", {"name": "checkout", "replicas": 5})),
    (
        "Please scale checkout to 5 replicas.",
        Call("scale_workload", {"name": "checkout", "replicas": 5}),
    ),
    (
        "scale deploy/checkoutservice to 3 -n shop",
        Call(
            "scale_workload", {"name": "deploy/checkoutservice", "namespace": "shop", "replicas": 3}
        ),
    ),
    (
        "scale checkoutservice in shop to 3",
        Call("scale_workload", {"name": "checkoutservice", "namespace": "shop", "replicas": 3}),
    ),
    (
        "scale the checkout deployment to 4",
        Call("scale_workload", {"name": "checkout", "replicas": 4}),
    ),
    ("scale up cart by 2", Call("scale_workload", {"name": "cart", "change": 2})),
    ("scale checkout by -1", Call("scale_workload", {"name": "checkout", "change": -1})),
    ("scale frontend by 50%", Call("scale_workload", {"name": "frontend", "percent": 50.0})),
    ("scale frontend down by 25%", Call("scale_workload", {"name": "frontend", "percent": -25.0})),
    ("add 2 replicas to cart", Call("scale_workload", {"name": "cart", "change": 2})),
    ("remove 1 replica from cart", Call("scale_workload", {"name": "cart", "change": -1})),
    ("scale checkout to zero", Call("scale_workload", {"name": "checkout", "replicas": 0})),
    ("restart frontend", Call("restart_workload", {"name": "frontend"})),
    (
        "rollout restart deployment/frontend -n shop",
        Call("restart_workload", {"name": "deployment/frontend", "namespace": "shop"}),
    ),
    ("roll back paymentservice", Call("rollback_deployment", {"name": "paymentservice"})),
    (
        "rollback payment to revision 1",
        Call("rollback_deployment", {"name": "payment", "to_revision": 1}),
    ),
    ("undo the last rollout of payment", Call("rollback_deployment", {"name": "payment"})),
    (
        "set image of checkout to gcr.io/shop/checkout:v2",
        Call("set_image", {"name": "checkout", "image": "gcr.io/shop/checkout:v2"}),
    ),
    (
        "set image deploy/checkoutservice server=repo/checkout:1.2",
        Call(
            "set_image",
            {"name": "checkoutservice", "image": "repo/checkout:1.2", "container": "server"},
        ),
    ),
    ("upgrade cart to v1.2.3", Call("set_image", {"name": "cart", "image": "v1.2.3"})),
    (
        "set memory limit of cart to 512Mi",
        Call("set_resources", {"name": "cart", "memory_limit": "512Mi"}),
    ),
    (
        "set checkout cpu request to 300m",
        Call("set_resources", {"name": "checkout", "cpu_request": "300m"}),
    ),
    (
        "set requests cpu=200m memory=256Mi on checkout",
        Call(
            "set_resources", {"name": "checkout", "cpu_request": "200m", "memory_request": "256Mi"}
        ),
    ),
    (
        "set env DATABASE_URL=postgres://db/app on worker",
        Call("set_env", {"name": "worker", "env": {"DATABASE_URL": "postgres://db/app"}}),
    ),
    ("logs of worker", Call("get_pod_logs", {"name": "worker"})),
    (
        "show last 50 lines of worker logs",
        Call("get_pod_logs", {"name": "worker", "tail_lines": 50}),
    ),
    ("previous logs of worker", Call("get_pod_logs", {"name": "worker", "previous": True})),
    ("logs worker --previous", Call("get_pod_logs", {"name": "worker", "previous": True})),
    ("delete pod frontend-abc", Call("delete_pod", {"name": "frontend-abc"})),
    ("delete namespace shop", Call("delete_resource", {"name": "shop", "kind": "namespace"})),
    ("cordon node-b", Call("cordon_node", {"name": "node-b"})),
    ("drain node-c", Call("drain_node", {"name": "node-c"})),
    ("uncordon node-b", Call("uncordon_node", {"name": "node-b"})),
    ("list pods in shop", Call("list_resources", {"kind": "pod", "namespace": "shop"})),
    ("get pods -n staging", Call("list_resources", {"kind": "pod", "namespace": "staging"})),
    (
        "list pods across all namespaces",
        Call("list_resources", {"kind": "pod", "all_namespaces": True}),
    ),
    ("what's running in shop", Call("list_resources", {"kind": "pod", "namespace": "shop"})),
    ("describe checkout", Call("describe_resource", {"name": "checkout"})),
    ("get secret payment-keys", Call("get_resource", {"name": "payment-keys", "kind": "secret"})),
    ("how many replicas does frontend have", Call("describe_resource", {"name": "frontend"})),
]


@pytest.mark.parametrize(("request_text", "call"), CASES, ids=[c[0] for c in CASES])
def test_offline_parse_understands_common_requests(request_text, call):
    assert parse(request_text) == [call]


def test_offline_parse_splits_compound_requests():
    assert parse("scale checkout to 5 and restart frontend") == [
        Call("scale_workload", {"name": "checkout", "replicas": 5}),
        Call("restart_workload", {"name": "frontend"}),
    ]


@pytest.mark.parametrize(
    "text", ["make the frontend faster", "what should I do", "scale checkout to 5 and bake a cake"]
)
def test_offline_parse_returns_none_when_not_understood(text):
    assert parse(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("why is worker crashing", Question("explain", "worker")),
        ("Why is the worker pod crashing in staging?", Question("explain", "worker", "staging")),
        ("why does bigjob stay pending", Question("explain", "bigjob")),
        ("whats wrong with imagecheck -n staging", Question("explain", "imagecheck", "staging")),
        ("kai, why is pod/worker-x restarting?", Question("explain", "pod/worker-x")),
        ("debug memhog", Question("explain", "memhog")),
        ("is frontend healthy", Question("explain", "frontend")),
        ("is the cluster healthy", Question("scan")),
        ("is everything ok in staging", Question("scan", None, "staging")),
        ("any problems in the cluster", Question("scan")),
        ("what is broken", Question("scan")),
        ("anything unusual in shop", Question("anomalies", None, "shop")),
        ("is there anything unusual in the metrics", Question("anomalies")),
        ("any anomalies -n shop", Question("anomalies", None, "shop")),
        ("tell me why worker keeps crashing", Question("explain", "worker")),
        ("why are pods pending in staging", Question("scan", None, "staging")),
        ("checkout is down", Question("explain", "checkout")),
    ],
)
def test_questions_are_answered_by_a_command(text, expected):
    assert question(text) == expected


@pytest.mark.parametrize(
    "text", ["scale worker to 3", "show logs of worker", "restart frontend", "why", "explain"]
)
def test_requests_that_are_not_questions(text):
    assert question(text) is None


def test_question_teaches_its_command():
    assert Question("anomalies", None, "shop").as_command() == "kai -n shop anomalies"
    assert Question("explain", "worker").as_command() == "kai explain worker"


# -- the lexicon planner: slots and safety without a cluster -----------------------------------


@pytest.mark.parametrize(
    ("text", "call"),
    [
        ("scale cart to a dozen pods", Call("scale_workload", {"name": "cart", "replicas": 12})),
        ("scale cart to half a dozen", Call("scale_workload", {"name": "cart", "replicas": 6})),
        ("add a couple of pods to cart", Call("scale_workload", {"name": "cart", "change": 2})),
        ("double frontend", Call("scale_workload", {"name": "frontend", "percent": 100.0})),
        ("halve frontend", Call("scale_workload", {"name": "frontend", "percent": -50.0})),
        ("grow frontend by 30%", Call("scale_workload", {"name": "frontend", "percent": 30.0})),
        ("give cart 1gb of memory", Call("set_resources", {"name": "cart", "memory_limit": "1G"})),
        ("give cart 2 cores", Call("set_resources", {"name": "cart", "cpu_limit": "2"})),
        (
            "bounce worker -n staging",
            Call("restart_workload", {"name": "worker", "namespace": "staging"}),
        ),
        ("mark node-c as unschedulable", Call("cordon_node", {"name": "node-c"})),
        ("tail -n 30 of worker logs", Call("get_pod_logs", {"name": "worker", "tail_lines": 30})),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_lexicon_slots_without_cluster_names(text, call):
    assert parse(text) == [call]


@pytest.mark.parametrize(
    "text",
    [
        "don't restart checkout",
        "never drain node-a",
        "why did someone scale cart to 5",
        "restart frontend if it is slow",
        "I scaled checkout to 3 yesterday",
        "the frontend was restarted twice",
        "don't set the selector of svc/legacy-api to app=worker",
    ],
)
def test_lexicon_never_plans_a_write_it_was_not_asked_for(text):
    assert parse(text) is None


def test_did_you_mean_names_the_verb_a_typo_was():
    from k8sgpt_py.planner.offline import did_you_mean

    assert did_you_mean("sclae checkout to 3") == "scale"
    assert did_you_mean("restrat the frontend") == "restart"
    assert did_you_mean("don't restart checkout") is None
    assert did_you_mean("make the frontend faster") is None
