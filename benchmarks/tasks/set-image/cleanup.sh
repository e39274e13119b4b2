#!/usr/bin/env bash
kubectl delete namespace content --ignore-not-found --wait=false >/dev/null
