"""Undo store, 3-way conflict paths and the redaction-marker refusal, without a cluster."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from k8sgpt_py.changes.audit import AuditLog, AuditWriteError, UndoStore
from k8sgpt_py.changes.proposal import ObjectRef, Proposal
from k8sgpt_py.changes.undo import (
    UndoConflict,
    UndoData,
    conflicting_paths,
    plan_undo,
    redacted_paths,
    refuse_redacted,
)
from k8sgpt_py.errors import Rejected, UsageError

RID = "20261126-035300-3fa2"


def deployment(replicas: int, env: list[dict] | None = None, rv: str = "1") -> dict:
    box = {"name": "app", "image": "img:1", "env": env or []}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "prod", "resourceVersion": rv},
        "spec": {"replicas": replicas, "template": {"spec": {"containers": [box]}}},
    }


def record(action: str = "patch", kind: str = "Deployment") -> dict:
    target = {"apiVersion": "apps/v1", "kind": kind, "namespace": "prod", "name": "web"}
    return {"id": RID, "action": action, "target": target, "reason": "r", "applied": True}


def test_store_files_are_0600_in_a_0700_dir_and_round_trip(tmp_path: Path):
    store = UndoStore(tmp_path / "undo")
    store.save(RID, {"before": {"a": "pw"}})
    assert stat.S_IMODE((tmp_path / "undo").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "undo" / f"{RID}.json").stat().st_mode) == 0o600
    assert store.load(RID)["before"] == {"a": "pw"}
    store.discard(RID)
    assert store.load(RID) is None


def test_store_ignores_ids_that_are_not_kai_ids(tmp_path: Path):
    store = UndoStore(tmp_path / "undo")
    assert store.file("../../etc/passwd") is None and store.load("../x") is None
    with pytest.raises(ValueError):
        store.save("../x", {})


def test_audit_log_keeps_private_data_beside_it_but_redacts_the_line(tmp_path: Path):
    log = AuditLog(tmp_path / "audit.jsonl")
    env = [{"name": "DB_PASSWORD", "value": "pw-1"}]
    log.append({**record(), "before": deployment(2, env)}, private={"before": deployment(2, env)})
    assert "pw-1" not in log.path.read_text()
    assert log.store.path == tmp_path / "undo"
    assert log.store.load(RID)["before"]["spec"]["template"]["spec"]["containers"][0]["env"] == env


@pytest.mark.parametrize(
    "rec",
    [
        {**record(kind="Secret")},
        {**record(), "undo_of": "20261126-035000-0000"},
        {**record(), "applied": False},
    ],
)
def test_secrets_undos_and_failed_changes_keep_no_private_data(tmp_path: Path, rec: dict):
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append(rec, private={"before": {"data": {"k": "c2VjcmV0"}}})
    assert log.store.load(RID) is None


def test_unwritable_log_is_reported_before_and_after(tmp_path: Path):
    (tmp_path / "audit.jsonl").mkdir()
    log = AuditLog(tmp_path / "audit.jsonl")
    with pytest.raises(AuditWriteError, match="cannot write the audit log"):
        log.check_writable()
    with pytest.raises(AuditWriteError):
        log.append(record(), private={"before": {}})
    assert log.store.load(RID) is None  # removed again: no orphan


def test_records_skip_and_count_unreadable_lines(tmp_path: Path):
    path = tmp_path / "audit.jsonl"
    path.write_bytes(b'{"v": 1, "id": "a"}\n\xff\xfe\n{"v": 1, "id": "b"}\nnot json\n\n')
    log = AuditLog(path)
    assert [r["id"] for r in log.records()] == ["a", "b"]
    assert log.skipped == 2


def test_conflicting_paths_compare_only_what_the_patch_writes():
    after = {"spec": {"replicas": 4, "paused": False}, "metadata": {"labels": {"a": "1"}}}
    patch = {"spec": {"replicas": 2}}
    assert conflicting_paths(patch, after, {**after, "metadata": {"labels": {"b": "2"}}}) == []
    live = {"spec": {"replicas": 6, "paused": True}}
    assert conflicting_paths(patch, after, live) == ["spec.replicas (kai set 4, now 6)"]
    assert conflicting_paths({"spec": {"x": None}}, {"spec": {"x": "k"}}, {"spec": {}}) == [
        "spec.x"
    ]


def test_plan_undo_reverts_only_what_kai_changed():
    data = UndoData(deployment(2), deployment(4), is_private=True)
    live = deployment(4, rv="9")
    live["metadata"]["labels"] = {"team": "x"}  # someone else's unrelated change
    plan = plan_undo(record(), live, data)
    assert plan.proposal.patch == {"spec": {"replicas": 2}} and plan.conflicts == []


def configmap(data: dict, rv: str = "1", **top: object) -> dict:
    meta = {"name": "web", "namespace": "prod", "resourceVersion": rv, "uid": "u1"}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data, **top}


def test_plan_undo_reverts_fields_outside_spec_and_nothing_of_the_servers():
    before = configmap({"a": "1", "b": "2"})
    after = configmap({"a": "9", "c": "3"}, rv="5", binaryData={"k": "AA=="})
    after["metadata"]["finalizers"] = ["example.com/keep"]
    plan = plan_undo(record(kind="ConfigMap"), after, UndoData(before, after, is_private=True))
    assert plan.proposal.patch == {
        "binaryData": None,
        "data": {"a": "1", "b": "2", "c": None},
        "metadata": {"finalizers": None},
    }


def test_plan_undo_of_rules_replaces_the_list_kai_wrote():
    rules = [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]
    wider = [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role"}
    before = {**role, "metadata": {"name": "r", "resourceVersion": "1"}, "rules": rules}
    after = {**role, "metadata": {"name": "r", "resourceVersion": "2"}, "rules": wider}
    plan = plan_undo(record(kind="Role"), after, UndoData(before, after, is_private=True))
    assert plan.proposal.patch == {"rules": rules}


def test_plan_undo_refuses_to_shrink_a_claim_even_forced():
    def claim(size: str) -> dict:
        spec = {"resources": {"requests": {"storage": size}}}
        return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {}, "spec": spec}

    data = UndoData(claim("1Gi"), claim("1536Mi"), is_private=True)
    rec = record(kind="PersistentVolumeClaim")
    with pytest.raises(UsageError, match=r"storage cannot shrink from 1536Mi back to 1Gi"):
        plan_undo(rec, claim("1536Mi"), data, force=True)
    labelled = claim("1Gi")
    labelled["metadata"] = {"labels": {"tier": "gold"}}
    relabel = UndoData(claim("1Gi"), labelled, is_private=True)
    assert plan_undo(rec, labelled, relabel).proposal.patch == {"metadata": {"labels": None}}


def test_plan_undo_refuses_to_lift_immutable():
    data = UndoData(configmap({"a": "1"}), configmap({"a": "1"}, immutable=True), is_private=True)
    with pytest.raises(UsageError, match="never makes an immutable object mutable"):
        plan_undo(record(kind="ConfigMap"), data.after, data)


def test_plan_undo_never_writes_a_redacted_configmap_value():
    before = configmap({"API_TOKEN": "[REDACTED]", "a": "1"})  # kai removed the token
    after = configmap({"a": "1"})
    with pytest.raises(Rejected, match=r"data.API_TOKEN"):
        plan_undo(record(kind="ConfigMap"), after, UndoData(before, after, is_private=False))


def test_plan_undo_refuses_a_later_change_unless_forced():
    data = UndoData(deployment(2), deployment(4), is_private=True)
    with pytest.raises(UndoConflict, match=r"spec.replicas \(kai set 4, now 5\)"):
        plan_undo(record(), deployment(5), data)
    forced = plan_undo(record(), deployment(5), data, force=True)
    assert forced.conflicts and forced.proposal.patch == {"spec": {"replicas": 2}}


def test_plan_undo_from_redacted_data_refuses_the_redacted_fields():
    before = deployment(2, [{"name": "TOKEN", "value": "[REDACTED]"}])
    after = deployment(2, [{"name": "TOKEN", "value": "[REDACTED]"}, {"name": "X", "value": "1"}])
    live = deployment(2, [{"name": "TOKEN", "value": "t0k"}, {"name": "X", "value": "1"}])
    with pytest.raises(Rejected, match="no private undo data"):
        plan_undo(record(), live, UndoData(before, after, is_private=False))


def test_plan_undo_refuses_secrets():
    data = UndoData({"data": {}}, {"data": {}}, is_private=False)
    with pytest.raises(UsageError, match="Secret"):
        plan_undo(record(kind="Secret"), None, data)


def test_redacted_paths_find_the_marker_in_strings_lists_and_keys():
    body = {"a": ["x", "--pw=[REDACTED]"], "[REDACTED]": 1, "b": {"c": "ok"}}
    assert redacted_paths(body) == ["a[1]", "[REDACTED]"]
    target = ObjectRef("v1", "Pod", "p", "ns")
    with pytest.raises(Rejected, match=r"a\[1\]"):
        refuse_redacted(
            Proposal(target, "create", "r", manifest=body), is_private=True, record_id=RID
        )
