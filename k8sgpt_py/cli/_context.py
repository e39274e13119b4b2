"""AppContext: built once from global flags and settings; commands take their parts from it."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from k8sgpt_py import clock
from k8sgpt_py.config import Settings, state_dir
from k8sgpt_py.render.console import Terminal

if TYPE_CHECKING:
    from k8sgpt_py.changes.audit import AuditLog
    from k8sgpt_py.cluster.kube import Cluster
    from k8sgpt_py.metrics.base import MetricSource
    from k8sgpt_py.planner.llm import LlmSession
    from k8sgpt_py.render.emit import OutputMode
    from k8sgpt_py.tools.base import ToolContext


@dataclass
class AppContext:
    """What every command may need; the cluster connection is made on first use."""

    settings: Settings
    output: OutputMode
    terminal: Terminal
    assume_yes: bool = False
    dry_run: bool = False
    offline: bool = False
    kubeconfig: str | None = None
    context: str | None = None
    namespace: str | None = None
    all_namespaces: bool = False
    use_sandbox: bool = False
    verbose: bool = False
    debug: bool = False
    now: datetime = field(default_factory=clock.now)  # KAI_NOW pins it
    _cluster: Cluster | None = None
    _sandbox: Any = None
    _tmp: Any = None
    _llm: LlmSession | None = None

    @property
    def read_only(self) -> bool:
        """Write tools disabled (flag, KAI_READ_ONLY or config)."""
        return self.settings.read_only

    def cluster(self) -> Cluster:
        """The one connection (starting a fresh in-process sandbox for --sandbox)."""
        if self._cluster is None:
            from k8sgpt_py.cluster.kube import Cluster

            kubeconfig = self.kubeconfig
            if self.use_sandbox:
                kubeconfig = str(self._start_sandbox())
            self._cluster = Cluster.connect(
                kubeconfig=kubeconfig,
                context=self.context,
                timeout_seconds=min(self.settings.timeout_seconds, 30.0),
            )
        return self._cluster

    def _start_sandbox(self) -> Path:
        from k8sgpt_py.sandbox import Sandbox

        self._tmp = tempfile.TemporaryDirectory(prefix="kai-sandbox-")
        self._sandbox = Sandbox().start()
        return Path(self._sandbox.write_kubeconfig(Path(self._tmp.name) / "kubeconfig"))

    def tool_context(self) -> ToolContext:
        """What tools get: cluster, settings, explicit namespace, the clock."""
        from k8sgpt_py.tools.base import ToolContext

        namespace = None if self.all_namespaces else self.namespace
        cluster = self.cluster()
        return ToolContext(
            cluster=cluster,
            settings=self.settings,
            namespace=namespace,
            now=self.now,
            read_only=self.read_only,
            metrics_factory=lambda: self.metric_source(cluster),
        )

    def metric_source(self, cluster: Cluster) -> MetricSource | None:
        """Prometheus or a CSV when configured; the demo history on a kai sandbox."""
        from k8sgpt_py.metrics import history_source

        source = history_source(self.settings, now=self.now)
        if source is None and cluster.target.context.startswith("kai-sandbox"):
            from k8sgpt_py.demo import demo_dir
            from k8sgpt_py.metrics import CsvSource

            source = CsvSource(demo_dir() / "metrics.csv", now=self.now)
        return source

    def llm_session(self, ctx: ToolContext) -> LlmSession:
        """One conversation per process, so REPL follow-ups keep their context."""
        if self._llm is None:
            from k8sgpt_py.planner.llm import LlmSession
            from k8sgpt_py.planner.models import make_chat_model
            from k8sgpt_py.tools.registry import all_tools

            self._llm = LlmSession(
                model=make_chat_model(self.settings),
                tools=list(all_tools(read_only=ctx.read_only).values()),
                ctx=ctx,
                max_steps=self.settings.max_steps,
            )
        return self._llm

    def audit(self) -> AuditLog:
        """The audit log under the XDG state dir (a throwaway sandbox gets its own file)."""
        from k8sgpt_py.changes.audit import AuditLog

        name = "sandbox-audit.jsonl" if self.use_sandbox else "audit.jsonl"
        return AuditLog(state_dir() / name)

    def close(self) -> None:
        """Stop an in-process sandbox and remove its files."""
        if self._sandbox is not None:
            self._sandbox.stop()
            self._sandbox = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
