#!/usr/bin/env bash
set -euo pipefail
kubectl get deployment checkout -n eu-shop -o json | jq -e '.metadata.labels.team == "payments"' >/dev/null
