#!/usr/bin/env bash
set -euo pipefail
kubectl get deployment hello -n web-team -o json | jq -e '.spec.replicas == 2 and (.spec.template.spec.containers[0].image | test("nginx:1.27$"))' >/dev/null
for i in $(seq 1 ${VERIFY_ATTEMPTS:-20}); do
  ready=$(kubectl get deployment hello -n web-team -o jsonpath='{.status.readyReplicas}')
  [ "$ready" = "2" ] && exit 0
  sleep 0.5
done
echo "deployment web-team/hello: $ready ready, want 2"; exit 1
