#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: shopfront
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: catalog
  namespace: shopfront
  labels:
    app: catalog
spec:
  replicas: 1
  selector:
    matchLabels:
      app: catalog
  template:
    metadata:
      labels:
        app: catalog
    spec:
      containers:
      - name: catalog
        image: docker.io/library/nginx:1.27
        ports:
        - containerPort: 8080
EOF
