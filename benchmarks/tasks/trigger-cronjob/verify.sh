#!/usr/bin/env bash
set -euo pipefail
kubectl get jobs -n reports -o json | jq -e '[.items[] | select((.metadata.name | startswith("nightly-report")) and (.spec.template.spec.containers[0].image | test("busybox:1.36$")))] | length >= 1' >/dev/null
