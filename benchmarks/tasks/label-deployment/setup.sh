#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: eu-shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: eu-shop
  labels:
    app: checkout
spec:
  replicas: 1
  selector:
    matchLabels:
      app: checkout
  template:
    metadata:
      labels:
        app: checkout
    spec:
      containers:
      - name: checkout
        image: docker.io/library/nginx:1.27
EOF
