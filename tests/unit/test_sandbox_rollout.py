"""The sandbox deployment controller's rolling-update steps and progress deadline."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from k8sgpt_py.sandbox import Sandbox
from k8sgpt_py.sandbox.api import Api, Request
from k8sgpt_py.sandbox.auth import ADMIN
from k8sgpt_py.sandbox.resources import lookup
from k8sgpt_py.sandbox.rollout import next_sizes, resolve, surge_and_unavailable

DEPLOYMENTS = lookup("apps", "v1", "deployments")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def rs(name: str, replicas: int, available: int, created: str = "2026-01-01T00:00:00Z") -> Any:
    return {
        "metadata": {"name": name, "creationTimestamp": created},
        "spec": {"replicas": replicas},
        "status": {"replicas": replicas, "availableReplicas": available},
    }


def deployment(replicas: int, surge: Any, unavailable: Any, kind: str = "RollingUpdate") -> Any:
    strategy: dict[str, Any] = {"type": kind}
    if kind == "RollingUpdate":
        strategy["rollingUpdate"] = {"maxSurge": surge, "maxUnavailable": unavailable}
    return {"spec": {"replicas": replicas, "strategy": strategy}}


def test_resolve_rounds_surge_up_and_unavailable_down():
    assert resolve("25%", 10, round_up=True) == 3
    assert resolve("25%", 10, round_up=False) == 2
    assert resolve(2, 10, round_up=False) == 2
    assert surge_and_unavailable(deployment(3, "25%", "25%")) == (1, 0)
    assert surge_and_unavailable(deployment(3, 0, 0)) == (0, 1)  # never both zero


def simulate(dep: Any, ready: bool) -> list[tuple[int, int]]:
    """(new, old) sizes after each step; pods of the new set become available iff ``ready``."""
    new, old = rs("new", 0, 0, "2026-01-02T00:00:00Z"), rs("old", 4, 4)
    seen = []
    for _ in range(20):
        changes = next_sizes(dep, new, [old])
        if not changes:
            break
        for target in (new, old):
            size = changes.get(target["metadata"]["name"])
            if size is not None:
                target["spec"]["replicas"] = size
                target["status"]["replicas"] = size
        new["status"]["availableReplicas"] = new["spec"]["replicas"] if ready else 0
        old["status"]["availableReplicas"] = old["spec"]["replicas"]
        seen.append((new["spec"]["replicas"], old["spec"]["replicas"]))
    return seen


def test_rolling_update_moves_in_steps_within_surge_and_unavailability():
    steps = simulate(deployment(4, 1, 1), ready=True)
    assert steps == [(1, 4), (1, 2), (3, 2), (3, 0), (4, 0)]
    assert all(new + old <= 5 for new, old in steps)  # replicas + maxSurge
    assert all(new + old >= 3 for new, old in steps)  # replicas - maxUnavailable stay up


def test_rolling_update_with_no_unavailability_surges_one_at_a_time():
    steps = simulate(deployment(4, 1, 0), ready=True)
    assert steps == [(1, 4), (1, 3), (2, 3), (2, 2), (3, 2), (3, 1), (4, 1), (4, 0)]


def test_rolling_update_stops_when_new_pods_never_become_available():
    assert simulate(deployment(4, 1, 1), ready=False) == [(1, 4), (1, 3), (2, 3)]
    assert simulate(deployment(4, "25%", "25%"), ready=False) == [(1, 4), (1, 3), (2, 3)]


def test_recreate_empties_the_old_set_before_growing_the_new_one():
    dep = deployment(4, None, None, "Recreate")
    new, old = rs("new", 0, 0), rs("old", 4, 4)
    assert next_sizes(dep, new, [old]) == {"old": 0}
    old["spec"]["replicas"] = 0  # the pods are still terminating
    assert next_sizes(dep, new, [old]) == {}
    old["status"]["replicas"] = 0
    assert next_sizes(dep, new, [old]) == {"new": 4}


# ---------------------------------------------------------------- through the controller


class Clock:
    """A settable clock for the store."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def api() -> Api:
    box = Sandbox()  # seeded, never served: the handlers are called directly
    return box.api


def call(api: Api, verb: str, body: Any, name: str | None = None, ct: str = "") -> Any:
    assert DEPLOYMENTS is not None
    req = Request(verb, DEPLOYMENTS, "default", name, "", {}, ADMIN, body)
    if verb == "create":
        return api.create(req)
    req.content_type = ct or "application/strategic-merge-patch+json"
    return api.patch(req)


def web(image: str) -> Any:
    return {
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 4,
            "progressDeadlineSeconds": 60,
            "strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}},
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": image}]},
            },
        },
    }


def scaling_events(api: Api) -> list[str]:
    events = [
        e
        for e in api.store.list("/events", "default")
        if e["reason"] == "ScalingReplicaSet" and e["involvedObject"]["name"] == "web"
    ]
    events.sort(key=lambda e: e["metadata"]["name"])
    return [re.sub(r"web-\w+", "web-x", e["message"]) for e in events]


def progressing(api: Api) -> tuple[str, str]:
    dep = api.store.get("apps/deployments", "default", "web") or {}
    cond = next(c for c in dep["status"]["conditions"] if c["type"] == "Progressing")
    return cond["status"], cond["reason"]


def set_image(api: Api, image: str) -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": image}]}}}}
    call(api, "patch", patch, "web")


def test_controller_rolls_out_in_steps_and_records_each_one(api):
    call(api, "create", web("docker.io/library/nginx:1.27"))
    set_image(api, "docker.io/library/nginx:1.28")
    assert scaling_events(api) == [
        "Scaled up replica set web-x from 0 to 4",
        "Scaled up replica set web-x from 0 to 1",
        "Scaled down replica set web-x from 4 to 2",
        "Scaled up replica set web-x from 1 to 3",
        "Scaled down replica set web-x from 2 to 0",
        "Scaled up replica set web-x from 3 to 4",
    ]
    assert progressing(api) == ("True", "NewReplicaSetAvailable")


def test_stuck_rollout_exceeds_its_deadline_only_after_it_passes(api):
    clock = Clock()
    api.store.clock = clock
    call(api, "create", web("docker.io/library/nginx:1.27"))
    set_image(api, "registry.invalid/web:broken")
    sets = {
        r["spec"]["template"]["spec"]["containers"][0]["image"]: r["spec"]["replicas"]
        for r in api.store.list("apps/replicasets", "default")
        if r["metadata"]["name"].startswith("web-")
    }
    assert sets == {"docker.io/library/nginx:1.27": 3, "registry.invalid/web:broken": 2}
    assert progressing(api) == ("True", "ReplicaSetUpdated")
    clock.now = START + timedelta(seconds=59)
    api.tick()
    assert progressing(api) == ("True", "ReplicaSetUpdated")
    clock.now = START + timedelta(seconds=61)
    api.tick()
    assert progressing(api) == ("False", "ProgressDeadlineExceeded")
    dep = api.store.get("apps/deployments", "default", "web") or {}
    available = next(c for c in dep["status"]["conditions"] if c["type"] == "Available")
    assert available["status"] == "True"  # 3 of 4 is within maxUnavailable
    # a fixed template is new progress
    clock.now = START + timedelta(seconds=120)
    set_image(api, "docker.io/library/nginx:1.29")
    assert progressing(api) == ("True", "NewReplicaSetAvailable")


def test_seeded_stuck_rollouts_are_already_past_their_deadline(api):
    dep = api.store.get("apps/deployments", "staging", "imagecheck") or {}
    cond = next(c for c in dep["status"]["conditions"] if c["type"] == "Progressing")
    assert cond["reason"] == "ProgressDeadlineExceeded"
