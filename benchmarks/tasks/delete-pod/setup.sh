#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: ops
---
apiVersion: v1
kind: Pod
metadata:
  name: debug-shell
  namespace: ops
spec:
  containers:
  - name: shell
    image: docker.io/library/busybox:1.36
    command:
    - sleep
    - '3600'
EOF
