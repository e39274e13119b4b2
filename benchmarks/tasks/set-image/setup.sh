#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: content
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cms
  namespace: content
  labels:
    app: cms
spec:
  replicas: 1
  selector:
    matchLabels:
      app: cms
  template:
    metadata:
      labels:
        app: cms
    spec:
      containers:
      - name: cms
        image: docker.io/library/nginx:1.26
EOF
