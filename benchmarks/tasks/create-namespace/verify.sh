#!/usr/bin/env bash
set -euo pipefail
kubectl get namespace team-blue -o json | jq -e '.status.phase == "Active"' >/dev/null
