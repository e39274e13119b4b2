"""Offline rules for explicit sets (everything in a namespace, label selectors)."""

from __future__ import annotations

import pytest

from k8sgpt_py.planner.offline_sets import parse_set


@pytest.mark.parametrize(
    ("request_text", "expected"),
    [
        (
            "scale everything in staging down to zero",
            ("scale_workloads", {"namespace": "staging", "replicas": 0}),
        ),
        (
            "scale all deployments in staging to 2",
            ("scale_workloads", {"namespace": "staging", "kind": "deployment", "replicas": 2}),
        ),
        (
            "scale all statefulsets in shop up by 2",
            ("scale_workloads", {"namespace": "shop", "kind": "statefulset", "change": 2}),
        ),
        ("scale everything down by 1", ("scale_workloads", {"change": -1})),
        ("restart everything in staging", ("restart_workloads", {"namespace": "staging"})),
        (
            "restart deployments labelled app=memhog -n staging",
            (
                "restart_workloads",
                {"namespace": "staging", "selector": "app=memhog", "kind": "deployment"},
            ),
        ),
        (
            "delete pods -l app = worker, tier==web in staging",
            ("delete_pods", {"namespace": "staging", "selector": "app=worker,tier=web"}),
        ),
        ("scale worker to 0", None),
        ("restart the deployment worker in staging", None),
        ("delete pods in staging", None),  # a pod set needs a selector
        ("list pods in shop", None),
    ],
)
def test_offline_sets_parse(request_text, expected):
    assert parse_set(request_text) == expected
