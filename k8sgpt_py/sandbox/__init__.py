"""The sandbox cluster: a local HTTP server speaking the Kubernetes REST API (see DESIGN.md).

Nothing heavy is imported here; :mod:`aiohttp` is loaded when a sandbox starts.
"""

from __future__ import annotations

from k8sgpt_py.sandbox.sandbox import Sandbox, default_seed_dir, serve

__all__ = ["Sandbox", "default_seed_dir", "serve"]
