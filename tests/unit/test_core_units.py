"""Unit tests for the pure parts of the spine: refs, names, guardrails, diffs, config."""

from __future__ import annotations

import pytest

from k8sgpt_py.changes.audit import merge_diff
from k8sgpt_py.changes.guardrails import check, is_mentioned
from k8sgpt_py.changes.proposal import ObjectRef, Proposal
from k8sgpt_py.cli._globals import rewrite_argv
from k8sgpt_py.cluster.kinds import ANY_KIND
from k8sgpt_py.cluster.refs import ResourceRef, parse_ref
from k8sgpt_py.cluster.resolve import name_score, resolve
from k8sgpt_py.config import load
from k8sgpt_py.errors import Ambiguous, NotFound, UsageError
from k8sgpt_py.quantity import cpu_millicores, format_cpu, format_memory, memory_bytes
from k8sgpt_py.tools.write import full_image


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pod/x", ResourceRef("x", "Pod")),
        ("deploy/checkout", ResourceRef("checkout", "Deployment")),
        ("deployment.apps/checkout", ResourceRef("checkout", "Deployment")),
        ("svc web", ResourceRef("web", "Service")),
        ("web -n shop", ResourceRef("web", None, "shop")),
        ("Checkout", ResourceRef("checkout")),
    ],
)
def test_parse_ref_accepts_kubectl_forms(text, expected):
    assert parse_ref(text) == expected


@pytest.mark.parametrize("text", ["", "a b c", "pod/", "x -n", "a/b/c", "pod/UPPER_case!"])
def test_parse_ref_rejects_malformed(text):
    with pytest.raises(UsageError):
        parse_ref(text)


def test_parse_ref_unknown_type_suggests_close_ones():
    with pytest.raises(NotFound) as info:
        parse_ref("deploymnet/x")
    assert "deployment" in (info.value.hint or "")


def test_name_score_orders_exact_prefix_token_substring():
    assert name_score("frontend", "frontend") == 1.0
    prefix = name_score("checkout", "checkoutservice")
    token = name_score("cart", "redis-cart")
    substring = name_score("service", "checkoutservice")
    assert 1.0 > prefix > token > substring > name_score("zzz", "checkoutservice")
    assert name_score("cart", "cartservice") - name_score("cart", "redis-cart") > 0.04


class ListingCluster:
    """Just ``iter_list``, over (kind, namespace, name) triples, counting the kinds listed."""

    def __init__(self, *objects):
        self.objects = objects
        self.listed = []

    def iter_list(self, info, namespace=None):
        self.listed.append(info.kind)
        for kind, ns, name in self.objects:
            if kind == info.kind and namespace in (None, ns):
                yield {"metadata": {"name": name, "namespace": ns}}


def test_resolve_stops_listing_once_an_exact_match_cannot_be_outranked():
    cluster = ListingCluster(("Deployment", "shop", "web"), ("Service", "shop", "web"))
    found = resolve(cluster, ResourceRef("web"), kinds=ANY_KIND)
    assert (found.kind, found.name) == ("Deployment", "web")
    assert cluster.listed == ["Deployment"]
    fuzzy = ListingCluster(("Deployment", "shop", "web-1"), ("Service", "shop", "web"))
    assert resolve(fuzzy, ResourceRef("web"), kinds=ANY_KIND).kind == "Service"
    assert fuzzy.listed == list(ANY_KIND[: ANY_KIND.index("Service") + 1])


def test_resolve_still_reports_exact_rivals_of_the_same_kind():
    cluster = ListingCluster(("Deployment", "a", "web"), ("Deployment", "b", "web"))
    with pytest.raises(Ambiguous):
        resolve(cluster, ResourceRef("web"), kinds=ANY_KIND)


def test_is_mentioned_handles_fuzzy_and_pod_names():
    assert is_mentioned("checkoutservice", "scale checkout to handle friday traffic")
    assert is_mentioned("worker", "explain pod/worker-5d9c-x2")
    assert is_mentioned("paymentservice", "scale the payments backend")
    assert not is_mentioned("shop", "explain pod/worker-5d9c-x2")


def test_guardrails_refuse_unmentioned_and_unrequested_destructive_changes():
    ns = Proposal(ObjectRef("v1", "Namespace", "shop"), "delete", "delete ns", destructive=True)
    assert "does not mention" in check(ns, "why is the worker crashing")
    assert "explicit request to delete" in check(ns, "clean up shop")
    assert check(ns, "delete namespace shop") is None
    zero = Proposal(
        ObjectRef("apps/v1", "Deployment", "cart", "shop"), "patch", "x", destructive=True
    )
    assert "zero" in check(zero, "shrink cart")
    assert check(zero, "scale cart to 0") is None


def test_merge_diff_is_the_patch_that_restores():
    before = {"spec": {"replicas": 2, "a": {"b": 1}, "gone": 1}}
    after = {"spec": {"replicas": 5, "a": {"b": 1}, "new": 3}}
    assert merge_diff(after, before) == {"spec": {"gone": 1, "new": None, "replicas": 2}}
    assert merge_diff(before, before) == {}


def test_quantities_round_trip():
    assert cpu_millicores("500m") == 500 and cpu_millicores("1.5") == 1500
    assert cpu_millicores("0.0001") == 1  # rounded up like the scheduler
    assert memory_bytes("16Gi") == 16 * 2**30 and memory_bytes("1e3") == 1000
    assert format_cpu(2000) == "2" and format_cpu(250) == "250m"
    assert format_memory(512 * 2**20) == "512Mi" and format_memory(16 * 2**30) == "16Gi"
    with pytest.raises(ValueError):
        memory_bytes("lots")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("reg.io/shop/cart:v1", "v2", "reg.io/shop/cart:v2"),
        ("reg.io/shop/cart:v1", ":1.2.3", "reg.io/shop/cart:1.2.3"),
        ("reg.io:5000/cart", "latest", "reg.io:5000/cart:latest"),
        ("cart@sha256:abc", "v3", "cart:v3"),
        ("reg.io/shop/cart:v1", "nginx:1.27", "nginx:1.27"),
    ],
)
def test_full_image_keeps_the_repository_for_bare_tags(old, new, expected):
    assert full_image(old, new) == expected


def test_config_precedence_flags_over_env_over_file(tmp_path, monkeypatch):
    path = tmp_path / "config.yaml"
    path.write_text("model: from-file\nmax-steps: 3\nprometheus_url: http://file\n")
    monkeypatch.setenv("KAI_MODEL", "from-env")
    settings = load({"model": None, "max_steps": 5}, path=path)
    assert settings.model == "from-env" and settings.max_steps == 5
    assert settings.prometheus_url == "http://file"
    assert load({"model": "from-flag"}, path=path).model == "from-flag"


def test_config_errors_are_one_line(tmp_path):
    from k8sgpt_py.errors import ConfigError

    path = tmp_path / "config.yaml"
    path.write_text("max_steps: many\n")
    with pytest.raises(ConfigError, match="invalid value for max_steps"):
        load(path=path)


def test_rewrite_argv_moves_globals_and_inserts_ask():
    commands = {"ask", "history", "scan"}
    assert rewrite_argv(["scale x to 5", "-o", "json", "--yes"], commands) == [
        "-o",
        "json",
        "--yes",
        "ask",
        "scale x to 5",
    ]
    assert rewrite_argv(["--sandbox", "-ojson", "history"], commands) == [
        "--sandbox",
        "-ojson",
        "history",
    ]
    assert rewrite_argv(["-n", "shop", "scan"], commands) == ["-n", "shop", "scan"]
    assert rewrite_argv(["--help"], commands) == ["--help"]
    assert rewrite_argv(["--version", "-o", "json"], commands | {"version"}) == [
        "-o",
        "json",
        "version",
    ]
    assert rewrite_argv(["what is --version"], commands)[-1] == "what is --version"
