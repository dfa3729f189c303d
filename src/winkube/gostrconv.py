"""Go's strconv.Atoi and strconv.ParseUint (base 10), with the values Go returns on error.

containerd reads Windows os.version strings with these and sometimes ignores the error, so the
value returned alongside it matters: 0 on bad syntax, the clamped value on overflow — and
ParseUint reports an overflow as soon as the digits read so far exceed the maximum, before it sees
a bad character later on ("283x" as a uint8 is 255, out of range). Checked against Go 1.26.
"""

from __future__ import annotations

_MAX_UINT64 = (1 << 64) - 1
_CUTOFF = 1 << 63


def parseuint(s: str, bits: int) -> tuple[int, bool]:
    """strconv.ParseUint(s, 10, bits) -> (value, ok)."""
    top = (1 << bits) - 1
    if not s:
        return 0, False
    n = 0
    for c in s:
        if not "0" <= c <= "9":
            return 0, False
        n = n * 10 + (ord(c) - 48)
        if n > top:
            return top, False
    return n, True


def atoi(s: str) -> tuple[int, bool]:
    """strconv.Atoi on a 64-bit platform -> (value, ok)."""
    neg = s[:1] == "-"
    body = s[1:] if s[:1] in ("+", "-") else s
    if 0 < len(s) < 19:  # Go's fast path: no overflow possible, any bad character is a syntax error
        if not body or not all("0" <= c <= "9" for c in body):
            return 0, False
        return (-int(body) if neg else int(body)), True
    un, ok = parseuint(body, 64)  # ParseInt: a syntax error wins, a range error is clamped below
    if not ok and un == 0:
        return 0, False
    if not neg and un >= _CUTOFF:
        return _CUTOFF - 1, False
    if neg and un > _CUTOFF:
        return -_CUTOFF, False
    return (-un if neg else un), ok
