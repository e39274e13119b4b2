#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: perf
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache
  namespace: perf
  labels:
    app: cache
spec:
  replicas: 1
  selector:
    matchLabels:
      app: cache
  template:
    metadata:
      labels:
        app: cache
    spec:
      containers:
      - name: cache
        image: docker.io/library/nginx:1.27
        resources:
          requests:
            memory: 128Mi
          limits:
            memory: 256Mi
EOF
