"""`kai advise` and the placement advisor in explain, through the CLI on the demo cluster."""

from __future__ import annotations


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
