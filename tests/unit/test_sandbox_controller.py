"""The sandbox's controllers, scheduler and kubelet, observed through the Python client."""

from __future__ import annotations

import time
from typing import Any

from k8sgpt_py.sandbox import Sandbox

#: Tests that only read, so they share one sandbox per module.
READ_ONLY = {
    "test_sandbox_endpoint_slices_follow_services",
    "test_sandbox_imagecheck_is_image_pull_backoff",
    "test_sandbox_worker_crashloops_with_logs_naming_the_variable",
    "test_sandbox_memhog_is_oomkilled",
    "test_sandbox_bigjob_is_unschedulable_with_real_message",
    "test_sandbox_legacy_api_service_has_no_endpoints",
    "test_sandbox_broken_deployments_report_progress_deadline",
    "test_sandbox_paymentservice_has_two_revisions",
    "test_sandbox_deployment_status_is_complete",
    "test_sandbox_daemonsets_cover_every_node",
}


def _only_pod(core: Any, namespace: str, app: str) -> Any:
    pods = core.list_namespaced_pod(namespace, label_selector=f"app={app}").items
    assert len(pods) == 1, [p.metadata.name for p in pods]
    return pods[0]


def _events(core: Any, namespace: str, name: str) -> list[tuple[str, str, str]]:
    items = core.list_namespaced_event(
        namespace, field_selector=f"involvedObject.name={name}"
    ).items
    return [(e.type, e.reason, e.message) for e in items]


# ---------------------------------------------------------------- broken staging workloads


def test_sandbox_imagecheck_is_image_pull_backoff(core):
    pod = _only_pod(core, "staging", "imagecheck")
    waiting = pod.status.container_statuses[0].state.waiting
    assert waiting.reason == "ImagePullBackOff"
    assert (
        waiting.message == 'Back-off pulling image "registry.kai.dev/staging/imagecheck:v2.0.1-rc"'
    )
    reasons = [(t, r) for t, r, _ in _events(core, "staging", pod.metadata.name)]
    assert ("Warning", "Failed") in reasons and ("Normal", "BackOff") in reasons
    assert ("Normal", "Scheduled") in reasons


def test_sandbox_worker_crashloops_with_logs_naming_the_variable(core):
    pod = _only_pod(core, "staging", "worker")
    status = pod.status.container_statuses[0]
    assert status.state.waiting.reason == "CrashLoopBackOff"
    assert status.restart_count == 5
    assert status.last_state.terminated.exit_code == 1
    assert status.last_state.terminated.reason == "Error"
    line = "error: required environment variable DATABASE_URL is not set"
    assert core.read_namespaced_pod_log(pod.metadata.name, "staging").rstrip().endswith(line)
    assert line in core.read_namespaced_pod_log(pod.metadata.name, "staging", previous=True)
    assert ("Warning", "BackOff") in [
        (t, r) for t, r, _ in _events(core, "staging", pod.metadata.name)
    ]


def test_sandbox_memhog_is_oomkilled(core):
    status = _only_pod(core, "staging", "memhog").status.container_statuses[0]
    assert status.last_state.terminated.reason == "OOMKilled"
    assert status.last_state.terminated.exit_code == 137
    assert status.state.waiting.reason == "CrashLoopBackOff"


def test_sandbox_bigjob_is_unschedulable_with_real_message(core):
    pod = _only_pod(core, "staging", "bigjob")
    assert pod.status.phase == "Pending" and pod.spec.node_name is None
    condition = pod.status.conditions[0]
    message = (
        "0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: batch}, "
        "3 Insufficient cpu. preemption: 0/4 nodes are available: "
        "1 Preemption is not helpful for scheduling, "
        "3 No preemption victims found for incoming pod."
    )
    assert (condition.type, condition.status, condition.reason, condition.message) == (
        "PodScheduled",
        "False",
        "Unschedulable",
        message,
    )
    assert _events(core, "staging", pod.metadata.name) == [("Warning", "FailedScheduling", message)]


def test_sandbox_legacy_api_service_has_no_endpoints(core):
    assert core.read_namespaced_endpoints("legacy-api", "staging").subsets is None
    frontend = core.read_namespaced_endpoints("frontend", "shop").subsets[0]
    assert len(frontend.addresses) == 3 and frontend.ports[0].port == 8080


def test_sandbox_endpoint_slices_follow_services(api_client):
    from kubernetes import client

    discovery = client.DiscoveryV1Api(api_client)
    (legacy,) = discovery.list_namespaced_endpoint_slice(
        "staging", label_selector="kubernetes.io/service-name=legacy-api"
    ).items
    assert not legacy.endpoints
    (frontend,) = discovery.list_namespaced_endpoint_slice(
        "shop", label_selector="kubernetes.io/service-name=frontend"
    ).items
    assert len(frontend.endpoints) == 3
    assert all(e.conditions.ready for e in frontend.endpoints)


def test_sandbox_broken_deployments_report_progress_deadline(api_client):
    from kubernetes import client

    deployment = client.AppsV1Api(api_client).read_namespaced_deployment("imagecheck", "staging")
    conditions = {c.type: (c.status, c.reason) for c in deployment.status.conditions}
    assert conditions == {
        "Available": ("False", "MinimumReplicasUnavailable"),
        "Progressing": ("False", "ProgressDeadlineExceeded"),
    }
    assert deployment.status.unavailable_replicas == 1


# ---------------------------------------------------------------- fixes really fix things


def test_sandbox_adding_the_env_var_fixes_the_worker(apps, core):
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "worker",
                            "env": [{"name": "DATABASE_URL", "value": "postgres://db:5432/orders"}],
                        }
                    ]
                }
            }
        }
    }
    apps.patch_namespaced_deployment("worker", "staging", patch)
    pod = _only_pod(core, "staging", "worker")
    assert pod.status.phase == "Running"
    assert pod.status.container_statuses[0].ready is True
    status = apps.read_namespaced_deployment("worker", "staging").status
    assert (status.ready_replicas, status.updated_replicas) == (1, 1)


def test_sandbox_fixing_the_image_tag_fixes_imagecheck(apps, core):
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "imagecheck",
                            "image": "registry.kai.dev/staging/imagecheck:v2.0.0",
                        }
                    ]
                }
            }
        }
    }
    apps.patch_namespaced_deployment("imagecheck", "staging", patch)
    assert (
        _only_pod(core, "staging", "imagecheck").status.container_statuses[0].state.running
        is not None
    )


def test_sandbox_raising_the_memory_limit_fixes_memhog(apps, core):
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [{"name": "memhog", "resources": {"limits": {"memory": "512Mi"}}}]
                }
            }
        }
    }
    apps.patch_namespaced_deployment("memhog", "staging", patch)
    assert _only_pod(core, "staging", "memhog").status.container_statuses[0].ready is True


# ---------------------------------------------------------------- rollouts


def test_sandbox_template_change_creates_revision_two(apps, core):
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"name": "server", "image": "registry.kai.dev/shop/checkoutservice:v0.10.2"}
                    ]
                }
            }
        }
    }
    apps.patch_namespaced_deployment("checkoutservice", "shop", patch)
    sets = apps.list_namespaced_replica_set("shop", label_selector="app=checkoutservice").items
    by_revision = {
        rs.metadata.annotations["deployment.kubernetes.io/revision"]: (
            rs.spec.replicas,
            rs.spec.template.spec.containers[0].image,
        )
        for rs in sets
    }
    assert by_revision == {
        "1": (0, "registry.kai.dev/shop/checkoutservice:v0.10.1"),
        "2": (2, "registry.kai.dev/shop/checkoutservice:v0.10.2"),
    }
    deployment = apps.read_namespaced_deployment("checkoutservice", "shop")
    assert deployment.metadata.annotations["deployment.kubernetes.io/revision"] == "2"
    assert deployment.status.updated_replicas == 2 and deployment.status.replicas == 2
    pods = core.list_namespaced_pod("shop", label_selector="app=checkoutservice").items
    assert {p.spec.containers[0].image for p in pods} == {
        "registry.kai.dev/shop/checkoutservice:v0.10.2"
    }
    new_rs = next(rs for rs in sets if rs.spec.replicas == 2)
    assert all(p.metadata.name.startswith(new_rs.metadata.name + "-") for p in pods)
    assert all(p.metadata.owner_references[0].uid == new_rs.metadata.uid for p in pods)


def test_sandbox_paymentservice_has_two_revisions(apps):
    sets = apps.list_namespaced_replica_set("shop", label_selector="app=paymentservice").items
    history = sorted(
        (
            int(rs.metadata.annotations["deployment.kubernetes.io/revision"]),
            rs.spec.template.spec.containers[0].image,
            rs.spec.replicas,
        )
        for rs in sets
    )
    assert history == [
        (1, "registry.kai.dev/shop/paymentservice:v1.4.0", 0),
        (2, "registry.kai.dev/shop/paymentservice:v1.5.0", 1),
    ]


def test_sandbox_deployment_status_is_complete(apps):
    status = apps.read_namespaced_deployment("frontend", "shop").status
    assert (
        status.replicas,
        status.ready_replicas,
        status.available_replicas,
        status.updated_replicas,
    ) == (3, 3, 3, 3)
    assert status.observed_generation == 1
    conditions = {c.type: (c.status, c.reason) for c in status.conditions}
    assert conditions["Progressing"] == ("True", "NewReplicaSetAvailable")
    assert conditions["Available"] == ("True", "MinimumReplicasAvailable")


# ---------------------------------------------------------------- scheduling


def test_sandbox_scaling_checkout_to_40_does_not_fit(apps, core):
    apps.patch_namespaced_deployment_scale("checkoutservice", "shop", {"spec": {"replicas": 40}})
    pods = core.list_namespaced_pod("shop", label_selector="app=checkoutservice").items
    pending = [p for p in pods if p.status.phase == "Pending"]
    assert len(pods) == 40
    assert 15 <= len(pending) <= 30  # ~17 fit at 500m on the untainted nodes
    assert {p.spec.node_name for p in pods if p.spec.node_name} == {"node-a", "node-b", "node-c"}
    message = pending[0].status.conditions[0].message
    assert message.startswith(
        "0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: batch}, "
        "3 Insufficient cpu."
    )


def test_sandbox_daemonsets_cover_every_node(core, api_client):
    from kubernetes import client

    ds = client.AppsV1Api(api_client).read_namespaced_daemon_set("kube-proxy", "kube-system")
    assert (ds.status.desired_number_scheduled, ds.status.number_ready) == (4, 4)
    nodes = {
        p.spec.node_name
        for p in core.list_namespaced_pod("kube-system", label_selector="k8s-app=kube-proxy").items
    }
    assert nodes == {"node-a", "node-b", "node-c", "node-d"}


def test_sandbox_cordoned_node_receives_no_new_pods(core, apps):
    for node in ("node-a", "node-b"):
        core.patch_node(node, {"spec": {"unschedulable": True}})
    apps.patch_namespaced_deployment_scale(
        "productcatalogservice", "shop", {"spec": {"replicas": 6}}
    )
    pods = core.list_namespaced_pod("shop", label_selector="app=productcatalogservice").items
    new_nodes = sorted(p.spec.node_name for p in pods)
    assert new_nodes.count("node-c") >= 4


def test_sandbox_eviction_recreates_the_pod(core):
    from kubernetes import client

    pod = core.list_namespaced_pod("shop", label_selector="app=frontend").items[0].metadata.name
    eviction = client.V1Eviction(metadata=client.V1ObjectMeta(name=pod, namespace="shop"))
    core.create_namespaced_pod_eviction(pod, "shop", eviction)
    names = [
        p.metadata.name
        for p in core.list_namespaced_pod("shop", label_selector="app=frontend").items
    ]
    assert pod not in names and len(names) == 3


def test_sandbox_pod_names_are_deterministic():
    first = sorted(Sandbox().store.objects["/pods"])
    second = sorted(Sandbox().store.objects["/pods"])
    assert first == second


def test_sandbox_seed_and_start_are_fast():
    started = time.perf_counter()
    box = Sandbox().start()
    elapsed = time.perf_counter() - started
    box.stop()
    assert elapsed < 3.0  # ~0.2 s on an idle machine; generous for a loaded CI box


def test_sandbox_job_pods_complete(api_client, core):
    from kubernetes import client

    batch = client.BatchV1Api(api_client)
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "report"},
        "spec": {
            "completions": 2,
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{"name": "report", "image": "docker.io/library/busybox:1.36"}],
                }
            },
        },
    }
    batch.create_namespaced_job("default", job)
    status = batch.read_namespaced_job("report", "default").status
    assert status.succeeded == 2 and status.completion_time is not None
    assert {c.type for c in status.conditions} == {"Complete", "SuccessCriteriaMet"}
    pods = core.list_namespaced_pod("default", label_selector="job-name=report").items
    assert [p.status.phase for p in pods] == ["Succeeded", "Succeeded"]
