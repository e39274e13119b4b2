"""The guardrail matcher: what a request names (words, kinds, namespaces, sets, zeros)."""

from __future__ import annotations

import pytest

from k8sgpt_py.changes.guardrails import (
    asks_for_change,
    check,
    is_mentioned,
    read_request,
    refusals,
    selector_terms,
)
from k8sgpt_py.changes.proposal import ObjectRef, Proposal, Selection

NAMESPACES = {"default", "kube-system", "shop", "staging"}


def patch(name, namespace="shop", kind="Deployment", **kw):
    return Proposal(ObjectRef("apps/v1", kind, name, namespace), "patch", "p", **kw)


def delete(name, namespace="shop", kind="Deployment", **kw):
    return Proposal(ObjectRef("v1", kind, name, namespace), "delete", "d", **kw)


def verdict(proposal, request, **kw):
    scope = read_request(request, known_namespaces=NAMESPACES, **kw)
    return check(proposal, scope)


@pytest.mark.parametrize(
    ("name", "request_text"),
    [
        ("cartservice", "scale a to 3"),
        ("imagecheck", "restart in staging"),
        ("paymentservice", "what's the status"),
        ("redis-cart", "restart s"),
        ("checkoutservice", "restart the service"),
        ("cartservice", "restart art"),  # a word inside a name is not a mention of it
        ("frontend", "scale it to 5"),
    ],
)
def test_guardrails_short_stop_and_inner_words_do_not_ground(name, request_text):
    assert not is_mentioned(name, request_text)


@pytest.mark.parametrize(
    ("name", "request_text"),
    [
        ("checkoutservice", "scale checkout to 5"),
        ("worker", "explain pod/worker-5d9c-x2"),
        ("paymentservice", "scale the payments backend"),
        ("paymentservice", "restart the payment service"),
        ("productcatalogservice", "restart product catalog"),
        ("redis-cart", "restart the cart redis"),
        ("checkoutservice", "restart checkoutservce"),  # typo of the whole name
        ("db", "restart db"),
    ],
)
def test_guardrails_name_like_words_ground_fuzzily(name, request_text):
    assert is_mentioned(name, request_text)


def test_guardrails_kind_named_with_the_word_must_match():
    assert "as a pod, not as a deployment" in verdict(delete("worker"), "delete pod worker")
    assert "as a pod" in verdict(patch("worker"), "delete the worker pod")
    assert verdict(delete("worker-5d9c-x", kind="Pod"), "delete pod worker") is None
    assert verdict(delete("worker"), "delete deployment worker") is None
    assert verdict(patch("worker"), "restart worker") is None  # no kind named: any kind


@pytest.mark.parametrize(
    ("request_text", "kind"),
    [
        ("create the deployer service account", "ServiceAccount"),
        ("create config map settings", "ConfigMap"),
        ("suspend the nightly cron job", "CronJob"),
        ("delete the deny-all network policy", "NetworkPolicy"),
        ("remove the ci cluster role binding", "ClusterRoleBinding"),
        ("resize the data persistent volume claim", "PersistentVolumeClaim"),
    ],
)
def test_guardrails_kinds_written_in_words_are_read_as_kinds(request_text, kind):
    mentions = read_request(request_text).mentions
    assert [sorted(m.kinds) for m in mentions] == [[kind]]
    name = mentions[0].word
    assert verdict(patch(name, kind=kind), request_text) is None
    assert "not as a deployment" in verdict(patch(name), request_text)


def test_guardrails_a_pod_name_grounds_its_workload_but_not_its_deletion():
    assert verdict(patch("worker"), "fix pod/worker-5d9c-x") is None
    assert verdict(patch("api", "ledger"), "double the number of api pods in ledger") is None
    assert verdict(patch("api", "ledger"), "restart the api pods in ledger") is None
    assert verdict(delete("api", "ledger"), "restart the api pods in ledger") is not None
    assert verdict(delete("worker"), "delete pod/worker-5d9c-x") is not None


def test_guardrails_namespace_named_by_the_request_or_flag():
    assert verdict(patch("worker", "staging"), "scale worker in staging to 3") is None
    refused = verdict(patch("worker", "shop"), "scale worker in staging to 3")
    assert "names namespace staging, not shop" in refused
    assert verdict(patch("worker", "shop"), "scale worker -n staging") is not None
    assert verdict(patch("worker", "shop"), "scale staging/worker to 2") is not None
    assert verdict(patch("worker", "shop"), "scale deploy/staging/worker to 2") is not None
    assert verdict(patch("worker", "shop"), "scale worker in the staging namespace") is not None
    assert verdict(patch("worker", "shop"), "scale worker", flag_namespace="staging") is not None
    # the request's own namespace wins over the flag
    in_shop = verdict(patch("worker", "shop"), "scale worker in shop", flag_namespace="staging")
    assert in_shop is None


def test_guardrails_words_that_are_not_namespaces_do_not_restrict():
    assert verdict(patch("worker", "staging"), "scale worker in peak hours to 3") is None
    assert verdict(patch("cartservice"), "set image of cart to myrepo/cart:v2") is None
    url = "set env DATABASE_URL=postgres://db/app on worker"
    assert verdict(patch("worker", "staging"), url) is None
    # without the cluster's namespaces, only "in X" names one
    assert read_request("scale worker in staging").namespaces == {"staging"}
    assert read_request("set env A=1 on worker").namespaces == frozenset()


def test_guardrails_scaling_to_zero_needs_an_explicit_zero():
    zero = patch("worker", "staging", destructive=True)
    for words in ("scale worker down by 1", "shrink worker", "scale worker down", "worker off"):
        assert "needs an explicit zero" in verdict(zero, words), words
    for words in (
        "scale worker to 0",
        "scale worker to zero",
        "scale worker down to zero",
        "give worker 0 replicas",
        "set worker replicas=0",
    ):
        assert verdict(zero, words) is None, words
    assert "explicit zero" in verdict(zero, "set env DEBUG=0 on worker")


def test_guardrails_deletes_need_a_delete_verb():
    assert "explicit request to delete" in verdict(delete("worker"), "restart worker")
    pod = delete("worker-5d9c-x", kind="Pod")
    assert verdict(pod, "restart pod worker-5d9c-x") is None
    ns = Proposal(ObjectRef("v1", "Namespace", "staging"), "delete", "d", destructive=True)
    assert verdict(ns, "delete namespace staging") is None
    assert "does not mention 'staging'" in verdict(ns, "why is the worker crashing")


def test_guardrails_everything_in_a_namespace_grounds_its_workloads_only():
    request = "scale everything in staging down to zero"
    for name in ("worker", "bigjob"):
        assert verdict(patch(name, "staging", destructive=True), request) is None
    assert verdict(patch("cartservice", "shop", destructive=True), request) is not None
    assert verdict(patch("cfg", "staging", kind="ConfigMap"), request) is not None
    # a set needs its namespace named
    assert verdict(patch("bigjob", "staging"), "restart everything") is not None
    flagged = verdict(patch("bigjob", "staging"), "restart everything", flag_namespace="staging")
    assert flagged is None
    # "all deployments" is a set of deployments only
    request = "restart all deployments in staging"
    assert verdict(patch("bigjob", "staging"), request) is None
    assert verdict(patch("db", "staging", kind="StatefulSet"), request) is not None
    assert read_request("list pods in all namespaces").set_kinds == frozenset()
    # a question describes no set, whatever a log line makes the model do
    assert verdict(patch("bigjob", "staging"), "is everything in staging healthy?") is not None


def test_guardrails_a_selector_set_needs_the_same_selector_in_the_request():
    member = patch("edge-1", "staging", selection=Selection("staging", "app=web, tier=front"))
    assert verdict(member, "restart pods labelled app=web,tier=front in staging") is None
    assert verdict(member, "restart -l tier==front,app=web") is None
    assert verdict(member, "restart pods labelled app=web in staging") is not None  # broader
    assert verdict(member, "restart edge-1 with label app=api") is None  # named by itself
    assert verdict(member, "restart everything with label app=api") is not None
    assert verdict(member, "why do pods labelled app=web,tier=front crash?") is not None
    assert selector_terms(" app = web ,tier==front") == {"app=web", "tier=front"}


def test_guardrails_scoped_proposals_follow_their_grounded_object():
    hpa = Proposal(
        ObjectRef("autoscaling/v2", "HorizontalPodAutoscaler", "frontend-hpa", "shop"),
        "patch",
        "hpa",
        scope="frontend",
    )
    scale = patch("frontend")
    assert refusals([hpa, scale], "scale frontend to 9") == []
    assert len(refusals([hpa, scale], "scale cart to 9")) == 2


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        ("scale checkout to 5", True),
        ("please restart worker", True),
        ("can you roll back paymentservice?", True),
        ("checkout is overloaded, give it 4 replicas", True),
        ("list pods in shop", False),
        ("what is running in shop?", False),
        ("why did worker restart", False),
        ("how do I scale checkout", False),
        ("explain pod staging/worker: find the root cause and propose the fix", False),
    ],
)
def test_guardrails_asks_for_change(request_text, expected):
    assert asks_for_change(request_text) is expected
