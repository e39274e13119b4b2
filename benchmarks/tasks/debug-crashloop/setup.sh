#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: calc
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: calc
  namespace: calc
  labels:
    app: calc
spec:
  replicas: 1
  selector:
    matchLabels:
      app: calc
  template:
    metadata:
      labels:
        app: calc
      annotations:
        sandbox.kai.dev/requires-env: CALC_MODE
    spec:
      containers:
      - name: calc
        image: docker.io/library/nginx:1.27
EOF
