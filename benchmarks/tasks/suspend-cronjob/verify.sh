#!/usr/bin/env bash
set -euo pipefail
kubectl get cronjob nightly-report -n reports -o json | jq -e '.spec.suspend == true' >/dev/null
