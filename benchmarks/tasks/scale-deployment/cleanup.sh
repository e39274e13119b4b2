#!/usr/bin/env bash
kubectl delete namespace tenant-a --ignore-not-found --wait=false >/dev/null
