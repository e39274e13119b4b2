#!/usr/bin/env bash
set -euo pipefail
kubectl get deployment api -n ledger -o json | jq -e '.spec.replicas == 4' >/dev/null
for i in $(seq 1 ${VERIFY_ATTEMPTS:-20}); do
  ready=$(kubectl get deployment api -n ledger -o jsonpath='{.status.readyReplicas}')
  [ "$ready" = "4" ] && exit 0
  sleep 0.5
done
echo "deployment ledger/api: $ready ready, want 4"; exit 1
