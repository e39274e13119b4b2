#!/usr/bin/env bash
# A CI step: fail when a request WOULD change the cluster (server-side dry run, nothing applied).
#   examples/ci-guard.sh "set image of checkout to v0.10.1"
# Exit 0: nothing would change. Exit 1: changes proposed (the diff is printed). Other: kai's code.
set -uo pipefail
request="${1:?usage: ci-guard.sh REQUEST}"
doc=$(kai --sandbox --dry-run -o json "$request")
code=$?
if [ "$code" -ne 0 ]; then
  echo "kai failed with exit code $code" >&2
  exit "$code"
fi
changed=$(jq '[.changes[] | select(.diff != "")] | length' <<<"$doc")
if [ "$changed" -gt 0 ]; then
  jq -r '.changes[] | select(.diff != "") | .diff' <<<"$doc"
  echo "ci-guard: $changed change(s) would be made" >&2
  exit 1
fi
echo "ci-guard: no change"
