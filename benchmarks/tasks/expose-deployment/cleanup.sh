#!/usr/bin/env bash
kubectl delete namespace shopfront --ignore-not-found --wait=false >/dev/null
