#!/usr/bin/env bash
set -euo pipefail
kubectl get deployment renderer -n media -o json | jq -e '.spec.replicas == 2' >/dev/null
for i in $(seq 1 ${VERIFY_ATTEMPTS:-20}); do
  ready=$(kubectl get deployment renderer -n media -o jsonpath='{.status.readyReplicas}')
  [ "$ready" = "2" ] && exit 0
  sleep 0.5
done
echo "deployment media/renderer: $ready ready, want 2"; exit 1
