#!/usr/bin/env bash
set -euo pipefail
kubectl get deployment reporter -n batch -o json | jq -e '(.spec.template.spec.nodeSelector // {}) | has("disktype") | not' >/dev/null
for i in $(seq 1 ${VERIFY_ATTEMPTS:-20}); do
  running=$(kubectl get pods -n batch -l app=reporter -o json | jq '[.items[] | select(.metadata.deletionTimestamp == null and .status.phase == "Running" and ([.status.containerStatuses[]?.ready] | all))] | length')
  bad=$(kubectl get pods -n batch -l app=reporter -o json | jq '[.items[] | select(.metadata.deletionTimestamp == null and .status.phase != "Running")] | length')
  [ "$running" -ge 1 ] && [ "$bad" = 0 ] && exit 0
  sleep 0.5
done
echo "batch pods app=reporter: $running running, $bad not running"; exit 1
