"""Raw Kubernetes dicts -> ClusterState (grouping by workload, daemonset overhead)."""

from __future__ import annotations

from k8sgpt_py.advisors.placement import what_if
from k8sgpt_py.advisors.placement_input import cluster_state, owner_workload, pod_requests
from k8sgpt_py.advisors.placement_model import Resources, Taint, Toleration

GI = 2**30
MI = 2**20


def _node(name: str, taint: bool = False) -> dict:
    node = {
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "spec": {},
        "status": {"allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}},
    }
    if taint:
        node["spec"]["taints"] = [{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}]
    return node


def _pod(
    name: str,
    owner: tuple[str, str] | None,
    node: str | None,
    cpu: str,
    mem: str,
    namespace: str = "shop",
    phase: str = "Running",
    **spec,
) -> dict:
    meta = {"name": name, "namespace": namespace, "labels": {"app": name.split("-")[0]}}
    if owner:
        meta["ownerReferences"] = [{"kind": owner[0], "name": owner[1]}]
    body = {
        "containers": [{"name": "c", "resources": {"requests": {"cpu": cpu, "memory": mem}}}],
        **spec,
    }
    if node:
        body["nodeName"] = node
    return {"metadata": meta, "spec": body, "status": {"phase": phase}}


def _raw_cluster() -> tuple[list[dict], list[dict], list[dict]]:
    nodes = [_node("node-a"), _node("node-b"), _node("node-c"), _node("node-d", taint=True)]
    pods = [
        _pod(
            "checkout-7d9f8c6b5-abcde",
            ("ReplicaSet", "checkout-7d9f8c6b5"),
            "node-a",
            "500m",
            "512Mi",
        ),
        _pod(
            "checkout-7d9f8c6b5-fghij",
            ("ReplicaSet", "checkout-7d9f8c6b5"),
            "node-b",
            "500m",
            "512Mi",
        ),
        _pod(
            "db-0",
            ("StatefulSet", "db"),
            "node-c",
            "1",
            "2Gi",
            tolerations=[{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}],
        ),
        _pod("bigjob", None, None, "8", "1Gi", namespace="staging", phase="Pending"),
        _pod("old-job", ("Job", "old"), "node-a", "1", "1Gi", phase="Succeeded"),
    ]
    pods += [
        _pod(f"logs-{n}", ("DaemonSet", "logs"), n, "100m", "128Mi", namespace="kube-system")
        for n in ("node-a", "node-b", "node-c")
    ]
    daemonsets = [
        {"metadata": {"name": "logs"}, "spec": {"template": {"spec": {"containers": []}}}},
        {
            "metadata": {"name": "metrics"},
            "spec": {
                "template": {
                    "spec": {
                        "tolerations": [{"operator": "Exists"}],
                        "containers": [{"name": "m", "resources": {"requests": {"cpu": "200m"}}}],
                    }
                }
            },
        },
    ]
    return nodes, pods, daemonsets


def test_placement_input_owner_workload_strips_replicaset_hash():
    pod = _pod("x", ("ReplicaSet", "checkoutservice-5f7c9d8b4"), None, "1", "1Gi")
    assert owner_workload(pod) == ("Deployment", "checkoutservice")
    assert owner_workload(_pod("y", None, None, "1", "1Gi")) == ("Pod", "y")


def test_placement_input_pod_requests_sum_containers_and_init_max():
    pod = _pod("x", None, None, "250m", "256Mi")
    pod["spec"]["containers"].append(
        {"name": "side", "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}}}
    )
    pod["spec"]["initContainers"] = [
        {"name": "init", "resources": {"requests": {"cpu": "2", "memory": "64Mi"}}}
    ]
    assert pod_requests(pod) == Resources(2000, 512 * MI, 1)


def test_placement_input_cluster_state_groups_and_overhead():
    state = cluster_state(*_raw_cluster())
    groups = {g.key: g for g in state.groups}
    assert set(groups) == {"shop/checkout", "shop/db", "staging/bigjob"}
    checkout = groups["shop/checkout"]
    assert checkout.count == 2
    assert checkout.requests == Resources(500, 512 * MI, 1)
    assert checkout.current_nodes == ("node-a", "node-b")
    assert groups["shop/db"].tolerations == (Toleration("dedicated", "Exists", "", "NoSchedule"),)
    assert groups["staging/bigjob"].current_nodes == ()
    nodes = {n.name: n for n in state.nodes}
    # logs pods (100m, 128Mi) on a-c; metrics (200m, no pods listed) everywhere incl. tainted d
    assert nodes["node-a"].allocatable == Resources(3700, 16 * GI - 128 * MI, 108)
    assert nodes["node-d"].allocatable == Resources(3800, 16 * GI, 109)
    assert nodes["node-d"].taints == (Taint("dedicated", "batch", "NoSchedule"),)
    assert state.daemonset_overhead["node-d"] == Resources(200, 0, 1)


def test_placement_input_feeds_what_if():
    state = cluster_state(*_raw_cluster())
    result = what_if(state, {"shop/checkout": 4})
    assert result.fits
    assert sum(p.count for p in result.new_pods) == 2
    assert all(p.node != "node-d" for p in result.new_pods)


def test_placement_input_pending_pod_explained():
    from k8sgpt_py.advisors.placement import explain_unschedulable, pending_groups

    state = cluster_state(*_raw_cluster())
    (pending,) = pending_groups(state)
    assert pending.key == "staging/bigjob"
    text = explain_unschedulable(state, pending).text
    assert "no node can ever hold it" in text
    assert "the largest room for pods (allocatable less daemonsets) is cpu 3800m" in text
    assert "node-c: room cpu 3700m < request 8" in text
