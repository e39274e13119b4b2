#!/usr/bin/env bash
kubectl delete namespace ledger --ignore-not-found --wait=false >/dev/null
