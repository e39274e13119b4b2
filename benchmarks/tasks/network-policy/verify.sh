#!/usr/bin/env bash
set -euo pipefail
kubectl get networkpolicy -n payments -o json | jq -e '[.items[] | select(.spec.podSelector.matchLabels.app == "api") | select(.spec.policyTypes // ["Ingress"] | index("Ingress")) | select(.spec.ingress | length == 1) | select(.spec.ingress[0].from[0].podSelector.matchLabels.app == "frontend") | select(.spec.ingress[0].ports[0].port == 8080)] | length == 1' >/dev/null
