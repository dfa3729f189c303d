"""Windows error codes in a message: find them in hex or decimal and name them from the sourced
table in knowledge/windows_codes.yaml.

    >>> [c.name for c in decode("exit code 3221225781")]
    ['STATUS_DLL_NOT_FOUND']
    >>> [c.name for c in decode('"ErrorCode":2147942487')]
    ['ERROR_INVALID_PARAMETER']
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Code", "decode", "lookup", "written_values"]


@dataclass(frozen=True, slots=True)
class Code:
    value: int  # as a 32-bit unsigned value; for 0x8007xxxx, the HRESULT as written
    name: str
    kind: str  # hresult / win32 / ntstatus
    text: str
    hint: str
    source: str
    written: str  # how the message wrote it ("0x52e", "3221225781", "-1073741515")
    via: str = ""  # "HRESULT_FROM_WIN32(0x57)" when the name comes from the Win32 part

    @property
    def hex(self) -> str:
        return f"0x{self.value:08X}" if self.value > 0xFFFF else f"0x{self.value:X}"


@lru_cache(maxsize=1)
def _table() -> dict[int, dict]:
    from ..knowledge import load
    return {int(str(r["value"]), 16): r for r in load("windows_codes")["codes"]}


def lookup(value: int) -> Code | None:
    """The table's row for a 32-bit value (reading 0x8007xxxx through its Win32 code)."""
    return _make(value & 0xFFFFFFFF, f"0x{value & 0xFFFFFFFF:X}")


def _make(v: int, written: str) -> Code | None:
    t = _table()
    row, via = t.get(v), ""
    if row is None and (v >> 16) == 0x8007:  # HRESULT_FROM_WIN32: facility 7, the Win32 code below
        row = t.get(v & 0xFFFF)
        if row is not None:
            via = f"HRESULT_FROM_WIN32(0x{v & 0xFFFF:X})"
    if row is None:
        return None
    src = load_sources().get("hresult_from_win32", "") if via else ""
    return Code(v, str(row["name"]), str(row["kind"]), str(row["text"]), str(row.get("hint") or ""),
                str(row["source"]) + (f"; {src}" if src else ""), written, via)


@lru_cache(maxsize=1)
def load_sources() -> dict[str, str]:
    from ..knowledge import load
    return dict(load("windows_codes")["sources"])


# 0x-prefixed hex; a bare 8-digit HRESULT/NTSTATUS ("Error 80070002", "800705AA"), not part of a
# GUID or a longer id; decimals of 7-10 digits (exit codes, "ErrorCode":2147942487, int32 negatives)
# (not after "+": "main.go:10 +0x1d" in a Go stack trace is an offset into a function)
_HEX = re.compile(r"(?<![\w+-])0x([0-9a-f]{1,8})(?![\w-])", re.I)
_BARE = re.compile(r"(?<![\w-])([8c][0-9a-f]{7})(?![\w-])", re.I)
_DEC = re.compile(r"(?<![\w./-])(-?\d{7,10})(?![\w./-])")
_EXIT = re.compile(r"(?:exit ?code|exitcode|exit status|errorlevel)[^\w-]{0,8}(-?\d{1,10})\b", re.I)


def _written(text: str):
    """(position, value, as written, small values allowed) for every code-shaped number in text."""
    for m in _HEX.finditer(text):
        yield m.start(), int(m.group(1), 16), m.group(0), True  # "(0x2)", "(0x52e)": Win32 as printed by Go
    for m in _BARE.finditer(text):
        if any(ch.isalpha() for ch in m.group(1)) or m.group(1).startswith(("80", "c0", "C0")):
            yield m.start(), int(m.group(1), 16), m.group(1), False
    for m in _DEC.finditer(text):
        v = int(m.group(1))
        if v & 0xFFFF == 0:
            continue  # 2147483648, 3221225472: bytes (2 GiB, 3 GiB), not a code (none has code 0)
        if v >= 0x80000000 or v <= -1000000 or v == 0x40010004:
            yield m.start(), v, m.group(1), False
    for m in _EXIT.finditer(text):
        yield m.start(1), int(m.group(1)), m.group(1), False


def decode(text: str) -> list[Code]:
    """Every known Windows code written in text, in order of appearance, each value once."""
    found: list[tuple[int, Code]] = []
    seen: set[int] = set()
    for pos, v, written, small_ok in _written(text):
        v &= 0xFFFFFFFF
        if v in seen or (v < 0x10000 and not small_ok):
            continue
        c = _make(v, written)
        if c is not None:
            seen.add(v)
            found.append((pos, c))
    return [c for _, c in sorted(found, key=lambda x: x[0])]


def written_values(text: str) -> frozenset[int]:
    """Every code value written in text, known to the table or not, with the Win32 code inside an
    HRESULT_FROM_WIN32: what tells that a message's code is not the one a cause prints."""
    out: set[int] = set()
    cut = _CUT.search(text)  # a message pasted short: "(0xc" is the start of a code, not code 0xC
    for pos, v, _, small_ok in _written(text):
        if cut is not None and pos == cut.start(1):
            continue
        v &= 0xFFFFFFFF
        if v >= 0x10000 or small_ok:
            out.add(v)
            if (v >> 16) == 0x8007:
                out.add(v & 0xFFFF)
            elif v < 0x10000:
                out.add(0x80070000 | v)  # Win32 code 2 is HRESULT_FROM_WIN32's 0x80070002 (E248 prints that)
            if (v >> 16) in (0x8037, 0xC037):
                # hcsshim's vmcompute errors are winerror.h's HCS_E_* with the NTSTATUS error bits
                # (internal/hcs/errors.go: ErrVmcomputeOperationInvalidState = 0xc0370105, HCS_E_INVALID_STATE
                # = 0x80370105): the same error either way, as the catalogue's E10 lists both
                out.add(v ^ 0x40000000)
    return frozenset(out)


# Go prints a code as "(0x%x)": one that runs to the end of the text without its ")" was cut off
_CUT = re.compile(r"\((0x[0-9a-f]{0,7})\s*$", re.I)
