#!/usr/bin/env bash
kubectl delete namespace team-blue --ignore-not-found --wait=false >/dev/null
