"""Builders of raw Kubernetes objects, shaped as the API server returns them (list items)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from k8sgpt_py.analyzers import Snapshot

NOW = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)
Obj = dict[str, Any]


def ts(minutes_ago: float) -> str:
    """RFC 3339 timestamp ``minutes_ago`` before NOW."""
    return (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def meta(
    name: str,
    namespace: str | None = "default",
    *,
    labels: dict[str, str] | None = None,
    owner: tuple[str, str] | None = None,
    annotations: dict[str, str] | None = None,
    age_minutes: float = 60,
) -> Obj:
    m: Obj = {"name": name, "uid": f"uid-{namespace}-{name}", "creationTimestamp": ts(age_minutes)}
    if namespace:
        m["namespace"] = namespace
    if labels:
        m["labels"] = dict(labels)
    if annotations:
        m["annotations"] = dict(annotations)
    if owner:
        api = {
            "ReplicaSet": "apps/v1",
            "Deployment": "apps/v1",
            "StatefulSet": "apps/v1",
            "DaemonSet": "apps/v1",
            "Job": "batch/v1",
            "CronJob": "batch/v1",
        }[owner[0]]
        m["ownerReferences"] = [
            {
                "apiVersion": api,
                "kind": owner[0],
                "name": owner[1],
                "uid": f"uid-{owner[1]}",
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
    return m


def container(
    name: str = "app",
    image: str = "registry.example/app:1.0",
    *,
    ports: list[Obj] | None = None,
    env: list[Obj] | None = None,
    env_from: list[Obj] | None = None,
    requests: dict[str, str] | None = None,
    limits: dict[str, str] | None = None,
) -> Obj:
    c: Obj = {"name": name, "image": image, "resources": {}}
    if ports is not None:
        c["ports"] = ports
    if env is not None:
        c["env"] = env
    if env_from is not None:
        c["envFrom"] = env_from
    if requests:
        c["resources"]["requests"] = requests
    if limits:
        c["resources"]["limits"] = limits
    return c


def running(
    name: str = "app",
    *,
    ready: bool = True,
    restarts: int = 0,
    last: Obj | None = None,
    started_minutes_ago: float = 30,
) -> Obj:
    st: Obj = {
        "name": name,
        "ready": ready,
        "restartCount": restarts,
        "started": True,
        "image": "registry.example/app:1.0",
        "imageID": "sha256:abc",
        "state": {"running": {"startedAt": ts(started_minutes_ago)}},
        "lastState": {},
    }
    if last:
        st["lastState"] = {"terminated": last}
    return st


def waiting(
    name: str, reason: str, message: str = "", *, restarts: int = 0, last: Obj | None = None
) -> Obj:
    st: Obj = {
        "name": name,
        "ready": False,
        "restartCount": restarts,
        "started": False,
        "image": "registry.example/app:1.0",
        "imageID": "",
        "state": {"waiting": {"reason": reason, "message": message}},
        "lastState": {},
    }
    if last:
        st["lastState"] = {"terminated": last}
    return st


def terminated(reason: str = "Error", exit_code: int = 1, minutes_ago: float = 1) -> Obj:
    return {
        "exitCode": exit_code,
        "reason": reason,
        "startedAt": ts(minutes_ago + 1),
        "finishedAt": ts(minutes_ago),
        "containerID": "containerd://abc",
    }


def cond(
    cond_type: str, status: str, reason: str = "", message: str = "", minutes_ago: float = 10
) -> Obj:
    c: Obj = {"type": cond_type, "status": status, "lastTransitionTime": ts(minutes_ago)}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


def pod(
    name: str,
    namespace: str = "default",
    *,
    labels: dict[str, str] | None = None,
    owner: tuple[str, str] | None = None,
    containers: list[Obj] | None = None,
    statuses: list[Obj] | None = None,
    phase: str = "Running",
    conditions: list[Obj] | None = None,
    node: str | None = "node-a",
    volumes: list[Obj] | None = None,
    age_minutes: float = 60,
    extra_status: Obj | None = None,
) -> Obj:
    conts = containers if containers is not None else [container()]
    sts = statuses if statuses is not None else [running(c["name"]) for c in conts]
    is_ready = phase == "Running" and all(s.get("ready") for s in sts)
    if conditions is None:
        conditions = [
            cond("PodScheduled", "True"),
            cond("Initialized", "True"),
            cond("ContainersReady", "True" if is_ready else "False"),
            cond("Ready", "True" if is_ready else "False"),
        ]
    spec: Obj = {"containers": conts, "restartPolicy": "Always"}
    if node:
        spec["nodeName"] = node
    if volumes:
        spec["volumes"] = volumes
    status: Obj = {
        "phase": phase,
        "conditions": conditions,
        "containerStatuses": sts,
        "startTime": ts(age_minutes),
    }
    status.update(extra_status or {})
    return {
        "metadata": meta(name, namespace, labels=labels, owner=owner, age_minutes=age_minutes),
        "spec": spec,
        "status": status,
    }


def deployment(
    name: str,
    namespace: str = "default",
    *,
    replicas: int = 2,
    available: int | None = None,
    containers: list[Obj] | None = None,
    conditions: list[Obj] | None = None,
    age_minutes: float = 120,
    paused: bool = False,
) -> Obj:
    avail = replicas if available is None else available
    labels = {"app": name}
    if conditions is None:
        conditions = [
            cond(
                "Available",
                "True" if avail >= replicas else "False",
                "MinimumReplicasAvailable" if avail >= replicas else "MinimumReplicasUnavailable",
                "Deployment has minimum availability."
                if avail >= replicas
                else "Deployment does not have minimum availability.",
            ),
            cond(
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                f'ReplicaSet "{name}-5d8f7c9b6" has successfully progressed.',
                minutes_ago=age_minutes,
            ),
        ]
    spec: Obj = {
        "replicas": replicas,
        "selector": {"matchLabels": labels},
        "template": {
            "metadata": {"labels": labels},
            "spec": {"containers": containers or [container()]},
        },
        "progressDeadlineSeconds": 600,
    }
    if paused:
        spec["paused"] = True
    status: Obj = {
        "observedGeneration": 1,
        "replicas": replicas,
        "updatedReplicas": replicas,
        "readyReplicas": avail,
        "availableReplicas": avail,
        "conditions": conditions,
    }
    if avail < replicas:
        status["unavailableReplicas"] = replicas - avail
    if avail == 0:
        status.pop("readyReplicas")
        status.pop("availableReplicas")
    return {
        "metadata": meta(name, namespace, labels=labels, age_minutes=age_minutes),
        "spec": spec,
        "status": status,
    }


def replicaset(
    deploy: str,
    namespace: str = "default",
    *,
    pod_hash: str = "5d8f7c9b6",
    revision: int = 1,
    image: str = "registry.example/app:1.0",
    replicas: int = 2,
    ready: int | None = None,
    owned: bool = True,
    conditions: list[Obj] | None = None,
    container_name: str = "app",
) -> Obj:
    labels = {"app": deploy, "pod-template-hash": pod_hash}
    status: Obj = {
        "replicas": replicas,
        "readyReplicas": replicas if ready is None else ready,
        "availableReplicas": replicas if ready is None else ready,
    }
    if conditions:
        status["conditions"] = conditions
    return {
        "metadata": meta(
            f"{deploy}-{pod_hash}",
            namespace,
            labels=labels,
            owner=("Deployment", deploy) if owned else None,
            annotations={"deployment.kubernetes.io/revision": str(revision)},
        ),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [container(container_name, image)]},
            },
        },
        "status": status,
    }


def deploy_pod(
    deploy: str,
    suffix: str,
    namespace: str = "default",
    *,
    pod_hash: str = "5d8f7c9b6",
    **kwargs: Any,
) -> Obj:
    """A pod owned by ReplicaSet ``<deploy>-<hash>`` as a Deployment's pods are."""
    labels = {"app": deploy, "pod-template-hash": pod_hash}
    return pod(
        f"{deploy}-{pod_hash}-{suffix}",
        namespace,
        labels=labels,
        owner=("ReplicaSet", f"{deploy}-{pod_hash}"),
        **kwargs,
    )


def service(
    name: str,
    namespace: str = "default",
    *,
    selector: dict[str, str] | None = None,
    ports: list[Obj] | None = None,
    svc_type: str = "ClusterIP",
) -> Obj:
    spec: Obj = {
        "type": svc_type,
        "clusterIP": "10.96.0.10",
        "ports": ports or [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}],
    }
    if selector is not None:
        spec["selector"] = selector
    return {"metadata": meta(name, namespace), "spec": spec, "status": {"loadBalancer": {}}}


def endpoints(
    name: str,
    namespace: str = "default",
    *,
    ready: tuple[str, ...] = (),
    not_ready: tuple[str, ...] = (),
) -> Obj:
    subsets = []
    if ready or not_ready:
        subset: Obj = {"ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}
        if ready:
            subset["addresses"] = [
                {"ip": f"10.0.0.{i}", "targetRef": {"kind": "Pod", "name": p}}
                for i, p in enumerate(ready)
            ]
        if not_ready:
            subset["notReadyAddresses"] = [
                {"ip": f"10.0.1.{i}", "targetRef": {"kind": "Pod", "name": p}}
                for i, p in enumerate(not_ready)
            ]
        subsets.append(subset)
    obj: Obj = {"metadata": meta(name, namespace)}
    if subsets:
        obj["subsets"] = subsets
    return obj


def event(
    kind: str,
    namespace: str | None,
    name: str,
    reason: str,
    message: str,
    *,
    event_type: str = "Warning",
    count: int = 1,
    minutes_ago: float = 1,
    field_path: str | None = None,
) -> Obj:
    involved: Obj = {
        "kind": kind,
        "name": name,
        "uid": f"uid-{namespace}-{name}",
        "apiVersion": "v1",
    }
    if namespace:
        involved["namespace"] = namespace
    if field_path:
        involved["fieldPath"] = field_path
    return {
        "metadata": meta(f"{name}.{reason.lower()}{minutes_ago}", namespace or "default"),
        "involvedObject": involved,
        "reason": reason,
        "message": message,
        "type": event_type,
        "count": count,
        "firstTimestamp": ts(minutes_ago + 5),
        "lastTimestamp": ts(minutes_ago),
        "source": {"component": "kubelet"},
    }


def node(
    name: str,
    *,
    ready: str = "True",
    pressure: dict[str, str] | None = None,
    taints: list[Obj] | None = None,
    unschedulable: bool = False,
    cpu: str = "4",
    memory: str = "16Gi",
) -> Obj:
    conditions = [
        cond(t, "False", f"KubeletHasSufficient{t.removesuffix('Pressure')}", minutes_ago=600)
        for t in ("MemoryPressure", "DiskPressure", "PIDPressure")
    ]
    for cond_type, status in (pressure or {}).items():
        conditions = [c for c in conditions if c["type"] != cond_type]
        conditions.append(
            cond(cond_type, status, f"KubeletHas{cond_type}", f"kubelet has {cond_type.lower()}")
        )
    ready_reason = {
        "True": "KubeletReady",
        "False": "KubeletNotReady",
        "Unknown": "NodeStatusUnknown",
    }[ready]
    ready_message = {
        "True": "kubelet is posting ready status",
        "False": "container runtime network not ready",
        "Unknown": "Kubelet stopped posting node status.",
    }[ready]
    conditions.append(cond("Ready", ready, ready_reason, ready_message, minutes_ago=15))
    spec: Obj = {"podCIDR": "10.244.0.0/24"}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {
        "metadata": meta(name, None, labels={"kubernetes.io/hostname": name}),
        "spec": spec,
        "status": {
            "conditions": conditions,
            "allocatable": {"cpu": cpu, "memory": memory, "pods": "110"},
            "capacity": {"cpu": cpu, "memory": memory, "pods": "110"},
        },
    }


def configmap(name: str, namespace: str = "default", data: dict[str, str] | None = None) -> Obj:
    obj: Obj = {"metadata": meta(name, namespace)}
    if data is not None:
        obj["data"] = data
    return obj


def secret(name: str, namespace: str = "default", secret_type: str = "Opaque") -> Obj:
    """Secret metadata only, as kai lists them (never values)."""
    return {"metadata": meta(name, namespace), "type": secret_type}


def snapshot(**fields: Any) -> Snapshot:
    return Snapshot(now=NOW, **fields)


def demo_cluster() -> Snapshot:
    """The demo cluster: broken staging namespace, healthy shop namespace, four nodes."""
    nodes = [node(n) for n in ("node-a", "node-b", "node-c")] + [
        node("node-d", taints=[{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}])
    ]
    pods, deployments, replicasets, services, events, logs = [], [], [], [], [], {}
    # --- staging: imagecheck (ImagePullBackOff)
    deployments.append(
        deployment(
            "imagecheck",
            "staging",
            replicas=1,
            available=0,
            containers=[container("app", "nginx:1.27-doesnotexist")],
        )
    )
    replicasets.append(
        replicaset(
            "imagecheck",
            "staging",
            pod_hash="6c9d7f8b5",
            revision=2,
            image="nginx:1.27-doesnotexist",
            replicas=1,
            ready=0,
        )
    )
    replicasets.append(
        replicaset(
            "imagecheck",
            "staging",
            pod_hash="7b5c4d3e2",
            revision=1,
            image="nginx:1.27",
            replicas=0,
        )
    )
    pods.append(
        deploy_pod(
            "imagecheck",
            "x7k2p",
            "staging",
            pod_hash="6c9d7f8b5",
            containers=[container("app", "nginx:1.27-doesnotexist")],
            statuses=[
                waiting(
                    "app", "ImagePullBackOff", 'Back-off pulling image "nginx:1.27-doesnotexist"'
                )
            ],
            phase="Pending",
        )
    )
    events.append(
        event(
            "Pod",
            "staging",
            "imagecheck-6c9d7f8b5-x7k2p",
            "Failed",
            'Failed to pull image "nginx:1.27-doesnotexist": rpc error: code = NotFound '
            "desc = failed to pull and unpack image "
            '"docker.io/library/nginx:1.27-doesnotexist": not found',
            count=4,
            field_path="spec.containers{app}",
        )
    )
    events.append(
        event(
            "Pod",
            "staging",
            "imagecheck-6c9d7f8b5-x7k2p",
            "BackOff",
            'Back-off pulling image "nginx:1.27-doesnotexist"',
            count=12,
            field_path="spec.containers{app}",
        )
    )
    # --- staging: worker (CrashLoopBackOff, missing env)
    deployments.append(
        deployment(
            "worker",
            "staging",
            replicas=1,
            available=0,
            containers=[container("worker", "registry.example/worker:2.3")],
        )
    )
    replicasets.append(
        replicaset(
            "worker",
            "staging",
            pod_hash="58c6d9f7d",
            replicas=1,
            ready=0,
            image="registry.example/worker:2.3",
            container_name="worker",
        )
    )
    worker_pod = deploy_pod(
        "worker",
        "q9r4t",
        "staging",
        pod_hash="58c6d9f7d",
        containers=[container("worker", "registry.example/worker:2.3")],
        statuses=[
            waiting(
                "worker",
                "CrashLoopBackOff",
                "back-off 5m0s restarting failed container=worker "
                "pod=worker-58c6d9f7d-q9r4t_staging(uid)",
                restarts=5,
                last=terminated("Error", 1),
            )
        ],
    )
    pods.append(worker_pod)
    logs[("staging", "worker-58c6d9f7d-q9r4t", "worker", True)] = (
        "2026-11-26T11:58:01Z starting worker v2.3\n"
        "2026-11-26T11:58:01Z loading configuration\n"
        "error: required environment variable DATABASE_URL is not set\n"
    )
    events.append(
        event(
            "Pod",
            "staging",
            "worker-58c6d9f7d-q9r4t",
            "BackOff",
            "Back-off restarting failed container worker in pod "
            "worker-58c6d9f7d-q9r4t_staging(uid)",
            count=25,
            field_path="spec.containers{worker}",
        )
    )
    # --- staging: bigjob (Pending, unschedulable)
    deployments.append(
        deployment(
            "bigjob",
            "staging",
            replicas=1,
            available=0,
            containers=[container("bigjob", requests={"cpu": "6", "memory": "1Gi"})],
        )
    )
    replicasets.append(replicaset("bigjob", "staging", pod_hash="7f9c8d6b4", replicas=1, ready=0))
    sched_msg = (
        "0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: batch}, "
        "3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not "
        "helpful for scheduling, 3 No preemption victims found for incoming pod."
    )
    pods.append(
        deploy_pod(
            "bigjob",
            "m2n8s",
            "staging",
            pod_hash="7f9c8d6b4",
            node=None,
            phase="Pending",
            containers=[container("bigjob", requests={"cpu": "6", "memory": "1Gi"})],
            statuses=[],
            conditions=[cond("PodScheduled", "False", "Unschedulable", sched_msg)],
        )
    )
    events.append(
        event("Pod", "staging", "bigjob-7f9c8d6b4-m2n8s", "FailedScheduling", sched_msg, count=7)
    )
    # --- staging: memhog (OOMKilled)
    deployments.append(
        deployment(
            "memhog",
            "staging",
            replicas=1,
            available=0,
            containers=[container("memhog", limits={"memory": "128Mi"})],
        )
    )
    replicasets.append(replicaset("memhog", "staging", pod_hash="5f6b7c8d9", replicas=1, ready=0))
    pods.append(
        deploy_pod(
            "memhog",
            "z5w3v",
            "staging",
            pod_hash="5f6b7c8d9",
            containers=[container("memhog", limits={"memory": "128Mi"})],
            statuses=[
                waiting(
                    "memhog",
                    "CrashLoopBackOff",
                    "back-off 40s restarting failed container",
                    restarts=3,
                    last=terminated("OOMKilled", 137),
                )
            ],
        )
    )
    # --- staging: legacy-api service with no pods
    services.append(service("legacy-api", "staging", selector={"app": "legacy-api"}))
    # --- shop: healthy
    for name in ("frontend", "cart", "checkout"):
        deployments.append(
            deployment(
                name,
                "shop",
                replicas=2,
                containers=[container("app", ports=[{"containerPort": 8080, "name": "http"}])],
            )
        )
        replicasets.append(replicaset(name, "shop"))
        for suffix in ("a1b2c", "d3e4f"):
            pods.append(
                deploy_pod(
                    name,
                    suffix,
                    "shop",
                    containers=[container("app", ports=[{"containerPort": 8080, "name": "http"}])],
                )
            )
        services.append(service(name, "shop", selector={"app": name}))
    return Snapshot(
        now=NOW,
        pods=pods,
        deployments=deployments,
        replicasets=replicasets,
        services=services,
        nodes=nodes,
        events=events,
        logs=logs,
        configmaps=[
            configmap("kube-root-ca.crt", "shop", {"ca.crt": "x"}),
            configmap("kube-root-ca.crt", "staging", {"ca.crt": "x"}),
        ],
    )
