#!/usr/bin/env bash
set -euo pipefail
for i in $(seq 1 ${VERIFY_ATTEMPTS:-20}); do
  running=$(kubectl get pods -n jobs -l app=worker -o json | jq '[.items[] | select(.metadata.deletionTimestamp == null and .status.phase == "Running" and ([.status.containerStatuses[]?.ready] | all))] | length')
  bad=$(kubectl get pods -n jobs -l app=worker -o json | jq '[.items[] | select(.metadata.deletionTimestamp == null and .status.phase != "Running")] | length')
  [ "$running" -ge 1 ] && [ "$bad" = 0 ] && exit 0
  sleep 0.5
done
echo "jobs pods app=worker: $running running, $bad not running"; exit 1
