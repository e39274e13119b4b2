#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: metrics-demo
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: metrics-demo
  labels:
    app: api
spec:
  replicas: 1
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: api
        image: docker.io/library/nginx:1.27
        resources:
          requests:
            cpu: 200m
            memory: 128Mi
EOF
