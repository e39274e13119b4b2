#!/usr/bin/env bash
kubectl delete namespace pinning --ignore-not-found --wait=false >/dev/null
