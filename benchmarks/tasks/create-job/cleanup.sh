#!/usr/bin/env bash
kubectl delete namespace tools --ignore-not-found --wait=false >/dev/null
