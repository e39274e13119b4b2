"""Current usage from metrics-server (``metrics.k8s.io`` PodMetrics).

metrics-server keeps no history: :meth:`MetricsServerSource.history` returns one point, the
current value. A workload's pods are the pods whose name starts with ``<workload>-``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

import numpy as np

from k8sgpt_py import clock
from k8sgpt_py.metrics.base import (
    UNITS,
    Metric,
    MetricsUnavailable,
    NoMetricData,
    Series,
    check_name,
    check_request,
)
from k8sgpt_py.quantity import parse_quantity

PodMetrics = Mapping[str, object]
ListPodMetrics = Callable[[str | None], Sequence[PodMetrics]]
_HINT = "check that metrics-server runs: `kubectl top pods -n NAMESPACE`"
# deployment pods: <name>-<replicaset hash>-<5 chars>; statefulset: <name>-<ordinal>;
# daemonset and bare replicaset pods: <name>-<5 chars>
# (hash characters: Kubernetes' SafeEncodeString alphabet, which has no vowels)
_HASH = "[bcdfghjklmnpqrstvwxz2456789]"
_POD_SUFFIX = re.compile(rf"-(?:{_HASH}{{6,10}}-{_HASH}{{5}}|\d+|{_HASH}{{5}})$")


def workload_of(pod_name: str) -> str:
    """Best guess of the owning workload's name from a pod name (``web-7d4b9c8f6d-x2x7q``)."""
    return _POD_SUFFIX.sub("", pod_name) or pod_name


class MetricsServerSource:
    """A :class:`~k8sgpt_py.metrics.base.MetricSource` for current cpu and memory.

    Args:
        list_pod_metrics: Returns the raw PodMetrics dicts of a namespace (all for None).
        now: Clock used when a PodMetrics item has no timestamp.
    """

    name: str = "metrics-server"

    def __init__(
        self,
        list_pod_metrics: ListPodMetrics,
        *,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.list_pod_metrics = list_pod_metrics
        self.now = now

    def current(self, namespace: str, workload: str) -> dict[Metric, float]:
        """Summed usage of the workload's containers: ``cpu`` millicores, ``memory`` bytes.

        Raises:
            NoMetricData: No pod of the workload has metrics.
            MetricsUnavailable: A PodMetrics item is malformed.
        """
        usage, _ = self._usage(namespace, workload)
        return usage

    def history(
        self,
        namespace: str,
        workload: str,
        metric: Metric,
        *,
        start: datetime,
        end: datetime,
        step_seconds: int = 300,
    ) -> Series:
        """One point: the current value, at the newest PodMetrics timestamp (window ignored).

        Raises:
            NoMetricData: The metric is not cpu or memory, or the workload has no pod metrics.
        """
        check_request(namespace, workload, metric, start=start, end=end, step_seconds=step_seconds)
        if metric not in ("cpu", "memory"):
            raise NoMetricData(
                f"metrics-server has no {metric} for {namespace}/{workload}: "
                "it reports current cpu and memory only",
                hint="configure KAI_PROMETHEUS_URL for history",
            )
        usage, stamp = self._usage(namespace, workload)
        return Series(
            namespace,
            workload,
            metric,
            np.array([stamp]),
            np.array([usage[metric]]),
            UNITS[metric],
            self.name,
        )

    def workloads(self, namespace: str | None = None) -> list[tuple[str, str]]:
        """Workloads guessed from the names of pods that have metrics, sorted."""
        found = set()
        for item in self.list_pod_metrics(namespace):
            pod_namespace, pod_name = _ident(item)
            if namespace is None or pod_namespace == namespace:
                found.add((pod_namespace, workload_of(pod_name)))
        return sorted(found)

    def _usage(self, namespace: str, workload: str) -> tuple[dict[Metric, float], float]:
        check_name("namespace", namespace)
        check_name("workload", workload)
        cpu_millicores = memory_bytes = 0.0
        stamps: list[float] = []
        for item in self.list_pod_metrics(namespace):
            pod_namespace, pod_name = _ident(item)
            if pod_namespace != namespace or not pod_name.startswith(f"{workload}-"):
                continue
            cpu, memory = _pod_usage(item, pod_name)
            cpu_millicores += cpu
            memory_bytes += memory
            stamps.append(self._stamp(item, pod_name))
        if not stamps:
            raise NoMetricData(
                f"no pod metrics for {namespace}/{workload} (metrics-server)", hint=_HINT
            )
        return {"cpu": cpu_millicores, "memory": memory_bytes}, max(stamps)

    def _stamp(self, item: PodMetrics, pod_name: str) -> float:
        raw = item.get("timestamp")
        if not raw:
            return self.now().timestamp()
        try:
            moment = datetime.fromisoformat(str(raw))
        except ValueError:
            raise _malformed(pod_name, f"timestamp {raw!r}") from None
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _ident(item: PodMetrics) -> tuple[str, str]:
    metadata = item.get("metadata")
    if not isinstance(metadata, Mapping):
        raise _malformed("?", "no metadata")
    return str(metadata.get("namespace", "")), str(metadata.get("name", ""))


def _pod_usage(item: PodMetrics, pod_name: str) -> tuple[float, float]:
    """Millicores and bytes summed over the pod's containers."""
    containers = item.get("containers")
    if not isinstance(containers, Sequence):
        raise _malformed(pod_name, "no containers list")
    cpu_millicores = memory_bytes = 0.0
    for container in containers:
        usage = container.get("usage") if isinstance(container, Mapping) else None
        if not isinstance(usage, Mapping):
            raise _malformed(pod_name, "container without usage")
        try:
            cpu_millicores += _quantity(usage.get("cpu", 0)) * 1000.0
            memory_bytes += _quantity(usage.get("memory", 0))
        except ValueError as exc:
            raise _malformed(pod_name, str(exc)) from None
    return cpu_millicores, memory_bytes


def _quantity(raw: object) -> float:
    if not isinstance(raw, str | int | float):
        raise ValueError(f"not a quantity: {raw!r}")
    return parse_quantity(raw)


def _malformed(pod_name: str, why: str) -> MetricsUnavailable:
    return MetricsUnavailable(f"malformed PodMetrics for pod {pod_name}: {why}", hint=_HINT)
