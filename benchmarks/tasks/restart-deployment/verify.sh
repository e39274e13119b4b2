#!/usr/bin/env bash
set -euo pipefail
kubectl get deployment api -n orders -o json | jq -e '.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] != null' >/dev/null
for i in $(seq 1 ${VERIFY_ATTEMPTS:-20}); do
  ready=$(kubectl get deployment api -n orders -o jsonpath='{.status.readyReplicas}')
  [ "$ready" = "2" ] && exit 0
  sleep 0.5
done
echo "deployment orders/api: $ready ready, want 2"; exit 1
