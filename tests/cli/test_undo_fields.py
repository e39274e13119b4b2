"""`kai undo` reverts every field a kai patch changed, not just labels, annotations and spec.

A model's patch_resource can change any top-level field: ConfigMap data/binaryData, a Role's
rules, a RoleBinding's subjects. Undo puts exactly those fields back (kai's own after ->
before), keeps the 3-way conflict check, never writes a redaction marker, and refuses what
Kubernetes cannot revert (a PVC's storage cannot shrink) with one clear line (issue 11).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from llm_server import answer, call, tool_calls

MARKER = "[REDACTED]"
SHOP_CONFIG = {
    "CURRENCY": "EUR",
    "LOG_LEVEL": "info",
    "CART_TTL_MINUTES": "30",
    "FEATURE_RECOMMENDATIONS": "true",
}


def use(server: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("KAI_MODEL", "scripted")
    monkeypatch.setenv("KAI_BASE_URL", server.base_url)
    monkeypatch.setenv("KAI_TIMEOUT", "5")


def audit_lines() -> list[dict]:
    path = Path(os.environ["XDG_STATE_HOME"]) / "kai" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def patch_via_model(kai, scripted_llm, monkeypatch, request: str, **args: Any) -> Any:
    """Have the scripted model patch one object; apply it with --yes."""
    server = scripted_llm(tool_calls(call("patch_resource", args)), answer("Done."))
    use(server, monkeypatch)
    result = kai("--yes", request)
    assert result.exit_code == 0, result.stderr
    monkeypatch.delenv("KAI_MODEL")  # undo needs no model
    return result


def config_data(kube: Any) -> dict[str, str]:
    return kube.get("ConfigMap", "shop-config", "shop").get("data") or {}


def test_undo_restores_configmap_data_and_drops_keys_kai_added(
    sandbox, kube, kai, scripted_llm, monkeypatch
):
    patch_via_model(
        kai,
        scripted_llm,
        monkeypatch,
        "set CURRENCY to USD in configmap shop-config and add a banner",
        kind="configmap",
        name="shop-config",
        namespace="shop",
        patch={"data": {"CURRENCY": "USD", "BANNER": "sale", "LOG_LEVEL": None}},
    )
    assert config_data(kube) == {
        "CURRENCY": "USD",
        "BANNER": "sale",
        "CART_TTL_MINUTES": "30",
        "FEATURE_RECOMMENDATIONS": "true",
    }
    undone = kai("--yes", "undo")
    assert undone.exit_code == 0, undone.stderr
    assert config_data(kube) == SHOP_CONFIG


def test_undo_restores_binary_data(sandbox, kube, kai, scripted_llm, monkeypatch):
    patch_via_model(
        kai,
        scripted_llm,
        monkeypatch,
        "add a logo to configmap shop-config",
        kind="configmap",
        name="shop-config",
        namespace="shop",
        patch={"binaryData": {"logo.png": "iVBORw0KGgo="}},
    )
    assert kube.get("ConfigMap", "shop-config", "shop")["binaryData"] == {
        "logo.png": "iVBORw0KGgo="
    }
    assert kai("--yes", "undo").exit_code == 0
    live = kube.get("ConfigMap", "shop-config", "shop")
    assert not live.get("binaryData") and live["data"] == SHOP_CONFIG


def test_undo_of_configmap_data_keeps_the_conflict_check(
    sandbox, kube, kai, scripted_llm, monkeypatch
):
    patch_via_model(
        kai,
        scripted_llm,
        monkeypatch,
        "set CURRENCY to USD in configmap shop-config",
        kind="configmap",
        name="shop-config",
        namespace="shop",
        patch={"data": {"CURRENCY": "USD"}},
    )
    kube.patch("ConfigMap", "shop-config", "shop", {"data": {"CURRENCY": "GBP", "OTHER": "1"}})
    refused = kai("--yes", "undo")
    assert refused.exit_code == 5
    assert "data.CURRENCY" in refused.stderr and "--force" in refused.stderr
    assert config_data(kube)["CURRENCY"] == "GBP"

    assert kai("--yes", "undo", "--force").exit_code == 0
    assert config_data(kube)["CURRENCY"] == "EUR" and config_data(kube)["OTHER"] == "1"


def test_undo_restores_a_credential_looking_configmap_key_without_the_marker(
    sandbox, kube, kai, scripted_llm, monkeypatch
):
    kube.patch("ConfigMap", "shop-config", "shop", {"data": {"DB_PASSWORD": "cm-pw-4411"}})
    patch_via_model(
        kai,
        scripted_llm,
        monkeypatch,
        "rotate DB_PASSWORD in configmap shop-config",
        kind="configmap",
        name="shop-config",
        namespace="shop",
        patch={"data": {"DB_PASSWORD": "cm-pw-9922"}},
    )
    raw = (Path(os.environ["XDG_STATE_HOME"]) / "kai" / "audit.jsonl").read_text()
    assert "cm-pw-4411" not in raw and "cm-pw-9922" not in raw
    assert kai("--yes", "undo").exit_code == 0
    assert config_data(kube)["DB_PASSWORD"] == "cm-pw-4411"
    assert MARKER not in json.dumps(kube.list("ConfigMap", "shop"))


def test_undo_restores_role_rules(sandbox, kube, kai, scripted_llm, monkeypatch):
    rules = [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]
    kube.create(
        "Role",
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": "pod-reader", "namespace": "shop"},
            "rules": rules,
        },
        "shop",
    )
    wider = [{"apiGroups": [""], "resources": ["pods", "secrets"], "verbs": ["*"]}]
    patch_via_model(
        kai,
        scripted_llm,
        monkeypatch,
        "let role pod-reader do everything with pods and secrets",
        kind="role",
        name="pod-reader",
        namespace="shop",
        patch={"rules": wider},
    )
    assert kube.get("Role", "pod-reader", "shop")["rules"] == wider
    undone = kai("--yes", "undo")
    assert undone.exit_code == 0, undone.stderr
    assert kube.get("Role", "pod-reader", "shop")["rules"] == rules


def test_undo_restores_rolebinding_subjects(sandbox, kube, kai, scripted_llm, monkeypatch):
    subjects = [{"kind": "ServiceAccount", "name": "reporter", "namespace": "shop"}]
    kube.create(
        "RoleBinding",
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": "read-pods", "namespace": "shop"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "view"},
            "subjects": subjects,
        },
        "shop",
    )
    more = [*subjects, {"kind": "User", "name": "mallory", "apiGroup": "rbac.authorization.k8s.io"}]
    patch_via_model(
        kai,
        scripted_llm,
        monkeypatch,
        "add user mallory to rolebinding read-pods",
        kind="rolebinding",
        name="read-pods",
        namespace="shop",
        patch={"subjects": more},
    )
    assert kube.get("RoleBinding", "read-pods", "shop")["subjects"] == more
    assert kai("--yes", "undo").exit_code == 0
    assert kube.get("RoleBinding", "read-pods", "shop")["subjects"] == subjects


def test_undo_of_a_grown_pvc_is_refused_in_one_line(sandbox, kube, kai, scripted_llm, monkeypatch):
    kube.create(
        "PersistentVolumeClaim",
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": "orders-data", "namespace": "shop"},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "1Gi"}},
            },
        },
        "shop",
    )
    patch_via_model(
        kai,
        scripted_llm,
        monkeypatch,
        "grow pvc orders-data to 2Gi",
        kind="pvc",
        name="orders-data",
        namespace="shop",
        patch={"spec": {"resources": {"requests": {"storage": "2Gi"}}}},
    )
    refused = kai("--yes", "undo")
    assert refused.exit_code == 2, refused.stderr
    lines = refused.stderr.splitlines()
    assert lines[0].startswith("kai: error: cannot undo ")
    assert "storage cannot shrink" in lines[0] and "1Gi" in lines[0] and "2Gi" in lines[0]
    assert all(line.startswith("hint: ") for line in lines[1:]) and len(lines) <= 2
    live = kube.get("PersistentVolumeClaim", "orders-data", "shop")
    assert live["spec"]["resources"]["requests"]["storage"] == "2Gi"
    assert len(audit_lines()) == 1  # nothing was attempted


def test_a_patch_outside_spec_no_longer_warns_that_undo_cannot_revert_it(
    sandbox, kube, kai, scripted_llm, monkeypatch
):
    result = patch_via_model(
        kai,
        scripted_llm,
        monkeypatch,
        "set CURRENCY to USD in configmap shop-config",
        kind="configmap",
        name="shop-config",
        namespace="shop",
        patch={"data": {"CURRENCY": "USD"}},
    )
    assert "cannot revert" not in result.stdout + result.stderr


def test_a_dropped_configmap_write_is_not_reported_as_applied(
    sandbox, kube, kai, scripted_llm, monkeypatch
):
    # a lost answer is judged by re-reading every field the change writes, not only spec
    sandbox.inject_fault(
        path=r"/namespaces/shop/configmaps/shop-config$",
        method="PATCH",
        drop=True,
        count=1,
        real_only=True,
    )
    server = scripted_llm(
        tool_calls(
            call(
                "patch_resource",
                {
                    "kind": "configmap",
                    "name": "shop-config",
                    "namespace": "shop",
                    "patch": {"data": {"CURRENCY": "USD"}},
                },
            )
        ),
        answer("Done."),
    )
    use(server, monkeypatch)
    result = kai("--yes", "set CURRENCY to USD in configmap shop-config")
    assert result.exit_code == 1, result.stderr
    assert "was not applied" in result.stderr
    assert config_data(kube) == SHOP_CONFIG
    (record,) = audit_lines()
    assert record["applied"] is False
