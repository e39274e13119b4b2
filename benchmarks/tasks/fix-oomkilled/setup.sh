#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: analytics
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: memhungry
  namespace: analytics
  labels:
    app: memhungry
spec:
  replicas: 1
  selector:
    matchLabels:
      app: memhungry
  template:
    metadata:
      labels:
        app: memhungry
      annotations:
        sandbox.kai.dev/memory-usage: 300Mi
    spec:
      containers:
      - name: memhungry
        image: docker.io/library/nginx:1.27
        resources:
          requests:
            memory: 64Mi
          limits:
            memory: 128Mi
EOF
