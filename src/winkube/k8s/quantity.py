"""Kubernetes resource quantities ("500m", "16Gi", "1e3"), parsed exactly as the API server does.

A port of `ParseQuantity` in k8s.io/apimachinery pkg/api/resource/quantity.go and its suffix
table (suffix.go): the same scanner (so "1.", ".5", "+" and "-" are valid and "1.5.5", "1K",
"1e" are not), a decimal exponent read as an int64 and then truncated to int32 as Go does
(`int32(parsed)`), the value kept exactly, rounded away from zero to a multiple of 1n, and a
binary-suffixed value (Ki … Ei) capped at 2^63-1 ("8Ei" is 2^63-1).

Values are exact Python numbers: an int when whole, else a Fraction of denominator 10^9. Beyond
HUGE (10^50) a value is held at ±HUGE: the API server keeps such quantities ("1e400" is accepted
and stored), but the scheduler and kubelet convert them to int64 (overflowing: "undefined" says
apimachinery), so any of them is simply more than any node has; "1e999999" costs no more than
"1e40". `parse_quantity` keeps its float interface (finite, saturated) for rules that only compare.
"""
from __future__ import annotations

import decimal
from fractions import Fraction
from functools import lru_cache

NANO = 10**9
HUGE = 10**50  # |value| held here beyond it (see above)
_HUGE_DIGITS = 60  # digits of a value in nano units past which it is HUGE (10^51 units)
_MAX_BINARY_NANOS = (2**63 - 1) * NANO  # quantity.go: "The max is just a simple cap" (BinarySI only)
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DIGITS = frozenset("0123456789")
_SUFFIX_LETTERS = frozenset("eEinumkKMGTP")
_INT64 = 2**63


def _scan(s: str):
    """parseQuantityString: (positive, digits, fraction digits, suffix) or None (ErrFormatWrong)."""
    pos, end, positive = 0, len(s), True
    if end and s[0] in "+-":
        positive = s[0] == "+"
        pos = 1
    while pos < end and s[pos] == "0":  # leading zeros
        pos += 1
    if pos >= end:
        return positive, "0", "", ""
    i = pos
    while i < end and s[i] in _DIGITS:
        i += 1
    num = s[pos:i] or "0"
    denom = ""
    if i < end and s[i] == ".":
        j = i + 1
        while j < end and s[j] in _DIGITS:
            j += 1
        denom, i = s[i + 1:j], j
    start = i
    while i < end and s[i] in _SUFFIX_LETTERS:
        i += 1
    if i < end and s[i] in "+-":
        i += 1
    while i < end and s[i] in _DIGITS:
        i += 1
    if i < end:
        return None
    return positive, num, denom, s[start:]


def _interpret(suffix: str):
    """suffixHandler.interpret: (base, exponent) or None (ErrSuffix)."""
    if suffix in _DECIMAL:
        return 10, _DECIMAL[suffix]
    if suffix in _BINARY:
        return 2, _BINARY[suffix]
    if len(suffix) > 1 and suffix[0] in "eE":
        rest = suffix[1:]
        body = rest[1:] if rest[0] in "+-" else rest
        if not body or not set(body) <= _DIGITS:  # strconv.ParseInt(rest, 10, 64)
            return None
        if len(body.lstrip("0")) > 19:
            return None  # out of int64 range (ErrRange)
        e = int(rest)
        if not -_INT64 <= e < _INT64:
            return None
        return 10, (e + 2**31) % 2**32 - 2**31  # int32(parsed): Go truncates
    return None


def _arbitrary_precision_path(base: int, exponent: int, num: str, denom: str) -> bool:
    """Whether ParseQuantity leaves its int64 fast path for inf.Dec (only then can it fail on a
    number without digits)."""
    if base == 10:
        return 18 - len(num) - len(denom) < 0 or exponent - len(denom) < -9  # maxInt64Factors = 18; Nano = -9
    if denom or 15 - len(num) - (exponent * 3) // 10 - 1 < 0:
        return True
    return int(num) << exponent >= _INT64  # int64Multiply overflows


@lru_cache(maxsize=4096)
def parse_exact(text: str):
    """The quantity's exact value (int, Fraction, or ±HUGE), or None when the API server rejects it."""
    s = text.strip()  # UnmarshalJSON: strings.TrimSpace
    if not s:
        return None
    scanned = _scan(s)
    if scanned is None:
        return None
    positive, num, denom, suffix = scanned
    found = _interpret(suffix)
    if found is None:
        return None
    base, exponent = found
    if _arbitrary_precision_path(base, exponent, num, denom) and not _DIGITS & set(s[:len(s) - len(suffix)]):
        return None  # inf.Dec's SetString: "no digits read" (ErrNumeric), e.g. ".e-10"; ".e-9" takes the int64 path: 0
    if exponent == -2**31:
        exponent = 2**31  # inf.Dec negates the scale in int32 too, and -(-2^31) stays -2^31: 10^(2^31), not 10^-(2^31)
    digits = (num + denom).lstrip("0")
    if not digits:
        return 0
    with decimal.localcontext() as ctx:
        ctx.prec = len(digits) + 40  # every product below is exact
        ctx.Emax, ctx.Emin = decimal.MAX_EMAX, decimal.MIN_EMIN
        ctx.traps[decimal.Inexact] = True  # proves the claim above: an inexact step is a bug, not a silent rounding
        if base == 10:
            magnitude = len(digits) - len(denom) + exponent + 9  # digits of |value| in nano units
            if magnitude > _HUGE_DIGITS:
                return HUGE if positive else -HUGE
            if magnitude < -1:
                nanos = 1  # a non-zero value under 1n rounds up to 1n
            else:
                nanos = int(decimal.Decimal(f"{digits}E{exponent + 9 - len(denom)}").to_integral_value(decimal.ROUND_UP))
        else:
            if len(digits) - len(denom) > 21:  # over 10^21 before the binary factor: capped anyway
                nanos = _MAX_BINARY_NANOS
            else:
                x = decimal.Decimal(f"{digits}E{-len(denom)}") * (2**exponent) * NANO
                nanos = min(int(x.to_integral_value(decimal.ROUND_UP)), _MAX_BINARY_NANOS)
    value = Fraction(nanos, NANO)
    if value.denominator == 1:
        value = value.numerator
    return value if positive else -value


def quantity(value):
    """parse_exact for what a manifest may hold: a string, an integer, or a float (JSON numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return max(-HUGE, min(HUGE, value))
    if isinstance(value, float):
        if value != value:
            return None  # NaN: not a quantity
        if value in (float("inf"), float("-inf")):  # JSON 1e400: the server reads the text, a huge quantity
            return HUGE if value > 0 else -HUGE
        return parse_exact(repr(value))  # the shortest text that reads back as this float
    if isinstance(value, str):
        return parse_exact(value)
    return None


def parse_quantity(value) -> float | None:
    """The quantity as a finite float (HUGE at most), or None when the API server would reject it."""
    q = quantity(value)
    return None if q is None else float(q)
