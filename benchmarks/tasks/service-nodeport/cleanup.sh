#!/usr/bin/env bash
kubectl delete namespace edge --ignore-not-found --wait=false >/dev/null
