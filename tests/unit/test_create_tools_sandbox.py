"""Create tools (HPA, Service, namespace, configmap, job) and cronjob steering, end to end."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tool_pipeline import audit, ctx, gone, land, propose, run, undo

__all__ = ["audit", "ctx"]  # fixtures

CRON = {
    "apiVersion": "batch/v1",
    "kind": "CronJob",
    "metadata": {"name": "nightly-report", "namespace": "shop"},
    "spec": {
        "schedule": "0 3 * * *",
        "jobTemplate": {
            "metadata": {"labels": {"app": "report"}},
            "spec": {
                "backoffLimit": 1,
                "template": {
                    "spec": {
                        "restartPolicy": "OnFailure",
                        "containers": [
                            {"name": "report", "image": "busybox:1.36", "command": ["echo", "hi"]}
                        ],
                    }
                },
            },
        },
    },
}


@pytest.fixture
def cronjob(kube: Any) -> dict[str, Any]:
    return kube.create("CronJob", CRON, "shop")


def test_autoscale_creates_a_v2_hpa_for_the_workload_and_undo_deletes_it(ctx, kube, audit):
    result = propose(
        ctx, "autoscale_workload", name="cart", min_replicas=2, max_replicas=8, cpu_percent=60
    )
    (proposal,) = result.proposals
    assert proposal.action == "create" and str(proposal.target) == (
        "horizontalpodautoscaler/shop/cartservice"
    )
    changes = land(ctx, result, "autoscale cart between 2 and 8 at 60% cpu", audit)
    assert "+  maxReplicas: 8" in changes[0].diff
    spec = kube.get("HorizontalPodAutoscaler", "cartservice", "shop")["spec"]
    assert spec["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "cartservice",
    }
    assert (spec["minReplicas"], spec["maxReplicas"]) == (2, 8)
    assert spec["metrics"] == [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 60},
            },
        }
    ]
    undo(ctx, audit)
    assert gone(kube, "HorizontalPodAutoscaler", "cartservice", "shop")


def test_autoscale_updates_the_hpa_a_workload_already_has(ctx, kube, audit):
    before = kube.get("HorizontalPodAutoscaler", "frontend", "shop")["spec"]
    result = propose(
        ctx, "autoscale_workload", name="frontend", min_replicas=3, max_replicas=12, cpu_percent=70
    )
    (proposal,) = result.proposals
    assert proposal.action == "patch" and proposal.target.name == "frontend"
    land(ctx, result, "autoscale frontend 3 to 12 at 70% cpu", audit)
    spec = kube.get("HorizontalPodAutoscaler", "frontend", "shop")["spec"]
    assert (spec["minReplicas"], spec["maxReplicas"]) == (3, 12)
    undo(ctx, audit)
    assert kube.get("HorizontalPodAutoscaler", "frontend", "shop")["spec"] == before


def test_autoscale_rejects_bad_bounds(ctx):
    result = run(ctx, "autoscale_workload", name="cart", min_replicas=5, max_replicas=2)
    assert result.status == "error" and "need 1 <= min <= max" in result.error


def test_expose_builds_the_service_from_selector_and_ports(ctx, kube, audit):
    kube.delete("Service", "emailservice", "shop")
    deploy = kube.get("Deployment", "emailservice", "shop")
    selector = deploy["spec"]["selector"]["matchLabels"]
    container_ports = [
        p["containerPort"] for p in deploy["spec"]["template"]["spec"]["containers"][0]["ports"]
    ]
    result = propose(ctx, "expose_workload", name="emailservice", type="NodePort")
    changes = land(ctx, result, "expose emailservice as a NodePort", audit)
    assert "+  type: NodePort" in changes[0].diff
    svc = kube.get("Service", "emailservice", "shop")["spec"]
    assert svc["selector"] == selector and svc["type"] == "NodePort"
    assert [p["targetPort"] for p in svc["ports"]] == container_ports
    undo(ctx, audit)
    assert gone(kube, "Service", "emailservice", "shop")


def test_expose_with_a_port_and_a_name_and_refuses_an_existing_service(ctx, kube, audit):
    result = propose(
        ctx,
        "expose_workload",
        name="frontend",
        port=80,
        target_port=8080,
        type="LoadBalancer",
        service_name="frontend-public",
    )
    land(ctx, result, "expose frontend publicly as frontend-public on port 80", audit)
    svc = kube.get("Service", "frontend-public", "shop")["spec"]
    assert svc["type"] == "LoadBalancer"
    assert (svc["ports"][0]["port"], svc["ports"][0]["targetPort"]) == (80, 8080)
    taken = run(ctx, "expose_workload", name="frontend")
    assert taken.status == "error" and "service shop/frontend already exists" in taken.error


def test_create_namespace_configmap_and_job_and_undo_each(ctx, kube, audit):
    ns = propose(ctx, "create_namespace", name="team-blue", labels={"owner": "blue"})
    land(ctx, ns, "create namespace team-blue", audit)
    assert kube.get("Namespace", "team-blue")["metadata"]["labels"]["owner"] == "blue"
    cm = propose(
        ctx, "create_configmap", name="flags", data={"dark_mode": "on"}, namespace="team-blue"
    )
    land(ctx, cm, "create configmap flags in team-blue with dark_mode=on", audit)
    assert kube.get("ConfigMap", "flags", "team-blue")["data"] == {"dark_mode": "on"}
    job = propose(
        ctx,
        "create_job",
        name="db-migrate",
        image="migrate:1.2",
        command=["migrate", "up"],
        namespace="team-blue",
    )
    changes = land(ctx, job, "run a db-migrate job with migrate:1.2", audit)
    assert "+        - migrate" in changes[0].diff
    spec = kube.get("Job", "db-migrate", "team-blue")["spec"]["template"]["spec"]
    assert spec["containers"][0]["command"] == ["migrate", "up"]
    assert spec["restartPolicy"] == "Never"
    undo(ctx, audit)
    assert gone(kube, "Job", "db-migrate", "team-blue")
    undo(ctx, audit)
    assert gone(kube, "ConfigMap", "flags", "team-blue")
    undo(ctx, audit)
    assert gone(kube, "Namespace", "team-blue", None) or (
        kube.get("Namespace", "team-blue")["metadata"].get("deletionTimestamp")
    )


def test_create_refuses_existing_names_and_bad_names(ctx):
    assert "already exists" in run(ctx, "create_namespace", name="shop").error
    assert (
        "already exists" in run(ctx, "create_configmap", name="shop-config", data={"a": "b"}).error
    )
    assert "not a valid name" in run(ctx, "create_namespace", name="Bad_Name").error


def test_suspend_and_resume_a_cronjob_with_undo(ctx, kube, audit, cronjob):
    result = propose(ctx, "suspend_cronjob", name="nightly-report")
    changes = land(ctx, result, "pause the nightly-report cronjob", audit)
    assert "+  suspend: true" in changes[0].diff
    assert kube.get("CronJob", "nightly-report", "shop")["spec"]["suspend"] is True
    again = run(ctx, "suspend_cronjob", name="nightly-report")
    assert again.status == "error" and "already suspended" in again.error
    undo(ctx, audit)
    assert not kube.get("CronJob", "nightly-report", "shop")["spec"].get("suspend")
    land(
        ctx, propose(ctx, "suspend_cronjob", name="nightly-report"), "suspend nightly-report", audit
    )
    land(ctx, propose(ctx, "resume_cronjob", name="nightly"), "resume nightly-report", audit)
    assert kube.get("CronJob", "nightly-report", "shop")["spec"]["suspend"] is False


def test_trigger_cronjob_creates_a_job_from_its_template_and_undo_deletes_it(
    ctx, kube, audit, cronjob
):
    result = propose(ctx, "trigger_cronjob", name="nightly-report")
    (proposal,) = result.proposals
    job_name = proposal.target.name
    assert job_name == "nightly-report-manual-0306120000"
    assert proposal.grounding_name == "nightly-report"
    land(ctx, result, "run the nightly-report cronjob now", audit)
    job = kube.get("Job", job_name, "shop")
    pod_spec = job["spec"]["template"]["spec"]
    (container,) = pod_spec["containers"]
    assert (container["image"], container["command"]) == ("busybox:1.36", ["echo", "hi"])
    assert pod_spec["restartPolicy"] == "OnFailure" and job["spec"]["backoffLimit"] == 1
    assert job["metadata"]["annotations"]["cronjob.kubernetes.io/instantiate"] == "manual"
    (owner,) = job["metadata"]["ownerReferences"]
    assert (owner["kind"], owner["name"], owner["uid"]) == (
        "CronJob",
        "nightly-report",
        cronjob["metadata"]["uid"],
    )
    undo(ctx, audit)
    assert gone(kube, "Job", job_name, "shop")


def test_create_job_from_a_cronjob_uses_the_given_name(ctx, kube, audit, cronjob):
    result = propose(ctx, "create_job", name="report-backfill", from_cronjob="nightly-report")
    (proposal,) = result.proposals
    assert proposal.grounding_name == "report-backfill"
    land(ctx, result, "create job report-backfill from the nightly cronjob", audit)
    job = kube.get("Job", "report-backfill", "shop")
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["echo", "hi"]
    again = run(ctx, "create_job", name="report-backfill", from_cronjob="nightly-report")
    assert again.status == "error" and "already exists" in again.error
    neither = run(ctx, "create_job", name="x")
    assert neither.status == "error" and "either image" in neither.error
    undo(ctx, audit)
    assert gone(kube, "Job", "report-backfill", "shop")


def test_autoscale_notes_containers_without_the_request_it_scales_on(ctx, kube):
    deploy = kube.get("Deployment", "cartservice", "shop")
    (container,) = deploy["spec"]["template"]["spec"]["containers"]
    kube.patch(
        "Deployment",
        "cartservice",
        "shop",
        [{"op": "remove", "path": "/spec/template/spec/containers/0/resources"}],
        patch_type="json",
    )
    result = propose(
        ctx, "autoscale_workload", name="cart", min_replicas=1, max_replicas=3, memory_percent=70
    )
    assert any(
        "cannot compute memory utilization" in note and container["name"] in note
        for note in result.proposals[0].notes
    )


@pytest.mark.parametrize(
    ("tool_name", "args", "request_text"),
    [
        (
            "autoscale_workload",
            {"name": "cart", "min_replicas": 2, "max_replicas": 8, "cpu_percent": 60},
            "autoscale the cartservice deployment between 2 and 8 replicas at 60% cpu",
        ),
        (
            "expose_workload",
            {"name": "emailservice", "port": 80, "service_name": "email-public"},
            "expose the emailservice deployment on port 80",
        ),
    ],
)
def test_a_create_for_a_named_workload_is_grounded_by_the_workload(
    ctx, kube, audit, tool_name, args, request_text
):
    # the request names the deployment (as a deployment), not the HPA or Service kai creates
    result = propose(ctx, tool_name, **args)
    (proposal,) = result.proposals
    assert proposal.action == "create"
    land(ctx, result, request_text, audit)
    assert not gone(kube, proposal.target.kind, proposal.target.name, "shop")
