"""Sandbox fidelity units: protobuf bodies, field ownership, HPA conversion, RBAC rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from k8sgpt_py.sandbox import apply as ssa
from k8sgpt_py.sandbox import conversion, protobuf, rbac
from k8sgpt_py.sandbox.kubelet import normalize_image
from k8sgpt_py.sandbox.resources import lookup
from k8sgpt_py.sandbox.store import ApiError, Store

# ---------------------------------------------------------------- a tiny protobuf encoder


def varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number: int, value: Any) -> bytes:
    if isinstance(value, bool | int):
        return varint(number << 3) + varint(int(value))
    data = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(data)) + data


def message(*fields: bytes) -> bytes:
    return b"".join(fields)


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    type_meta = message(field(1, api_version), field(2, kind))
    return protobuf.MAGIC + message(field(1, type_meta), field(2, raw))


def meta(name: str) -> bytes:
    # name, generateName "", namespace "" and a zero creationTimestamp, as Go writes them
    return message(field(1, name), field(2, ""), field(3, ""), field(8, message()))


def test_protobuf_deployment_keeps_pointer_zeroes_and_drops_go_zero_values():
    int_or_percent = message(field(1, 1), field(3, "25%"))
    rolling = message(field(1, int_or_percent), field(2, message(field(1, 0), field(2, 2))))
    strategy = message(field(1, "RollingUpdate"), field(2, rolling))
    container = message(field(1, "web"), field(2, "nginx"), field(8, message()))
    pod_spec = message(field(2, container), field(3, ""))
    template = message(field(1, meta("")), field(2, pod_spec))
    selector = message(field(1, message(field(1, "app"), field(2, "web"))))
    spec = message(
        field(1, 0), field(2, selector), field(3, template), field(4, strategy), field(7, False)
    )
    body = protobuf.decode(
        envelope("apps/v1", "Deployment", message(field(1, meta("web")), field(2, spec)))
    )
    assert body == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {},
                "spec": {"containers": [{"name": "web", "image": "nginx", "resources": {}}]},
            },
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 2},
            },
        },
    }


def test_protobuf_secret_bytes_become_base64_and_negative_ints_survive():
    entry = message(field(1, "pw"), field(2, b"s3cret"))
    secret = message(field(1, meta("creds")), field(2, entry), field(3, "Opaque"))
    body = protobuf.decode(envelope("v1", "Secret", secret))
    assert body["data"] == {"pw": "czNjcmV0"} and body["type"] == "Opaque"
    priority = message(field(1, meta("low")), field(2, -5))
    assert (
        protobuf.decode(envelope("scheduling.k8s.io/v1", "PriorityClass", priority))["value"] == -5
    )


def test_protobuf_delete_options_come_from_meta():
    options = message(field(4, "Foreground"), field(5, "All"))
    body = protobuf.decode(envelope("meta.k8s.io/v1", "DeleteOptions", options))
    assert body["propagationPolicy"] == "Foreground" and body["dryRun"] == ["All"]


def test_protobuf_unknown_kind_is_415_and_garbage_is_400():
    with pytest.raises(ApiError) as unknown:
        protobuf.decode(envelope("example.com/v1", "Widget", b""))
    assert unknown.value.code == 415
    with pytest.raises(ApiError) as garbage:
        protobuf.decode(protobuf.MAGIC + b"\x0a\xff")
    assert garbage.value.code == 400


def test_image_names_are_expanded_like_the_kubelet_reports_them():
    assert normalize_image("nginx") == "docker.io/library/nginx:latest"
    assert normalize_image("nginx:1.27") == "docker.io/library/nginx:1.27"
    assert normalize_image("me/app") == "docker.io/me/app:latest"
    assert normalize_image("registry.kai.dev/shop/x:v1") == "registry.kai.dev/shop/x:v1"
    assert normalize_image("localhost:5000/x") == "localhost:5000/x:latest"
    assert normalize_image("busybox@sha256:abc") == "docker.io/library/busybox@sha256:abc"


# ---------------------------------------------------------------- field ownership


LIVE = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "uid": "u", "labels": {"app": "web"}},
    "spec": {
        "replicas": 2,
        "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1"}]}},
    },
}


def test_field_sets_round_trip_through_fields_v1():
    paths = set(ssa.leaves(LIVE))
    assert ("f:spec", "f:replicas") in paths
    assert (
        "f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"web"}', "f:image"
    ) in paths  # fmt: skip
    assert not any(p[:2] == ("f:metadata", "f:uid") for p in paths)
    doc = ssa.to_fields_v1(paths)
    assert doc["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"web"}']["."] == {}
    assert ssa.from_fields_v1(json.loads(json.dumps(doc))) == paths


def test_apply_conflicts_with_other_managers_unless_forced():
    live = ssa.apply({}, LIVE, "ci", force=False, api_version="apps/v1")  # created by apply
    scaled = dict(live, spec={**live["spec"], "replicas": 5})
    ssa.track_update(live, scaled, "hpa", "apps/v1")
    with pytest.raises(ApiError) as clash:
        ssa.apply(scaled, LIVE, "ci", force=False, api_version="apps/v1")
    assert clash.value.code == 409
    assert clash.value.message == (
        'Apply failed with 1 conflict: conflict with "hpa" using apps/v1: .spec.replicas'
    )
    forced = ssa.apply(scaled, LIVE, "ci", force=True, api_version="apps/v1")
    assert forced["spec"]["replicas"] == 2
    managers = {m["manager"]: m for m in forced["metadata"]["managedFields"]}
    assert set(managers) == {"ci"}  # hpa lost its only field


def test_apply_removes_fields_the_manager_no_longer_applies():
    first = ssa.apply({}, LIVE, "ci", force=False, api_version="apps/v1")
    smaller = {**LIVE, "metadata": {"name": "web"}}
    after = ssa.apply(first, smaller, "ci", force=False, api_version="apps/v1")
    assert after["metadata"]["labels"] == {}
    assert after["spec"]["replicas"] == 2


# ---------------------------------------------------------------- autoscaling/v1 <-> v2


def test_hpa_v1_view_round_trips_what_v1_cannot_say():
    v1 = lookup("autoscaling", "v1", "horizontalpodautoscalers")
    assert v1 is not None and conversion.needs_conversion(v1)
    memory = {
        "type": "Resource",
        "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "1Gi"}},
    }
    cpu = {
        "type": "Resource",
        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
    }
    stored = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {"maxReplicas": 5, "metrics": [cpu, memory]},
        "status": {"conditions": [{"type": "AbleToScale", "status": "True"}]},
    }
    view = conversion.to_external(v1, stored)
    assert view["apiVersion"] == "autoscaling/v1"
    assert view["spec"] == {"maxReplicas": 5, "targetCPUUtilizationPercentage": 70}
    assert json.loads(
        view["metadata"]["annotations"]["autoscaling.alpha.kubernetes.io/metrics"]
    ) == [memory]
    assert conversion.to_storage(v1, view) == stored


# ---------------------------------------------------------------- RBAC


def test_rbac_rules_match_verbs_groups_resources_subresources_and_names():
    rule = {"apiGroups": ["apps"], "resources": ["deployments/scale"], "verbs": ["patch"]}
    attrs = {"verb": "patch", "group": "apps", "resource": "deployments", "subresource": "scale"}
    assert rbac.rule_allows(rule, attrs)
    assert not rbac.rule_allows(rule, {**attrs, "subresource": ""})
    named = {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["*"], "resourceNames": ["a"]}
    cm = {"verb": "get", "group": "", "resource": "configmaps"}
    assert rbac.rule_allows(named, {**cm, "name": "a"})
    assert not rbac.rule_allows(named, {**cm, "name": "b"})
    urls = {"nonResourceURLs": ["/healthz", "/api/*"], "verbs": ["get"]}
    assert rbac.rule_allows(urls, {"verb": "get", "path": "/api/v1"})


def test_rbac_service_account_subject_gets_its_groups_and_bindings():
    store = Store()
    for key, obj in rbac.bootstrap_objects():
        store.put(key, obj)
    robot = rbac.subject_for("system:serviceaccount:lab:robot", [])
    assert robot.groups == (
        "system:serviceaccounts",
        "system:serviceaccounts:lab",
        "system:authenticated",
    )
    store.put(
        rbac.ROLE_BINDINGS,
        {
            "kind": "RoleBinding",
            "metadata": {"name": "robot-view", "namespace": "lab"},
            "roleRef": {"kind": "ClusterRole", "name": "view"},
            "subjects": [{"kind": "ServiceAccount", "name": "robot", "namespace": "lab"}],
        },
    )
    read = {"verb": "list", "group": "apps", "resource": "deployments", "namespace": "lab"}
    allowed, reason = rbac.authorize(store, robot, read)
    assert allowed and reason == (
        'RBAC: allowed by RoleBinding "robot-view/lab" of ClusterRole "view" to '
        'ServiceAccount "robot/lab"'
    )
    assert not rbac.authorize(store, robot, {**read, "namespace": "shop"})[0]
    assert not rbac.authorize(store, robot, {**read, "verb": "delete"})[0]
    review = {"verb": "create", "group": "authorization.k8s.io",
              "resource": "selfsubjectaccessreviews"}  # fmt: skip
    assert rbac.authorize(store, robot, review)[0]  # system:basic-user
