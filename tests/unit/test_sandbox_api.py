"""The sandbox's REST API through the official kubernetes Python client: reads, writes, patches."""

from __future__ import annotations

import json
from typing import Any

import pytest

#: Tests that only read, so they share one sandbox per module.
READ_ONLY = {
    "test_sandbox_discovery_lists_groups_and_resources",
    "test_sandbox_unknown_path_is_a_404_status",
    "test_sandbox_list_with_label_selectors",
    "test_sandbox_list_with_field_selectors",
    "test_sandbox_list_pagination_with_continue_tokens",
    "test_sandbox_get_missing_object_is_404_with_real_message",
    "test_sandbox_demo_cluster_has_expected_objects",
    "test_sandbox_table_output_for_pods_and_deployments",
    "test_sandbox_metrics_are_deterministic",
    "test_sandbox_healthy_pod_logs_and_tail",
}


def _raw(
    api_client: Any,
    path: str,
    method: str = "GET",
    *,
    body: Any = None,
    header_params: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """Call the API without typed decoding; returns (status, parsed body)."""
    headers = {
        "Accept": "application/json",
        "Content-Type": "application/json",
        **(header_params or {}),
    }
    request = api_client.param_serialize(
        method, path, header_params=headers, body=body, auth_settings=["BearerToken"]
    )
    response = api_client.call_api(*request)
    text = response.read().decode()
    return response.status, json.loads(text) if text.startswith("{") else text


def _api_error(exc_info: Any) -> dict[str, Any]:
    return json.loads(exc_info.value.body)


# ---------------------------------------------------------------- discovery


def test_sandbox_discovery_lists_groups_and_resources(api_client):
    from kubernetes import client

    versions = client.CoreApi(api_client).get_api_versions()
    assert versions.versions == ["v1"]
    groups = {
        g.name: g.preferred_version.version
        for g in client.ApisApi(api_client).get_api_versions().groups
    }
    assert groups["apps"] == "v1"
    assert groups["autoscaling"] == "v2"
    assert groups["metrics.k8s.io"] == "v1beta1"
    assert {
        "policy",
        "batch",
        "networking.k8s.io",
        "authorization.k8s.io",
        "admissionregistration.k8s.io",
    } <= set(groups)
    names = {r.name for r in client.AppsV1Api(api_client).get_api_resources().resources}
    assert {
        "deployments",
        "deployments/scale",
        "replicasets",
        "statefulsets",
        "daemonsets",
    } <= names
    core_names = {r.name for r in client.CoreV1Api(api_client).get_api_resources().resources}
    assert {
        "pods",
        "pods/log",
        "pods/eviction",
        "services",
        "endpoints",
        "events",
        "secrets",
    } <= core_names
    assert client.VersionApi(api_client).get_code().git_version == "v1.32.0-kai-sandbox"


def test_sandbox_unknown_path_is_a_404_status(api_client):
    status, body = _raw(api_client, "/apis/nothing.example.com/v1/widgets")
    assert status == 404
    assert body["kind"] == "Status" and body["reason"] == "NotFound"


# ---------------------------------------------------------------- list and get


def test_sandbox_list_with_label_selectors(core):
    def names(selector: str) -> list[str]:
        pods = core.list_namespaced_pod("shop", label_selector=selector).items
        return sorted({p.metadata.labels["app"] for p in pods})

    assert len(core.list_namespaced_pod("shop", label_selector="app=frontend").items) == 3
    assert names("app in (frontend,cartservice)") == ["cartservice", "frontend"]
    assert "frontend" not in names("app!=frontend")
    assert names("app notin (frontend),tier=web") == []
    assert len(core.list_namespaced_pod("shop", label_selector="tier").items) == 13
    assert core.list_namespaced_pod("shop", label_selector="!tier").items == []


def test_sandbox_list_with_field_selectors(core):
    pending = core.list_namespaced_pod("staging", field_selector="status.phase=Pending").items
    assert sorted(p.metadata.labels["app"] for p in pending) == ["bigjob", "imagecheck"]
    on_d = core.list_pod_for_all_namespaces(field_selector="spec.nodeName=node-d").items
    assert sorted(
        p.metadata.labels.get("k8s-app") or p.metadata.labels.get("app") for p in on_d
    ) == [
        "kube-proxy",
        "node-exporter",
    ]
    pods = core.list_namespaced_pod("shop", field_selector="metadata.name=redis-cart-0").items
    assert [p.metadata.name for p in pods] == ["redis-cart-0"]


def test_sandbox_list_pagination_with_continue_tokens(core):
    everything = [p.metadata.name for p in core.list_pod_for_all_namespaces().items]
    seen: list[str] = []
    page = core.list_pod_for_all_namespaces(limit=10)
    assert page.metadata.remaining_item_count == len(everything) - 10
    seen += [p.metadata.name for p in page.items]
    while page.metadata._continue:
        page = core.list_pod_for_all_namespaces(limit=10, _continue=page.metadata._continue)
        seen += [p.metadata.name for p in page.items]
    assert seen == everything
    assert len(everything) == 27


def test_sandbox_get_missing_object_is_404_with_real_message(apps):
    from kubernetes.client.exceptions import ApiException

    with pytest.raises(ApiException) as exc_info:
        apps.read_namespaced_deployment("nope", "shop")
    assert exc_info.value.status == 404
    body = _api_error(exc_info)
    assert body["message"] == 'deployments.apps "nope" not found'
    assert body["reason"] == "NotFound" and body["status"] == "Failure"


def test_sandbox_demo_cluster_has_expected_objects(core, apps, api_client):
    from kubernetes import client

    deployments = {
        d.metadata.name: d.spec.replicas for d in apps.list_namespaced_deployment("shop").items
    }
    assert deployments == {
        "cartservice": 2,
        "checkoutservice": 2,
        "emailservice": 1,
        "frontend": 3,
        "paymentservice": 1,
        "productcatalogservice": 2,
        "recommendationservice": 1,
    }
    assert [s.metadata.name for s in apps.list_namespaced_stateful_set("shop").items] == [
        "redis-cart"
    ]
    services = {s.metadata.name for s in core.list_namespaced_service("shop").items}
    assert services == set(deployments) | {"redis-cart"}
    secret = core.read_namespaced_secret("payment-keys", "shop")
    assert (
        secret.data["api-key"] == "c2tfbGl2ZV9rYWlzYW5kYm94U0VDUkVUMTIz"
    )  # sk_live_kaisandboxSECRET123
    hpa = client.AutoscalingV2Api(api_client).read_namespaced_horizontal_pod_autoscaler(
        "frontend", "shop"
    )
    assert (hpa.spec.min_replicas, hpa.spec.max_replicas) == (3, 10)
    assert hpa.spec.metrics[0].resource.target.average_utilization == 70
    nodes = {n.metadata.name: n for n in core.list_node().items}
    assert sorted(nodes) == ["node-a", "node-b", "node-c", "node-d"]
    assert nodes["node-d"].spec.taints[0].to_dict() == {
        "effect": "NoSchedule",
        "key": "dedicated",
        "time_added": None,
        "value": "batch",
    }
    assert nodes["node-a"].status.allocatable == {
        "cpu": "3900m",
        "ephemeral-storage": "95Gi",
        "memory": "15Gi",
        "pods": "110",
    }
    assert {n.metadata.name for n in core.list_namespace().items} == {
        "default",
        "kube-system",
        "shop",
        "staging",
    }


# ---------------------------------------------------------------- create, replace, delete


def _configmap(name: str, value: str = "1") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name},
        "data": {"k": value},
    }


def test_sandbox_create_replace_delete_configmap(core):
    from kubernetes.client.exceptions import ApiException

    created = core.create_namespaced_config_map("shop", _configmap("demo"))
    assert created.metadata.uid and created.metadata.creation_timestamp
    with pytest.raises(ApiException) as exc_info:
        core.create_namespaced_config_map("shop", _configmap("demo"))
    assert exc_info.value.status == 409
    assert _api_error(exc_info)["message"] == 'configmaps "demo" already exists'
    body = _configmap("demo", "2")
    body["metadata"]["resourceVersion"] = created.metadata.resource_version
    replaced = core.replace_namespaced_config_map("demo", "shop", body)
    assert replaced.data == {"k": "2"}
    assert int(replaced.metadata.resource_version) > int(created.metadata.resource_version)
    core.delete_namespaced_config_map("demo", "shop")
    with pytest.raises(ApiException) as exc_info:
        core.read_namespaced_config_map("demo", "shop")
    assert exc_info.value.status == 404


def test_sandbox_create_in_missing_namespace_is_404(core):
    from kubernetes.client.exceptions import ApiException

    with pytest.raises(ApiException) as exc_info:
        core.create_namespaced_config_map("nowhere", _configmap("x"))
    assert _api_error(exc_info)["message"] == 'namespaces "nowhere" not found'


def test_sandbox_stale_resource_version_is_409_conflict(core):
    from kubernetes.client.exceptions import ApiException

    first = core.create_namespaced_config_map("shop", _configmap("race"))
    core.patch_namespaced_config_map("race", "shop", {"data": {"k": "changed"}})
    body = _configmap("race", "mine")
    body["metadata"]["resourceVersion"] = first.metadata.resource_version
    with pytest.raises(ApiException) as exc_info:
        core.replace_namespaced_config_map("race", "shop", body)
    assert exc_info.value.status == 409
    error = _api_error(exc_info)
    assert error["reason"] == "Conflict"
    assert error["message"] == (
        'Operation cannot be fulfilled on configmaps "race": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
    stale_patch = {
        "metadata": {"resourceVersion": first.metadata.resource_version},
        "data": {"k": "x"},
    }
    with pytest.raises(ApiException) as exc_info:
        core.patch_namespaced_config_map("race", "shop", stale_patch)
    assert exc_info.value.status == 409


def test_sandbox_delete_deployment_cascades_to_replicasets_and_pods(core, apps):
    apps.delete_namespaced_deployment("cartservice", "shop")
    assert apps.list_namespaced_replica_set("shop", label_selector="app=cartservice").items == []
    assert core.list_namespaced_pod("shop", label_selector="app=cartservice").items == []


def test_sandbox_delete_with_orphan_keeps_replicasets(apps, core):
    apps.delete_namespaced_deployment("emailservice", "shop", propagation_policy="Orphan")
    sets = apps.list_namespaced_replica_set("shop", label_selector="app=emailservice").items
    assert len(sets) == 1 and not sets[0].metadata.owner_references
    assert len(core.list_namespaced_pod("shop", label_selector="app=emailservice").items) == 1


def test_sandbox_generation_bumps_on_spec_change_only(apps):
    before = apps.read_namespaced_deployment("frontend", "shop")
    assert before.metadata.generation == 1
    labelled = apps.patch_namespaced_deployment(
        "frontend", "shop", {"metadata": {"labels": {"x": "y"}}}
    )
    assert labelled.metadata.generation == 1
    scaled = apps.patch_namespaced_deployment("frontend", "shop", {"spec": {"replicas": 4}})
    assert scaled.metadata.generation == 2
    assert scaled.status.observed_generation == 2


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        (
            {"spec": {"replicas": -1}},
            'Deployment.apps "frontend" is invalid: spec.replicas: Invalid value: -1: '
            "must be greater than or equal to 0",
        ),
        (
            {
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [
                                {"name": "server", "resources": {"requests": {"cpu": "lots"}}}
                            ]
                        }
                    }
                }
            },
            'Deployment.apps "frontend" is invalid: '
            "spec.template.spec.containers[0].resources.requests[cpu]: "
            'Invalid value: "lots": must be a valid quantity',
        ),
        (
            {"spec": {"template": {"spec": {"containers": [{"name": "server", "image": None}]}}}},
            'Deployment.apps "frontend" is invalid: '
            "spec.template.spec.containers[0].image: Required value",
        ),
    ],
)
def test_sandbox_invalid_patch_is_422(apps, patch, message):
    from kubernetes.client.exceptions import ApiException

    with pytest.raises(ApiException) as exc_info:
        apps.patch_namespaced_deployment("frontend", "shop", patch)
    assert exc_info.value.status == 422
    body = _api_error(exc_info)
    assert body["reason"] == "Invalid"
    assert body["message"] == message
    assert apps.read_namespaced_deployment("frontend", "shop").spec.replicas == 3


def test_sandbox_invalid_names_and_string_replicas(core, api_client):
    from kubernetes.client.exceptions import ApiException

    with pytest.raises(ApiException) as exc_info:
        core.create_namespaced_config_map("shop", _configmap("Bad_Name"))
    assert exc_info.value.status == 422
    assert "a lowercase RFC 1123 subdomain" in _api_error(exc_info)["message"]
    status, body = _raw(
        api_client,
        "/apis/apps/v1/namespaces/shop/deployments/frontend",
        "PATCH",
        body={"spec": {"replicas": "three"}},
        header_params={"Content-Type": "application/merge-patch+json"},
    )
    assert status == 400
    assert "cannot unmarshal string" in body["message"]


# ---------------------------------------------------------------- patch types


def test_sandbox_strategic_merge_patch_keeps_other_container_fields(apps):
    patch = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "server", "env": [{"name": "NEW", "value": "1"}]}]}
            }
        }
    }
    result = apps.patch_namespaced_deployment("checkoutservice", "shop", patch)
    container = result.spec.template.spec.containers[0]
    assert container.image == "registry.kai.dev/shop/checkoutservice:v0.10.1"
    assert [e.name for e in container.env] == [
        "LOG_LEVEL",
        "PAYMENT_SERVICE_ADDR",
        "EMAIL_SERVICE_ADDR",
        "NEW",
    ]


def test_sandbox_strategic_merge_delete_directive_over_http(api_client, apps):
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"name": "server", "env": [{"name": "LOG_LEVEL", "$patch": "delete"}]}
                    ]
                }
            }
        }
    }
    status, _ = _raw(
        api_client,
        "/apis/apps/v1/namespaces/shop/deployments/checkoutservice",
        "PATCH",
        body=patch,
        header_params={"Content-Type": "application/strategic-merge-patch+json"},
    )
    assert status == 200
    env = (
        apps.read_namespaced_deployment("checkoutservice", "shop")
        .spec.template.spec.containers[0]
        .env
    )
    assert [e.name for e in env] == ["PAYMENT_SERVICE_ADDR", "EMAIL_SERVICE_ADDR"]


def test_sandbox_merge_patch_replaces_lists(api_client, apps):
    patch = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "only", "image": "docker.io/library/nginx:1.27"}]}
            }
        }
    }
    status, body = _raw(
        api_client,
        "/apis/apps/v1/namespaces/shop/deployments/emailservice",
        "PATCH",
        body=patch,
        header_params={"Content-Type": "application/merge-patch+json"},
    )
    assert status == 200, body
    containers = apps.read_namespaced_deployment(
        "emailservice", "shop"
    ).spec.template.spec.containers
    assert [c.name for c in containers] == ["only"]


def test_sandbox_json_patch_and_failed_test_op(apps):
    from kubernetes.client.exceptions import ApiException

    ops = [
        {"op": "test", "path": "/spec/replicas", "value": 2},
        {"op": "replace", "path": "/spec/replicas", "value": 4},
    ]
    assert apps.patch_namespaced_deployment("cartservice", "shop", ops).spec.replicas == 4
    with pytest.raises(ApiException) as exc_info:
        apps.patch_namespaced_deployment("cartservice", "shop", ops)
    assert exc_info.value.status == 422
    assert "testing value /spec/replicas failed" in _api_error(exc_info)["message"]


# ---------------------------------------------------------------- scale and dry run


def test_sandbox_scale_subresource_read_and_patch(apps, core):
    scale = apps.read_namespaced_deployment_scale("checkoutservice", "shop")
    assert scale.spec.replicas == 2
    assert scale.status.selector == "app=checkoutservice"
    result = apps.patch_namespaced_deployment_scale(
        "checkoutservice", "shop", {"spec": {"replicas": 5}}
    )
    assert result.spec.replicas == 5
    assert len(core.list_namespaced_pod("shop", label_selector="app=checkoutservice").items) == 5
    deployment = apps.read_namespaced_deployment("checkoutservice", "shop")
    assert (deployment.status.ready_replicas, deployment.status.available_replicas) == (5, 5)


def test_sandbox_scale_statefulset(apps, core):
    apps.patch_namespaced_stateful_set_scale("redis-cart", "shop", {"spec": {"replicas": 3}})
    names = sorted(
        p.metadata.name
        for p in core.list_namespaced_pod("shop", label_selector="app=redis-cart").items
    )
    assert names == ["redis-cart-0", "redis-cart-1", "redis-cart-2"]


def test_sandbox_dry_run_leaves_state_unchanged(apps, core):
    before = apps.read_namespaced_deployment("frontend", "shop")
    result = apps.patch_namespaced_deployment(
        "frontend", "shop", {"spec": {"replicas": 7}}, dry_run="All"
    )
    assert result.spec.replicas == 7
    assert result.metadata.generation == 2
    after = apps.read_namespaced_deployment("frontend", "shop")
    assert after.spec.replicas == 3
    assert after.metadata.resource_version == before.metadata.resource_version
    created = core.create_namespaced_config_map("shop", _configmap("ghost"), dry_run="All")
    assert created.metadata.uid
    assert "ghost" not in {c.metadata.name for c in core.list_namespaced_config_map("shop").items}
    apps.delete_namespaced_deployment("frontend", "shop", dry_run="All")
    assert len(core.list_namespaced_pod("shop", label_selector="app=frontend").items) == 3


def test_sandbox_dry_run_still_validates(apps):
    from kubernetes.client.exceptions import ApiException

    with pytest.raises(ApiException) as exc_info:
        apps.patch_namespaced_deployment(
            "frontend", "shop", {"spec": {"replicas": -3}}, dry_run="All"
        )
    assert exc_info.value.status == 422


# ---------------------------------------------------------------- tables, metrics, logs


def test_sandbox_table_output_for_pods_and_deployments(api_client):
    accept = {"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"}
    status, table = _raw(api_client, "/api/v1/namespaces/staging/pods", header_params=accept)
    assert status == 200 and table["kind"] == "Table"
    assert [c["name"] for c in table["columnDefinitions"]][:5] == [
        "Name",
        "Ready",
        "Status",
        "Restarts",
        "Age",
    ]
    statuses = {row["cells"][0].split("-")[0]: row["cells"][2] for row in table["rows"]}
    assert statuses == {
        "bigjob": "Pending",
        "imagecheck": "ImagePullBackOff",
        "memhog": "CrashLoopBackOff",
        "worker": "CrashLoopBackOff",
    }
    _, table = _raw(
        api_client, "/apis/apps/v1/namespaces/shop/deployments/frontend", header_params=accept
    )
    assert table["rows"][0]["cells"][:4] == ["frontend", "3/3", 3, 3]


def test_sandbox_metrics_are_deterministic(api_client):
    _, first = _raw(api_client, "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods")
    _, second = _raw(api_client, "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods")
    usage = {i["metadata"]["name"]: i["containers"][0]["usage"] for i in first["items"]}
    assert usage == {i["metadata"]["name"]: i["containers"][0]["usage"] for i in second["items"]}
    assert len(usage) == 13
    assert all(u["cpu"].endswith("n") and u["memory"].endswith("Ki") for u in usage.values())
    _, nodes = _raw(api_client, "/apis/metrics.k8s.io/v1beta1/nodes")
    assert sorted(n["metadata"]["name"] for n in nodes["items"]) == [
        "node-a",
        "node-b",
        "node-c",
        "node-d",
    ]


def test_sandbox_healthy_pod_logs_and_tail(core):
    pod = core.list_namespaced_pod("shop", label_selector="app=frontend").items[0].metadata.name
    text = core.read_namespaced_pod_log(pod, "shop")
    assert "INFO starting server (registry.kai.dev/shop/frontend:v0.10.1)" in text
    assert text.endswith("INFO ready to serve requests\n")
    assert core.read_namespaced_pod_log(pod, "shop", tail_lines=1).count("\n") == 1


def test_sandbox_deleting_a_service_removes_its_endpoints(core, api_client):
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    core.delete_namespaced_service("frontend", "shop")
    with pytest.raises(ApiException) as exc_info:
        core.read_namespaced_endpoints("frontend", "shop")
    assert exc_info.value.status == 404
    slices = client.DiscoveryV1Api(api_client).list_namespaced_endpoint_slice(
        "shop", label_selector="kubernetes.io/service-name=frontend"
    )
    assert slices.items == []
