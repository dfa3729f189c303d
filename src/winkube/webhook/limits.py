"""Bounds on what one client can make the webhook hold or wait for, below the ASGI app.

uvicorn's httptools protocol (0.5x) has no cap on the request head and no timer while a head or a
body is being read: a 150 MB header line was parsed (httptools grows a header value by `+=` on
every read, quadratic in its length) and a connection sending a partial head was kept for ever.
`guarded_protocol(limits)` returns a subclass that

- feeds the parser at most `max_head` bytes of request line + headers, then answers 431 and
  closes (414 for a request target over `max_url`), so the parser never holds more than that;
- gives each request head `header_timeout` seconds from its first byte, and each body
  `body_timeout` seconds from the end of its head (a whole-request deadline, not a per-read one:
  a trickle of one byte a second does not extend it); a connection that sends nothing, new or
  between requests, is closed after uvicorn's `timeout_keep_alive`;
- closes a refused or timed-out connection without reading more of it, and aborts it once the
  answer has left (a TLS transport otherwise reads until the client's close_notify).

It overrides uvicorn internals (data_received, the parser callbacks, send_400_response,
on_response_complete); tests/webhook/test_limits.py fails if a uvicorn release changes them.

The cap on body size per request and the budget for bodies buffered across all connections are
the app's (`app.BodyBudget`), where Content-Length and the bytes read are known.
"""
from __future__ import annotations

from dataclasses import dataclass, field

KIB = 1024


@dataclass
class Limits:
    max_head: int = 64 * KIB  # request line + headers; the API server sends ~300 bytes
    max_url: int = 8 * KIB  # the request target alone ("/validate?timeout=5s")
    header_timeout: float = 10.0  # whole head, from its first byte
    body_timeout: float = 10.0  # whole body, from the end of the head; the API server's own timeout is at most 30 s
    on_reject: object = field(default=None, repr=False)  # callable(kind: str), e.g. Metrics.error


ABORT_AFTER = 0.25  # seconds a refused connection whose answer is still queued is given to take it
_REASONS = {408: b"Request Timeout", 414: b"URI Too Long", 431: b"Request Header Fields Too Large"}


def guarded_protocol(limits: Limits):
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class GuardedProtocol(HttpToolsProtocol):
        """HttpToolsProtocol with the bounds above (one instance per connection)."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._in_head = True  # between requests and while reading a request line + headers
            self._head_bytes = 0
            self._deadline = None  # the one pending head/body/first-byte timer
            self._refusal = None  # (status, text) a callback decided on while the parser ran

        # --- timers ---------------------------------------------------------------------
        def _arm(self, seconds: float, kind: str) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(seconds, self._expired, kind)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expired(self, kind: str) -> None:
            self._deadline = None
            if self.transport is None or self.transport.is_closing():
                return
            if kind == "idle":  # a new connection that never sent a byte: closed quietly, as keep-alive ones are
                self.transport.close()
                return
            self._count(kind)
            if kind == "body_timeout":
                # the app is waiting in receive(): closing makes it see http.disconnect and drop the body
                self._close()
            else:
                self._refuse(408, b"the request head did not arrive in time\n")

        def _count(self, kind: str) -> None:
            if limits.on_reject is not None:
                limits.on_reject(kind)

        def _refuse(self, status: int, text: bytes) -> None:
            """Answer and close without going through the app (the head is unusable)."""
            busy = self.cycle is not None and not self.cycle.response_complete
            if not busy:  # never interleave with a response being written for an earlier request
                self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
                                     b"content-length: %d\r\nconnection: close\r\n\r\n%s"
                                     % (status, _REASONS[status], len(text), text))
            self._close()

        def _close(self) -> None:
            """Close without reading more. Over TLS a closing transport goes on reading and
            decrypting what the client sends until its close_notify, which a hostile client never
            sends (a client refused with 503 after writing 8 MiB had all of it decrypted): so abort
            as soon as the answer has left (at once on loopback), or ABORT_AFTER seconds later."""
            transport = self.transport
            if transport.is_reading():
                transport.pause_reading()
            transport.close()
            if transport.get_write_buffer_size() == 0:
                transport.abort()
            else:
                self.loop.call_later(ABORT_AFTER, lambda: transport.is_closing() and transport.abort())

        # --- connection -----------------------------------------------------------------
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm(self.timeout_keep_alive, "idle")

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            if self.transport.is_closing():  # the app answered "connection: close" (413, 503): read no more of the body
                self._close()
            super().on_response_complete()

        def data_received(self, data: bytes) -> None:
            while data:
                if self._in_head:
                    if self._head_bytes == 0:
                        # the first byte of a head (on a new connection or after a keep-alive pause): its deadline starts now
                        self._arm(limits.header_timeout, "header_timeout")
                    room = limits.max_head - self._head_bytes
                    if room <= 0:
                        self._count("header_too_large")
                        self._refuse(431, b"request line and headers over %d bytes\n" % limits.max_head)
                        return
                    part, data = data[:room], data[room:]
                    self._head_bytes += len(part)
                else:
                    part, data = data, b""
                super().data_received(part)
                if self.transport.is_closing():
                    return

        # --- parser callbacks -----------------------------------------------------------
        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._in_head = True

        def on_url(self, url: bytes) -> None:
            if len(self.url) + len(url) > limits.max_url:
                # raising stops the parser, and uvicorn answers a parser error with send_400_response
                self._refusal = (414, b"request target over %d bytes\n" % limits.max_url)
                self._count("url_too_long")
                raise ValueError("request target too long")
            super().on_url(url)

        def send_400_response(self, msg: str) -> None:
            if self._refusal is not None:
                self._refuse(*self._refusal)
            else:
                super().send_400_response(msg)

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._arm(limits.body_timeout, "body_timeout")
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self._disarm()
            self._in_head = True
            self._head_bytes = 0
            super().on_message_complete()

    return GuardedProtocol
