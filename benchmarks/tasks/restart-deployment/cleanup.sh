#!/usr/bin/env bash
kubectl delete namespace orders --ignore-not-found --wait=false >/dev/null
