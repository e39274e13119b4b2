r"""Just enough Kubernetes protobuf decoding for the bodies kubectl sends that way.

client-go's typed clients POST some objects as ``application/vnd.kubernetes.protobuf``
(``kubectl auth can-i`` sends a SelfSubjectAccessReview, ``kubectl drain`` an Eviction).
The envelope is the magic ``k8s\\0`` followed by a ``runtime.Unknown`` message whose ``raw``
field holds the object. Responses are always JSON, which client-go accepts.
"""

from __future__ import annotations

from typing import Any

from k8sgpt_py.sandbox.store import ApiError

Obj = dict[str, Any]
Fields = dict[int, list[Any]]
MAGIC = b"k8s\x00"
PROTOBUF_TYPE = "application/vnd.kubernetes.protobuf"


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def parse_fields(data: bytes) -> Fields:
    """Wire-format fields: number -> values (ints or bytes), in order."""
    fields: Fields = {}
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, pos = _varint(data, pos)
        elif wire == 2:
            length, pos = _varint(data, pos)
            value, pos = data[pos : pos + length], pos + length
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        fields.setdefault(number, []).append(value)
    return fields


def _text(fields: Fields, number: int) -> str:
    values = fields.get(number)
    return bytes(values[-1]).decode() if values else ""


def _message(fields: Fields, number: int) -> Fields:
    values = fields.get(number)
    return parse_fields(bytes(values[-1])) if values else {}


def _object_meta(fields: Fields) -> Obj:
    return {k: v for k, v in (("name", _text(fields, 1)), ("namespace", _text(fields, 3))) if v}


def _access_review(raw: Fields) -> Obj:
    spec_fields = _message(raw, 2)
    spec: Obj = {}
    attrs = _message(spec_fields, 1)
    if attrs:
        names = ["namespace", "verb", "group", "version", "resource", "subresource", "name"]
        spec["resourceAttributes"] = {
            n: _text(attrs, i) for i, n in enumerate(names, 1) if _text(attrs, i)
        }
    non_resource = _message(spec_fields, 2)
    if non_resource:
        spec["nonResourceAttributes"] = {
            "path": _text(non_resource, 1),
            "verb": _text(non_resource, 2),
        }
    return {"metadata": _object_meta(_message(raw, 1)), "spec": spec}


def _eviction(raw: Fields) -> Obj:
    options = _message(raw, 2)
    body: Obj = {"metadata": _object_meta(_message(raw, 1))}
    dry_run = [bytes(v).decode() for v in options.get(5, [])]
    if dry_run:
        body["deleteOptions"] = {"dryRun": dry_run}
    return body


_DECODERS = {"SelfSubjectAccessReview": _access_review, "Eviction": _eviction}


def decode(body: bytes) -> Obj:
    """Decode a protobuf request body into the equivalent JSON object; 415 when unsupported."""
    try:
        if not body.startswith(MAGIC):
            raise ValueError("missing k8s protobuf magic")
        unknown = parse_fields(body[len(MAGIC) :])
        type_meta = _message(unknown, 1)
        api_version, kind = _text(type_meta, 1), _text(type_meta, 2)
        decoder = _DECODERS.get(kind)
        if decoder is None:
            raise LookupError(kind)
        obj = decoder(parse_fields(bytes(unknown.get(2, [b""])[-1])))
    except LookupError as exc:
        raise ApiError(
            415,
            "UnsupportedMediaType",
            f"the sandbox cannot decode {exc.args[0]} from protobuf; send application/json",
        ) from exc
    except ValueError as exc:
        raise ApiError(
            400, "BadRequest", f"the body of the request could not be decoded: {exc}"
        ) from exc
    return {"apiVersion": api_version, "kind": kind, **obj}
