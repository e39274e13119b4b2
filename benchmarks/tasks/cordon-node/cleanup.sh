#!/usr/bin/env bash
kubectl uncordon node-c >/dev/null
