#!/usr/bin/env bash
kubectl uncordon node-b >/dev/null
