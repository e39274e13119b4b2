#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: science
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: crunch
  namespace: science
  labels:
    app: crunch
spec:
  replicas: 1
  selector:
    matchLabels:
      app: crunch
  template:
    metadata:
      labels:
        app: crunch
    spec:
      containers:
      - name: crunch
        image: docker.io/library/nginx:1.27
        resources:
          requests:
            cpu: '16'
            memory: 256Mi
EOF
