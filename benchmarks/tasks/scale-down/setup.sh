#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: media
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: renderer
  namespace: media
  labels:
    app: renderer
spec:
  replicas: 6
  selector:
    matchLabels:
      app: renderer
  template:
    metadata:
      labels:
        app: renderer
    spec:
      containers:
      - name: renderer
        image: docker.io/library/nginx:1.27
EOF
