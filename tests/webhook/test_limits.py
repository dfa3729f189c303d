"""The webhook's bounds on hostile clients (issue 10), each over the wire against a real server
process, with short timeouts so the suite stays fast. The long versions with many connections,
the probe of ordinary reviews and the memory peak are tests/attack/test_webhook_attacks.py
(`make attack`)."""
from __future__ import annotations

import re
import socket
import ssl
import time

import pytest

from harness.controlplane import make_pki

from .whkit import WebhookProcess, pod, review, write_profile

KIB = 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    d = tmp_path_factory.mktemp("limits")
    pki = make_pki(d)
    srv = WebhookProcess(d, pki.serving_cert, pki.serving_key, pki.ca_cert,
                         ["--profile", str(write_profile(d / "p.yaml")), "--header-timeout", "1", "--body-timeout", "1",
                          "--max-body", str(512 * KIB), "--max-body-total", str(1024 * KIB)], name="limits")
    srv.wait()
    yield srv
    assert srv.stop() == 0


def connect(srv) -> ssl.SSLSocket:
    raw = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    return ssl.create_default_context(cafile=str(srv.ca)).wrap_socket(raw, server_hostname="127.0.0.1")


def answer(s) -> tuple[str, float]:
    """(the status line, or "closed"/the error, and the seconds it took)."""
    t0 = time.monotonic()
    data = b""
    try:
        while b"\r\n" not in data:
            d = s.recv(65536)
            if not d:
                break
            data += d
    except OSError as e:
        return type(e).__name__, time.monotonic() - t0
    return (data.split(b"\r\n", 1)[0].decode() if data else "closed"), time.monotonic() - t0


def send_all(s, data: bytes) -> None:
    """Send what the server takes; a server that closes early is what some tests expect."""
    try:
        s.sendall(data)
    except OSError:
        pass


def still_serves(srv) -> None:
    with srv.client() as c:
        r = c.post("/validate", json=review(pod()))
        assert r.status_code == 200 and r.json()["response"]["uid"]


def metric(srv, kind: str) -> int:
    with srv.client() as c:
        m = re.search(rf'winkube_webhook_errors_total{{kind="{kind}"}} (\d+)', c.get("/metrics").text)
    return int(m.group(1)) if m else 0


def test_a_header_over_64_kib_is_431_at_once(server):
    s = connect(server)
    send_all(s, b"POST /validate HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (2 * 1024 * KIB))
    status, took = answer(s)
    assert status == "HTTP/1.1 431 Request Header Fields Too Large", status
    assert took < 1.0  # refused on the cap, not on the header timeout
    assert metric(server, "header_too_large") >= 1
    still_serves(server)


def test_a_request_target_over_8_kib_is_414(server):
    s = connect(server)
    send_all(s, b"GET /" + b"a" * (20 * KIB) + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer(s)[0] == "HTTP/1.1 414 URI Too Long"
    still_serves(server)


def test_a_partial_head_is_answered_408_after_the_header_timeout(server):
    s = connect(server)
    s.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\n")
    for _ in range(3):  # a trickle does not extend the deadline: it is per head, not per read
        time.sleep(0.3)
        s.sendall(b"X-Slow: a\r\n")
    status, took = answer(s)
    assert status == "HTTP/1.1 408 Request Timeout", status
    assert took < 2.0, f"the head's deadline was extended by the trickle ({took:.1f}s after the last byte)"


def test_a_partial_body_is_dropped_after_the_body_timeout(server):
    before = metric(server, "body_timeout")
    s = connect(server)
    s.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{")
    status, took = answer(s)
    assert status in ("closed", "SSLEOFError", "ConnectionResetError"), status
    assert 0.5 < took < 5.0
    assert metric(server, "body_timeout") == before + 1
    still_serves(server)


def test_bodies_held_across_connections_share_one_budget_with_a_reserve_for_ordinary_reviews(server):
    # budget 1 MiB, a quarter of it kept for bodies under 256 KiB: one 500 KiB body fits, a second one does not
    head = b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (500 * KIB)
    holder = connect(server)
    holder.sendall(head + b"{")  # declared, and held
    time.sleep(0.2)
    second = connect(server)
    send_all(second, head + b"{")
    status, took = answer(second)
    assert status == "HTTP/1.1 503 Service Unavailable", status
    assert took < 0.9  # refused at once, before its body deadline
    still_serves(server)  # an ordinary review still gets in while the large body is held
    holder.close()


def test_metric_labels_come_from_a_fixed_set(server):
    with server.client() as c:
        before = len(c.get("/metrics").content)
        for i in range(50):
            assert c.request("DELETE", f"/{i:04d}" + "x" * 4000).status_code == 405
            assert c.get(f"/nowhere-{i}").status_code == 404
        text = c.get("/metrics").text
    assert "x" * 100 not in text and "nowhere" not in text
    assert 'winkube_webhook_requests_total{path="other",code="405"}' in text
    assert len(text) < before + 2000  # two more series at most, not one per path
