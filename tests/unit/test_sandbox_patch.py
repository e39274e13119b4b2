"""Pure tests of the three patch formats and the selector parsers."""

from __future__ import annotations

import pytest

from k8sgpt_py.sandbox.patch import (
    PatchError,
    apply_patch,
    json_patch,
    merge_patch,
    strategic_merge_patch,
)
from k8sgpt_py.sandbox.selectors import (
    SelectorError,
    labels_match,
    parse_field_selector,
    parse_label_selector,
    selector_object_matches,
    selector_to_string,
)

POD_SPEC = {
    "containers": [
        {
            "name": "app",
            "image": "app:v1",
            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
            "ports": [{"containerPort": 80, "protocol": "TCP"}],
            "volumeMounts": [{"name": "data", "mountPath": "/data"}],
        },
        {"name": "sidecar", "image": "side:v1"},
    ],
    "volumes": [{"name": "data", "emptyDir": {}}],
}
OBJ = {"metadata": {"name": "x", "finalizers": ["a", "b"], "labels": {"k": "v"}}, "spec": POD_SPEC}


def test_merge_patch_sets_and_deletes_keys():
    result = merge_patch({"a": 1, "b": {"c": 2, "d": 3}}, {"b": {"c": None, "e": 4}, "f": [1]})
    assert result == {"a": 1, "b": {"d": 3, "e": 4}, "f": [1]}


def test_merge_patch_replaces_lists_whole():
    assert merge_patch({"l": [1, 2]}, {"l": [3]}) == {"l": [3]}


def test_strategic_merge_merges_containers_by_name():
    patch = {"spec": {"containers": [{"name": "app", "image": "app:v2"}]}}
    result = strategic_merge_patch(OBJ, patch)
    containers = result["spec"]["containers"]
    assert [c["name"] for c in containers] == ["app", "sidecar"]
    assert containers[0]["image"] == "app:v2"
    assert containers[0]["env"] == POD_SPEC["containers"][0]["env"]


def test_strategic_merge_merges_env_by_name_and_appends_new():
    patch = {
        "spec": {
            "containers": [
                {"name": "app", "env": [{"name": "B", "value": "9"}, {"name": "C", "value": "3"}]}
            ]
        }
    }
    env = strategic_merge_patch(OBJ, patch)["spec"]["containers"][0]["env"]
    assert env == [
        {"name": "A", "value": "1"},
        {"name": "B", "value": "9"},
        {"name": "C", "value": "3"},
    ]


def test_strategic_merge_delete_directive_removes_list_item():
    patch = {"spec": {"containers": [{"name": "app", "env": [{"name": "A", "$patch": "delete"}]}]}}
    env = strategic_merge_patch(OBJ, patch)["spec"]["containers"][0]["env"]
    assert env == [{"name": "B", "value": "2"}]


def test_strategic_merge_replace_directive_on_list_and_map():
    patch = {"spec": {"volumes": [{"name": "new", "emptyDir": {}}, {"$patch": "replace"}]}}
    assert strategic_merge_patch(OBJ, patch)["spec"]["volumes"] == [{"name": "new", "emptyDir": {}}]
    patch = {"metadata": {"labels": {"only": "this", "$patch": "replace"}}}
    assert strategic_merge_patch(OBJ, patch)["metadata"]["labels"] == {"only": "this"}


def test_strategic_merge_delete_directive_on_map_removes_it():
    result = strategic_merge_patch(OBJ, {"metadata": {"labels": {"$patch": "delete"}}})
    assert "labels" not in result["metadata"]


def test_strategic_merge_set_element_order_reorders():
    patch = {
        "spec": {
            "$setElementOrder/containers": [{"name": "sidecar"}, {"name": "app"}],
            "containers": [{"name": "app", "image": "app:v3"}],
        }
    }
    containers = strategic_merge_patch(OBJ, patch)["spec"]["containers"]
    assert [(c["name"], c["image"]) for c in containers] == [
        ("sidecar", "side:v1"),
        ("app", "app:v3"),
    ]


def test_strategic_merge_retain_keys_drops_other_keys():
    original = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}
    assert strategic_merge_patch(original, patch)["spec"]["strategy"] == {"type": "Recreate"}


def test_strategic_merge_delete_from_primitive_list_and_finalizer_merge():
    result = strategic_merge_patch(
        OBJ, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}
    )
    assert result["metadata"]["finalizers"] == ["b"]
    result = strategic_merge_patch(OBJ, {"metadata": {"finalizers": ["c", "a"]}})
    assert result["metadata"]["finalizers"] == ["a", "b", "c"]


def test_strategic_merge_volume_mounts_by_mount_path_and_ports_by_container_port():
    patch = {
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "volumeMounts": [{"mountPath": "/data", "readOnly": True}],
                    "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 9090}],
                }
            ]
        }
    }
    app = strategic_merge_patch(OBJ, patch)["spec"]["containers"][0]
    assert app["volumeMounts"] == [{"name": "data", "mountPath": "/data", "readOnly": True}]
    assert app["ports"] == [
        {"containerPort": 80, "protocol": "TCP", "name": "http"},
        {"containerPort": 9090},
    ]


def test_strategic_merge_missing_merge_key_is_an_error():
    with pytest.raises(PatchError, match="merge key"):
        strategic_merge_patch(OBJ, {"spec": {"containers": [{"image": "x"}]}})


def test_strategic_merge_null_deletes_field_and_does_not_touch_original():
    result = strategic_merge_patch(OBJ, {"metadata": {"labels": None}})
    assert "labels" not in result["metadata"]
    assert OBJ["metadata"]["labels"] == {"k": "v"}


def test_json_patch_operations():
    doc = {"a": {"b": [1, 2]}, "c": 1}
    ops = [
        {"op": "add", "path": "/a/b/-", "value": 3},
        {"op": "replace", "path": "/c", "value": 2},
        {"op": "copy", "from": "/c", "path": "/d"},
        {"op": "move", "from": "/d", "path": "/e"},
        {"op": "remove", "path": "/a/b/0"},
        {"op": "test", "path": "/e", "value": 2},
        {"op": "add", "path": "/x~1y", "value": True},
    ]
    assert json_patch(doc, ops) == {"a": {"b": [2, 3]}, "c": 2, "e": 2, "x/y": True}
    assert doc == {"a": {"b": [1, 2]}, "c": 1}


@pytest.mark.parametrize(
    "ops",
    [
        [{"op": "test", "path": "/c", "value": 9}],
        [{"op": "replace", "path": "/missing", "value": 1}],
        [{"op": "remove", "path": "/nope"}],
        [{"op": "frobnicate", "path": "/c"}],
        {"not": "a list"},
    ],
)
def test_json_patch_errors(ops):
    with pytest.raises(PatchError):
        json_patch({"c": 1}, ops)


def test_apply_patch_dispatches_on_content_type():
    assert apply_patch("application/merge-patch+json", {"a": [1]}, {"a": [2]}) == {"a": [2]}
    assert (
        apply_patch(
            "application/json-patch+json; charset=utf-8", {"a": 1}, [{"op": "remove", "path": "/a"}]
        )
        == {}
    )
    with pytest.raises(PatchError, match="unsupported"):
        apply_patch("application/apply-patch+yaml", {}, {})


def test_label_selector_operators():
    labels = {"app": "web", "tier": "front"}
    cases = {
        "app=web": True,
        "app==web": True,
        "app!=web": False,
        "app in (web, api)": True,
        "app notin (web)": False,
        "tier": True,
        "!tier": False,
        "!missing,app=web": True,
        "missing!=x": True,
        "app in (api),tier": False,
        "": True,
    }
    for text, expected in cases.items():
        assert labels_match(parse_label_selector(text), labels) is expected, text


def test_label_selector_rejects_garbage():
    with pytest.raises(SelectorError):
        parse_label_selector("app=(web")


def test_selector_objects_and_rendering():
    selector = {
        "matchLabels": {"app": "web"},
        "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}],
    }
    assert selector_object_matches(selector, {"app": "web", "tier": "a"})
    assert not selector_object_matches(selector, {"app": "web", "tier": "c"})
    assert selector_object_matches({}, {"any": "thing"})
    assert selector_to_string(selector) == "app=web,tier in (a,b)"


def test_field_selector_matches_nested_fields_and_rejects_unknown():
    match = parse_field_selector("involvedObject.name=web,type!=Normal", "Event")
    assert match({"involvedObject": {"name": "web"}, "type": "Warning"})
    assert not match({"involvedObject": {"name": "web"}, "type": "Normal"})
    with pytest.raises(SelectorError, match="not supported"):
        parse_field_selector("spec.replicas=3", "Deployment")
