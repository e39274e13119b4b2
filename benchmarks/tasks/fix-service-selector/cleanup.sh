#!/usr/bin/env bash
kubectl delete namespace site --ignore-not-found --wait=false >/dev/null
