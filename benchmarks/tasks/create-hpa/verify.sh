#!/usr/bin/env bash
set -euo pipefail
kubectl get hpa -n metrics-demo -o json | jq -e '[.items[] | select(.spec.scaleTargetRef.name == "api" and .spec.scaleTargetRef.kind == "Deployment" and .spec.minReplicas == 2 and .spec.maxReplicas == 8)] | length == 1' >/dev/null
kubectl get hpa.v2.autoscaling -n metrics-demo -o json | jq -e '[.items[].spec.metrics[]? | select(.resource.name == "cpu" and .resource.target.averageUtilization == 60)] | length == 1' >/dev/null
