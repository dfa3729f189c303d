"""On-disk cache shared between runs (and between concurrent runs).

Layout under the cache directory::

    blobs/<algo>/<hex>          raw image config bytes, keyed by digest (kept forever;
                                verified against the digest when read)
    resolved/<algo>/<hex>.json  the resolved platforms of a top-level digest (forever)
    tags/<sha256 of name:tag>.json  {"name", "tag", "digest", "time"} (valid for the TTL)

Every write goes to a temporary file in the same directory and is renamed into place
(``os.replace``), so a reader never sees a half-written file and two runs can share a cache.
Corrupt or unreadable entries are treated as misses.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["DiskCache", "default_cache_dir", "digest_of"]


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "winkube" / "registry"


def digest_of(data: bytes, algorithm: str = "sha256") -> str:
    if algorithm not in ("sha256", "sha512"):
        raise ValueError(f"unsupported digest algorithm {algorithm}")
    return f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"


def _split_digest(digest: str) -> tuple[str, str] | None:
    algo, sep, hexpart = digest.partition(":")
    if not sep or algo not in ("sha256", "sha512") or not hexpart.isalnum():
        return None
    return algo, hexpart


class DiskCache:
    def __init__(self, root: str | os.PathLike[str], tag_ttl: float = 300.0) -> None:
        self.root = Path(root)
        self._root = os.fspath(root)  # string paths on the hot (warm) path: pathlib costs more than the I/O
        self.tag_ttl = tag_ttl
        self._made: set[Path] = set()

    # -- helpers
    def _mkdir(self, d: Path) -> None:
        if d not in self._made:
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._made.add(d)

    def _write_atomic(self, path: Path | str, data: bytes) -> None:
        path = Path(path)
        self._mkdir(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    @staticmethod
    def _read(path: Path | str) -> bytes | None:
        try:
            with open(path, "rb") as f:
                return f.read()
        except OSError:
            return None

    # -- blobs by digest
    def _blob_path(self, digest: str) -> Path | None:
        parts = _split_digest(digest)
        return Path(self._root, "blobs", parts[0], parts[1]) if parts else None

    def get_blob(self, digest: str) -> bytes | None:
        path = self._blob_path(digest)
        if path is None:
            return None
        data = self._read(path)
        if data is None:
            return None
        if digest_of(data, digest.split(":", 1)[0]) != digest:
            return None  # corrupt: treat as a miss (the next put replaces it)
        return data

    def put_blob(self, digest: str, data: bytes) -> None:
        path = self._blob_path(digest)
        if path is not None:
            try:
                self._write_atomic(path, data)
            except OSError:
                pass

    # -- resolved results by digest
    def _resolved_path(self, digest: str) -> str | None:
        parts = _split_digest(digest)
        return f"{self._root}/resolved/{parts[0]}/{parts[1]}.json" if parts else None

    def get_resolved(self, digest: str) -> dict[str, Any] | None:
        path = self._resolved_path(digest)
        data = self._read(path) if path else None
        if data is None:
            return None
        try:
            d = json.loads(data)
        except ValueError:
            return None
        return d if isinstance(d, dict) and d.get("digest") == digest else None

    def put_resolved(self, digest: str, value: dict[str, Any]) -> None:
        path = self._resolved_path(digest)
        if path is not None:
            try:
                self._write_atomic(path, json.dumps(value, separators=(",", ":")).encode())
            except OSError:
                pass

    # -- tag -> digest with TTL
    def _tag_path(self, name: str, tag: str) -> str:
        h = hashlib.sha256(f"{name}:{tag}".encode()).hexdigest()
        return f"{self._root}/tags/{h[:2]}/{h}.json"

    def get_tag(self, name: str, tag: str, now: float | None = None) -> str | None:
        data = self._read(self._tag_path(name, tag))
        if data is None:
            return None
        try:
            d = json.loads(data)
        except ValueError:
            return None
        if not isinstance(d, dict) or d.get("name") != name or d.get("tag") != tag:
            return None
        t = d.get("time")
        if not isinstance(t, (int, float)):
            return None
        if (now if now is not None else time.time()) - t > self.tag_ttl:
            return None
        digest = d.get("digest")
        return digest if isinstance(digest, str) and _split_digest(digest) else None

    def put_tag(self, name: str, tag: str, digest: str) -> None:
        rec = {"name": name, "tag": tag, "digest": digest, "time": time.time()}
        try:
            self._write_atomic(self._tag_path(name, tag), json.dumps(rec).encode())
        except OSError:
            pass
