"""The server process: TLS certificate rotation without a restart, and SIGTERM draining in-flight
reviews (stop accepting, answer what is in flight, exit 0)."""
from __future__ import annotations

import json
import shutil
import socket
import ssl
import time

from cryptography import x509

from harness.controlplane import make_pki

from .whkit import WebhookProcess, pod, review, write_profile


def served_cert(port: int, ca) -> x509.Certificate:
    ctx = ssl.create_default_context(cafile=str(ca))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:  # an IP: no SNI is sent, as from the API server
            return x509.load_der_x509_certificate(s.getpeercert(binary_form=True))


def test_certificate_files_are_reloaded_when_they_change(tmp_path):
    (tmp_path / "a").mkdir()
    first = make_pki(tmp_path / "a")
    (tmp_path / "b").mkdir()
    second = make_pki(tmp_path / "b")
    live = tmp_path / "live"
    live.mkdir()
    crt, key = live / "tls.crt", live / "tls.key"
    shutil.copy(first.serving_cert, crt)
    shutil.copy(first.serving_key, key)
    srv = WebhookProcess(tmp_path, crt, key, first.ca_cert, ["--profile", str(write_profile(tmp_path / "p.yaml"))])
    try:
        srv.wait()
        before = served_cert(srv.port, first.ca_cert)
        # a half-written pair (cert-manager writes the Secret, the kubelet swaps the files): keep serving the old one
        crt.write_text("-----BEGIN CERTIFICATE-----\ngarbage\n")
        time.sleep(1.2)
        assert served_cert(srv.port, first.ca_cert).serial_number == before.serial_number
        # the new pair, as the kubelet's atomic symlink swap would present it
        shutil.copy(second.serving_key, key)
        shutil.copy(second.serving_cert, crt)
        deadline = time.monotonic() + 10
        while True:
            try:
                after = served_cert(srv.port, second.ca_cert)
                break
            except ssl.SSLError:
                assert time.monotonic() < deadline, "the new certificate was not served within 10s"
                time.sleep(0.3)
        assert after.serial_number != before.serial_number
        # reviews go on over the new certificate, on the same process
        import httpx
        with httpx.Client(base_url=srv.url, verify=ssl.create_default_context(cafile=str(second.ca_cert))) as c:
            r = c.post("/validate", json=review(pod()))
            assert r.status_code == 200 and r.json()["response"]["allowed"] is False
    finally:
        assert srv.stop() == 0


def test_sigterm_finishes_in_flight_reviews_then_exits(tmp_path):
    pki = make_pki(tmp_path)
    srv = WebhookProcess(tmp_path, pki.serving_cert, pki.serving_key, pki.ca_cert,
                         ["--profile", str(write_profile(tmp_path / "p.yaml")), "--grace", "15"])
    srv.wait()
    body = json.dumps(review(pod(), uid="in-flight")).encode()
    ctx = ssl.create_default_context(cafile=str(pki.ca_cert))
    raw = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    s = ctx.wrap_socket(raw, server_hostname="127.0.0.1")
    head = (f"POST /validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    s.sendall(head + body[: len(body) // 2])  # a review in flight: half its body sent
    time.sleep(0.3)
    srv.proc.send_signal(15)
    time.sleep(1.0)
    # no new connections are accepted
    refused = False
    try:
        socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()
    except OSError:
        refused = True
    assert refused, "the server still accepts connections after SIGTERM"
    assert srv.proc.poll() is None, "the server exited with a review in flight"
    s.sendall(body[len(body) // 2:])
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int([ln.split(b":")[1] for ln in head.split(b"\r\n") if ln.lower().startswith(b"content-length")][0])
    while len(rest) < length:
        rest += s.recv(65536)
    assert head.startswith(b"HTTP/1.1 200"), head
    answer = json.loads(rest)
    assert answer["response"]["uid"] == "in-flight" and answer["response"]["allowed"] is False
    s.close()
    srv.proc.wait(timeout=20)
    assert srv.stop() == 0


def test_bad_requests_over_the_wire(tmp_path):
    pki = make_pki(tmp_path)
    srv = WebhookProcess(tmp_path, pki.serving_cert, pki.serving_key, pki.ca_cert,
                         ["--profile", str(write_profile(tmp_path / "p.yaml")), "--max-body", "100000"])
    try:
        srv.wait()
        with srv.client() as c:
            assert c.post("/validate", content=b"{").status_code == 400
            assert c.post("/validate", content=b"x" * 200000).status_code == 413
            assert c.post("/mutate", json=review(pod())).status_code == 200
            assert c.get("/healthz").text == "ok\n"
            assert "winkube_webhook_errors_total{kind=\"too_large\"} 1" in c.get("/metrics").text
    finally:
        assert srv.stop() == 0


def test_the_cli_front_door_serves_and_stops_on_sigterm(tmp_path):
    """`winkube webhook serve` runs commands on a worker thread; it re-executes itself so that the
    server owns the main thread and its signals."""
    import os
    import subprocess
    import sys

    from .whkit import free_port
    pki = make_pki(tmp_path)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "winkube.cli", "webhook", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--tls-cert", str(pki.serving_cert), "--tls-key", str(pki.serving_key),
                             "--profile", str(write_profile(tmp_path / "p.yaml")), "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ))
    import httpx
    deadline = time.monotonic() + 30
    while True:
        try:
            r = httpx.get(f"https://127.0.0.1:{port}/readyz", verify=ssl.create_default_context(cafile=str(pki.ca_cert)))
            if r.status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read() if proc.poll() is not None else "timeout"
        time.sleep(0.1)
    proc.send_signal(15)
    assert proc.wait(timeout=30) == 0


def test_serve_usage_errors_are_messages_not_tracebacks(tmp_path):
    import subprocess
    import sys
    bad = tmp_path / "bad.yaml"
    bad.write_text("actions:\n  no-such-rule: deny\n")
    pki = make_pki(tmp_path)
    tls = ["--tls-cert", str(pki.serving_cert), "--tls-key", str(pki.serving_key)]
    cases = [
        ([], "needs --tls-cert and --tls-key"),
        (tls + ["--profile", str(tmp_path / "missing.yaml")], "missing.yaml: no such file"),
        (tls + ["--profile", str(write_profile(tmp_path / "p.yaml")), "--config", str(bad)], "actions.no-such-rule: unknown rule"),
        (tls + ["--kubeconfig", str(tmp_path / "nokc.yaml")], "winkube: error: "),
    ]
    for args, message in cases:
        r = subprocess.run([sys.executable, "-m", "winkube.cli", "webhook", "serve", "--port", "0", *args],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert message in r.stderr and "Traceback" not in r.stderr, (args, r.stderr)
