#!/usr/bin/env bash
set -euo pipefail
kubectl get deployment api -n logs-demo -o json | jq -e '[.spec.template.spec.containers[0].env[]? | select(.name == "LOG_LEVEL" and .value == "debug")] | length == 1' >/dev/null
