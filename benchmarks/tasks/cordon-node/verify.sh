#!/usr/bin/env bash
set -euo pipefail
kubectl get node node-c -o json | jq -e '.spec.unschedulable == true' >/dev/null
