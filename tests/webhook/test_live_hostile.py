"""The webhook's live profile (list+watch) against a hostile API server (issue 10, attack 9): an
endless watch line took the webhook to 2.8 GB and /healthz stopped answering. Now the line is cut
at 4 MiB, the watch is retried with backoff, the last profile stays in service, and the process
stays small and answers.

The API server here is tests/hostile_http.py on 127.0.0.1 (plain HTTP): the real kube-apiserver
never sends an endless line. The webhook is the real `python -m winkube.webhook serve` process."""
from __future__ import annotations

import json
import time

import yaml

from hostile_http import HostileServer

from .whkit import WebhookProcess

NODE = {"metadata": {"name": "win-1", "resourceVersion": "5", "labels": {"kubernetes.io/os": "windows",
                                                                         "kubernetes.io/arch": "amd64"}},
        "status": {"nodeInfo": {"operatingSystem": "windows", "architecture": "amd64", "kernelVersion": "10.0.20348.2700",
                                "containerRuntimeVersion": "containerd://1.7.20", "kubeletVersion": "v1.33.0"},
                   "allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}}}
SENT_CAP = 256 * 1024 * 1024  # what the server sends at most on one watch (today's main reads all of it)


def _serve(req, conn):
    if req.path.startswith("/version"):
        conn.respond(200, json.dumps({"major": "1", "minor": "33", "gitVersion": "v1.33.0"}).encode())
    elif "watch=true" in req.path and req.path.startswith("/api/v1/nodes"):
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        start = b'{"type":"MODIFIED","object":{"metadata":{"name":"'
        conn.send(f"{len(start):x}\r\n".encode() + start + b"\r\n")
        chunk = b"a" * (1 << 20)
        framed = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        for _ in range(SENT_CAP >> 20):
            if not conn.send(framed):
                return
    elif "watch=true" in req.path:  # runtimeclasses: a quiet watch
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        while not conn.server.stopping.wait(0.2):
            pass
    elif req.path.startswith("/api/v1/nodes"):
        conn.respond(200, json.dumps({"kind": "NodeList", "metadata": {"resourceVersion": "5"}, "items": [NODE]}).encode())
    else:
        conn.respond(200, json.dumps({"kind": "RuntimeClassList", "metadata": {"resourceVersion": "5"}, "items": []}).encode())


def _kubeconfig(tmp_path, server: str):
    kc = tmp_path / "kubeconfig"
    kc.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": "h",
        "clusters": [{"name": "h", "cluster": {"server": server}}],
        "users": [{"name": "h", "user": {"token": "x"}}],
        "contexts": [{"name": "h", "context": {"cluster": "h", "user": "h"}}]}))
    return kc


def _vm(pid: int, key: str) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise AssertionError(key)


def test_an_endless_watch_line_does_not_take_the_webhook_down(tmp_path, wk_pki):
    with HostileServer(_serve) as api:
        kc = _kubeconfig(tmp_path, api.url)
        srv = WebhookProcess(tmp_path, wk_pki.serving_cert, wk_pki.serving_key, wk_pki.ca_cert,
                             ["--kubeconfig", str(kc)], name="hostile-watch")
        try:
            srv.wait("/readyz")  # the list gave a profile
            worst = 0.0
            watches = 0
            t_end = time.monotonic() + 6  # the watch fails, backs off 1 s, 2 s, … and fails again
            with srv.client() as c:
                while time.monotonic() < t_end:
                    t0 = time.monotonic()
                    assert c.get("/healthz").status_code == 200
                    worst = max(worst, time.monotonic() - t0)
                    time.sleep(0.1)
                ready = c.get("/readyz")
            watches = sum(1 for r in api.requests if "watch=true" in r.path and r.path.startswith("/api/v1/nodes"))
            peak = _vm(srv.proc.pid, "VmHWM")
        finally:
            assert srv.stop() == 0
    print(f"\nhostile watch: {watches} watches cut, /healthz worst {worst * 1000:.0f} ms, webhook peak RSS {peak / 2**20:.0f} MiB")
    assert watches >= 2, "the watch was not retried"
    assert ready.status_code == 200 and "stale" in ready.text and "line longer than 4194304 bytes" in ready.text, ready.text
    assert worst < 1.0, f"/healthz took {worst:.2f}s during the attack"
    assert peak < 200 * 1024 * 1024, f"the webhook peaked at {peak / 2**20:.0f} MiB (deploy/ limit: 256Mi)"


def test_endless_new_nodes_are_not_all_kept(tmp_path):
    """A watch that announces new Nodes without end: the live profile keeps at most max_objects
    (50,000 by default; 100 here), then the watch fails and the last profile keeps serving."""
    from winkube.cluster import Cluster
    from winkube.webhook.policy import Policy
    from winkube.webhook.state import Knowledge, LiveProfile

    def serve(req, conn):
        if "watch=true" in req.path and req.path.startswith("/api/v1/nodes"):
            conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            for i in range(100_000):
                node = dict(NODE, metadata=dict(NODE["metadata"], name=f"n-{i}", resourceVersion=str(6 + i)))
                line = json.dumps({"type": "ADDED", "object": node}).encode() + b"\n"
                if not conn.send(f"{len(line):x}\r\n".encode() + line + b"\r\n"):
                    return
        else:
            _serve(req, conn)

    with HostileServer(serve) as api:
        kc = _kubeconfig(tmp_path, api.url)
        k = Knowledge(Policy())
        live = LiveProfile(k, Cluster.connect(str(kc), timeout=5), backoff=0.2, max_backoff=0.5)
        live.max_objects = 100
        live.start()
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not (
                    k.health.ready and any("more than 100 objects" in e for e in live._failing.values())):
                time.sleep(0.05)
            failing, ready, kept = dict(live._failing), k.health.ready, len(live._objs["/api/v1/nodes"])
        finally:
            live.close()
    assert any("more than 100 objects" in e for e in failing.values()), (failing, k.health)
    assert ready and kept <= 100
