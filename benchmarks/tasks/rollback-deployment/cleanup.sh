#!/usr/bin/env bash
kubectl delete namespace release --ignore-not-found --wait=false >/dev/null
