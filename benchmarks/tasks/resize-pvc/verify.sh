#!/usr/bin/env bash
set -euo pipefail
kubectl get pvc data -n storage -o json | jq -e '.spec.resources.requests.storage == "15Gi"' >/dev/null
