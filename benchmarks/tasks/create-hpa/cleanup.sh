#!/usr/bin/env bash
kubectl delete namespace metrics-demo --ignore-not-found --wait=false >/dev/null
