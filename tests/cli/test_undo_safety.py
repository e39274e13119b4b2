"""`kai undo` restores the true previous state, never a redaction marker, and never
clobbers changes made after kai's; the audit log is honest when it cannot be written."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

MARKER = "[REDACTED]"
KINDS = ("Pod", "Deployment", "ReplicaSet", "ConfigMap", "Secret", "Service", "StatefulSet")


def state() -> Path:
    return Path(os.environ["XDG_STATE_HOME"]) / "kai"


def audit_lines() -> list[dict]:
    return [json.loads(line) for line in (state() / "audit.jsonl").read_text().splitlines()]


def cluster_text(kube: Any) -> str:
    """Every object of the kinds kai writes, as one string (to search for the marker)."""
    return json.dumps([kube.list(kind, None) for kind in KINDS])


def container(kube: Any, name: str = "checkoutservice") -> dict:
    return kube.get("Deployment", name, "shop")["spec"]["template"]["spec"]["containers"][0]


def env_of(kube: Any, name: str = "checkoutservice") -> dict[str, str]:
    return {e["name"]: e.get("value") for e in container(kube, name).get("env", [])}


@pytest.fixture
def secretive_checkout(kube: Any) -> None:
    """Someone already put credential-looking values in checkout's env and args."""
    kube.patch(
        "Deployment",
        "checkoutservice",
        "shop",
        {
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {
                                "name": "server",
                                "env": [{"name": "API_TOKEN", "value": "tok-live-7f3a9c"}],
                                "args": ["--db-password=pa55-w0rd-arg"],
                            }
                        ]
                    }
                }
            }
        },
        patch_type="strategic",
    )


# -- item 2: never write a redaction marker ------------------------------------------------------


def test_undo_restores_real_values_of_a_workload_with_secret_looking_env(
    sandbox, kube, kai, secretive_checkout
):
    assert kai("--yes", "set env DB_PASSWORD=first-real-pw on checkout").exit_code == 0
    assert kai("--yes", "set env DB_PASSWORD=second-real-pw on checkout").exit_code == 0
    raw = (state() / "audit.jsonl").read_text()
    assert "first-real-pw" not in raw and "tok-live-7f3a9c" not in raw  # the log stays redacted

    result = kai("--yes", "undo")
    assert result.exit_code == 0, result.stderr
    env = env_of(kube)
    assert env["DB_PASSWORD"] == "first-real-pw" and env["API_TOKEN"] == "tok-live-7f3a9c"
    assert container(kube)["args"] == ["--db-password=pa55-w0rd-arg"]

    first = audit_lines()[0]["id"]
    assert kai("--yes", "undo", first).exit_code == 0
    assert "DB_PASSWORD" not in env_of(kube)
    assert env_of(kube)["API_TOKEN"] == "tok-live-7f3a9c"
    assert MARKER not in cluster_text(kube)


def test_undo_of_a_deleted_pod_recreates_it_with_its_real_values(sandbox, kube, kai):
    kube.create(
        "Pod",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": "ledger-0",
                "namespace": "staging",
                "annotations": {"example.com/api-token": "annot-tok-91ce"},
            },
            "spec": {
                "containers": [
                    {
                        "name": "app",
                        "image": "docker.io/library/busybox:1.36",
                        "args": ["--token=arg-tok-5be1"],
                        "env": [{"name": "DB_PASSWORD", "value": "pod-pw-0d2e"}],
                    }
                ]
            },
        },
        "staging",
    )
    assert kai("--yes", "delete pod ledger-0 in staging").exit_code == 0
    assert not [p for p in kube.list("Pod", "staging") if p["metadata"]["name"] == "ledger-0"]

    result = kai("--yes", "undo")
    assert result.exit_code == 0, result.stderr
    pod = kube.get("Pod", "ledger-0", "staging")
    box = pod["spec"]["containers"][0]
    assert pod["metadata"]["annotations"]["example.com/api-token"] == "annot-tok-91ce"
    assert box["args"] == ["--token=arg-tok-5be1"]
    assert box["env"] == [{"name": "DB_PASSWORD", "value": "pod-pw-0d2e"}]
    assert MARKER not in cluster_text(kube)


def test_apply_refuses_a_proposal_holding_the_redaction_marker(sandbox, kube, kai):
    result = kai("--yes", f"set env API_TOKEN={MARKER} on checkout")
    assert result.exit_code == 5
    assert "redaction marker" in result.stderr and "nothing was applied" in result.stderr
    assert "API_TOKEN" not in env_of(kube)
    assert not (state() / "audit.jsonl").exists() or not audit_lines()


def test_a_record_without_private_undo_data_refuses_redacted_fields(
    sandbox, kube, kai, secretive_checkout
):
    assert kai("--yes", "set env DB_PASSWORD=real-pw-1 on checkout").exit_code == 0
    assert kai("--yes", "scale checkout to 3").exit_code == 0
    env_change, scale = audit_lines()
    for record_id in (env_change["id"], scale["id"]):  # as if written before the store existed
        (state() / "undo" / f"{record_id}.json").unlink()

    assert kai("--yes", "undo", scale["id"]).exit_code == 0  # no redacted field: fine
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == 2

    refused = kai("--yes", "undo", env_change["id"])
    assert refused.exit_code == 5
    assert "spec.template.spec.containers" in refused.stderr
    assert "no private undo data" in refused.stderr
    assert env_of(kube) == {
        "LOG_LEVEL": None,
        "PAYMENT_SERVICE_ADDR": "paymentservice:50051",
        "EMAIL_SERVICE_ADDR": "emailservice:5000",
        "API_TOKEN": "tok-live-7f3a9c",
        "DB_PASSWORD": "real-pw-1",
    }
    assert MARKER not in cluster_text(kube)


def test_undo_data_is_private_and_dropped_once_undone(sandbox, kai):
    loose = state() / "undo"
    loose.mkdir(parents=True, mode=0o755)
    os.chmod(loose, 0o755)
    assert kai("--yes", "set env DB_PASSWORD=private-pw on checkout").exit_code == 0
    (record,) = audit_lines()
    kept = loose / f"{record['id']}.json"
    assert stat.S_IMODE(loose.stat().st_mode) == 0o700
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert "private-pw" in kept.read_text()
    assert "private-pw" not in (state() / "audit.jsonl").read_text()

    assert kai("--yes", "undo").exit_code == 0
    assert not kept.exists()  # undone: the copy is no longer needed
    assert list(loose.iterdir()) == []  # and the undo itself keeps none


def test_a_sandbox_run_keeps_its_undo_data_beside_its_own_log(kai):
    assert kai("--sandbox", "--yes", "scale checkout to 3").exit_code == 0
    (entry,) = (state() / "sandbox-undo").iterdir()
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert not (state() / "undo").exists()


def test_a_deleted_secret_cannot_be_undone_and_its_values_are_never_kept(sandbox, kube, kai):
    assert kai("--yes", "delete secret payment-keys in shop").exit_code == 0
    store = state() / "undo"
    assert not store.exists() or list(store.iterdir()) == []
    result = kai("--yes", "undo")
    assert result.exit_code == 2
    assert "never keeps a copy of Secret values" in result.stderr
    assert "c2tfbGl2ZV9rYWlzYW5kYm94U0VDUkVUMTIz" not in (state() / "audit.jsonl").read_text()


# -- item 6: 3-way check, no double undo ---------------------------------------------------------


def test_undo_is_refused_when_someone_changed_the_same_field_after_kai(sandbox, kube, kai):
    assert kai("--yes", "scale checkout to 4").exit_code == 0
    kube.patch(
        "Deployment", "checkoutservice", "shop", {"spec": {"replicas": 6}}, patch_type="merge"
    )
    refused = kai("--yes", "undo")
    assert refused.exit_code == 5
    assert "spec.replicas (kai set 4, now 6)" in refused.stderr
    assert "--force" in refused.stderr
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == 6
    assert len(audit_lines()) == 1  # nothing was attempted

    forced = kai("--yes", "undo", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert "--force: reverting" in forced.stderr and "-  replicas: 6" in forced.stdout
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == 2


def test_force_still_needs_confirmation(sandbox, kube, kai):
    kai("--yes", "scale checkout to 4")
    kube.patch(
        "Deployment", "checkoutservice", "shop", {"spec": {"replicas": 6}}, patch_type="merge"
    )
    result = kai("undo", "--force")
    assert result.exit_code == 6 and "+  replicas: 2" in result.stdout
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == 6


def test_undo_keeps_unrelated_later_changes_by_others(sandbox, kube, kai):
    assert kai("--yes", "scale checkout to 4").exit_code == 0
    kube.patch(
        "Deployment",
        "checkoutservice",
        "shop",
        {"metadata": {"labels": {"team": "payments"}}},
        patch_type="merge",
    )
    assert kai("--yes", "undo").exit_code == 0
    live = kube.get("Deployment", "checkoutservice", "shop")
    assert live["spec"]["replicas"] == 2 and live["metadata"]["labels"]["team"] == "payments"


def test_a_field_already_put_back_by_hand_is_not_undone_again(sandbox, kube, kai):
    kai("--yes", "scale checkout to 4")
    kube.patch(
        "Deployment", "checkoutservice", "shop", {"spec": {"replicas": 2}}, patch_type="merge"
    )
    result = kai("--yes", "undo")
    assert result.exit_code == 2 and "already matches its state before" in result.stderr


def test_a_record_cannot_be_undone_twice_nor_an_undo_undone(sandbox, kube, kai):
    kai("--yes", "scale checkout to 4")
    first = audit_lines()[0]["id"]
    assert kai("--yes", "undo", first).exit_code == 0
    undo_id = audit_lines()[-1]["id"]

    again = kai("--yes", "undo", first)
    assert again.exit_code == 2
    assert f"already undone by {undo_id}" in again.stderr
    assert f"kai history --show {undo_id}" in again.stderr

    redo = kai("--yes", "undo", undo_id)
    assert redo.exit_code == 2 and "kai does not redo" in redo.stderr
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == 2
    assert len(audit_lines()) == 2


def test_a_failed_change_cannot_be_undone(sandbox, kube, kai):
    sandbox.inject_fault(
        path=r"/deployments/checkoutservice$", method="PATCH", status=500, count=1, real_only=True
    )
    assert kai("--yes", "scale checkout to 4").exit_code == 1
    (record,) = audit_lines()
    result = kai("--yes", "undo", record["id"])
    assert result.exit_code == 2 and "was not applied" in result.stderr


def test_undo_of_a_deleted_pod_is_refused_when_the_name_is_taken_again(sandbox, kube, kai):
    manifest = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "ledger-1", "namespace": "staging"},
        "spec": {"containers": [{"name": "app", "image": "docker.io/library/busybox:1.36"}]},
    }
    kube.create("Pod", manifest, "staging")
    assert kai("--yes", "delete pod ledger-1 in staging").exit_code == 0
    kube.create("Pod", manifest, "staging")
    result = kai("--yes", "undo")
    assert result.exit_code == 5 and "exists again" in result.stderr


# -- item 8: audit failures and unreadable lines -------------------------------------------------


def test_an_unwritable_audit_log_applies_nothing(sandbox, kube, kai):
    (state() / "audit.jsonl").mkdir(parents=True)
    result = kai("--yes", "scale checkout to 4")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("kai: error: nothing was applied: cannot write the audit log")
    assert lines[1].startswith("hint: ") and len(lines) == 2
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == 2


def test_a_full_disk_after_apply_says_the_change_was_applied(sandbox, kube, kai):
    state().mkdir(parents=True)
    (state() / "audit.jsonl").symlink_to("/dev/full")  # every write: ENOSPC
    result = kai("--yes", "scale checkout to 4")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    assert "scale deployment/shop/checkoutservice from 2 to 4 replicas was applied" in lines[0]
    assert "could not be audited" in lines[0] and "No space left on device" in lines[0]
    assert "internal error" not in result.stderr
    assert lines[1].startswith("hint: `kai undo` cannot revert it")
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == 4
    assert list((state() / "undo").iterdir()) == []  # no orphaned private copy


def test_a_non_utf8_line_in_the_audit_log_is_skipped_and_said(sandbox, kube, kai):
    kai("--yes", "scale checkout to 4")
    with (state() / "audit.jsonl").open("ab") as handle:
        handle.write(b'{"v": 1, "id": "\xff\xfe broken"}\n')
    kai("--yes", "scale cart to 3")

    text = kai("history")
    assert text.exit_code == 0, text.stderr
    assert "checkoutservice" in text.stdout and "cartservice" in text.stdout
    assert "skipped 1 unreadable line" in text.stderr
    doc = kai("-o", "json", "history")
    assert doc.exit_code == 0 and len(doc.json()["records"]) == 2

    undone = kai("--yes", "undo")
    assert undone.exit_code == 0, undone.stderr
    assert "skipped 1 unreadable line" in undone.stderr
    assert kube.get("Deployment", "cartservice", "shop")["spec"]["replicas"] == 2
