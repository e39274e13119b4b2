#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: hpc
---
apiVersion: v1
kind: Pod
metadata:
  name: big-batch
  namespace: hpc
spec:
  containers:
  - name: main
    image: docker.io/library/busybox:1.36
    resources:
      requests:
        cpu: '64'
EOF
