#!/usr/bin/env bash
kubectl delete namespace web-team --ignore-not-found --wait=false >/dev/null
