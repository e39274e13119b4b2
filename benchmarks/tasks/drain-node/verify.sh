#!/usr/bin/env bash
set -euo pipefail
kubectl get node node-b -o json | jq -e '.spec.unschedulable == true' >/dev/null
left=$(kubectl get pods -A --field-selector spec.nodeName=node-b -o json | jq '[.items[] | select(.metadata.deletionTimestamp == null) | select(((.metadata.ownerReferences // []) | map(.kind) | index("DaemonSet")) | not)] | length')
[ "$left" = 0 ] || { echo "$left non-daemonset pods still on node-b"; exit 1; }
