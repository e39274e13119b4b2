"""Service, Ingress, NetworkPolicy and webhook analyzers."""

from __future__ import annotations

from typing import Any

from analyzer_fixtures import (
    container,
    endpoints,
    meta,
    pod,
    secret,
    service,
    snapshot,
    waiting,
)

from k8sgpt_py.analyzers import Severity
from k8sgpt_py.analyzers.ingress import analyze_ingresses
from k8sgpt_py.analyzers.networkpolicy import analyze_networkpolicies
from k8sgpt_py.analyzers.service import analyze_services
from k8sgpt_py.analyzers.webhook import analyze_webhooks

HTTP = [{"name": "http", "containerPort": 8080}]


def _web_pod(
    name: str = "web-1", *, ready: bool = True, labels: dict[str, str] | None = None
) -> dict[str, Any]:
    statuses = None if ready else [waiting("app", "CrashLoopBackOff")]
    return pod(
        name,
        "ns",
        labels=labels or {"app": "web"},
        containers=[container("app", ports=HTTP)],
        statuses=statuses,
    )


def test_service_with_ready_pods_and_matching_ports_is_healthy() -> None:
    named = service(
        "web",
        "ns",
        selector={"app": "web"},
        ports=[{"name": "http", "port": 80, "targetPort": "http"}],
    )
    headless = service("manual", "ns")  # no selector: endpoints managed by hand
    external = service("ext", "ns", selector={"app": "x"}, svc_type="ExternalName")
    assert analyze_services(snapshot(services=[named, headless, external], pods=[_web_pod()])) == []


def test_service_selector_matching_no_pods_is_critical_with_close_label() -> None:
    svc = service("web", "ns", selector={"app": "web"})
    snap = snapshot(
        services=[svc], pods=[_web_pod(labels={"app": "web2"})], endpoints=[endpoints("web", "ns")]
    )
    [finding] = analyze_services(snap)
    assert (finding.reason, finding.severity, finding.kind) == (
        "NoEndpoints",
        Severity.CRITICAL,
        "Service",
    )
    assert finding.message == "selector app=web matches no pods, so the service has no endpoints"
    assert finding.evidence == (
        "spec.selector: app=web",
        "no running pod in ns has these labels",
        "pods there have: app=web2",
        "endpoints web: 0 addresses",
    )
    assert 'kai -n ns "set the selector of svc/web to app=web2"' in finding.suggestion


def test_service_with_only_unready_pods_names_their_problem() -> None:
    svc = service("web", "ns", selector={"app": "web"})
    [finding] = analyze_services(snapshot(services=[svc], pods=[_web_pod(ready=False)]))
    assert (finding.reason, finding.severity) == ("NoReadyEndpoints", Severity.CRITICAL)
    assert finding.evidence == ("pod web-1: CrashLoopBackOff",)


def test_service_target_port_matching_no_container_port() -> None:
    svc = service(
        "web",
        "ns",
        selector={"app": "web"},
        ports=[
            {"name": "http", "port": 80, "targetPort": "web"},
            {"name": "metrics", "port": 9090, "targetPort": 9090},
        ],
    )
    found = analyze_services(snapshot(services=[svc], pods=[_web_pod()]))
    assert [(f.reason, f.severity, f.message) for f in found] == [
        (
            "TargetPortMismatch",
            Severity.WARNING,
            "port http -> targetPort web: no container of its pods has a port named 'web'",
        ),
        (
            "TargetPortMismatch",
            Severity.INFO,
            "port metrics -> targetPort 9090: its pods declare ports [8080], not 9090",
        ),
    ]


def test_service_uses_endpoints_when_pods_were_not_read() -> None:
    svc = service("web", "ns", selector={"app": "web"})
    loaded = frozenset({"services", "endpoints"})
    [finding] = analyze_services(
        snapshot(
            services=[svc], endpoints=[endpoints("web", "ns", not_ready=("web-1",))], loaded=loaded
        )
    )
    assert finding.reason == "NoReadyEndpoints"
    assert finding.evidence == ("endpoints ns/web: not ready: web-1",)
    ok = snapshot(
        services=[svc], endpoints=[endpoints("web", "ns", ready=("web-1",))], loaded=loaded
    )
    assert analyze_services(ok) == []


def _ingress(
    *,
    class_name: str | None = "nginx",
    backend: str = "web",
    port: Any = 80,
    tls_secret: str | None = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "rules": [
            {
                "host": "shop.example",
                "http": {
                    "paths": [
                        {
                            "path": "/",
                            "pathType": "Prefix",
                            "backend": {"service": {"name": backend, "port": {"number": port}}},
                        }
                    ]
                },
            }
        ]
    }
    if class_name:
        spec["ingressClassName"] = class_name
    if tls_secret:
        spec["tls"] = [{"hosts": ["shop.example"], "secretName": tls_secret}]
    return {"metadata": meta("shop", "ns"), "spec": spec, "status": {"loadBalancer": {}}}


NGINX = {"metadata": meta("nginx", None), "spec": {"controller": "k8s.io/ingress-nginx"}}


def test_ingress_healthy_has_no_findings() -> None:
    snap = snapshot(
        ingresses=[_ingress(tls_secret="shop-tls")],
        ingressclasses=[NGINX],
        services=[service("web", "ns", ports=[{"name": "http", "port": 80, "targetPort": 8080}])],
        secrets=[secret("shop-tls", "ns", "kubernetes.io/tls")],
    )
    assert analyze_ingresses(snap) == []


def test_ingress_missing_class_backend_and_tls_secret() -> None:
    snap = snapshot(
        ingresses=[_ingress(class_name="traefik", backend="api", tls_secret="shop-tls")],
        ingressclasses=[NGINX],
        services=[service("web", "ns")],
        secrets=[],
    )
    found = {f.reason: f for f in analyze_ingresses(snap)}
    assert {r: f.severity for r, f in found.items()} == {
        "IngressClassMissing": Severity.WARNING,
        "BackendServiceMissing": Severity.CRITICAL,
        "TLSSecretMissing": Severity.WARNING,
    }
    assert found["BackendServiceMissing"].message == (
        "backend service 'api' for shop.example/ does not exist: requests get 503"
    )
    assert (
        'kai -n ns "set ingressClassName of ingress/shop to nginx"'
        in found["IngressClassMissing"].suggestion
    )
    assert "kubectl create secret tls shop-tls -n ns" in found["TLSSecretMissing"].suggestion


def test_ingress_without_class_or_default_and_wrong_port() -> None:
    snap = snapshot(
        ingresses=[_ingress(class_name=None, port=8443)],
        ingressclasses=[NGINX],
        services=[service("web", "ns")],
    )
    found = {f.reason: f for f in analyze_ingresses(snap)}
    assert set(found) == {"NoIngressClass", "BackendPortMismatch"}
    assert found["BackendPortMismatch"].evidence == ("service web ports: 80 (http)",)
    default = {
        "metadata": meta(
            "nginx", None, annotations={"ingressclass.kubernetes.io/is-default-class": "true"}
        )
    }
    snap_default = snapshot(
        ingresses=[_ingress(class_name=None)],
        ingressclasses=[default],
        services=[service("web", "ns")],
    )
    assert analyze_ingresses(snap_default) == []


def _policy(selector: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {"metadata": meta("policy", "ns"), "spec": {"podSelector": selector, **spec}}


def test_networkpolicy_selecting_no_pods_is_a_warning() -> None:
    policy = _policy({"matchLabels": {"app": "db"}}, ingress=[{"from": [{"podSelector": {}}]}])
    [finding] = analyze_networkpolicies(snapshot(networkpolicies=[policy], pods=[_web_pod()]))
    assert (finding.reason, finding.severity) == ("NoPodsSelected", Severity.WARNING)
    assert finding.message == "podSelector app=db selects no pods: the policy has no effect"
    healthy = _policy({"matchLabels": {"app": "web"}}, ingress=[{"from": [{"podSelector": {}}]}])
    assert analyze_networkpolicies(snapshot(networkpolicies=[healthy], pods=[_web_pod()])) == []


def test_networkpolicy_deny_all_and_allow_all_are_info() -> None:
    deny = _policy({}, policyTypes=["Ingress", "Egress"])
    allow = _policy(
        {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web"]}]}, ingress=[{}]
    )
    found = analyze_networkpolicies(snapshot(networkpolicies=[deny, allow], pods=[_web_pod()]))
    assert [(f.reason, f.severity) for f in found] == [
        ("DenyAllIngress", Severity.INFO),
        ("DenyAllEgress", Severity.INFO),
        ("AllowAllIngress", Severity.INFO),
    ]
    assert found[0].message == "allows no ingress traffic for every pod in the namespace"


def _webhook_config(service_name: str, failure_policy: str = "Fail") -> dict[str, Any]:
    return {
        "metadata": meta("policy-hooks", None),
        "webhooks": [
            {
                "name": "validate.policy.example",
                "failurePolicy": failure_policy,
                "clientConfig": {
                    "service": {"namespace": "policy", "name": service_name, "path": "/validate"}
                },
                "admissionReviewVersions": ["v1"],
                "sideEffects": "None",
            }
        ],
    }


def test_webhook_missing_service_and_service_without_ready_pods() -> None:
    svc = service("hook", "policy", selector={"app": "hook"})
    broken_pod = pod(
        "hook-1", "policy", labels={"app": "hook"}, statuses=[waiting("app", "CrashLoopBackOff")]
    )
    snap = snapshot(
        validating_webhooks=[_webhook_config("gone")],
        mutating_webhooks=[_webhook_config("hook", "Ignore")],
        services=[svc],
        pods=[broken_pod],
    )
    found = {f.kind: f for f in analyze_webhooks(snap)}
    missing = found["ValidatingWebhookConfiguration"]
    assert (missing.reason, missing.severity, missing.namespace) == (
        "WebhookServiceMissing",
        Severity.CRITICAL,
        None,
    )
    assert missing.message.startswith(
        "webhook validate.policy.example calls service policy/gone, which does not exist"
    )
    empty = found["MutatingWebhookConfiguration"]
    assert (empty.reason, empty.severity) == ("WebhookNoEndpoints", Severity.WARNING)
    assert empty.related == ("service/policy/hook",)


def test_webhook_with_ready_backend_or_unread_namespace_is_fine() -> None:
    svc = service("hook", "policy", selector={"app": "hook"})
    ready = pod("hook-1", "policy", labels={"app": "hook"})
    assert (
        analyze_webhooks(
            snapshot(validating_webhooks=[_webhook_config("hook")], services=[svc], pods=[ready])
        )
        == []
    )
    elsewhere = snapshot(validating_webhooks=[_webhook_config("gone")], namespace="shop")
    assert analyze_webhooks(elsewhere) == []
