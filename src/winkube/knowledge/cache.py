"""Parsed data files kept as marshal blobs in the user's cache, so a pre-commit run does not
re-parse the same YAML each time (libyaml still builds the objects in Python: ~16 ms for the
files a lint needs, against ~1 ms to unmarshal them).

An entry is keyed by the file's absolute path, its size and a CRC-32 of its bytes, so an edited
data file is never answered from a stale entry; there is one entry file per path (rewritten when
the file changes), and callers cache only files shipped in the package, so the directory stays
as small as the installations are few. marshal
is used rather than pickle because loading it can only ever produce plain data, never run code;
dates (windows_builds.yaml) are stored as tagged tuples and restored. A cache that cannot be read
or written is simply not used: the file is parsed as before.
"""
from __future__ import annotations

import datetime
import marshal
import os
import zlib
from collections.abc import Callable
TYPE_CHECKING = False  # typing's, without importing typing at start-up (docs/design.md)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["cache_root", "cached", "write_atomically"]

_FORMAT = 2  # bump when the layout of an entry, or what a caller's parse returns, changes (2: schema types marshalled)
_DATE, _DATETIME = "\x00date", "\x00datetime"


def cache_root() -> str:
    """winkube's cache directory: $WINKUBE_CACHE, else $XDG_CACHE_HOME/winkube, else ~/.cache/winkube."""
    return os.environ.get("WINKUBE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "winkube")


def cached(path: str, parse: Callable[[bytes], Any]) -> Any:
    """parse(bytes of path), answered from the cache when the same bytes were parsed before."""
    with open(path, "rb") as fh:
        raw = fh.read()
    absolute = os.path.abspath(path)
    key = (_FORMAT, absolute, len(raw), zlib.crc32(raw))
    entry = os.path.join(cache_root(), "knowledge",
                         f"{os.path.basename(path)}-{zlib.crc32(absolute.encode('utf-8', 'surrogateescape')):08x}.marshal")
    try:
        with open(entry, "rb") as fh:
            stored_key, dated, data = marshal.loads(fh.read())
        if stored_key == key:
            return _restore(data) if dated else data
    except (OSError, ValueError, EOFError, TypeError):
        pass  # no entry yet, or a damaged one: parse and write it again
    data = parse(raw)
    try:
        tagged, dated = _tag(data)
        write_atomically(entry, marshal.dumps((key, dated, tagged)))
    except (OSError, ValueError):
        pass  # a read-only home or data marshal cannot hold: no cache, same answer
    return data


def write_atomically(path: str, blob: bytes) -> None:
    """Write a cache file so that a concurrent run reads the old file or the new one, never a part."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(blob)
    os.replace(tmp, path)


def _tag(value: Any) -> tuple[Any, bool]:
    """value with dates as (marker, isoformat) tuples (parsed YAML holds no tuples otherwise)."""
    if isinstance(value, dict):
        dated = False
        out = {}
        for k, v in value.items():
            out[k], d = _tag(v)
            dated |= d
        return out, dated
    if isinstance(value, list):
        items = [_tag(v) for v in value]
        return [v for v, _ in items], any(d for _, d in items)
    if isinstance(value, datetime.datetime):
        return (_DATETIME, value.isoformat()), True
    if isinstance(value, datetime.date):
        return (_DATE, value.isoformat()), True
    return value, False


def _restore(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _restore(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v) for v in value]
    if isinstance(value, tuple) and len(value) == 2:
        if value[0] == _DATE:
            return datetime.date.fromisoformat(value[1])
        if value[0] == _DATETIME:
            return datetime.datetime.fromisoformat(value[1])
    return value
