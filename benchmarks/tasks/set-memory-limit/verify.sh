#!/usr/bin/env bash
set -euo pipefail
kubectl get deployment cache -n perf -o json | jq -e '.spec.template.spec.containers[0].resources.limits.memory == "512Mi"' >/dev/null
