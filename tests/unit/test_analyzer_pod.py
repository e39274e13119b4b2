"""Pod analyzer: one trigger and one healthy counterpart per check."""

from __future__ import annotations

from analyzer_fixtures import (
    cond,
    configmap,
    container,
    deploy_pod,
    event,
    node,
    pod,
    replicaset,
    running,
    secret,
    snapshot,
    terminated,
    waiting,
)

from k8sgpt_py.analyzers import Severity, analyze
from k8sgpt_py.analyzers.pod import analyze_pods
from k8sgpt_py.analyzers.pod_hints import missing_env_var, telling_log_lines


def test_pod_healthy_running_and_succeeded_pods_have_no_findings() -> None:
    done = pod("batch-1", phase="Succeeded", statuses=[])
    assert analyze_pods(snapshot(pods=[pod("web-1"), done])) == []


def test_pod_crashloop_without_logs_suggests_reading_previous_logs() -> None:
    crashing = pod(
        "api-1",
        "ns",
        statuses=[
            waiting(
                "app", "CrashLoopBackOff", "back-off 10s", restarts=4, last=terminated("Error", 2)
            )
        ],
    )
    [finding] = analyze_pods(snapshot(pods=[crashing]))
    assert (finding.reason, finding.severity, finding.name) == (
        "CrashLoopBackOff",
        Severity.CRITICAL,
        "api-1",
    )
    assert finding.message == "container app restarted 4 times; last exit code 2 (Error)"
    assert finding.evidence == ("waiting: CrashLoopBackOff: back-off 10s",)
    assert finding.suggestion == "read why it exits: kubectl logs -n ns api-1 -c app --previous"
    assert finding.related == ()


def test_pod_crashloop_log_evidence_is_telling_and_redacted() -> None:
    crashing = deploy_pod(
        "api",
        "x1",
        "ns",
        statuses=[waiting("app", "CrashLoopBackOff", "back-off", restarts=3, last=terminated())],
    )
    log = "\n".join(
        [
            "booting",
            "error: login failed password=hunter2 url=postgres://app:hunter2@db/app",
            "panic: dial tcp 10.0.0.5:5432: connection refused",
            "exiting",
        ]
    )
    snap = snapshot(
        pods=[crashing],
        logs={("ns", crashing["metadata"]["name"], "app", True): log},
        replicasets=[
            replicaset("api", "ns"),
            replicaset("api", "ns", pod_hash="1a2b3c4d5", revision=2),
        ],
    )
    [finding] = analyze_pods(snap)
    assert finding.evidence[1:] == (
        "log: error: login failed password=*** url=postgres://app:***@db/app",
        "log: panic: dial tcp 10.0.0.5:5432: connection refused",
    )
    assert "hunter2" not in str(finding.to_json())
    assert 'kai -n ns "roll back deploy/api"' in finding.suggestion


def test_pod_crashloop_from_liveness_probe_points_at_the_probe() -> None:
    crashing = pod(
        "api-1",
        "ns",
        statuses=[
            waiting(
                "app", "CrashLoopBackOff", "back-off", restarts=6, last=terminated("Error", 137)
            )
        ],
    )
    probe = event(
        "Pod",
        "ns",
        "api-1",
        "Unhealthy",
        "Liveness probe failed: HTTP probe failed with statuscode: 500",
        count=18,
        field_path="spec.containers{app}",
    )
    [finding] = analyze_pods(snapshot(pods=[crashing], events=[probe]))
    assert finding.reason == "CrashLoopBackOff"
    assert (
        "Warning Unhealthy (x18): Liveness probe failed: HTTP probe failed with statuscode: 500"
        in finding.evidence
    )
    assert finding.suggestion.startswith("the liveness probe kills container app")


def test_pod_image_pull_unauthorized_suggests_pull_secret() -> None:
    stuck = pod(
        "api-1",
        "ns",
        phase="Pending",
        containers=[container("app", "private.io/api:2")],
        statuses=[waiting("app", "ErrImagePull", "failed to pull")],
    )
    failed = event(
        "Pod",
        "ns",
        "api-1",
        "Failed",
        'Failed to pull image "private.io/api:2": 401 Unauthorized',
        field_path="spec.containers{app}",
    )
    [finding] = analyze_pods(snapshot(pods=[stuck], events=[failed]))
    assert (finding.reason, finding.severity) == ("ErrImagePull", Severity.CRITICAL)
    assert finding.message == "container app cannot pull image 'private.io/api:2'"
    assert finding.evidence[1] == (
        'Warning Failed: Failed to pull image "private.io/api:2": 401 Unauthorized'
    )
    assert finding.suggestion == (
        "the registry refused access: add or fix imagePullSecrets: fix "
        'the image (kai -n ns "set image pod/api-1 app=<image>:<tag>")'
    )


def test_pod_oom_killed_severity_depends_on_state_and_recency() -> None:
    limits = {"memory": "256Mi"}
    recent = pod(
        "a",
        containers=[container("app", limits=limits)],
        statuses=[running("app", restarts=1, last=terminated("OOMKilled", 137, 5))],
    )
    old = pod(
        "b",
        containers=[container("app", limits=limits)],
        statuses=[running("app", restarts=1, last=terminated("OOMKilled", 137, 300))],
    )
    dead = pod(
        "c",
        containers=[container("app")],
        phase="Running",
        statuses=[
            {**running("app", ready=False), "state": {"terminated": terminated("OOMKilled", 137)}}
        ],
    )
    found = {f.name: f for f in analyze_pods(snapshot(pods=[recent, old, dead]))}
    assert {n: (f.reason, f.severity) for n, f in found.items()} == {
        "a": ("OOMKilled", Severity.WARNING),
        "b": ("OOMKilled", Severity.INFO),
        "c": ("OOMKilled", Severity.CRITICAL),
    }
    assert "memory limit of container app: 256Mi" in found["a"].evidence
    assert "set memory limit of container app in pod/a to 512Mi" in found["a"].suggestion
    assert found["c"].suggestion.startswith("container app has no memory limit")


def test_pod_unschedulable_reports_scheduler_reason_and_fixes() -> None:
    message = (
        "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
        "2 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims."
    )
    pending = deploy_pod(
        "db",
        "x",
        "ns",
        phase="Pending",
        node=None,
        statuses=[],
        containers=[container(requests={"memory": "32Gi"})],
        conditions=[cond("PodScheduled", "False", "Unschedulable", message)],
    )
    snap = snapshot(
        pods=[pending],
        nodes=[node("n1", memory="16Gi")],
        events=[event("Pod", "ns", pending["metadata"]["name"], "FailedScheduling", message)],
    )
    [finding] = analyze_pods(snap)
    assert (finding.reason, finding.severity) == ("Unschedulable", Severity.CRITICAL)
    assert finding.message == (
        "pending for 1h: 0/3 nodes are available: 1 node(s) didn't match Pod's "
        "node affinity/selector, 2 Insufficient memory."
    )
    assert finding.evidence[0].startswith("PodScheduled=False Unschedulable: 0/3 nodes")
    assert finding.evidence[1].startswith("Warning FailedScheduling: 0/3 nodes")
    assert "the pod requests 32Gi; the largest node can allocate 16Gi" in finding.suggestion
    assert "lower the request to what a node has free or add node capacity" in finding.suggestion
    assert "no node matches its nodeSelector/affinity" in finding.suggestion


def test_pod_scheduled_pod_is_not_unschedulable() -> None:
    assert (
        analyze_pods(
            snapshot(
                pods=[pod("ok", conditions=[cond("PodScheduled", "True"), cond("Ready", "True")])]
            )
        )
        == []
    )


def test_pod_readiness_probe_failure_is_a_warning_with_event_evidence() -> None:
    unready = pod("web-1", "ns", statuses=[running("app", ready=False, started_minutes_ago=10)])
    probe = event(
        "Pod",
        "ns",
        "web-1",
        "Unhealthy",
        'Readiness probe failed: Get "http://10.0.0.7:8080/healthz": connection refused',
        count=40,
        field_path="spec.containers{app}",
    )
    [finding] = analyze_pods(snapshot(pods=[unready], events=[probe]))
    assert (finding.reason, finding.severity) == ("ReadinessProbeFailed", Severity.WARNING)
    assert finding.evidence == (
        "Warning Unhealthy (x40): Readiness probe failed: Get "
        '"http://10.0.0.7:8080/healthz": connection refused',
    )
    assert "readiness probe" in finding.suggestion


def test_pod_ready_pod_with_old_probe_event_and_young_unready_pod_are_fine() -> None:
    ready = pod("web-1", "ns")
    young = pod("web-2", "ns", statuses=[running("app", ready=False, started_minutes_ago=0.5)])
    probe = event(
        "Pod",
        "ns",
        "web-1",
        "Unhealthy",
        "Readiness probe failed: timeout",
        field_path="spec.containers{app}",
    )
    assert analyze_pods(snapshot(pods=[ready, young], events=[probe])) == []


def test_pod_missing_secret_replaces_create_container_config_error() -> None:
    env = [
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db-creds", "key": "pw"}}}
    ]
    blocked = deploy_pod(
        "api",
        "x",
        "ns",
        containers=[container("app", env=env)],
        phase="Pending",
        statuses=[waiting("app", "CreateContainerConfigError", 'secret "db-creds" not found')],
    )
    [finding] = analyze_pods(snapshot(pods=[blocked], secrets=[secret("other", "ns")]))
    assert (finding.reason, finding.severity) == ("MissingSecret", Severity.CRITICAL)
    assert (
        finding.message
        == "secret 'db-creds' does not exist (used by env DB_PASSWORD of container app)"
    )
    assert finding.evidence == (
        "Secret ns/db-creds not found in the namespace",
        'container app: CreateContainerConfigError: secret "db-creds" not found',
    )
    assert "kubectl create secret generic db-creds -n ns" in finding.suggestion
    assert "deployment ns/api" in finding.suggestion


def test_pod_create_container_config_error_when_secrets_were_not_read() -> None:
    env = [
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db-creds", "key": "pw"}}}
    ]
    blocked = pod(
        "api-1",
        "ns",
        containers=[container("app", env=env)],
        phase="Pending",
        statuses=[waiting("app", "CreateContainerConfigError", 'secret "db-creds" not found')],
    )
    snap = snapshot(pods=[blocked], loaded=frozenset({"pods", "events"}))
    [finding] = analyze_pods(snap)
    assert finding.reason == "CreateContainerConfigError"
    assert finding.message == 'container app cannot start: secret "db-creds" not found'


def test_pod_config_refs_missing_configmap_volume_and_key() -> None:
    volumes = [
        {"name": "conf", "configMap": {"name": "app-conf"}},
        {"name": "opt", "configMap": {"name": "maybe", "optional": True}},
    ]
    env = [{"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "mode"}}}]
    env_from = [{"secretRef": {"name": "tokens"}}]
    broken = pod(
        "api-1",
        "ns",
        containers=[container("app", env=env, env_from=env_from)],
        volumes=volumes,
        phase="Pending",
        statuses=[waiting("app", "ContainerCreating")],
    )
    snap = snapshot(
        pods=[broken],
        configmaps=[configmap("settings", "ns", {"level": "1"})],
        secrets=[secret("tokens", "ns")],
    )
    found = sorted((f.reason, f.message) for f in analyze_pods(snap))
    assert found == [
        ("MissingConfigMap", "configmap 'app-conf' does not exist (used by volume conf)"),
        (
            "MissingConfigMapKey",
            "configmap 'settings' has no key 'mode' (used by env MODE of container app)",
        ),
    ]


def test_pod_all_config_refs_present_has_no_findings() -> None:
    volumes = [
        {
            "name": "conf",
            "projected": {
                "sources": [{"configMap": {"name": "app-conf"}}, {"secret": {"name": "tls"}}]
            },
        }
    ]
    env = [{"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "app-conf", "key": "mode"}}}]
    ok = pod("api-1", "ns", containers=[container("app", env=env)], volumes=volumes)
    snap = snapshot(
        pods=[ok],
        configmaps=[configmap("app-conf", "ns", {"mode": "fast"})],
        secrets=[secret("tls", "ns", "kubernetes.io/tls")],
    )
    assert analyze_pods(snap) == []


def test_pod_evicted_is_a_warning_and_job_pods_are_left_to_the_job_analyzer() -> None:
    evicted = pod(
        "web-1",
        "ns",
        phase="Failed",
        statuses=[],
        extra_status={
            "reason": "Evicted",
            "message": "The node was low on resource: memory. Threshold quantity: "
            "100Mi, available: 91Mi.",
        },
    )
    job_pod = pod("job-1-abc", "ns", phase="Failed", owner=("Job", "job-1"), statuses=[])
    [finding] = analyze_pods(snapshot(pods=[evicted, job_pod]))
    assert (finding.reason, finding.severity, finding.name) == (
        "Evicted",
        Severity.WARNING,
        "web-1",
    )
    assert finding.message == "pod was evicted from node node-a"
    assert finding.evidence == (
        "The node was low on resource: memory. Threshold quantity: 100Mi, available: 91Mi.",
    )
    assert "kubectl delete pod -n ns web-1" in finding.suggestion


def test_pod_frequent_restarts_warn_only_when_recent() -> None:
    flapping = pod("a", statuses=[running("app", restarts=7, last=terminated("Error", 1, 10))])
    settled = pod("b", statuses=[running("app", restarts=7, last=terminated("Error", 1, 180))])
    [finding] = analyze_pods(snapshot(pods=[flapping, settled]))
    assert (finding.name, finding.reason, finding.severity) == ("a", "Restarting", Severity.WARNING)
    assert finding.message == "container app restarted 7 times; last exit code 1 (Error)"


def test_pod_stuck_creating_reports_mount_failure() -> None:
    stuck = pod(
        "db-0",
        "ns",
        phase="Pending",
        statuses=[waiting("db", "ContainerCreating")],
        containers=[container("db")],
        age_minutes=20,
    )
    mount = event(
        "Pod",
        "ns",
        "db-0",
        "FailedMount",
        'MountVolume.SetUp failed for volume "data" : rpc error: code = Internal',
        count=9,
    )
    [finding] = analyze_pods(snapshot(pods=[stuck], events=[mount]))
    assert (finding.reason, finding.severity) == ("FailedMount", Severity.WARNING)
    assert finding.message == "pod has been starting for 20m"
    young = pod(
        "db-1", "ns", phase="Pending", statuses=[waiting("db", "ContainerCreating")], age_minutes=1
    )
    assert analyze_pods(snapshot(pods=[young], events=[mount])) == []


def test_pod_log_helpers_pick_telling_lines_and_env_names() -> None:
    log = "ok\nstarting\nWARN slow\nFATAL: config invalid\nbye\n"
    assert telling_log_lines(log) == ["FATAL: config invalid"]
    assert telling_log_lines("a\nb\nc") == ["b", "c"]
    assert missing_env_var(["Error: missing environment variable: API_KEY"]) == "API_KEY"
    assert missing_env_var(["env var REDIS_HOST not set"]) == "REDIS_HOST"
    assert missing_env_var(["KeyError: 'SECRET_KEY'"]) == "SECRET_KEY"
    assert missing_env_var(["all good"]) is None


def test_pod_analyze_includes_pod_findings_in_full_run() -> None:
    crashing = pod(
        "api-1", "ns", statuses=[waiting("app", "CrashLoopBackOff", "back-off", restarts=2)]
    )
    assert [f.reason for f in analyze(snapshot(pods=[crashing]))] == ["CrashLoopBackOff"]


def test_pod_wanted_logs_lists_crashed_and_failed_containers() -> None:
    from k8sgpt_py.analyzers import wanted_logs

    crashed = pod(
        "a", "ns", statuses=[waiting("app", "CrashLoopBackOff", restarts=2, last=terminated())]
    )
    failed = pod(
        "b",
        "ns",
        phase="Failed",
        statuses=[{**running("main"), "state": {"terminated": terminated("Error", 2)}}],
    )
    assert wanted_logs([pod("ok", "ns"), crashed, failed]) == [
        ("ns", "a", "app", True),
        ("ns", "b", "main", False),
    ]
    assert wanted_logs([crashed, failed], limit=1) == [("ns", "a", "app", True)]


def test_pod_terminated_container_in_running_pod_is_a_warning() -> None:
    sidecar_dead = {
        **running("proxy", ready=False),
        "state": {"terminated": terminated("Error", 127)},
    }
    crashed = pod(
        "web-1",
        "ns",
        containers=[container("app"), container("proxy")],
        statuses=[running("app"), sidecar_dead],
    )
    logs = {("ns", "web-1", "proxy", False): "exec: envoy: not found"}
    [finding] = analyze_pods(snapshot(pods=[crashed], logs=logs))
    assert (finding.reason, finding.severity) == ("ContainerTerminated", Severity.WARNING)
    assert finding.message == "container proxy exited with code 127 (Error)"
    assert finding.evidence == ("terminated: Error, exit code 127", "log: exec: envoy: not found")
    completed = {**running("init"), "state": {"terminated": terminated("Completed", 0)}}
    assert (
        analyze_pods(snapshot(pods=[pod("web-2", "ns", statuses=[completed, running("app")])]))
        == []
    )
