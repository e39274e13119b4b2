"""The offline planner against the paraphrase corpus (issue 12): accuracy, precision, help.

The corpus (offline_corpus.yaml) was tuned on; the held-out file (offline_corpus_heldout.yaml)
was written before the lexicon planner and is only measured. Both run against one demo
sandbox, planning exactly as ``kai`` does offline (question first, then the lexicon).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import offline_paraphrases as bench

from k8sgpt_py.planner.intents import INTENTS
from k8sgpt_py.planner.offline import ClusterNames, parse

MIN_ACCURACY = 0.95
MIN_HELDOUT_ACCURACY = 0.90  # first run 64/66 (97.0%); 65/66 since questions generalised


@pytest.fixture(scope="module")
def cluster():
    yield from bench.sandbox_cluster()


@pytest.fixture(scope="module")
def corpus():
    return bench.load(bench.CORPUS)


@pytest.fixture(scope="module")
def heldout():
    return bench.load(bench.HELDOUT)


def _report(label, outcomes):
    right = sum(o.ok for o in outcomes)
    print(f"\n{label}: {right}/{len(outcomes)} right ({bench.accuracy(outcomes):.1%})")
    for o in outcomes:
        if not o.ok:
            print(f"  miss: {o.request!r}: expected {o.expected}, got {o.got}")


def test_corpus_is_big_and_the_heldout_part_is_about_a_fifth(corpus, heldout):
    total = len(corpus) + len(heldout)
    assert total >= 300
    assert 0.15 <= len(heldout) / total <= 0.25
    requests = [e["request"] for e in corpus + heldout]
    assert len(set(requests)) == len(requests), "duplicate paraphrases"
    negatives = [e for e in corpus + heldout if e.get("no_write")]
    assert len(negatives) >= 20


def test_corpus_accuracy_is_at_least_95_percent(cluster, corpus):
    outcomes = bench.evaluate(corpus, cluster)
    _report("corpus", outcomes)
    assert bench.accuracy(outcomes) >= MIN_ACCURACY


def test_heldout_accuracy_is_reported_and_stays_high(cluster, heldout):
    outcomes = bench.evaluate(heldout, cluster)
    _report("held-out", outcomes)
    assert bench.accuracy(outcomes) >= MIN_HELDOUT_ACCURACY


def test_no_negative_example_ever_becomes_a_write(cluster, corpus, heldout):
    negatives = [e for e in corpus + heldout if e.get("no_write")]
    wrong = [o.request for o in bench.evaluate(negatives, cluster) if not o.ok]
    assert wrong == []


def test_the_judge_rejects_a_wrong_target_and_a_wrong_number(cluster):
    entry = {"request": "x", "calls": [{"scale_workload": {"name": "cartservice", "replicas": 4}}]}
    good = parse("scale cart to 4", ClusterNames(cluster))
    assert bench.judge(entry, good, cluster)
    assert not bench.judge(entry, parse("scale checkout to 4", ClusterNames(cluster)), cluster)
    assert not bench.judge(entry, parse("scale cart to 5", ClusterNames(cluster)), cluster)
    assert not bench.judge(entry, None, cluster)


@pytest.mark.parametrize("intent", INTENTS, ids=[i.name for i in INTENTS])
def test_every_help_example_parses_into_its_own_tool(cluster, intent):
    for example in intent.examples:
        calls = parse(example, ClusterNames(cluster)) or parse(example)
        assert calls is not None and calls[0].tool == intent.tool, example


def test_intents_mark_writes_as_the_registry_does():
    from k8sgpt_py.tools.registry import all_tools

    tools = all_tools()
    for intent in INTENTS:
        assert intent.tool in tools, intent.tool
        assert intent.is_write == tools[intent.tool].is_mutating, intent.name


WRITE_EXAMPLES = [e for i in INTENTS if i.is_write for e in i.examples]
GUARDS = [
    "don't {}",
    "please do not {}",
    "never {}",
    "why did someone {}",
    "should I {}?",
    "how do I {}",
    "did you {}",
    "{} if it is slow",
    "{} unless it is busy",
    "who would {}",
]


@pytest.mark.parametrize("guard", GUARDS)
def test_no_write_example_survives_negation_or_a_question(cluster, guard):
    from k8sgpt_py.tools.registry import all_tools

    writes = {n for n, t in all_tools().items() if t.is_mutating}
    for example in WRITE_EXAMPLES:
        request = guard.format(example)
        for names in (ClusterNames(cluster), None):
            calls = parse(request, names) or []
            assert not [c for c in calls if c.tool in writes], request
