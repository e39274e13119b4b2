#!/usr/bin/env bash
kubectl delete namespace eu-shop --ignore-not-found --wait=false >/dev/null
