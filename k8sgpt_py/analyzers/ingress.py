"""Ingress analyzer: missing ingress class, backend Services (or their ports), TLS Secrets."""

from __future__ import annotations

from collections.abc import Iterator

from k8sgpt_py.analyzers._k8s import dig, items, kai_cmd, mapping, name_of, ns_of, text
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.workload import workload_finding

CLASS_ANNOTATION = "kubernetes.io/ingress.class"
DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"


@register("ingress", reads=("ingresses", "ingressclasses", "services", "secrets"))
def analyze_ingresses(snapshot: Snapshot) -> list[Finding]:
    """Findings for every Ingress in the snapshot."""
    findings: list[Finding] = []
    for ingress in snapshot.ingresses:
        findings.extend(_class_findings(snapshot, ingress))
        findings.extend(_backend_findings(snapshot, ingress))
        findings.extend(_tls_findings(snapshot, ingress))
    return findings


def _class_findings(snapshot: Snapshot, ingress: RawObject) -> list[Finding]:
    if not snapshot.was_read("ingressclasses"):
        return []
    class_name = text(ingress, "spec", "ingressClassName") or text(
        ingress, "metadata", "annotations", CLASS_ANNOTATION
    )
    available = [name_of(ic) for ic in snapshot.ingressclasses]
    if class_name:
        if class_name in available:
            return []
        message = f"ingress class {class_name!r} does not exist, so no controller serves it"
        reason, evidence = "IngressClassMissing", [f"ingressClassName: {class_name}"]
    else:
        defaults = [
            ic
            for ic in snapshot.ingressclasses
            if text(ic, "metadata", "annotations", DEFAULT_CLASS_ANNOTATION) == "true"
        ]
        if defaults:
            return []
        message = "no ingress class is set and the cluster has no default class"
        reason, evidence = "NoIngressClass", ["spec.ingressClassName: <unset>"]
    evidence.append(f"ingress classes: {', '.join(available) or 'none'}")
    choice = available[0] if available else "<class>"
    request = f"set ingressClassName of ingress/{name_of(ingress)} to {choice}"
    suggestion = (
        f"use an existing class ({kai_cmd(ns_of(ingress), request)})"
        if available
        else "install an ingress controller (it creates an IngressClass)"
    )
    return [_finding(ingress, Severity.WARNING, reason, message, evidence, suggestion)]


def _backends(ingress: RawObject) -> Iterator[tuple[str, RawObject]]:
    default = mapping(ingress, "spec", "defaultBackend") or mapping(ingress, "spec", "backend")
    if default:
        yield "defaultBackend", default
    for rule in items(ingress, "spec", "rules"):
        host = text(rule, "host") or "*"
        for path in items(rule, "http", "paths"):
            yield f"{host}{text(path, 'path') or '/'}", mapping(path, "backend")


def _backend_findings(snapshot: Snapshot, ingress: RawObject) -> list[Finding]:
    namespace = ns_of(ingress)
    if not snapshot.was_read("services", namespace):
        return []
    found = []
    for where, backend in _backends(ingress):
        service_name = text(backend, "service", "name") or text(backend, "serviceName")
        if not service_name:
            continue  # a resource backend
        service = snapshot.index.get("services", namespace, service_name)
        if service is None:
            found.append(
                _finding(
                    ingress,
                    Severity.CRITICAL,
                    "BackendServiceMissing",
                    f"backend service {service_name!r} for {where} does not exist: "
                    "requests get 503",
                    [
                        f"{where} -> service {service_name}",
                        f"no service {namespace}/{service_name}",
                    ],
                    f"create service {service_name} or point {where} at an existing service",
                )
            )
            continue
        port = dig(backend, "service", "port", "number") or dig(backend, "service", "port", "name")
        port = port or dig(backend, "servicePort")
        if port is not None and not _service_has_port(service, port):
            found.append(
                _finding(
                    ingress,
                    Severity.WARNING,
                    "BackendPortMismatch",
                    f"backend {service_name}:{port} for {where} is not a port of the service",
                    [f"service {service_name} ports: {_port_list(service)}"],
                    f"use one of the service's ports ({_port_list(service)}) for {where}",
                )
            )
    return found


def _service_has_port(service: RawObject, port: object) -> bool:
    for spec_port in items(service, "spec", "ports"):
        if port in (dig(spec_port, "port"), dig(spec_port, "name")) or str(port) == str(
            dig(spec_port, "port")
        ):
            return True
    return False


def _port_list(service: RawObject) -> str:
    return (
        ", ".join(
            f"{dig(p, 'port')}" + (f" ({text(p, 'name')})" if text(p, "name") else "")
            for p in items(service, "spec", "ports")
        )
        or "none"
    )


def _tls_findings(snapshot: Snapshot, ingress: RawObject) -> list[Finding]:
    namespace = ns_of(ingress)
    if not snapshot.was_read("secrets", namespace):
        return []
    found = []
    for tls in items(ingress, "spec", "tls"):
        secret = text(tls, "secretName")
        if secret and not snapshot.index.has("secrets", namespace, secret):
            hosts = ", ".join(str(h) for h in dig(tls, "hosts") or []) or "*"
            found.append(
                _finding(
                    ingress,
                    Severity.WARNING,
                    "TLSSecretMissing",
                    f"TLS secret {secret!r} for {hosts} does not exist: HTTPS serves the default "
                    "certificate",
                    [
                        f"spec.tls: secretName {secret} hosts {hosts}",
                        f"no secret {namespace}/{secret}",
                    ],
                    f"create it (kubectl create secret tls {secret} -n {namespace} --cert=FILE "
                    "--key=FILE) or let cert-manager issue it",
                )
            )
    return found


def _finding(
    ingress: RawObject,
    severity: Severity,
    reason: str,
    message: str,
    evidence: list[str],
    suggestion: str,
) -> Finding:
    return workload_finding(
        ingress,
        analyzer="ingress",
        severity=severity,
        reason=reason,
        message=message,
        evidence=evidence,
        suggestion=suggestion,
    )
