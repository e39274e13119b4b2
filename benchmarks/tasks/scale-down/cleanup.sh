#!/usr/bin/env bash
kubectl delete namespace media --ignore-not-found --wait=false >/dev/null
