#!/usr/bin/env bash
kubectl delete namespace storage --ignore-not-found --wait=false >/dev/null
kubectl delete storageclass expandable --ignore-not-found >/dev/null
