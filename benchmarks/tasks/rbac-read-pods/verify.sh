#!/usr/bin/env bash
set -euo pipefail
bindings=$(kubectl get rolebindings -n ci -o json)
role=$(echo "$bindings" | jq -r '[.items[] | select(.subjects[]? | .kind == "ServiceAccount" and .name == "ci-bot") | select(.roleRef.kind == "Role")][0].roleRef.name // empty')
[ -n "$role" ] || { echo 'no rolebinding binds a Role to ci-bot'; exit 1; }
kubectl get role "$role" -n ci -o json | jq -e '[.rules[] | select((.resources | index("pods")) and (.apiGroups | index("")))] | map(.verbs) | add | (index("get") and index("list") and index("watch")) and (index("delete") | not) and (index("*") | not)' >/dev/null
