"""A server SSLContext that follows its certificate files: cert-manager (or a Secret update)
rewrites tls.crt / tls.key in place, and the next TLS handshake serves the new pair.

How: the context's SNI callback runs for every ClientHello (with server_name None when the client
sends no SNI, as the API server does for an IP address). At most once a second it compares the
files' mtimes and sizes; when they changed and the pair loads, it builds a fresh context and
hands it to the handshake in progress (`ssl_object.context = new`), which then uses the new
certificate. A half-written pair fails to load and the previous one stays in use.
"""
from __future__ import annotations

import logging
import os
import ssl
import threading
import time

log = logging.getLogger("winkube.webhook")


def _stamp(*paths: str) -> tuple:
    out = []
    for p in paths:
        try:
            st = os.stat(p)
            out.append((st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            out.append(None)
    return tuple(out)


class ReloadingContext:
    def __init__(self, certfile: str, keyfile: str, check_interval: float = 1.0):
        self.certfile, self.keyfile = certfile, keyfile
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._checked = 0.0
        self.reloads = 0
        self.current = self._build()  # raises when the initial pair does not load: fail at start
        self._stamp = _stamp(certfile, keyfile)
        self.base = self._make_base()

    def _build(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_alpn_protocols(["http/1.1"])
        ctx.load_cert_chain(self.certfile, self.keyfile)
        return ctx

    def _make_base(self) -> ssl.SSLContext:
        """The context the listening socket holds: it only dispatches to the current one."""
        base = self._build()
        base.sni_callback = self._on_hello
        return base

    def _on_hello(self, ssl_object, server_name, _ctx):
        now = time.monotonic()
        if now - self._checked >= self.check_interval:
            self._checked = now
            self.maybe_reload()
        ssl_object.context = self.current
        return None

    def maybe_reload(self) -> bool:
        st = _stamp(self.certfile, self.keyfile)
        if st == self._stamp:
            return False
        with self._lock:
            try:
                new = self._build()
            except (ssl.SSLError, OSError) as e:
                log.warning("TLS certificate files changed but do not load yet (%s); keeping the previous pair", e)
                return False
            self.current, self._stamp = new, st
            self.reloads += 1
            log.info("TLS certificate reloaded from %s", self.certfile)
            return True
