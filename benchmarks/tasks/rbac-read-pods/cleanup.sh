#!/usr/bin/env bash
kubectl delete namespace ci --ignore-not-found --wait=false >/dev/null
