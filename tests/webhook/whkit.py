"""Helpers for the webhook tests: a real `python -m winkube.webhook serve` process on 127.0.0.1,
AdmissionReview builders, and webhook registration against the real kube-apiserver."""
from __future__ import annotations

import base64
import copy
import json
import os
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

REPO = Path(__file__).resolve().parents[2]
WIN_IMAGE = "mcr.microsoft.com/windows/servercore:ltsc2022"
WIN2019_IMAGE = "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019"
LINUX_IMAGE = "example.com/tools/agent:v1.2.3-linux-amd64"  # Linux by tag convention (knowledge/image_tags.yaml)
PLAIN_IMAGE = "nginx:1.27"  # nothing known


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_profile(path: Path, **overrides) -> Path:
    from winkube.model.profile import _default_data
    data = json.loads(json.dumps(_default_data()))
    data["name"] = "e2e"
    data.update(overrides)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


class WebhookProcess:
    """`python -m winkube.webhook serve …` as a child process; stop() sends SIGTERM."""

    def __init__(self, workdir: Path, cert: Path, key: Path, ca: Path, args: list[str], name: str = "webhook",
                 env: dict | None = None):
        self.port = free_port()
        self.ca = ca
        self.log = workdir / f"{name}-{self.port}.log"
        self.url = f"https://127.0.0.1:{self.port}"
        argv = [sys.executable, "-m", "winkube.webhook", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                "--tls-cert", str(cert), "--tls-key", str(key), "--log-level", "warning", *args]
        self._fh = open(self.log, "wb")
        env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
        self.proc = subprocess.Popen(argv, stdout=self._fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                     cwd=REPO)

    def client(self, **kw) -> httpx.Client:
        return httpx.Client(base_url=self.url, verify=ssl.create_default_context(cafile=str(self.ca)), timeout=10, **kw)

    def wait(self, path: str = "/readyz", timeout: float = 30.0, want: int = 200) -> str:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"webhook exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                with self.client() as c:
                    r = c.get(path)
                    last = f"{r.status_code} {r.text}"
                    if r.status_code == want:
                        return r.text
            except httpx.HTTPError as e:
                last = repr(e)
            time.sleep(0.1)
        raise AssertionError(f"webhook {path} not {want} within {timeout}s (last: {last}); log:\n{self.log.read_text()[-3000:]}")

    def stop(self, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._fh.close()
        return self.proc.returncode

    def logtext(self) -> str:
        return self.log.read_text(errors="replace")


def review(obj, operation="CREATE", *, kind=None, group="", resource=None, sub_resource=None, old=None,
           namespace="default", dry_run=False, uid="0b7b1f3e-0000-4000-8000-000000000001") -> dict:
    kind = kind or obj.get("kind")
    return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
        "uid": uid, "kind": {"group": group, "version": "v1", "kind": kind},
        "resource": {"group": group, "version": "v1", "resource": resource or (kind.lower() + "s")},
        "subResource": sub_resource, "requestKind": {"group": group, "version": "v1", "kind": kind},
        "name": (obj.get("metadata") or {}).get("name"), "namespace": namespace, "operation": operation,
        "userInfo": {"username": "tester"}, "object": obj, "oldObject": old, "dryRun": dry_run, "options": None}}


# Requests as the Windows guide asks of every container, so that windows-container-without-requests
# (an info-level advice) does not sit in every test's list of findings.
REQUESTS = {"requests": {"cpu": "100m", "memory": "300Mi"}}


def pod(name="p", image=WIN_IMAGE, **spec) -> dict:
    s = {"containers": [{"name": "c", "image": image, "resources": copy.deepcopy(REQUESTS)}]}
    s.update(spec)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": s}


def deployment(name="d", image=WIN_IMAGE, **spec) -> dict:
    s = {"containers": [{"name": "c", "image": image, "resources": copy.deepcopy(REQUESTS)}]}
    s.update(spec)
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": s}}}


def decode_patch(resp: dict):
    p = resp.get("patch")
    return json.loads(base64.b64decode(p)) if p else None


def warnings_of(r: httpx.Response) -> list[str]:
    """The texts of the HTTP Warning headers (RFC 7234: 299 - "text") the API server returned."""
    out = []
    for h in r.headers.get_list("warning"):
        for part in _split_warnings(h):
            out.append(part)
    return out


def _split_warnings(value: str) -> list[str]:
    out, i = [], 0
    while i < len(value):
        start = value.find('"', i)
        if start < 0:
            break
        j, buf = start + 1, []
        while j < len(value) and value[j] != '"':
            if value[j] == "\\" and j + 1 < len(value):
                j += 1
            buf.append(value[j])
            j += 1
        out.append("".join(buf))
        i = j + 1
    return out


class TcpProxy:
    """A TCP forwarder on 127.0.0.1 that can be cut (every connection dropped, the port closed)
    and restored on the same port: loss of the API server watch, as the webhook sees it."""

    def __init__(self, upstream_port: int, port: int | None = None):
        import threading
        self.upstream = upstream_port
        self.port = port or free_port()
        self._conns: list = []
        self._lock = threading.Lock()
        self._listener = None
        self._thread = None

    def start(self) -> "TcpProxy":
        import socket
        import threading
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", self.port))
        ls.listen(64)
        self._listener = ls
        self._thread = threading.Thread(target=self._accept, args=(ls,), daemon=True)
        self._thread.start()
        return self

    def _accept(self, ls) -> None:
        import socket
        import threading
        while True:
            try:
                c, _ = ls.accept()
            except OSError:
                return
            try:
                u = socket.create_connection(("127.0.0.1", self.upstream), timeout=5)
            except OSError:
                c.close()
                continue
            with self._lock:
                self._conns += [c, u]
            for a, b in ((c, u), (u, c)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(a, b) -> None:
        import socket
        try:
            a.settimeout(None)
            while True:
                data = a.recv(65536)
                if not data:
                    break
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        import socket
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept() (Linux)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            conns, self._conns = self._conns, []
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
