#!/usr/bin/env bash
kubectl delete namespace ops --ignore-not-found --wait=false >/dev/null
