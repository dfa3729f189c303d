"""A small scripted HTTP(S) server on 127.0.0.1 for the attack tests of winkube's network clients.

Why it exists: the real kube-apiserver and docker-registry of the harness never trickle bytes,
send endless bodies, lines or continue tokens, loop, ask for a one-minute Retry-After or point a
token realm at another host — a hostile server does. Each test scripts one with a handler
``handler(request, conn)``; ``conn.send(bytes)`` writes raw bytes (it returns False once the
client has gone or the server is stopping). Every request is recorded (method, path, headers,
body) so a test can prove what a client sent, e.g. that no credential reached this host.
"""
from __future__ import annotations

import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    raw: bytes = b""  # everything the client sent on this request (request line, headers, body)


@dataclass
class Conn:
    sock: socket.socket
    server: "HostileServer"
    sent: int = 0

    def send(self, data: bytes) -> bool:
        if self.server.stopping.is_set():
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        self.sent += len(data)
        return True

    def respond(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
                reason: str = "X") -> bool:
        h = {"Content-Length": str(len(body)), "Connection": "close", **(headers or {})}
        head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
        return self.send(head.encode() + body)

    def trickle(self, data: bytes, every: float, step: int = 1) -> bool:
        """Send `data` `step` bytes at a time, one step every `every` seconds."""
        for i in range(0, len(data), step):
            if not self.send(data[i:i + step]):
                return False
            time.sleep(every)
        return True


@dataclass
class HostileServer:
    handler: Callable[[Request, Conn], None]
    tls_cert: str | None = None  # PEM certificate and key files: serve HTTPS
    tls_key: str | None = None
    host_name: str = "127.0.0.1"  # the name the URL uses (e.g. "localhost": the same loopback, another host)
    requests: list[Request] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self.host = f"{self.host_name}:{self.port}"
        self.url = f"{'https' if self.tls_cert else 'http'}://{self.host}"
        self._ctx = None
        if self.tls_cert:
            self._ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._ctx.load_cert_chain(self.tls_cert, self.tls_key)
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    def __enter__(self) -> "HostileServer":
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self._sock.close()
        with self._lock:
            for c in self._conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()
        for t in list(self._threads):
            t.join(10)

    def sent_anywhere(self, secret: str) -> bool:
        return any(secret.encode() in r.raw for r in self.requests)

    def _accept(self) -> None:
        self._sock.settimeout(0.1)
        while not self.stopping.is_set():
            try:
                s, _ = self._sock.accept()
            except (socket.timeout, OSError):
                continue
            t = threading.Thread(target=self._serve, args=(s,), daemon=True)
            t.start()
            with self._lock:
                self._threads.append(t)
                self._conns.append(s)

    def _serve(self, s: socket.socket) -> None:
        try:
            if self._ctx is not None:
                s.settimeout(10)
                s = self._ctx.wrap_socket(s, server_side=True)
                with self._lock:
                    self._conns.append(s)
            s.settimeout(30)
            req = self._read_request(s)
            if req is None:
                return
            self.requests.append(req)
            self.handler(req, Conn(s, self))
        except (OSError, ssl.SSLError):
            pass
        finally:
            try:
                s.close()
            except OSError:
                pass

    @staticmethod
    def _read_request(s: socket.socket) -> Request | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                return None
            data += chunk
            if data.startswith(b"\x16"):  # a TLS handshake on the plain-HTTP port: hang up, as real servers do
                return None
            if len(data) > 1 << 20:
                return None
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = (lines[0].split(" ") + ["", ""])[:3]
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length") or 0)
        while len(rest) < n:
            chunk = s.recv(65536)
            if not chunk:
                break
            rest += chunk
        return Request(method, path, headers, rest[:n], head + b"\r\n\r\n" + rest[:n])
