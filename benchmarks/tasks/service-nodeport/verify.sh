#!/usr/bin/env bash
set -euo pipefail
kubectl get service web -n edge -o json | jq -e '.spec.type == "NodePort" and (.spec.ports[0].nodePort // 0) > 0' >/dev/null
