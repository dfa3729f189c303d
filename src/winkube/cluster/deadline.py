"""A wall-clock deadline for synchronous httpx requests.

httpx's timeouts bound each socket read, not a request: a server that trickles one byte every
few seconds (headers or body) never trips them. winkube wraps httpcore's network backend so that
every connect, TLS handshake, read and write of a connection waits at most until the deadline
the current thread has set (``with deadline_at(t):``); past it the read raises
``httpcore.ReadTimeout``, which httpx reports as ``httpx.ReadTimeout``. A request is then bounded
by its deadline plus nothing: each wait is cut to what is left.

The deadline is per thread (a connection of the shared pool reads whichever deadline the thread
using it has set) and is set only around the calls that touch the network, never across a
``yield``, so a consumer's own requests in between are not affected.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

import httpcore

from ..errors import WinkubeError

_local = threading.local()


@contextmanager
def deadline_at(at: float | None) -> Iterator[None]:
    """Every network wait in this block ends by ``time.monotonic() == at`` (None: no deadline)."""
    before = getattr(_local, "at", None)
    _local.at = at if before is None or at is None else min(at, before)
    try:
        yield
    finally:
        _local.at = before


def _bound(timeout: float | None, exc: type[Exception]) -> float | None:
    at = getattr(_local, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise exc("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bound(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bound(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _bound(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend):
        self._inner = inner

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        return _Stream(self._inner.connect_tcp(host, port, _bound(timeout, httpcore.ConnectTimeout),
                                               local_address, socket_options))

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return _Stream(self._inner.connect_unix_socket(path, _bound(timeout, httpcore.ConnectTimeout), socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install(client) -> None:
    """Make every transport of an httpx.Client honour the thread's deadline. httpx exposes no
    network-backend option, so this sets httpcore's pool attribute; if a future httpx/httpcore
    moves it, this raises at construction rather than silently losing the deadline."""
    transports = [client._transport, *client._mounts.values()]  # noqa: SLF001 - see docstring
    for t in transports:
        if t is None:
            continue
        pool = getattr(t, "_pool", None)
        if pool is None or not hasattr(pool, "_network_backend"):
            raise WinkubeError("winkube.cluster: this httpx/httpcore version has no pool network backend to wrap "
                               "(the request deadline cannot be installed)")
        if not isinstance(pool._network_backend, _Backend):
            pool._network_backend = _Backend(pool._network_backend)
