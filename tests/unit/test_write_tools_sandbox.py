"""General write tools against the sandbox: registry -> proposals -> real pipeline -> undo."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tool_pipeline import NOW, audit, ctx, gone, land, propose, run, undo

from k8sgpt_py.changes.pipeline import prepare
from k8sgpt_py.config import Settings
from k8sgpt_py.errors import Rejected
from k8sgpt_py.tools.base import ToolContext

__all__ = ["audit", "ctx"]  # fixtures


MANIFEST = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: banner-text
data:
  greeting: hello
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: banner
  labels: {app: banner}
spec:
  replicas: 2
  selector: {matchLabels: {app: banner}}
  template:
    metadata: {labels: {app: banner}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
"""


def test_apply_manifest_creates_several_objects_and_undo_deletes_them(ctx, kube, audit):
    result = propose(ctx, "apply_manifest", manifest=MANIFEST)
    assert [p.action for p in result.proposals] == ["create", "create"]
    assert result.data["objects"][1] == {"object": "deployment/shop/banner", "action": "create"}
    changes = land(ctx, result, "deploy banner with its banner-text configmap", audit)
    # a create diffs against nothing: every line is an addition
    body = [ln for ln in changes[1].diff.splitlines()[2:] if not ln.startswith("@@")]
    assert body and all(ln.startswith("+") for ln in body)
    assert "+  replicas: 2" in changes[1].diff
    assert kube.get("ConfigMap", "banner-text", "shop")["data"] == {"greeting": "hello"}
    assert kube.get("Deployment", "banner", "shop")["spec"]["replicas"] == 2
    undo(ctx, audit)
    assert gone(kube, "Deployment", "banner", "shop")
    undo(ctx, audit)
    assert gone(kube, "ConfigMap", "banner-text", "shop")


def test_apply_manifest_updates_an_existing_object_and_undo_restores_it(ctx, kube, audit):
    before = kube.get("Deployment", "cartservice", "shop")
    manifest = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: cartservice, namespace: shop, labels: {team: payments}}
spec:
  replicas: 3
  template:
    spec:
      nodeSelector: {disktype: ssd}
"""
    result = propose(ctx, "apply_manifest", manifest=manifest)
    (proposal,) = result.proposals
    assert proposal.action == "patch" and proposal.patch_type == "strategic"
    changes = land(ctx, result, "apply this to cartservice", audit)
    assert "+    team: payments" in changes[0].diff
    assert "+      nodeSelector:" in changes[0].diff
    live = kube.get("Deployment", "cartservice", "shop")
    assert live["spec"]["replicas"] == 3
    assert live["spec"]["template"]["spec"]["nodeSelector"] == {"disktype": "ssd"}
    # containers were left as they were (fields the manifest omits stay)
    assert (
        live["spec"]["template"]["spec"]["containers"]
        == (before["spec"]["template"]["spec"]["containers"])
    )
    undo(ctx, audit)
    restored = kube.get("Deployment", "cartservice", "shop")
    assert restored["spec"]["replicas"] == before["spec"]["replicas"]
    assert "nodeSelector" not in restored["spec"]["template"]["spec"]
    assert "team" not in (restored["metadata"].get("labels") or {})


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\n",
            "does not serve apiVersion 'example.com/v1'",
        ),
        ("apiVersion: v1\nkind: Gadget\nmetadata: {name: g1}\n", "serves no kind 'Gadget' in v1"),
        (
            "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n",
            "rewrite the manifest with apiVersion: autoscaling/v2",
        ),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", "lacks metadata.name"),
        ("kind: [unclosed", "not valid YAML"),
        ("", "manifest is empty"),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: staging}\n",
            "says namespace 'staging', not 'shop'",
        ),
    ],
)
def test_apply_manifest_refuses_bad_or_unserved_manifests(ctx, manifest, message):
    result = run(ctx, "apply_manifest", manifest=manifest, namespace="shop")
    assert result.status == "error"
    assert message in result.error
    assert not result.proposals


def test_kinds_found_by_discovery_are_created_and_undone_in_a_fresh_process(
    ctx, kube, audit, monkeypatch
):
    from k8sgpt_py.cluster import kinds

    manifest = (
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n"
        "metadata: {name: nightly-batch}\nvalue: 1000\n"
    )
    result = propose(ctx, "apply_manifest", manifest=manifest)
    assert str(result.proposals[0].target) == "priorityclass/nightly-batch"
    land(ctx, result, "create the nightly-batch priority class", audit)
    assert kube.get("PriorityClass", "nightly-batch", None)["value"] == 1000
    # a later `kai undo` starts with no discovered kinds: it must find the kind again
    monkeypatch.setattr(kinds, "_DISCOVERED", {})
    from k8sgpt_py.cluster.kube import Cluster

    fresh = Cluster.connect()
    undo(ToolContext(cluster=fresh, settings=Settings(), namespace="shop", now=NOW), audit)
    assert gone(kube, "PriorityClass", "nightly-batch", None)


def test_patch_resource_sets_tolerations_and_undo_reverses_it(ctx, kube, audit):
    toleration = {"key": "dedicated", "operator": "Equal", "value": "shop", "effect": "NoSchedule"}
    patch = {"spec": {"template": {"spec": {"tolerations": [toleration]}}}}
    result = propose(ctx, "patch_resource", kind="deploy", name="emailservice", patch=patch)
    changes = land(ctx, result, "let emailservice tolerate dedicated=shop", audit)
    assert "+      - effect: NoSchedule" in changes[0].diff
    spec = kube.get("Deployment", "emailservice", "shop")["spec"]["template"]["spec"]
    assert spec["tolerations"] == [toleration]
    undo(ctx, audit)
    spec = kube.get("Deployment", "emailservice", "shop")["spec"]["template"]["spec"]
    assert "tolerations" not in spec


def test_patch_resource_json_patch_on_a_service_selector(ctx, kube, audit):
    before = kube.get("Service", "frontend", "shop")["spec"]["selector"]
    ops = [{"op": "add", "path": "/spec/selector/track", "value": "stable"}]
    result = propose(
        ctx, "patch_resource", kind="service", name="frontend", patch=ops, patch_type="json"
    )
    land(ctx, result, "route frontend only to track=stable", audit)
    assert kube.get("Service", "frontend", "shop")["spec"]["selector"] == {
        **before,
        "track": "stable",
    }
    undo(ctx, audit)
    assert kube.get("Service", "frontend", "shop")["spec"]["selector"] == before


def test_patch_resource_on_an_hpa_target(ctx, kube, audit):
    metrics = [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 55},
            },
        }
    ]
    before = kube.get("HorizontalPodAutoscaler", "frontend", "shop")["spec"]
    result = propose(
        ctx, "patch_resource", kind="hpa", name="frontend", patch={"spec": {"metrics": metrics}}
    )
    land(ctx, result, "frontend hpa should target 55% cpu", audit)
    assert kube.get("HorizontalPodAutoscaler", "frontend", "shop")["spec"]["metrics"] == metrics
    undo(ctx, audit)
    assert kube.get("HorizontalPodAutoscaler", "frontend", "shop")["spec"] == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"kind": "deploy", "name": "frontend", "patch": {"status": {"replicas": 9}}}, "status"),
        (
            {"kind": "deploy", "name": "frontend", "patch": {"metadata": {"name": "other"}}},
            "metadata.name",
        ),
        (
            {"kind": "deploy", "name": "frontend", "patch": {"spec": {}}, "patch_type": "json"},
            "list of operations",
        ),
        (
            {
                "kind": "priorityclass",  # known only by discovery
                "name": "default",
                "patch": {"a": 1},
                "patch_type": "strategic",
            },
            "strategic merge patch is not supported",
        ),
        ({"kind": "widgets", "name": "w", "patch": {"spec": {}}}, 'no resource type "widgets"'),
    ],
)
def test_patch_resource_refuses_what_it_cannot_do_safely(ctx, args, message):
    result = run(ctx, "patch_resource", **args)
    assert result.status == "error" and message in result.error


def test_patch_outside_spec_carries_no_undo_warning_undo_reverts_it(ctx):
    result = propose(
        ctx, "patch_resource", kind="configmap", name="shop-config", patch={"data": {"k": "v"}}
    )
    assert result.proposals[0].notes == ()


def test_patches_undo_cannot_revert_say_so_before_they_are_confirmed():
    from k8sgpt_py.tools.manifests import undo_notes

    grow = {"spec": {"resources": {"requests": {"storage": "2Gi"}}}}
    assert "never shrinks" in undo_notes("PersistentVolumeClaim", grow)[0]
    op = [{"op": "replace", "path": "/spec/resources/requests/storage", "value": "2Gi"}]
    assert "never shrinks" in undo_notes("PersistentVolumeClaim", op)[0]
    assert undo_notes("PersistentVolumeClaim", {"metadata": {"labels": {"a": "b"}}}) == ()
    assert "immutable" in undo_notes("ConfigMap", {"immutable": True})[0]
    assert "Secret" in undo_notes("Secret", {"data": {"k": "dg=="}})[0]
    assert undo_notes("ConfigMap", {"data": {"k": "v"}}) == ()


def test_set_labels_adds_and_removes_and_undo_restores(ctx, kube, audit):
    before = kube.get("Service", "checkoutservice", "shop")["metadata"].get("labels") or {}
    assert before, "the seeded service has labels"
    first = next(iter(before))
    result = propose(
        ctx,
        "set_labels",
        kind="svc",
        name="checkoutservice",
        labels={"owner": "team-a", first: None},
    )
    assert result.proposals[0].patch == {"metadata": {"labels": {"owner": "team-a", first: None}}}
    land(ctx, result, "label checkoutservice owner=team-a", audit)
    labels = kube.get("Service", "checkoutservice", "shop")["metadata"]["labels"]
    assert labels["owner"] == "team-a" and first not in labels
    undo(ctx, audit)
    assert kube.get("Service", "checkoutservice", "shop")["metadata"].get("labels") == before


def test_set_annotations_and_bad_label_values(ctx, kube, audit):
    result = propose(
        ctx,
        "set_annotations",
        kind="deployment",
        name="frontend",
        annotations={"kai.dev/owner": "web team"},
    )
    land(ctx, result, "annotate frontend with its owner", audit)
    meta = kube.get("Deployment", "frontend", "shop")["metadata"]
    assert meta["annotations"]["kai.dev/owner"] == "web team"
    bad = run(ctx, "set_labels", kind="deploy", name="frontend", labels={"owner": "web team"})
    assert bad.status == "error" and "not a valid label value" in bad.error


def test_set_service_type_to_nodeport_and_back(ctx, kube, audit):
    assert kube.get("Service", "frontend", "shop")["spec"].get("type", "ClusterIP") == "ClusterIP"
    result = propose(ctx, "set_service_type", name="frontend", type="NodePort")
    changes = land(ctx, result, "make frontend a NodePort service", audit)
    assert "+  type: NodePort" in changes[0].diff
    assert kube.get("Service", "frontend", "shop")["spec"]["type"] == "NodePort"
    undo(ctx, audit)
    assert kube.get("Service", "frontend", "shop")["spec"].get("type", "ClusterIP") == "ClusterIP"
    same = run(ctx, "set_service_type", name="frontend", type="ClusterIP")
    assert same.status == "error" and "already of type ClusterIP" in same.error


def test_guardrail_refuses_a_create_the_request_did_not_name(ctx):
    result = propose(ctx, "create_configmap", name="feature-flags", data={"dark": "on"})
    with pytest.raises(Rejected, match="does not mention 'feature-flags'"):
        prepare(ctx.cluster, list(result.proposals), request="tidy up the shop namespace")


RBAC = """
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods}
subjects:
- {kind: ServiceAccount, name: deployer, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
"""


def test_a_new_binding_is_grounded_by_its_subject_and_its_new_role_by_the_binding(ctx, kube, audit):
    kube.create(
        "ServiceAccount",
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "deployer"}},
        "shop",
    )
    result = propose(ctx, "apply_manifest", manifest=RBAC)
    request = "give the deployer service account in shop read-only access to pods"
    land(ctx, result, request, audit)
    assert kube.get("RoleBinding", "read-pods", "shop")["roleRef"]["name"] == "pod-reader"
    assert kube.get("Role", "pod-reader", "shop")["rules"][0]["verbs"] == ["get", "list", "watch"]
    undo(ctx, audit)
    assert gone(kube, "RoleBinding", "read-pods", "shop")
    undo(ctx, audit)
    assert gone(kube, "Role", "pod-reader", "shop")


def test_objects_of_a_manifest_the_request_does_not_ask_for_are_still_refused(ctx, kube):
    result = propose(ctx, "apply_manifest", manifest=RBAC)
    with pytest.raises(Rejected, match="does not mention 'deployer'"):
        prepare(ctx.cluster, list(result.proposals), request="tidy up the shop namespace")
    # a Role no object of the manifest uses is not grounded by the binding's subject
    loose = RBAC.replace("name: pod-reader}\n", "name: config-reader}\n", 1)
    result = propose(ctx, "apply_manifest", manifest=loose)
    request = "give the deployer service account read-only access to pods"
    with pytest.raises(Rejected, match="does not mention 'config-reader'"):
        prepare(ctx.cluster, list(result.proposals), request=request)


def test_a_cluster_wide_grant_needs_its_binding_named(ctx, kube):
    cluster = RBAC.replace("kind: Role\n", "kind: ClusterRole\n").replace(
        "kind: RoleBinding", "kind: ClusterRoleBinding"
    )
    cluster = cluster.replace("kind: Role, name", "kind: ClusterRole, name")
    result = propose(ctx, "apply_manifest", manifest=cluster)
    request = "give the deployer service account read-only access to pods"
    with pytest.raises(Rejected, match="does not mention 'read-pods'"):
        prepare(ctx.cluster, list(result.proposals), request=request)


POLICY = """
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ingress-only-from-web}
spec:
  podSelector: {matchLabels: {app: cartservice}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: frontend}}
"""


def test_a_new_policy_for_an_apps_pods_is_grounded_by_the_app(ctx, kube, audit):
    result = propose(ctx, "apply_manifest", manifest=POLICY)
    with pytest.raises(Rejected, match="refusing to create networkpolicy/shop/ingress-only"):
        prepare(ctx.cluster, list(result.proposals), request="lock down the shop namespace")
    land(ctx, result, "only let frontend reach the cart pods", audit)
    policy = kube.get("NetworkPolicy", "ingress-only-from-web", "shop")
    assert policy["spec"]["podSelector"]["matchLabels"] == {"app": "cartservice"}


def test_a_manifest_creating_a_namespace_and_objects_in_it_says_to_split(ctx, kube):
    manifest = (
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-red}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: team-red}\n"
    )
    result = run(ctx, "apply_manifest", manifest=manifest)
    assert result.status == "error"
    assert "create namespace team-red first, then apply the rest" in result.error


def test_reads_reach_kinds_kai_only_knows_by_discovery(ctx, kube, monkeypatch):
    from k8sgpt_py.cluster import kinds

    monkeypatch.setattr(kinds, "_DISCOVERED", {})
    kube.request(
        "POST",
        "/api/v1/namespaces/shop/serviceaccounts",
        body={"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "builder"}},
    )
    got = run(ctx, "get_resource", name="builder", kind="serviceaccount")
    assert got.status == "ok", got.error
    assert got.data["metadata"]["name"] == "builder"
    listed = run(ctx, "list_resources", kind="sa", namespace="shop")
    assert "builder" in [r["name"] for r in listed.data["items"]]


def test_discovery_skips_an_aggregated_api_that_is_down(ctx, sandbox, monkeypatch):
    from k8sgpt_py.cluster import kinds

    monkeypatch.setattr(kinds, "_DISCOVERED", {})
    sandbox.inject_fault(path="^/apis/metrics.k8s.io/v1beta1$", method="GET", status=503)
    # every group is searched for an unknown kind: the one that is down is skipped
    unknown = run(ctx, "list_resources", kind="widgets")
    assert unknown.status == "error"
    assert unknown.error.startswith('the cluster serves no resource type "widgets"')
    # and a kind found in a healthy group still resolves
    listed = run(ctx, "list_resources", kind="leases", namespace="kube-node-lease")
    assert listed.status in ("ok", "no_data"), listed.error
