"""Hostile clients against a real `winkube webhook serve` process (TLS, 127.0.0.1 only), and a
probe that sends ordinary reviews meanwhile, as the API server would.

Each attack runs in its own process (its sockets and CPU apart from the probe's timing); the
probe runs open loop at a fixed rate in a thread of the caller, timing each review from its
scheduled send (no coordinated omission). `run(attack, ...)` returns the probe's latencies, the
server's peak memory and what the attacker saw. Used by tests/attack/test_webhook_attacks.py
(bounds) and bench/webhook_attack_bench.py (the numbers in docs/webhook.md).
"""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MiB = 1024 * 1024


# --- the server --------------------------------------------------------------------------------

def start_server(tmp: Path, *extra: str):
    """A real webhook process over TLS in --profile mode; returns (WebhookProcess, ca path)."""
    from harness.controlplane import make_pki
    from webhook.whkit import WebhookProcess, write_profile

    pki = make_pki(tmp)
    srv = WebhookProcess(tmp, pki.serving_cert, pki.serving_key, pki.ca_cert,
                         ["--profile", str(write_profile(tmp / "profile.yaml")), *extra], name="attacked")
    srv.wait("/readyz")
    return srv


def memory(pid: int) -> dict:
    """VmRSS now and VmHWM (the peak resident size since start), in MiB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            k, v = line.split(":")
            out[k] = int(v.split()[0]) / 1024
    return out


def tls_context(ca: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=ca)


def ordinary_review(i: int = 0) -> bytes:
    from webhook.whkit import pod, review
    doc = review(pod(name=f"probe-{i}", nodeSelector={"kubernetes.io/os": "windows"},
                     tolerations=[{"key": "os", "value": "windows", "effect": "NoSchedule"}]),
                 namespace="shop", uid=f"00000000-0000-4000-8000-{i:012d}")
    return json.dumps(doc, separators=(",", ":")).encode()


# --- the probe: ordinary reviews at a fixed rate ----------------------------------------------

@dataclass
class ProbeResult:
    latencies: list = field(default_factory=list)  # seconds, sorted, of answered reviews
    failures: list = field(default_factory=list)  # what went wrong for the others

    def pct(self, q: float) -> float:
        lat = self.latencies
        return lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else float("inf")

    def summary(self) -> str:
        return (f"{len(self.latencies)} answered, {len(self.failures)} failed; p50 {self.pct(0.5):.1f} ms, "
                f"p99 {self.pct(0.99):.1f} ms, max {self.pct(1.0):.1f} ms")


async def _probe(port: int, ca: str, rate: float, seconds: float, timeout: float, conns: int) -> ProbeResult:
    ctx = tls_context(ca)
    res = ProbeResult()
    pool: asyncio.Queue = asyncio.Queue()
    for _ in range(conns):  # opened before the clock starts (the API server keeps its connections); re-opened after a failure
        try:
            pool.put_nowait(await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="127.0.0.1"), timeout))
        except Exception:  # noqa: BLE001 - the attack may hold the server; the review that uses it records the failure
            pool.put_nowait(None)
    clock = time.perf_counter
    n = int(rate * seconds)
    t0 = clock() + 0.05
    bodies = [ordinary_review(i % 64) for i in range(64)]

    async def one(i: int):
        sched = t0 + i / rate
        if sched > clock():
            await asyncio.sleep(sched - clock())
        conn = await pool.get()
        try:
            if conn is None:
                conn = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="127.0.0.1"),
                                              timeout)
            r, w = conn
            body = bodies[i % len(bodies)]
            w.write(b"POST /validate?timeout=5s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

            async def answer():
                head = await r.readuntil(b"\r\n\r\n")
                k = head.lower().index(b"content-length:")
                data = await r.readexactly(int(head[k + 15: head.index(b"\r\n", k)]))
                return int(head[9:12]), data
            status, data = await asyncio.wait_for(answer(), max(0.001, sched + timeout - clock()))
            if status != 200 or b'"uid":"00000000-0000-4000-8000-' not in data:
                raise AssertionError(f"status {status}: {data[:200]!r}")
            res.latencies.append(clock() - sched)
            pool.put_nowait(conn)
        except Exception as e:  # noqa: BLE001 - every failure is recorded and reported by the caller
            res.failures.append(f"review {i}: {type(e).__name__}: {e}"[:300])
            if conn is not None:
                conn[1].close()
            pool.put_nowait(None)

    await asyncio.gather(*(one(i) for i in range(n)))
    while not pool.empty():
        c = pool.get_nowait()
        if c is not None:
            c[1].close()
    res.latencies.sort()
    return res


def probe(port: int, ca: str, rate: float, seconds: float, timeout: float = 5.0, conns: int = 8) -> ProbeResult:
    return asyncio.run(_probe(port, ca, rate, seconds, timeout, conns))


# --- attacks (each runs in a child process until its deadline) --------------------------------

def _tls(port: int, ca: str, timeout: float = 30.0) -> ssl.SSLSocket:
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return tls_context(ca).wrap_socket(raw, server_hostname="127.0.0.1")


def _drain_status(s) -> str:
    """The status line the server answered with, or how the connection ended."""
    try:
        data = s.recv(4096)
        return data.split(b"\r\n", 1)[0].decode(errors="replace") if data else "closed"
    except OSError as e:
        return type(e).__name__


def _response(s) -> tuple[str, bytes]:
    """Read one whole response (head and Content-Length body): (status line, head)."""
    data = b""
    while b"\r\n\r\n" not in data:
        d = s.recv(65536)
        if not d:
            raise ConnectionResetError
        data += d
    head, _, rest = data.partition(b"\r\n\r\n")
    k = head.lower().find(b"content-length:")
    length = int(head[k + 15:].split(b"\r\n", 1)[0]) if k >= 0 else 0
    while len(rest) < length:
        d = s.recv(65536)
        if not d:
            raise ConnectionResetError
        rest += d
    return head.split(b"\r\n", 1)[0].decode(), head


def attack_big_header(port: int, ca: str, seconds: float, out, size: int = 150 * MiB):
    """One connection at a time sends a `size`-byte header value (1 MiB per write); repeated until the deadline."""
    stop = time.monotonic() + seconds
    chunk = b"a" * MiB
    seen: dict = {}
    while time.monotonic() < stop:
        s = _tls(port, ca)
        sent = 0
        try:
            s.sendall(b"POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
            while sent < size and time.monotonic() < stop:
                s.sendall(chunk)
                sent += len(chunk)
            status = "sent whole header" if sent >= size else "deadline"
        except OSError:
            status = _drain_status(s)
        seen[status] = seen.get(status, 0) + 1
        seen["max_bytes_accepted"] = max(seen.get("max_bytes_accepted", 0), sent)
        s.close()
    out.put(seen)


def attack_slowloris(port: int, ca: str, seconds: float, out, conns: int = 200):
    """`conns` connections each send a partial head, then one more header byte every second;
    a connection the server answers or closes is re-opened. Records how long the server kept each."""
    import select
    stop = time.monotonic() + seconds
    socks: dict = {}  # socket -> opened at
    kept: list = []
    while time.monotonic() < stop:
        while len(socks) < conns and time.monotonic() < stop:
            try:
                s = _tls(port, ca, timeout=5)
                s.sendall(b"POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                socks[s] = time.monotonic()
            except OSError:
                break
        readable, _, _ = select.select(list(socks), [], [], 0)  # the server answered (408) or closed
        for s in list(socks):
            gone = False
            if s in readable:  # readable may be only a TLS 1.3 session ticket: gone only on data or EOF
                try:
                    s.setblocking(False)
                    gone = True
                    s.recv(4096)
                except (ssl.SSLWantReadError, BlockingIOError):
                    gone = False
                except OSError:
                    pass
                finally:
                    s.setblocking(True)
            if not gone:
                try:
                    s.send(b"a")
                except OSError:
                    gone = True
            if gone:
                kept.append(time.monotonic() - socks.pop(s))
                s.close()
        time.sleep(1.0)
    out.put({"connections": len(kept) + len(socks), "closed_by_server": len(kept),
             "max_kept_s": round(max(kept), 1) if kept else 0.0,
             "still_open_at_end": len(socks)})
    for s in socks:
        s.close()


def attack_big_bodies(port: int, ca: str, seconds: float, out, conns: int = 60, size: int = 8 * MiB):
    """`conns` connections each declare an 8 MiB body, send all of it but the last byte and hold it;
    re-opened when the server closes them."""
    stop = time.monotonic() + seconds
    body = b"{" + b" " * (size - 2)  # the last byte never comes
    statuses: dict = {}
    lock = threading.Lock()

    def one():
        while time.monotonic() < stop:
            try:
                s = _tls(port, ca, timeout=max(1.0, stop - time.monotonic()))
                s.sendall(b"POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n" % size)
                s.sendall(body)
                status = _drain_status(s)  # waits: an answer (503) or a close (body deadline)
            except OSError as e:
                status = type(e).__name__
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
            try:
                s.close()
            except Exception:  # noqa: BLE001
                pass

    threads = [threading.Thread(target=one, daemon=True) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    out.put(statuses)


def attack_metrics_bloat(port: int, ca: str, seconds: float, out, n: int = 2000, path_len: int = 60_000):
    """`n` requests with long random paths and a method the server refuses (405), then the size of /metrics."""
    import secrets
    stop = time.monotonic() + seconds
    statuses: dict = {}
    s = None
    for i in range(n):
        if time.monotonic() > stop:
            break
        path = "/" + secrets.token_hex(path_len // 2)[: path_len - 1]
        try:
            if s is None:
                s = _tls(port, ca)
            s.sendall(f"DELETE {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n".encode())
            status, head = _response(s)
            if b"connection: close" in head.lower():
                s.close()
                s = None
        except OSError as e:
            status = type(e).__name__
            s = None
        statuses[status] = statuses.get(status, 0) + 1
    import httpx
    with httpx.Client(verify=tls_context(ca), timeout=30) as c:
        statuses["metrics_bytes"] = len(c.get(f"https://127.0.0.1:{port}/metrics").content)
    out.put(statuses)


def giant_review(containers: int = 20_000) -> bytes:
    """A well-formed ~6 MiB AdmissionReview of a Pod with `containers` containers."""
    from webhook.whkit import pod, review
    p = pod(name="giant")
    p["metadata"]["labels"] = {"variant": "ZZZZZZZZ"}  # replaced per request: every review is new to the decision cache
    p["spec"]["containers"] = [{"name": f"c{i}", "image": "mcr.microsoft.com/windows/servercore:ltsc2022",
                                "env": [{"name": "A", "value": "x" * 200}]} for i in range(containers)]
    return json.dumps(review(p), separators=(",", ":")).encode()


def attack_giant_reviews(port: int, ca: str, seconds: float, out, conns: int = 3):
    """`conns` connections each send well-formed 6 MiB reviews (20,000 containers), one after another,
    each with a label value not seen before (so none is answered from the decision cache)."""
    import itertools
    stop = time.monotonic() + seconds
    template = giant_review()
    counter = itertools.count()
    statuses: dict = {}
    lock = threading.Lock()

    def one():
        s = None
        while time.monotonic() < stop:
            try:
                if s is None:
                    s = _tls(port, ca, timeout=60)
                body = template.replace(b"ZZZZZZZZ", b"%08d" % next(counter), 1)
                s.sendall(b"POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                status, _ = _response(s)
            except OSError as e:
                status = type(e).__name__
                s = None
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=one, daemon=True) for _ in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    out.put(statuses)


ATTACKS = {
    "150 MB header": attack_big_header,
    "slowloris (200 partial heads)": attack_slowloris,
    "60 x 8 MiB bodies held": attack_big_bodies,
    "/metrics bloat (2,000 x 60 KB paths)": attack_metrics_bloat,
    "3 clients sending 6 MiB reviews (20,000 containers)": attack_giant_reviews,
}


def _attacker(attack, port, ca, seconds, q, **kw):
    # A real attacker is on another machine; here it shares the cores with the server and the probe.
    # At the lowest priority its own CPU (TLS encryption of 150 MB headers) delays the server less,
    # while everything it sends still reaches the server.
    os.nice(19)
    try:
        attack(port, ca, seconds, q, **kw)
    except BaseException as e:  # noqa: BLE001 - reported to the test, which fails on it
        q.put({"error": f"the attacker failed: {type(e).__name__}: {e}"})


@dataclass
class Outcome:
    probe: ProbeResult
    attacker: dict
    memory: dict  # MiB: VmHWM (peak) and VmRSS after
    baseline_rss: float
    server_cpu: float  # CPU seconds the server used during the run


def run(srv, attack, seconds: float = 15.0, rate: float = 100.0, **kw) -> Outcome:
    """Run `attack` against `srv` for `seconds` while probing with ordinary reviews; the probe
    starts one second after the attack, so it measures the server under attack."""
    base, cpu0 = memory(srv.proc.pid)["VmRSS"], cpu_seconds(srv.proc.pid)
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_attacker, args=(attack, srv.port, str(srv.ca), seconds, q), kwargs=kw, daemon=True)
    p.start()
    time.sleep(1.0)
    res = probe(srv.port, str(srv.ca), rate, max(1.0, seconds - 2.0))
    try:
        attacker = q.get(timeout=seconds + 60)
    except Exception:  # noqa: BLE001
        attacker = {"error": "the attacker reported nothing"}
    p.join(10)
    if p.is_alive():
        p.kill()
    return Outcome(res, attacker, memory(srv.proc.pid), base, cpu_seconds(srv.proc.pid) - cpu0)


def cpu_count() -> int:
    return os.cpu_count() or 1


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a process has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
