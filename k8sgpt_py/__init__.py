"""kai: run a Kubernetes cluster in plain English, safely."""

__version__ = "0.1.0"
