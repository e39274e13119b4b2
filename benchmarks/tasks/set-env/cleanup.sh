#!/usr/bin/env bash
kubectl delete namespace logs-demo --ignore-not-found --wait=false >/dev/null
