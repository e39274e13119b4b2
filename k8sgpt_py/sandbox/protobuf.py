r"""Kubernetes protobuf request bodies, decoded into the JSON objects they stand for.

client-go's typed clients send built-in objects as ``application/vnd.kubernetes.protobuf``
(``kubectl create deployment|namespace|configmap|role|...``, ``kubectl autoscale``, ``kubectl
auth can-i``, ``kubectl drain``). The envelope is the magic ``k8s\0`` followed by a
``runtime.Unknown`` message whose ``raw`` field holds the object. The field tables come from
the descriptors of ``k8s.io/api`` (``proto_schema.json``, see :mod:`.protogen`). Responses are
always JSON, which client-go accepts.

Go's generated marshallers write every non-pointer field, zero or not, while its JSON encoder
omits zero ``omitempty`` fields; so zero scalars are dropped here unless the field is one of
the pointer fields whose zero means something (``replicas: 0``, ``runAsUser: 0``, ...).
"""

from __future__ import annotations

import base64
import json
import struct
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from k8sgpt_py.sandbox.store import ApiError

Obj = dict[str, Any]
Fields = dict[int, list[Any]]
MAGIC = b"k8s\x00"
PROTOBUF_TYPE = "application/vnd.kubernetes.protobuf"
_SCHEMA = Path(__file__).with_name("proto_schema.json")
_META = "k8s.io.apimachinery.pkg.apis.meta.v1."
#: Pointer scalars whose zero value is meaningful (kept in the JSON object).
POINTER_SCALARS = frozenset(
    {
        "replicas",
        "minReplicas",
        "parallelism",
        "completions",
        "backoffLimit",
        "backoffLimitPerIndex",
        "maxFailedIndexes",
        "activeDeadlineSeconds",
        "ttlSecondsAfterFinished",
        "suspend",
        "startingDeadlineSeconds",
        "successfulJobsHistoryLimit",
        "failedJobsHistoryLimit",
        "terminationGracePeriodSeconds",
        "revisionHistoryLimit",
        "progressDeadlineSeconds",
        "automountServiceAccountToken",
        "runAsUser",
        "runAsGroup",
        "runAsNonRoot",
        "fsGroup",
        "privileged",
        "allowPrivilegeEscalation",
        "readOnlyRootFilesystem",
        "optional",
        "defaultMode",
        "mode",
        "immutable",
        "allowVolumeExpansion",
        "targetCPUUtilizationPercentage",
        "enableServiceLinks",
        "shareProcessNamespace",
        "hostUsers",
        "storageClassName",
        "allowed",
        "seconds",
    }
)


#: Embedded Go structs (``json:",inline"``) that protobuf nests under a field of their own.
_INLINE = frozenset(
    {"localObjectReference", "volumeSource", "ingressRuleValue", "ephemeralContainerCommon",
     "persistentVolumeSource"}
)  # fmt: skip


def _is_inline(message: str, field: str) -> bool:
    return field in _INLINE or (message == "k8s.io.api.core.v1.Probe" and field == "handler")


@cache
def schema() -> tuple[dict[str, list[list[Any]]], frozenset[str]]:
    """Messages (name -> fields) and the names of map-entry messages."""
    doc = json.loads(_SCHEMA.read_text(encoding="utf-8"))
    return doc["messages"], frozenset(doc["maps"])


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
            if pos + length > len(data):
                raise ValueError("truncated field")
            value, pos = data[pos : pos + length], pos + length
        elif wire == 1:
            value, pos = data[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos : pos + 4], pos + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        fields.setdefault(number, []).append(value)
    return fields


def _scalar(kind: int, value: Any) -> Any:
    if isinstance(value, bytes) != (kind in {1, 2, 9, 12}):
        raise ValueError(f"wire type does not match field type {kind}")
    if kind in {1, 2}:
        fmt = "<d" if kind == 1 else "<f"
        return struct.unpack(fmt, bytes(value))[0]
    if kind == 9:
        return bytes(value).decode()
    if kind == 12:
        return base64.b64encode(bytes(value)).decode()
    if kind == 8:
        return bool(value)
    if kind in {3, 5} and value >= 1 << 63:
        return value - (1 << 64)
    if kind in {17, 18}:
        return (value >> 1) ^ -(value & 1)
    return value


def _unpack_varints(raw: bytes) -> list[int]:
    out, pos = [], 0
    while pos < len(raw):
        value, pos = _varint(raw, pos)
        out.append(value)
    return out


def _special(name: str, fields: Fields) -> tuple[bool, Any]:
    """Messages that JSON shows as scalars: Time, Quantity, IntOrString, RawExtension..."""
    if name in {_META + "Time", _META + "MicroTime"}:
        seconds = fields.get(1, [0])[-1]
        if not seconds:
            return True, None
        stamp = datetime.fromtimestamp(seconds, UTC)
        if name.endswith("MicroTime"):
            micros = fields.get(2, [0])[-1] // 1000
            return True, stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{micros:06d}Z"
        return True, stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    if name == _META + "Duration":
        nanos = fields.get(1, [0])[-1]
        return True, f"{nanos / 1e9:g}s"
    if name == "k8s.io.apimachinery.pkg.api.resource.Quantity":
        return True, bytes(fields.get(1, [b""])[-1]).decode()
    if name == "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
        if fields.get(1, [0])[-1] == 1:
            return True, bytes(fields.get(3, [b""])[-1]).decode()
        return True, _scalar(5, fields.get(2, [0])[-1])
    if name in {"k8s.io.apimachinery.pkg.runtime.RawExtension", _META + "FieldsV1"}:
        raw = bytes(fields.get(1, [b""])[-1])
        return True, json.loads(raw) if raw.strip() else None
    return False, None


def decode_message(name: str, data: bytes) -> Any:
    """The JSON value of protobuf message ``name`` encoded in ``data``."""
    messages, maps = schema()
    fields = parse_fields(data)
    special, value = _special(name, fields)
    if special:
        return value
    layout = messages.get(name)
    if layout is None:
        raise LookupError(name.rsplit(".", 1)[-1])
    out: Obj = {}
    for number, field, kind, repeated, ref in layout:
        values = fields.get(number)
        if not values:
            continue
        if kind == 11 and ref in maps:
            entries = [decode_message(ref, bytes(v)) for v in values]
            out[field] = {e.get("key", ""): e.get("value") for e in entries}
        elif kind == 11:
            decoded = [decode_message(ref, bytes(v)) for v in values]
            if _is_inline(name, field) and isinstance(decoded[-1], dict):
                out.update(decoded[-1])
            elif repeated:
                out[field] = decoded
            elif decoded[-1] is not None:
                out[field] = decoded[-1]
        elif repeated:
            items: list[Any] = []
            for v in values:
                if isinstance(v, bytes) and kind not in {9, 12}:
                    items += [_scalar(kind, x) for x in _unpack_varints(v)]
                else:
                    items.append(_scalar(kind, v))
            out[field] = items
        else:
            scalar = _scalar(kind, values[-1])
            if scalar in ("", 0, False) and field not in POINTER_SCALARS and name not in maps:
                continue
            out[field] = scalar
    return out


def message_name(api_version: str, kind: str) -> str:
    """Protobuf message of ``apiVersion``/``kind``: ``apps/v1`` -> ``k8s.io.api.apps.v1``."""
    group, _, version = api_version.rpartition("/")
    package = group.split(".")[0] if group else "core"
    if group == "meta.k8s.io" or (kind in {"DeleteOptions", "Status"} and not group):
        return _META + kind
    return f"k8s.io.api.{package}.{version}.{kind}"


def decode(body: bytes) -> Obj:
    """Decode a protobuf request body into the equivalent JSON object; 415 when unsupported."""
    try:
        if not body.startswith(MAGIC):
            raise ValueError("missing k8s protobuf magic")
        unknown = parse_fields(body[len(MAGIC) :])
        type_meta = parse_fields(bytes(unknown.get(1, [b""])[-1]))
        api_version = bytes(type_meta.get(1, [b""])[-1]).decode()
        kind = bytes(type_meta.get(2, [b""])[-1]).decode()
        obj = decode_message(message_name(api_version, kind), bytes(unknown.get(2, [b""])[-1]))
    except LookupError as exc:
        raise ApiError(
            415,
            "UnsupportedMediaType",
            f"the sandbox cannot decode {exc.args[0]} from protobuf; send application/json",
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(
            400, "BadRequest", f"the body of the request could not be decoded: {exc}"
        ) from exc
    if not isinstance(obj, dict):
        raise ApiError(400, "BadRequest", "the body of the request is not an object")
    return {"apiVersion": api_version, "kind": kind, **obj}
