"""The aiohttp application: routing, auth, faults, content negotiation and watch streams."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from k8sgpt_py import __version__
from k8sgpt_py.sandbox import conversion, rbac, reviews, subresources, tokens
from k8sgpt_py.sandbox.api import Api, Request
from k8sgpt_py.sandbox.apply_request import server_side_apply
from k8sgpt_py.sandbox.auth import ADMIN, Tokens, User, authenticate
from k8sgpt_py.sandbox.faults import FaultSet, fault_from_json, reason_for
from k8sgpt_py.sandbox.patch import APPLY_PATCH_TYPE
from k8sgpt_py.sandbox.protobuf import PROTOBUF_TYPE
from k8sgpt_py.sandbox.protobuf import decode as decode_protobuf
from k8sgpt_py.sandbox.resources import (
    REVIEWS,
    VIRTUAL_KEYS,
    ResourceType,
    api_group,
    api_group_list,
    api_resource_list,
    lookup,
    openapi_v3_group,
    openapi_v3_root,
)
from k8sgpt_py.sandbox.store import ApiError
from k8sgpt_py.sandbox.tables import to_table

Obj = dict[str, Any]
API_KEY: web.AppKey[Api] = web.AppKey("api", Api)
FAULTS_KEY: web.AppKey[FaultSet] = web.AppKey("faults", FaultSet)
TOKENS_KEY: web.AppKey[Tokens] = web.AppKey("tokens", Tokens)


class Watchers:
    """Queues of the open watch streams (closed on shutdown)."""

    def __init__(self) -> None:
        self.queues: set[asyncio.Queue[Any]] = set()


WATCHERS_KEY = web.AppKey("watchers", Watchers)
DEFAULT_WATCH_SECONDS = 1800.0
TICK_SECONDS = 0.5

VERSION_INFO = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.0-kai-sandbox",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2026-01-01T00:00:00Z",
    "goVersion": "go1.23.4",
    "compiler": "gc",
    "platform": "linux/amd64",
    "emulationMajor": "1",
    "emulationMinor": "32",
    "minCompatibilityMajor": "1",
    "minCompatibilityMinor": "31",
    "kaiSandbox": __version__,
}


def _json(body: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=json.dumps(body, separators=(",", ":")).encode(),
        status=status,
        content_type="application/json",
    )


def _error(exc: ApiError) -> web.Response:
    return _json(exc.status(), exc.code)


_NOT_FOUND = ApiError(404, "NotFound", "the server could not find the requested resource")


def _discovery(parts: list[str]) -> Obj | None:
    if parts == ["api"]:
        return {
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}
            ],
        }
    if parts == ["api", "v1"]:
        return api_resource_list("", "v1")
    if parts == ["apis"]:
        return api_group_list()
    if len(parts) == 2 and parts[0] == "apis":
        return api_group(parts[1])
    if len(parts) == 3 and parts[0] == "apis":
        return api_resource_list(parts[1], parts[2])
    if parts == ["openapi", "v3"]:
        return openapi_v3_root()
    if parts[:2] == ["openapi", "v3"] and parts[2:3] == ["api"] and len(parts) == 4:
        return openapi_v3_group("", parts[3])
    if parts[:3] == ["openapi", "v3", "apis"] and len(parts) == 5:
        return openapi_v3_group(parts[3], parts[4])
    return None


def _parse_resource_path(
    parts: list[str],
) -> tuple[ResourceType, str | None, str | None, str] | None:
    if parts[:2] == ["api", "v1"]:
        group, version, rest = "", "v1", parts[2:]
    elif len(parts) >= 4 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    namespace = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        rtype = lookup(group, version, rest[2])
        if rtype is not None and rtype.namespaced:
            namespace, rest = rest[1], rest[2:]
    if not rest or len(rest) > 3:
        return None
    rtype = lookup(group, version, rest[0])
    if rtype is None or (rtype.namespaced is False and namespace is not None):
        return None
    name = rest[1] if len(rest) > 1 else None
    sub = rest[2] if len(rest) > 2 else ""
    if sub and sub not in rtype.subresources:
        return None
    return rtype, namespace, name, sub


def _verb(method: str, name: str | None, query: dict[str, str]) -> str:
    if method == "GET":
        if name is None:
            return "watch" if query.get("watch") in {"1", "true", "True"} else "list"
        return "get"
    return {
        "POST": "create",
        "PUT": "update",
        "PATCH": "patch",
        "DELETE": "delete" if name else "deletecollection",
    }.get(method, "unknown")


def _convert(
    request: web.Request, req: Request, body: Obj, items: list[Obj] | None, meta: Obj
) -> Obj:
    accept = request.headers.get("Accept", "")
    if "as=Table" in accept:
        include = req.query.get("includeObject", "Metadata")
        return to_table(req.rtype, items if items is not None else [body], meta, include)
    if "as=PartialObjectMetadata" in accept:

        def partial(o: Obj) -> Obj:
            return {
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": o["metadata"],
            }

        if items is None:
            return partial(body)
        return {
            "kind": "PartialObjectMetadataList",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": meta,
            "items": [partial(o) for o in items],
        }
    return _external(req, body)


def _external(req: Request, body: Obj) -> Obj:
    """``body`` (or a list of them) in the version the client asked for."""
    served = req.extra.get("external")
    if served is None:
        return body
    if isinstance(body.get("items"), list):
        items = [conversion.to_external(served, o) for o in body["items"]]
        return {**body, "apiVersion": served.api_version, "items": items}
    return conversion.to_external(served, body)


async def _read_body(request: web.Request) -> Any:
    if not request.body_exists:  # (can_read_body turns false once it has been read)
        return None
    raw = await request.read()
    if not raw.strip():
        return None
    if request.headers.get("Content-Type", "").startswith(PROTOBUF_TYPE):
        return decode_protobuf(raw)
    try:
        return json.loads(raw)
    except ValueError:
        try:
            import yaml

            return yaml.safe_load(raw)
        except Exception as exc:
            raise ApiError(
                400, "BadRequest", f"the body of the request could not be decoded: {exc}"
            ) from exc


async def _handle_resource(request: web.Request, api: Api, req: Request) -> web.StreamResponse:
    rtype, verb = req.rtype, req.verb
    if verb == "watch":
        return await _watch(request, api, req)
    if rtype.plural in REVIEWS:
        if verb != "create":
            raise ApiError(
                405,
                "MethodNotAllowed",
                "the server does not allow this method on the requested resource",
            )
        return _json(reviews.review(api, req), 201)
    if rtype.key in VIRTUAL_KEYS:
        if verb == "get":
            return _json(_convert(request, req, subresources.computed_get(api, req), None, {}))
        if verb != "list":
            raise ApiError(
                405,
                "MethodNotAllowed",
                "the server does not allow this method on the requested resource",
            )
    if req.subresource == "log":
        return web.Response(text=subresources.logs(api, req), content_type="text/plain")
    if req.subresource == "scale":
        return _json(subresources.scale(api, req))
    if req.subresource == "token":
        return _json(tokens.token_request(api, req), 201)
    if req.subresource == "eviction":
        return _json(subresources.evict(api, req), 201)
    if verb == "get":
        return _json(_convert(request, req, api.get(req), None, {}))
    if verb == "list":
        items, meta = api.list(req)
        body = {
            "kind": f"{rtype.kind}List",
            "apiVersion": rtype.api_version,
            "metadata": meta,
            "items": items,
        }
        return _json(_convert(request, req, body, items, meta))
    if verb == "create":
        return _json(_external(req, api.create(req)), 201)
    if verb == "update":
        return _json(_external(req, api.replace(req)))
    if verb == "patch" and req.content_type.startswith(APPLY_PATCH_TYPE):
        obj, created = server_side_apply(api, req)
        return _json(_external(req, obj), 201 if created else 200)
    if verb == "patch":
        return _json(_external(req, api.patch(req)))
    if verb == "delete":
        return _json(_external(req, api.delete(req)))
    if verb == "deletecollection":
        return _json(_external(req, api.delete_collection(req)))
    raise ApiError(
        405, "MethodNotAllowed", "the server does not allow this method on the requested resource"
    )


def _watch_line(event_type: str, obj: Obj, req: Request, table: bool) -> bytes:
    if table:
        obj = to_table(
            req.rtype, [obj], {"resourceVersion": obj["metadata"].get("resourceVersion", "")}
        )
    else:
        obj = _external(req, obj)
    return json.dumps({"type": event_type, "object": obj}, separators=(",", ":")).encode() + b"\n"


async def _watch(request: web.Request, api: Api, req: Request) -> web.StreamResponse:
    match = api.matcher(req)
    queue: asyncio.Queue[tuple[str, Obj] | None] = asyncio.Queue()
    table = "as=Table" in request.headers.get("Accept", "")
    rv = req.query.get("resourceVersion", "")
    send_initial = req.query.get("sendInitialEvents") == "true"
    if rv in {"", "0"} or send_initial:
        initial = [("ADDED", o) for o in api.filtered(req)]
    else:
        try:
            history = api.store.events_since(int(rv))
        except ValueError as exc:
            raise ApiError(400, "BadRequest", f"invalid resource version: {rv}") from exc
        if history is None:
            raise ApiError(
                410, "Expired", f"too old resource version: {rv} ({api.store.resource_version})"
            )
        initial = [(t, o) for _, t, k, o in history if match(k, o)]

    def listener(event_type: str, key: str, obj: Obj) -> None:
        if match(key, obj):
            queue.put_nowait((event_type, obj))

    api.store.listeners.append(listener)
    watchers = request.app[WATCHERS_KEY].queues
    watchers.add(queue)
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    response.enable_chunked_encoding()
    try:
        await response.prepare(request)
        for event_type, obj in initial:
            await response.write(_watch_line(event_type, obj, req, table))
        if send_initial:
            bookmark = {
                "kind": req.rtype.kind,
                "apiVersion": req.rtype.api_version,
                "metadata": {
                    "resourceVersion": str(api.store.resource_version),
                    "annotations": {"k8s.io/initial-events-end": "true"},
                },
            }
            await response.write(_watch_line("BOOKMARK", bookmark, req, False))
        timeout = float(req.query.get("timeoutSeconds") or DEFAULT_WATCH_SECONDS)
        await _pump(response, queue, req, table, timeout)
        await response.write_eof()
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        api.store.listeners.remove(listener)
        watchers.discard(queue)
    return response


async def _pump(
    response: web.StreamResponse,
    queue: asyncio.Queue[tuple[str, Obj] | None],
    req: Request,
    table: bool,
    timeout: float,
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (left := deadline - loop.time()) > 0:
        try:
            item = await asyncio.wait_for(queue.get(), left)
        except TimeoutError:
            return
        if item is None:
            return
        await response.write(_watch_line(item[0], item[1], req, table))


async def _apply_fault(request: web.Request, faults: FaultSet) -> web.StreamResponse | None:
    dry = request.query.get("dryRun") == "All"
    fault = faults.take(request.method, request.path, dry)
    if fault is None:
        return None
    if fault.delay_seconds:
        await request.read()  # a slow server has the whole request: it still acts on it
        await asyncio.sleep(fault.delay_seconds)
    if fault.drop:
        if request.transport is not None:
            request.transport.abort()  # the client sees the connection close without a response
        return web.Response(status=499)
    if fault.status:
        message = f"sandbox fault injected for {request.method} {request.path}"
        return _error(ApiError(fault.status, reason_for(fault.status), message))
    return None


async def _sandbox_control(request: web.Request) -> web.Response:
    faults = request.app[FAULTS_KEY]
    if request.path == "/_sandbox/faults" and request.method == "POST":
        try:
            faults.add(fault_from_json(await request.json()))
        except (ValueError, TypeError, KeyError) as exc:
            return _error(ApiError(400, "BadRequest", f"bad fault: {exc}"))
        return _json({"status": "armed"}, 201)
    if request.path == "/_sandbox/faults" and request.method == "DELETE":
        faults.clear()
        return _json({"status": "cleared"})
    if request.path == "/_sandbox/health":
        return _json({"status": "ok"})
    return _error(_NOT_FOUND)


async def handle(request: web.Request) -> web.StreamResponse:
    """Single entry point for every request."""
    if request.path.startswith("/_sandbox/"):
        return await _sandbox_control(request)
    api = request.app[API_KEY]
    try:
        faulted = await _apply_fault(request, request.app[FAULTS_KEY])
        if faulted is not None:
            return faulted
        return await _dispatch(request, api)
    except ApiError as exc:
        return _error(exc)
    except ConnectionResetError:
        raise
    except Exception as exc:  # the API server answers 500 rather than dropping the connection
        return _error(
            ApiError(500, "InternalError", f"Internal error occurred: {type(exc).__name__}: {exc}")
        )


async def _dispatch(request: web.Request, api: Api) -> web.StreamResponse:
    parts = [p for p in request.path.split("/") if p]
    if parts == ["version"]:
        return _json(VERSION_INFO)
    if parts and parts[0] in {"healthz", "readyz", "livez"}:
        return web.Response(text="ok")
    header = request.headers.get("Authorization")
    holder = tokens.holder(api.store, header)
    user = ADMIN if holder else authenticate(header, request.app[TOKENS_KEY])
    if request.method == "GET":
        doc = _discovery(parts)
        if doc is not None:
            return _json(doc)
    parsed = _parse_resource_path(parts)
    if parsed is None:
        raise _NOT_FOUND
    rtype, namespace, name, sub = parsed
    query = {k: v for k, v in request.query.items()}
    verb = _verb(request.method, name, query)
    body = (
        await _read_body(request) if request.method in {"POST", "PUT", "PATCH", "DELETE"} else None
    )
    content_type = request.headers.get("Content-Type", "application/json")
    if content_type.startswith(PROTOBUF_TYPE):
        content_type = "application/json"
    external = None
    if conversion.needs_conversion(rtype) and not sub:
        external, rtype = rtype, conversion.storage_type(rtype)
        verb, body, content_type = conversion.convert_write(
            api.store, external, namespace, name, verb, body, content_type
        )
    req = Request(verb, rtype, namespace, name, sub, query, user, body, content_type)
    if external is not None:
        req.extra["external"] = external
    req.extra["user_agent"] = request.headers.get("User-Agent", "")
    req.impersonated = holder or _impersonation(request, user)
    api.authorize(req)
    return await _handle_resource(request, api, req)


def _impersonation(request: web.Request, user: User) -> rbac.Subject | None:
    """The subject of ``Impersonate-User``/``-Group`` headers; 403 unless ``user`` may."""
    name = request.headers.get("Impersonate-User")
    groups = request.headers.getall("Impersonate-Group", [])
    if not name and not groups:
        return None
    if user.is_read_only:
        kind, target = ("users", name) if name else ("groups", groups[0])
        raise ApiError(
            403,
            "Forbidden",
            f'{kind} "{target}" is forbidden: User "{user.name}" cannot impersonate resource '
            f'"{kind}" in API group "" at the cluster scope',
            {"name": target, "kind": kind},
        )
    return rbac.subject_for(name or user.name, list(groups))


async def _tick(api: Api) -> None:
    """The controllers' timer: expire rollout deadlines as time passes."""
    while True:
        await asyncio.sleep(TICK_SECONDS)
        try:
            api.tick()
        except Exception:  # a failed pass must not stop the clock; the next request retries
            continue


def build_app(api: Api, faults: FaultSet, bearers: Tokens) -> web.Application:
    """The aiohttp application serving ``api`` to the holders of ``bearers``."""
    app = web.Application(client_max_size=16 * 2**20)
    app[API_KEY] = api
    app[FAULTS_KEY] = faults
    app[TOKENS_KEY] = bearers
    app[WATCHERS_KEY] = Watchers()

    async def _close_watches(app: web.Application) -> None:
        for queue in list(app[WATCHERS_KEY].queues):
            queue.put_nowait(None)

    ticker: list[asyncio.Task[None]] = []

    async def _start_clock(app: web.Application) -> None:
        ticker.append(asyncio.get_running_loop().create_task(_tick(api)))

    async def _stop_clock(app: web.Application) -> None:
        for task in ticker:
            task.cancel()

    app.on_startup.append(_start_clock)
    app.on_shutdown.append(_close_watches)
    app.on_shutdown.append(_stop_clock)
    app.router.add_route("*", "/{tail:.*}", handle)
    return app
