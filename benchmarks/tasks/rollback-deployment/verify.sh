#!/usr/bin/env bash
set -euo pipefail
kubectl get deployment web -n release -o json | jq -e '.spec.template.spec.containers[0].image == "docker.io/library/nginx:1.26"' >/dev/null
for i in $(seq 1 ${VERIFY_ATTEMPTS:-20}); do
  ready=$(kubectl get deployment web -n release -o jsonpath='{.status.readyReplicas}')
  [ "$ready" = "1" ] && exit 0
  sleep 0.5
done
echo "deployment release/web: $ready ready, want 1"; exit 1
