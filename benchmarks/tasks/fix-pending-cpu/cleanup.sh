#!/usr/bin/env bash
kubectl delete namespace science --ignore-not-found --wait=false >/dev/null
