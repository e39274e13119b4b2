"""`kai advise` and the placement advisor in explain, through the CLI on the demo cluster."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def test_what_if_that_fits(sandbox, kai):
    doc = kai("-o", "json", "advise", "placement", "--what-if", "checkout=12").json()
    assert doc["kind"] == "PlacementWhatIf"
    assert doc["changes"] == {"shop/checkoutservice": 12}
    assert doc["fits"] is True and doc["extra_nodes"] == {}
    assert sum(p["count"] for p in doc["new_pods"]) == 10
    # no new checkout pod lands on the tainted batch node
    assert all(p["node"] != "node-d" for p in doc["new_pods"])
    assert doc["solver"]["status"] == "optimal"


def test_what_if_that_needs_a_node_computed_by_hand(sandbox, kube, kai):
    # the untainted nodes' free cpu decides how many checkout pods fit.
    request = kube.get("Deployment", "checkoutservice", "shop")["spec"]["template"]["spec"][
        "containers"
    ][0]["resources"]["requests"]["cpu"]
    per_pod = int(request.rstrip("m")) if request.endswith("m") else int(float(request) * 1000)
    doc = kai("-o", "json", "advise", "placement", "--what-if", "checkout=40").json()
    assert doc["fits"] is False
    fits_today = 0  # whole pods: each node holds floor(free / request) more of them
    for node in ("node-a", "node-b", "node-c"):
        pods = kube.list("Pod", None, field_selector=f"spec.nodeName={node}")
        used = sum(
            int(c["resources"]["requests"]["cpu"].rstrip("m"))
            if c["resources"]["requests"]["cpu"].endswith("m")
            else int(float(c["resources"]["requests"]["cpu"]) * 1000)
            for p in pods
            for c in p["spec"]["containers"]
            if (c.get("resources") or {}).get("requests", {}).get("cpu")
        )
        fits_today += (3900 - used) // per_pod
    missing_pods = 40 - 2 - fits_today
    assert missing_pods > 0
    per_new_node = 3750 // per_pod  # a new node's allocatable net of daemonset overhead
    assert sum(doc["extra_nodes"].values()) == -(-missing_pods // per_new_node)


def test_consolidation_and_fragmentation(sandbox, kai):
    doc = kai("-o", "json", "advise", "consolidate").json()
    assert doc["nodes_after"] < doc["nodes_before"]
    assert len(doc["drainable_nodes"]) >= doc["nodes_before"] - doc["nodes_after"] > 0
    assert doc["moves"] and all(m["from_node"] in doc["drainable_nodes"] for m in doc["moves"])
    text = kai("advise", "consolidate")
    assert text.exit_code == 0 and 'kai "drain' in text.stdout
    frag = kai("-o", "json", "advise", "fragmentation").json()
    assert {n["node"] for n in frag["nodes"]} == {"node-a", "node-b", "node-c", "node-d"}


def test_bad_what_if_input_exits_2(sandbox, kai):
    assert kai("advise", "placement", "--what-if", "checkout").exit_code == 2
    assert kai("advise", "placement", "--what-if", "nosuch=3").exit_code == 2


def test_explain_bigjob_uses_the_placement_advisor(sandbox, kai):
    doc = kai("-o", "json", "explain", "bigjob").json()
    (text,) = doc["placement"]
    assert "no node can ever hold it" in text and "request 8" in text
    assert "Placement advisor: " in kai("explain", "bigjob").stdout


@pytest.mark.parametrize(
    "count",
    ["1e20", "nan", "inf", "-inf", "-1", "1.5", "", " ", "99999999999999999999", "10001", "²",
     "٣", "0x10", "+3", "3 4"],
)  # fmt: skip
def test_what_if_bad_replica_counts_exit_2_in_one_line(kai, count):
    # checked before kai looks for a cluster
    result = kai("advise", "placement", "--what-if", f"checkout={count}")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines() == [
        "kai: error: replica count for checkout must be a whole number from 0 to 10000, "
        f"got {count.strip()!r}",
        "hint: use WORKLOAD=REPLICAS, e.g. checkout=12",
    ]


def test_what_if_zero_and_the_largest_count_are_answered(sandbox, kai):
    zero = kai("-o", "json", "advise", "placement", "--what-if", "checkout=0").json()
    assert zero["changes"] == {"shop/checkoutservice": 0} and zero["fits"] is True
    # the upper bound is an answer, not an error (the demo cluster cannot hold it)
    result = kai("-o", "json", "advise", "placement", "--what-if", "redis-cart=10000")
    assert result.exit_code == 0, result.stderr
    assert result.json()["fits"] is False and result.json()["extra_nodes"]


VALID_COUNT = re.compile(r"[0-9]+")


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    count=st.one_of(
        st.integers(min_value=-(10**25), max_value=10**25).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.text(max_size=12),
    )
)
def test_random_what_if_counts_never_crash(sandbox, kai, count):
    # an unknown workload: a count that passes its check fails next, on the name (also 2)
    result = kai("advise", "placement", "--what-if", f"zzzqqq={count}")
    assert result.exit_code == 2, result.stderr
    first = result.stderr.splitlines()[0]
    valid = VALID_COUNT.fullmatch(count.strip()) and int(count) <= 10_000
    if valid:
        assert "zzzqqq" in first and "replica count" not in first, first
    else:
        assert first.startswith("kai: error: replica count for zzzqqq must be a whole number")
