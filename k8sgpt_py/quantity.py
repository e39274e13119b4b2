"""Kubernetes resource quantities ("500m", "1.5", "16Gi", "2e3") as plain floats.

CPU comes back in cores, memory in bytes: callers convert to the unit their name carries.
"""

from __future__ import annotations

import re

_SUFFIX = {
    "": 1.0,
    "n": 1e-9,
    "u": 1e-6,
    "m": 1e-3,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "P": 1e15,
    "E": 1e18,
    "Ki": 2.0**10,
    "Mi": 2.0**20,
    "Gi": 2.0**30,
    "Ti": 2.0**40,
    "Pi": 2.0**50,
    "Ei": 2.0**60,
}
_QUANTITY = re.compile(
    r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)$"
)


def parse_quantity(value: str | int | float) -> float:
    """Return the quantity's value in base units; raise ValueError on a malformed quantity."""
    if isinstance(value, bool):
        raise ValueError(f"not a quantity: {value!r}")
    if isinstance(value, int | float):
        return float(value)
    match = _QUANTITY.match(value.strip())
    if not match:
        raise ValueError(f"not a quantity: {value!r}")
    number, suffix = match.groups()
    return float(number) * _SUFFIX[suffix]


def cpu_millicores(value: str | int | float) -> int:
    """CPU quantity as whole millicores (rounded up, as the scheduler does)."""
    return int(-(-round(parse_quantity(value) * 1e6) // 1000))


def memory_bytes(value: str | int | float) -> int:
    """Memory quantity as whole bytes."""
    return round(parse_quantity(value))


def format_cpu(millicores: float) -> str:
    """Millicores as a Kubernetes CPU quantity ("250m", "2")."""
    if millicores % 1000 == 0:
        return str(int(millicores // 1000))
    return f"{round(millicores)}m"


def format_memory(num_bytes: float) -> str:
    """Bytes as the largest exact binary quantity ("512Mi", "16Gi"), else Mi rounded up."""
    for suffix, factor in (("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if num_bytes >= factor and num_bytes % factor == 0:
            return f"{int(num_bytes // factor)}{suffix}"
    if num_bytes >= 2**20:
        return f"{-(-int(num_bytes) // 2**20)}Mi"
    return str(int(num_bytes))
