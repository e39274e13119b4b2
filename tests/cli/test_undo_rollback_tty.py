"""A failed multi-step plan's rollback offer goes through the same safe undo (on a terminal)."""

from __future__ import annotations

import json
from typing import Any

from kai_pty import Pty

CART = r"/namespaces/shop/deployments/cartservice$"
REQUEST = "set env DB_PASSWORD=plan-pw-31 on checkout and scale cart to 3"


def env_of(kube: Any) -> dict[str, str | None]:
    box = kube.get("Deployment", "checkoutservice", "shop")["spec"]["template"]["spec"]
    return {e["name"]: e.get("value") for e in box["containers"][0].get("env", [])}


def seed_token(kube: Any) -> None:
    patch = {"spec": {"template": {"spec": {"containers": [
        {"name": "server", "env": [{"name": "API_TOKEN", "value": "tok-plan-88d1"}]}
    ]}}}}  # fmt: skip
    kube.patch("Deployment", "checkoutservice", "shop", patch, patch_type="strategic")


def run_failing_plan(sandbox: Any) -> Pty:
    sandbox.inject_fault(path=CART, method="PATCH", status=500, count=1, real_only=True)
    term = Pty(REQUEST, colour=False, columns=200)
    term.expect("[y/N]")
    term.send("y")
    term.expect("Roll back the 1 change(s)")
    return term


def test_rollback_restores_the_real_values_through_the_safe_undo(sandbox, kube):
    seed_token(kube)
    term = run_failing_plan(sandbox)
    term.send("y")
    assert term.wait() == 1, term.seen
    assert "reverted: set env DB_PASSWORD" in term.seen
    assert env_of(kube)["API_TOKEN"] == "tok-plan-88d1" and "DB_PASSWORD" not in env_of(kube)
    assert "[REDACTED]" not in json.dumps(kube.list("Deployment", "shop"))


def test_rollback_refuses_to_clobber_a_change_made_meanwhile(sandbox, kube):
    seed_token(kube)
    term = run_failing_plan(sandbox)
    # someone else sets the same variable while kai waits for the answer
    patch = {"spec": {"template": {"spec": {"containers": [
        {"name": "server", "env": [{"name": "DB_PASSWORD", "value": "theirs-77"}]}
    ]}}}}  # fmt: skip
    kube.patch("Deployment", "checkoutservice", "shop", patch, patch_type="strategic")
    term.send("y")
    assert term.wait() == 1, term.seen
    assert "could not revert (refused to undo" in term.seen
    assert env_of(kube)["DB_PASSWORD"] == "theirs-77"
