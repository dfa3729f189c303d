"""winkube's network clients attacked at their DEFAULT bounds (the short tests in tests/cluster and
tests/registry lower the bounds to stay quick). Each attack runs the client in a child process,
so its peak RSS (VmHWM) is the process's own, and states the time and memory bound it holds.

The servers are tests/hostile_http.py on 127.0.0.1: no real API server or registry misbehaves
like this."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest

from hostile_http import HostileServer

CHUNKED = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
MiB = 1024 * 1024


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _client(server: str, op: str, timeout: float = 30.0) -> dict:
    """Run `op` (Python, `c` is a winkube Cluster on `server`) in a child; its time, error, peak RSS."""
    code = textwrap.dedent(f"""\
        import json, sys, tempfile, time, yaml
        from winkube.cluster import Cluster, ClusterError
        kc = tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False)
        yaml.safe_dump({{"apiVersion": "v1", "kind": "Config", "current-context": "h",
            "clusters": [{{"name": "h", "cluster": {{"server": {server!r}}}}}],
            "users": [{{"name": "h", "user": {{"token": "x"}}}}],
            "contexts": [{{"name": "h", "context": {{"cluster": "h", "user": "h"}}}}]}}, kc)
        kc.close()
        c = Cluster.connect(kc.name, timeout={timeout})
        def rss(key):
            return next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith(key + ":"))
        base = rss("VmRSS")
        t0 = time.monotonic()
        err = None
        try:
            {op}
        except ClusterError as e:
            err = str(e)
        print(json.dumps({{"elapsed": time.monotonic() - t0, "error": err, "base": base, "peak": rss("VmHWM")}}))
        """)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=600)
    assert p.returncode == 0, p.stderr.decode()[-3000:]  # no traceback, whatever the server does
    return json.loads(p.stdout)


def _report(name: str, r: dict) -> None:
    print(f"\n{name}: {r['elapsed']:.1f} s, peak RSS {r['peak'] / MiB:.0f} MiB (start {r['base'] / MiB:.0f} MiB): {r['error']}")


def test_endless_list_body_at_the_default_cap():
    """Bound: 256 MiB read per response, then a ClusterError; peak RSS measured."""
    def handler(req, conn):
        conn.send(CHUNKED + _chunk(b'{"kind":"List","items":['))
        item = _chunk(b'{"metadata":{"name":"' + b"n" * (MiB - 40) + b'"}},')
        for _ in range(1024):  # 1 GiB at most
            if not conn.send(item):
                return

    with HostileServer(handler) as srv:
        r = _client(srv.url, "list(c.list('/api/v1/pods'))", timeout=120)
    _report("endless list body", r)
    assert "over 256 MiB" in r["error"]
    assert r["peak"] - r["base"] < 3 * 256 * MiB


def test_endless_continue_at_the_default_page_cap():
    """Bound: 10,000 pages, then a ClusterError; time measured."""
    def handler(req, conn):
        n = len(srv.requests)
        meta = {"continue": f"t{n}"} if n < 20000 else {}
        conn.respond(200, json.dumps({"kind": "PodList", "metadata": meta, "items": []}).encode())

    with HostileServer(handler) as srv:
        r = _client(srv.url, "list(c.list('/api/v1/pods'))")
        pages = len(srv.requests)
    _report("endless continue", r)
    assert "past 10000 pages" in r["error"] and pages == 10000


def test_endless_watch_line_at_the_default_cap():
    """Bound: one watch line of 16 MiB, then a ClusterError; peak RSS measured."""
    def handler(req, conn):
        conn.send(CHUNKED + _chunk(b'{"type":"ADDED","object":{"metadata":{"name":"'))
        for _ in range(1024):  # 1 GiB at most
            if not conn.send(_chunk(b"a" * MiB)):
                return

    with HostileServer(handler) as srv:
        r = _client(srv.url, "list(c.watch('/api/v1/nodes', '1', timeout_seconds=60))")
    _report("endless watch line", r)
    assert "line longer than 16777216 bytes" in r["error"]
    assert r["peak"] - r["base"] < 4 * 16 * MiB


@pytest.mark.parametrize("where", ["headers", "body"])
def test_trickle_at_the_default_request_timeout(where):
    """Bound: the default --request-timeout (30 s), wall clock, however slowly bytes arrive."""
    def handler(req, conn):
        if where == "headers":
            conn.trickle(b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100000 + b"\r\n\r\n", 0.1)
        else:
            conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
            conn.trickle(b"{" * 100000, 0.1)

    with HostileServer(handler) as srv:
        t0 = time.monotonic()
        r = _client(srv.url, "c.version()")
    _report(f"trickled {where}", r)
    assert "timed out after 30s" in r["error"] and r["elapsed"] < 31.5 and time.monotonic() - t0 < 40


def test_registry_retry_after_and_trickle_at_the_default_timeout():
    """Bound: `winkube images` with the default --timeout 30s against a registry that answers
    429 Retry-After: 25 on one image (4 attempts: 100 s of waiting on main) and trickles the other: both end by
    the 30 s deadline."""
    def handler(req, conn):
        if "/wait/" in req.path:
            conn.respond(429, b"{}", {"Retry-After": "25"})
        elif "/slow/" in req.path:
            conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.index.v1+json\r\n"
                      b"Content-Length: 100000\r\n\r\n")
            conn.trickle(b" " * 100000, 0.1)
        else:
            conn.respond(200, b"{}")

    with HostileServer(handler) as srv:
        t0 = time.monotonic()
        p = subprocess.run([sys.executable, "-m", "winkube.cli", "images", f"{srv.host}/x/wait:1", f"{srv.host}/x/slow:1",
                            "--insecure-registry", srv.host, "--no-cache", "-o", "json"],
                           capture_output=True, timeout=300)
        took = time.monotonic() - t0
    errors = {e["ref"].split("/")[2].split(":")[0]: e for e in json.loads(p.stdout)["errors"]}
    print(f"\nregistry Retry-After 25 s and trickled manifest under --timeout 30s: {took:.1f} s; "
          f"{errors['wait']['message']} | {errors['slow']['message']}")
    assert p.returncode == 2 and took < 40
    assert errors["wait"]["error"] == "rate-limited" and errors["slow"]["error"] == "timeout"
