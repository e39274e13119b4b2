#!/usr/bin/env bash
set -euo pipefail
kubectl apply -f - >/dev/null <<'EOF'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: expandable
provisioner: sandbox.kai.dev/hostpath
allowVolumeExpansion: true
---
apiVersion: v1
kind: Namespace
metadata:
  name: storage
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: storage
spec:
  accessModes:
  - ReadWriteOnce
  storageClassName: expandable
  resources:
    requests:
      storage: 10Gi
EOF
