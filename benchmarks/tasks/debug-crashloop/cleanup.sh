#!/usr/bin/env bash
kubectl delete namespace calc --ignore-not-found --wait=false >/dev/null
