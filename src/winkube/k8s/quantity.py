"""Kubernetes resource quantities ("500m", "16Gi", "1e3"): which strings the API server accepts
(k8s.io/apimachinery pkg/api/resource ParseQuantity, proven against kube-apiserver by
tests/harness/test_structure_differential.py), their exact value, and a float for arithmetic.

Floats for arithmetic: they only decide whether requests fit allocatable, and a pod a millionth of
a core over is not a case worth Fraction's cost on every pod. `exact_value` is for what must be
exact (a fractional byte count)."""
from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

_SUFFIXES = frozenset(["", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"])
_SYNTAX = re.compile(r"([+-]?)([0-9]*)(\.[0-9]*)?([eEinumkKMGTP]*)([-+]?[0-9]*)")
_EXPONENT = re.compile(r"[eE][-+]?[0-9]+")
_BINARY_EXP = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_EXP = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


def number_text(value) -> str:
    """A JSON number as the API server reads it from YAML sent by kubectl (2.0 arrives as 2)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def is_valid(text: str) -> bool:
    """ParseQuantity after the JSON decoder's TrimSpace: the format, then the suffix. No digits at
    all reads as 0 ("Mi" is valid); a lone sign is not."""
    text = text.strip()
    if not text:
        return False
    m = _SYNTAX.fullmatch(text)
    if m is None:
        return False
    sign, num, denom, letters, exp = m.groups()
    if sign and not (num or denom or letters or exp):
        return False
    suffix = letters + exp
    return suffix in _SUFFIXES or bool(_EXPONENT.fullmatch(suffix))


def exact_value(value) -> tuple[Fraction, str] | None:
    """(exact value, format: decimal | binary | exponent) of a quantity the API server accepts, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        value = number_text(value)
    if not isinstance(value, str) or not is_valid(value):
        return None
    sign, num, denom, letters, exp = _SYNTAX.fullmatch(value.strip()).groups()
    mantissa = Fraction(int(num or "0"))
    if denom and len(denom) > 1:
        mantissa += Fraction(int(denom[1:]), 10 ** (len(denom) - 1))
    if sign == "-":
        mantissa = -mantissa
    suffix = letters + exp
    if suffix in _BINARY_EXP:
        return mantissa * 2 ** _BINARY_EXP[suffix], "binary"
    if suffix in _DECIMAL_EXP:
        return mantissa * Fraction(10) ** _DECIMAL_EXP[suffix], "decimal"
    return mantissa * Fraction(10) ** int(suffix[1:]), "exponent"


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
    exact = exact_value(value)
    return float(exact[0]) if exact is not None else None
