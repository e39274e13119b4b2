#!/usr/bin/env bash
set -euo pipefail
if kubectl get pod debug-shell -n ops >/dev/null 2>&1; then echo 'debug-shell still exists'; exit 1; fi
