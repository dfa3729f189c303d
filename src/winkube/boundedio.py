"""Bounded reads: a local file with a byte cap (kubeconfigs, docker configs, token files) —
whatever the file is, winkube reads at most `limit` + 1 bytes of it and never allocates more —
and the error for a credential plugin's output over its cap."""
from __future__ import annotations

import os

from .errors import WinkubeError

_CHUNK = 64 * 1024


class OutputTooLarge(WinkubeError):
    """A credential plugin or helper printed more than winkube reads of it (callers say which)."""


def read_at_most(path: str | os.PathLike[str], limit: int) -> bytes | None:
    """The file's bytes, or None when it holds more than `limit` bytes. Raises OSError."""
    with open(path, "rb") as fh:
        return read_stream_at_most(fh, limit)


def read_stream_at_most(fh, limit: int) -> bytes | None:
    """An open binary stream's bytes to its end (a pipe, a FIFO, stdin), or None as soon as it
    gives more than `limit` bytes. Raises OSError."""
    chunks = []
    total = 0
    while True:
        chunk = fh.read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > limit:
            return None
        chunks.append(chunk)
