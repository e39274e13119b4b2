#!/usr/bin/env bash
set -euo pipefail
for i in $(seq 1 ${VERIFY_ATTEMPTS:-20}); do
  n=$(kubectl get endpoints web-svc -n site -o json | jq '[(.subsets // [])[].addresses[]?] | length')
  [ "$n" -ge 2 ] && exit 0
  sleep 0.5
done
echo "web-svc has $n endpoints"; exit 1
