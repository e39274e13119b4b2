#!/usr/bin/env bash
set -euo pipefail
kubectl get configmap app-settings -n billing -o json | jq -e '.data.LOG_LEVEL == "debug" and .data.REGION == "eu-west-1"' >/dev/null
