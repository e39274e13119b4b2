#!/usr/bin/env bash
# Pipe kai's JSON into jq: list the pods in a namespace that are not Running.
#   examples/unhealthy-pods.sh [NAMESPACE]      (uses a fresh sandbox; drop --sandbox for a real cluster)
set -euo pipefail
namespace="${1:-staging}"
kai --sandbox -o json "list pods in ${namespace}" \
  | jq -r '.steps[0].result.data.items[] | select(.status != "Running") | "\(.name)\t\(.status)"'
