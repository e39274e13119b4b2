"""The :class:`Sandbox`: a seeded store served over HTTP from a background thread."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import ssl
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import yaml

from k8sgpt_py.sandbox.api import Api
from k8sgpt_py.sandbox.auth import ADMIN, VIEWER, Tokens
from k8sgpt_py.sandbox.faults import Fault, FaultSet
from k8sgpt_py.sandbox.kubelet import Kubelet
from k8sgpt_py.sandbox.seed import read_registry, seed
from k8sgpt_py.sandbox.store import Store
from k8sgpt_py.sandbox.tls import CA_CERT_PEM, SERVER_CERT_PEM, SERVER_KEY_PEM
from k8sgpt_py.userfiles import write_private

START_TIMEOUT_SECONDS = 10.0


def default_seed_dir() -> Path:
    """The demo cluster's manifests (see :func:`k8sgpt_py.demo.demo_dir`)."""
    from k8sgpt_py.demo import demo_dir

    return demo_dir()


class Sandbox:
    """A Kubernetes-speaking HTTP server on 127.0.0.1, seeded with the demo cluster."""

    def __init__(
        self,
        seed_dir: Path | None = None,
        *,
        state_file: Path | None = None,
        tls: bool = True,
        tokens: Tokens | None = None,
    ) -> None:
        self.tls = tls
        self.tokens = tokens if tokens is not None else Tokens.generate()
        self.seed_dir = Path(seed_dir) if seed_dir is not None else default_seed_dir()
        self.state_file = Path(state_file) if state_file is not None else None
        kubelet = Kubelet(read_registry(self.seed_dir))
        if self.state_file is not None and self.state_file.exists():
            store = Store.load(self.state_file)
            self.api = Api(store, kubelet, self.state_file)
        else:
            self.api = Api(Store(), kubelet, self.state_file)
            seed(self.api, self.seed_dir)
            if self.state_file is not None:
                self.api.store.save(self.state_file)
        self.faults = FaultSet()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: Any = None
        self._url: str | None = None

    @property
    def store(self) -> Store:
        """The live store (only safe to read while the server is stopped or idle)."""
        return self.api.store

    @property
    def url(self) -> str:
        """``https://127.0.0.1:PORT`` once started (``http://`` with ``tls=False``)."""
        if self._url is None:
            raise RuntimeError("sandbox is not started")
        return self._url

    # ------------------------------------------------------------ lifecycle

    def start(self, host: str = "127.0.0.1", port: int = 0) -> Sandbox:
        """Serve from a background thread; returns once the socket is listening."""
        if self._thread is not None:
            return self
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(host, port, ready, failure), name="kai-sandbox", daemon=True
        )
        self._thread.start()
        if not ready.wait(START_TIMEOUT_SECONDS) or failure:
            self._thread = None
            raise RuntimeError(f"sandbox failed to start on {host}:{port}: {failure[:1]}")
        return self

    def _run(
        self, host: str, port: int, ready: threading.Event, failure: list[BaseException]
    ) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve(host, port))
        except BaseException as exc:  # reported to start()
            failure.append(exc)
            ready.set()
            loop.close()
            return
        ready.set()
        loop.run_forever()
        loop.run_until_complete(self._shutdown())
        loop.close()

    async def _shutdown(self) -> None:
        """Close the listener and open watches, then cancel whatever is still running."""
        await self._runner.cleanup()
        current = asyncio.current_task()
        pending = [t for t in asyncio.all_tasks() if t is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    async def _serve(self, host: str, port: int) -> None:
        from aiohttp import web

        from k8sgpt_py.sandbox.server import build_app

        runner = web.AppRunner(
            build_app(self.api, self.faults, self.tokens), access_log=None, shutdown_timeout=0.5
        )
        await runner.setup()
        site = web.TCPSite(
            runner, host, port, ssl_context=_server_ssl_context() if self.tls else None
        )
        await site.start()
        self._runner = runner
        bound = runner.addresses[0][1]
        self._url = f"{'https' if self.tls else 'http'}://{host}:{bound}"

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        self._loop = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------ clients and faults

    def write_kubeconfig(self, path: Path) -> Path:
        """Write a kubeconfig with an admin context (current) and a read-only viewer context.

        It holds this sandbox's tokens, so it is created readable by its owner only (0600).
        """
        path = Path(path)
        cluster: dict[str, Any] = {"server": self.url}
        if self.tls:
            cluster["certificate-authority-data"] = base64.b64encode(CA_CERT_PEM.encode()).decode()
        doc = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "kai-sandbox", "cluster": cluster}],
            "users": [
                {"name": ADMIN.name, "user": {"token": self.tokens.admin}},
                {"name": VIEWER.name, "user": {"token": self.tokens.viewer}},
            ],
            "contexts": [
                {
                    "name": "kai-sandbox",
                    "context": {
                        "cluster": "kai-sandbox",
                        "user": ADMIN.name,
                        "namespace": "default",
                    },
                },
                {
                    "name": "kai-sandbox-viewer",
                    "context": {
                        "cluster": "kai-sandbox",
                        "user": VIEWER.name,
                        "namespace": "default",
                    },
                },
            ],
            "current-context": "kai-sandbox",
            "preferences": {},
        }
        write_private(path, yaml.safe_dump(doc, sort_keys=False))
        return path

    def inject_fault(
        self,
        *,
        path: str,
        method: str | None = None,
        status: int | None = None,
        delay_seconds: float = 0.0,
        drop: bool = False,
        count: int | None = None,
        dry_run_only: bool = False,
        real_only: bool = False,
    ) -> None:
        """Make requests whose URL path matches the regex ``path`` fail (see module docs).

        ``dry_run_only`` / ``real_only`` limit it to requests with / without ``dryRun=All``.
        """
        self.faults.add(
            Fault(
                path=path,
                method=method,
                status=status,
                delay_seconds=delay_seconds,
                drop=drop,
                remaining=count,
                dry_run_only=dry_run_only,
                real_only=real_only,
            )
        )

    def clear_faults(self) -> None:
        """Disarm every injected fault."""
        self.faults.clear()


def _server_ssl_context() -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with tempfile.TemporaryDirectory(prefix="kai-sandbox-tls-") as folder:
        chain = Path(folder) / "server.pem"
        chain.write_text(SERVER_CERT_PEM + SERVER_KEY_PEM, encoding="utf-8")
        context.load_cert_chain(chain)
    return context


def ca_cert_pem() -> str:
    """PEM of the CA that signed the sandbox's server certificate (for HTTP clients)."""
    return CA_CERT_PEM


def serve(
    *,
    state_file: Path,
    port: int,
    kubeconfig: Path,
    seed_dir: Path | None = None,
    token_file: Path | None = None,
) -> None:
    """Serve in the foreground until SIGTERM or SIGINT (``kai sandbox up``).

    Every file this process creates (state, kubeconfig, tokens) is private to its owner
    (umask 077). ``token_file`` keeps the tokens across restarts; without it they are new.
    """
    stop = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    old_umask = os.umask(0o077)
    try:
        tokens = Tokens.load_or_create(token_file) if token_file is not None else None
        sandbox = Sandbox(seed_dir, state_file=state_file, tokens=tokens).start(port=port)
        try:
            sandbox.write_kubeconfig(kubeconfig)
            while not stop.wait(0.5):
                pass
        finally:
            sandbox.stop()
    finally:
        os.umask(old_umask)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
