#!/usr/bin/env bash
set -euo pipefail
kubectl get deployment web -n tenant-a -o json | jq -e '.spec.replicas == 3' >/dev/null
for i in $(seq 1 ${VERIFY_ATTEMPTS:-20}); do
  ready=$(kubectl get deployment web -n tenant-a -o jsonpath='{.status.readyReplicas}')
  [ "$ready" = "3" ] && exit 0
  sleep 0.5
done
echo "deployment tenant-a/web: $ready ready, want 3"; exit 1
