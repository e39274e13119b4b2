"""Regenerate ``proto_schema.json`` from the protobuf descriptors embedded in a kubectl binary.

Go's gogo-protobuf code registers every ``generated.proto`` of ``k8s.io/api`` as a gzipped
``FileDescriptorProto``; this script finds them in the binary, keeps the packages the sandbox
serves and writes, per message, its fields as ``[number, name, type, repeated, message]``.
Run ``python -m k8sgpt_py.sandbox.protogen /usr/bin/kubectl`` after a Kubernetes upgrade.
"""

from __future__ import annotations

import json
import re
import sys
import zlib
from pathlib import Path
from typing import Any

from k8sgpt_py.sandbox.protobuf import parse_fields

SCHEMA_PATH = Path(__file__).with_name("proto_schema.json")
PACKAGES = {
    "k8s.io.api.core.v1",
    "k8s.io.api.apps.v1",
    "k8s.io.api.batch.v1",
    "k8s.io.api.autoscaling.v1",
    "k8s.io.api.autoscaling.v2",
    "k8s.io.api.policy.v1",
    "k8s.io.api.networking.v1",
    "k8s.io.api.rbac.v1",
    "k8s.io.api.authorization.v1",
    "k8s.io.api.authentication.v1",
    "k8s.io.api.storage.v1",
    "k8s.io.api.scheduling.v1",
    "k8s.io.api.discovery.v1",
    "k8s.io.api.coordination.v1",
    "k8s.io.apimachinery.pkg.apis.meta.v1",
    "k8s.io.apimachinery.pkg.api.resource",
    "k8s.io.apimachinery.pkg.runtime",
    "k8s.io.apimachinery.pkg.runtime.schema",
    "k8s.io.apimachinery.pkg.util.intstr",
}
_GZIP = re.compile(rb"\x1f\x8b\x08\x00\x00\x00\x00\x00")


def _text(fields: dict[int, list[Any]], number: int) -> str:
    values = fields.get(number)
    return bytes(values[-1]).decode() if values else ""


def _messages(prefix: str, raw_messages: list[Any], out: dict[str, Any], maps: set[str]) -> None:
    for raw in raw_messages:
        msg = parse_fields(bytes(raw))
        name = f"{prefix}.{_text(msg, 1)}"
        options = parse_fields(bytes(msg[7][-1])) if 7 in msg else {}
        if options.get(7, [0])[-1]:
            maps.add(name)
        fields = []
        for raw_field in msg.get(2, []):
            field = parse_fields(bytes(raw_field))
            fields.append(
                [
                    field[3][-1],
                    _text(field, 1),
                    field[5][-1],
                    int(field.get(4, [1])[-1] == 3),
                    _text(field, 6).lstrip("."),
                ]
            )
        out[name] = fields
        _messages(name, msg.get(3, []), out, maps)


def extract(binary: Path) -> dict[str, Any]:
    """The schema document built from ``binary``'s embedded descriptors."""
    data = binary.read_bytes()
    messages: dict[str, Any] = {}
    maps: set[str] = set()
    for match in _GZIP.finditer(data):
        try:
            raw = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(
                data[match.start() :][: 4 << 20]
            )
            descriptor = parse_fields(raw)
        except (zlib.error, ValueError, IndexError):
            continue
        package = _text(descriptor, 2)
        if package in PACKAGES:
            _messages(package, descriptor.get(4, []), messages, maps)
    return {"messages": dict(sorted(messages.items())), "maps": sorted(maps)}


def main(argv: list[str]) -> int:
    """Write the schema extracted from the binary named in ``argv[0]``."""
    doc = extract(Path(argv[0] if argv else "/usr/bin/kubectl"))
    SCHEMA_PATH.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(doc['messages'])} messages -> {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
