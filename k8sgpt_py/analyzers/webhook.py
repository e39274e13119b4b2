"""Validating/MutatingWebhookConfiguration analyzer: backing Service missing or without pods."""

from __future__ import annotations

from k8sgpt_py.analyzers._k8s import items, mapping, name_of, text
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.service import live_pods
from k8sgpt_py.analyzers.workload import is_pod_ready

_KINDS = {
    "validating_webhooks": "ValidatingWebhookConfiguration",
    "mutating_webhooks": "MutatingWebhookConfiguration",
}


@register("webhook", reads=("validating_webhooks", "mutating_webhooks", "services", "pods"))
def analyze_webhooks(snapshot: Snapshot) -> list[Finding]:
    """Findings for every webhook of every webhook configuration in the snapshot."""
    findings: list[Finding] = []
    for field_name, kind in _KINDS.items():
        for config in getattr(snapshot, field_name):
            for webhook in items(config, "webhooks"):
                finding = _webhook_finding(snapshot, kind, config, webhook)
                if finding is not None:
                    findings.append(finding)
    return findings


def _webhook_finding(
    snapshot: Snapshot, kind: str, config: RawObject, webhook: RawObject
) -> Finding | None:
    service_ref = mapping(webhook, "clientConfig", "service")
    namespace, service_name = text(service_ref, "namespace"), text(service_ref, "name")
    if not service_name or not snapshot.was_read("services", namespace):
        return None  # a URL webhook, or a namespace this scan did not read
    hook = text(webhook, "name")
    fails_closed = text(webhook, "failurePolicy") in ("", "Fail")
    policy = (
        "failurePolicy Fail: matching API requests are rejected"
        if fails_closed
        else ("failurePolicy Ignore: the check is silently skipped")
    )
    service = snapshot.index.get("services", namespace, service_name)
    if service is None:
        reason = "WebhookServiceMissing"
        message = f"webhook {hook} calls service {namespace}/{service_name}, which does not exist"
        evidence = [
            f"clientConfig.service: {namespace}/{service_name}",
            f"no service {namespace}/{service_name}",
        ]
    else:
        selector = mapping(service, "spec", "selector")
        if not selector or not snapshot.was_read("pods", namespace):
            return None
        pods = live_pods(snapshot, namespace, selector)
        if any(is_pod_ready(pod) for pod in pods):
            return None
        reason = "WebhookNoEndpoints"
        message = (
            f"webhook {hook} calls service {namespace}/{service_name}, which has no ready pods"
        )
        evidence = [
            f"clientConfig.service: {namespace}/{service_name}",
            f"{len(pods)} pods match its selector, none ready",
        ]
    return Finding(
        analyzer="webhook",
        severity=Severity.CRITICAL if fails_closed else Severity.WARNING,
        kind=kind,
        namespace=None,
        name=name_of(config),
        reason=reason,
        message=f"{message} ({policy})",
        evidence=tuple(evidence),
        suggestion=f"restore the webhook's backend in {namespace} (its deployment and service), "
        f"or delete {kind.lower()} {name_of(config)} if the add-on was removed",
        related=(f"service/{namespace}/{service_name}",),
    )
