#!/usr/bin/env bash
set -euo pipefail
kubectl get deployment cms -n content -o json | jq -e '.spec.template.spec.containers[0].image | test("nginx:1.27.3$")' >/dev/null
for i in $(seq 1 ${VERIFY_ATTEMPTS:-20}); do
  ready=$(kubectl get deployment cms -n content -o jsonpath='{.status.readyReplicas}')
  [ "$ready" = "1" ] && exit 0
  sleep 0.5
done
echo "deployment content/cms: $ready ready, want 1"; exit 1
