#!/usr/bin/env bash
kubectl delete namespace perf --ignore-not-found --wait=false >/dev/null
