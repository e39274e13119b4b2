#!/usr/bin/env bash
kubectl delete namespace hpc --ignore-not-found --wait=false >/dev/null
