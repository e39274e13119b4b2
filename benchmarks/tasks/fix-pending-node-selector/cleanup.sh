#!/usr/bin/env bash
kubectl delete namespace batch --ignore-not-found --wait=false >/dev/null
