#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: batch
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: reporter
  namespace: batch
  labels:
    app: reporter
spec:
  replicas: 1
  selector:
    matchLabels:
      app: reporter
  template:
    metadata:
      labels:
        app: reporter
    spec:
      containers:
      - name: reporter
        image: docker.io/library/nginx:1.27
      nodeSelector:
        disktype: ssd
EOF
