#!/usr/bin/env bash
set -euo pipefail
kubectl get deployment web -n pinning -o json | jq -e '.spec.template.spec.nodeSelector["kubernetes.io/hostname"] == "node-b" or ((.spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms // []) | tostring | test("node-b"))' >/dev/null
for i in $(seq 1 ${VERIFY_ATTEMPTS:-20}); do
  running=$(kubectl get pods -n pinning -l app=web -o json | jq '[.items[] | select(.metadata.deletionTimestamp == null and .status.phase == "Running" and ([.status.containerStatuses[]?.ready] | all))] | length')
  bad=$(kubectl get pods -n pinning -l app=web -o json | jq '[.items[] | select(.metadata.deletionTimestamp == null and .status.phase != "Running")] | length')
  [ "$running" -ge 2 ] && [ "$bad" = 0 ] && exit 0
  sleep 0.5
done
echo "pinning pods app=web: $running running, $bad not running"; exit 1
