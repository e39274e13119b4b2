#!/usr/bin/env bash
set -euo pipefail
kubectl get service catalog -n shopfront -o json | jq -e '.spec.type == "ClusterIP" and .spec.selector.app == "catalog" and .spec.ports[0].port == 80 and (.spec.ports[0].targetPort == 8080 or .spec.ports[0].targetPort == "8080")' >/dev/null
kubectl get endpoints catalog -n shopfront -o json | jq -e '(.subsets // []) | map(.addresses // []) | add | length >= 1' >/dev/null
