"""One document per command: JSON or YAML for pipes, rich or plain text for people."""

from __future__ import annotations

import json
from typing import Any, Literal, TextIO

OutputMode = Literal["text", "json", "yaml"]
SCHEMA_VERSION = 1


def document(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """Wrap a command's result with the stable top-level keys."""
    return {"kind": kind, "version": SCHEMA_VERSION, **body}


def emit_data(doc: dict[str, Any], mode: OutputMode, out: TextIO) -> None:
    """Write exactly one JSON or YAML document, credentials redacted (logs included)."""
    from k8sgpt_py.redact import redact

    doc = redact(doc)
    if mode == "json":
        out.write(json.dumps(doc, indent=2, default=str, ensure_ascii=False) + "\n")
    else:
        import yaml

        out.write(yaml.safe_dump(_plain(doc), sort_keys=False, allow_unicode=True))
    out.flush()


def _plain(value: Any) -> Any:
    """Make values YAML-safe (tuples, numpy scalars, datetimes become plain types)."""
    return json.loads(json.dumps(value, default=str))
