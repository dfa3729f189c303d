"""Kubernetes resource quantities ("500m", "16Gi", "1e3") as numbers.

Floats, not exact decimals: they only decide whether requests fit allocatable, and a pod a
millionth of a core over is not a case worth Fraction's cost on every pod."""
from __future__ import annotations

import re
from functools import lru_cache

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"n": 1e-9, "u": 1e-6, "m": 1e-3, "": 1,
            "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "P": 10**15, "E": 10**18}
_RE = re.compile(r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$")


def parse_quantity(value) -> float | None:
    """The quantity's value, or None when it is not a valid quantity (the API server would reject it)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return None
    return _parse(value)


@lru_cache(maxsize=4096)
def _parse(value: str) -> float | None:
    m = _RE.match(value.strip())
    if not m:
        return None
    number, suffix = float(m.group(1)), m.group(2) or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number * _DECIMAL[suffix]
    return number * 10.0 ** int(suffix[1:])
