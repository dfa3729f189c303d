"""winkube audit reads the live kubelet configuration: /configz through the real kube-apiserver's node
proxy, and kubeadm's kube-system/kubelet-config ConfigMap; the kubelet rules run on both; refusals are
notes; `winkube audit rbac` grants exactly what it needs.

What is real: kube-apiserver and etcd (its own control plane, started with HTTPS_PROXY, see below),
RBAC, the node proxy subresource (`/api/v1/nodes/NAME/proxy/configz`: the node lookup, the choice of
the node's address and kubelet port, the apiserver's kubelet transport, the response forwarded), the
ConfigMap, the ServiceAccount tokens.

What is the test's own, and why:
- the kubelet. No real kubelet can run here (it needs root, a container runtime and a real node), so
  `_FakeKubelet` is a small HTTPS server on 127.0.0.1 that answers GET /configz the way the kubelet's
  configz handler does (k8s.io/component-base/configz: `{"kubeletconfig": {...}}`, JSON). Its body is
  what a v1.37 Windows kubelet serves with the defaults filled in and the Windows runtime endpoint.
- the route to it. The API server refuses to proxy to any address that is not global unicast
  (pkg/registry/core/node/strategy.go isProxyableHostname: loopback is "address not allowed"), and tests
  talk only to 127.0.0.1. So the Node's InternalIP is 192.0.2.10 (TEST-NET-1, RFC 5737: never routed)
  and this control plane's kube-apiserver runs with HTTPS_PROXY naming `_ConnectRelay`, a CONNECT
  relay on 127.0.0.1 that joins the tunnel for 192.0.2.10:10250 to the fake kubelet. The apiserver's
  kubelet client honours HTTPS_PROXY (client-go transport: http.ProxyFromEnvironment); loopback
  traffic (etcd) is never proxied. No packet leaves 127.0.0.1.
"""
from __future__ import annotations

import datetime as _dt
import http.server
import io
import json
import contextlib
import socket
import ssl
import threading
import time

import pytest
import yaml

from harness.controlplane import ControlPlane, ControlPlaneError, binaries_dir
from winkube.cli import main

from rbackit import apply as apply_rbac, sa_kubeconfig

NS = "winkube-kubelet-cfg"
WIN_NODE, WIN_IP = "win-cz-a", "192.0.2.10"
DOWN_NODE, DOWN_IP = "win-down-a", "192.0.2.11"  # a Windows pool whose kubelet does not answer
LINUX_NODE = "lin-cz-a"
KUBELET_PORT = 10250
SECRET_HEADER = "Bearer do-not-print-7f3a9c"
# status.images as a kubelet reports them (largest first, a digest name beside each tag): the guide's pause
PAUSE_IMAGES = [
    {"names": ["mcr.microsoft.com/windows/servercore@sha256:" + "1" * 64, "mcr.microsoft.com/windows/servercore:ltsc2022"],
     "sizeBytes": 2_226_524_160},
    {"names": ["registry.k8s.io/pause@sha256:" + "2" * 64, "registry.k8s.io/pause:3.6"], "sizeBytes": 104_091_873},
]

# /configz of a v1.37 kubelet on Windows Server 2022 started with containerd's npipe endpoint and no
# Windows-specific settings: cgroupsPerQOS and enforceNodeAllocatable keep their Linux defaults.
CONFIGZ = {"kubeletconfig": {
    "kind": "KubeletConfiguration", "apiVersion": "kubelet.config.k8s.io/v1beta1",
    "enableServer": True, "staticPodPath": "C:\\etc\\kubernetes\\manifests", "syncFrequency": "1m0s",
    "staticPodURLHeader": {"Authorization": [SECRET_HEADER]},
    "authentication": {"x509": {"clientCAFile": "C:\\etc\\kubernetes\\pki\\ca.crt"}, "webhook": {"enabled": True, "cacheTTL": "2m0s"},
                       "anonymous": {"enabled": False}},
    "authorization": {"mode": "Webhook"}, "clusterDomain": "cluster.local", "clusterDNS": ["10.96.0.10"],
    "cgroupsPerQOS": True, "cgroupDriver": "cgroupfs", "enforceNodeAllocatable": ["pods"],
    "evictionHard": {"imagefs.available": "15%", "memory.available": "100Mi", "nodefs.available": "10%"},
    "cpuManagerPolicy": "none", "memoryManagerPolicy": "None", "topologyManagerPolicy": "none",
    "containerRuntimeEndpoint": "npipe:////./pipe/containerd-containerd", "maxPods": 110,
}}

# The KubeletConfiguration kubeadm stores in kube-system/kubelet-config, in the shape kubeadm 1.3x writes
# it (cmd/kubeadm/app/componentconfigs/kubelet.go Default(): systemd cgroups, static pods, webhook authn/z).
KUBEADM_KUBELET = """apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
healthzBindAddress: 127.0.0.1
healthzPort: 10248
kind: KubeletConfiguration
rotateCertificates: true
staticPodPath: /etc/kubernetes/manifests
"""


# ------------------------------------------------------------------------------- the test's servers

def _self_signed(tmp) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, WIN_NODE)])
    now = _dt.datetime.now(_dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - _dt.timedelta(hours=1))
            .not_valid_after(now + _dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    crt, k = tmp / "kubelet.crt", tmp / "kubelet.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    k.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return str(crt), str(k)


class _FakeKubelet:
    """HTTPS on 127.0.0.1: GET /configz answers CONFIGZ; every request path is recorded."""

    def __init__(self, tmp):
        self.paths: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                outer.paths.append(self.path)
                if self.path != "/configz":
                    self.send_error(404)
                    return
                body = json.dumps(CONFIGZ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*_self_signed(tmp))
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class _ConnectRelay:
    """An HTTP CONNECT relay on 127.0.0.1: a tunnel to WIN_IP:KUBELET_PORT is joined to the fake
    kubelet; any other target is refused (502), as an unreachable kubelet would be."""

    def __init__(self, kubelet_port: int):
        self.targets: list[str] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.kubelet_port = kubelet_port
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(conn,), daemon=True).start()

    def _tunnel(self, conn: socket.socket):
        with conn:
            conn.settimeout(10)
            head = b""
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            method, target = head.split(b" ", 2)[:2]
            self.targets.append(target.decode())
            if method != b"CONNECT" or target.decode() != f"{WIN_IP}:{KUBELET_PORT}":
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            with socket.create_connection(("127.0.0.1", self.kubelet_port), timeout=10) as up:
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                rest = head.split(b"\r\n\r\n", 1)[1]
                if rest:
                    up.sendall(rest)
                threading.Thread(target=_pipe, args=(up, conn), daemon=True).start()
                _pipe(conn, up)

    def close(self):
        self.sock.close()


def _pipe(src: socket.socket, dst: socket.socket):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


# ------------------------------------------------------------------------------- the cluster

def _ok(r, *codes):
    assert r.status_code in (codes or (200, 201)), f"{r.request.method} {r.request.url}: {r.status_code} {r.text}"
    return r.json()


@pytest.fixture(scope="module")
def setup(kube_version, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kubelet-cfg")
    kubelet = _FakeKubelet(tmp)
    relay = _ConnectRelay(kubelet.port)
    try:
        cp = ControlPlane.start(binaries_dir(kube_version), kube_version, apiserver_env={
            "HTTPS_PROXY": f"http://127.0.0.1:{relay.port}", "NO_PROXY": "127.0.0.1,localhost"})
    except ControlPlaneError as exc:
        kubelet.close()
        relay.close()
        pytest.fail(f"the real Kubernetes control plane is required and could not be started:\n{exc}", pytrace=False)
    try:
        with cp.client() as kube:
            cp.ensure_namespace(kube, NS)
            win = {"node.kubernetes.io/windows-build": "10.0.20348"}
            taint = [{"key": "os", "value": "windows", "effect": "NoSchedule"}]
            for name, ip, pool in ((WIN_NODE, WIN_IP, "win-cz"), (DOWN_NODE, DOWN_IP, "win-down")):
                cp.register_node(kube, name, os_name="windows", labels={**win, "agentpool": pool}, taints=taint,
                                 node_info={"kubeletVersion": "v1.37.2"})
                # where the API server's node proxy goes: the node's InternalIP and kubelet port
                _ok(kube.patch(f"/api/v1/nodes/{name}/status", headers={"Content-Type": "application/merge-patch+json"},
                               json={"status": {"addresses": [{"type": "InternalIP", "address": ip}],
                                                "daemonEndpoints": {"kubeletEndpoint": {"Port": KUBELET_PORT}},
                                                "images": PAUSE_IMAGES}}))
            cp.register_node(kube, LINUX_NODE, labels={"agentpool": "lin-cz"})
            _ok(kube.post("/api/v1/namespaces/kube-system/configmaps", json={
                "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kubelet-config", "namespace": "kube-system"},
                "data": {"kubelet": KUBEADM_KUBELET}}))
            yield cp, kube, kubelet, relay, tmp
    finally:
        cp.stop()
        kubelet.close()
        relay.close()


def _audit(*args) -> tuple[int, dict, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["audit", *args])
    text = out.getvalue()
    return code, (json.loads(text) if text.startswith("{") else {}), text + err.getvalue()


def _rbac(subject: str) -> list[dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["audit", "rbac", "--subject", subject]) == 0
    return [d for d in yaml.safe_load_all(out.getvalue()) if d]


def _rules(entry: dict) -> set[str]:
    return {f["rule"] for f in entry["findings"]}


# ------------------------------------------------------------------------------- tests

def test_configz_through_the_real_node_proxy_and_kubeadms_configmap(setup):
    cp, kube, kubelet, relay, _ = setup
    code, rep, text = _audit("--kubeconfig", str(cp.kubeconfig), "-n", NS, "-o", "json")
    assert rep["partial"] == [] and rep["errors"] == [], text
    by_source = {k["source"]: k for k in rep["kubeletConfigs"]}
    configz = next(k for s, k in by_source.items() if s.startswith(f"node {WIN_NODE} "))
    assert configz["source"].endswith(f": /api/v1/nodes/{WIN_NODE}/proxy/configz")
    # the kubelet rules ran on what the (fake) kubelet serves, judged as Windows by its npipe endpoint
    assert {"kubelet-cgroups-ignored-windows", "kubelet-reserved-memory-windows"} <= _rules(configz)
    paths = {f["path"] for f in configz["findings"]}
    assert {"enforceNodeAllocatable", "cgroupsPerQOS"} <= paths
    assert all("profile has Windows node pools" not in f["message"] for f in configz["findings"])
    # the request really went through the API server's node proxy to the node's address and port
    assert "/configz" in kubelet.paths and f"{WIN_IP}:{KUBELET_PORT}" in relay.targets
    # only Windows pools are read; the one whose kubelet does not answer is a note, not a failure
    assert not any(LINUX_NODE in s for s in by_source)
    assert any(DOWN_NODE in n and "did not answer" in n for n in rep["notes"]), rep["notes"]
    assert relay.targets.count(f"{DOWN_IP}:{KUBELET_PORT}") == 1  # the proxy's 503 is not retried
    # the pause image the node reports in status.images (stored and served by the real API server)
    pool = next(p for p in rep["pools"] if WIN_NODE in p["nodes"])
    pause = {f["rule"]: f for f in pool["findings"] if f["rule"].startswith("node-pause-image-")}
    assert set(pause) == {"node-pause-image-outdated", "node-pause-image-unsigned"}
    assert pause["node-pause-image-outdated"]["path"] == "status.images[1].names[1]"
    assert "3.10.2" in pause["node-pause-image-outdated"]["message"]  # the 1.37 default
    # kubeadm's ConfigMap: no Windows endpoint, judged as Windows because the cluster has Windows pools
    cm = by_source["ConfigMap kube-system/kubelet-config (kubeadm)"]
    assert "kubelet-reserved-memory-windows" in _rules(cm)
    assert all("profile has Windows node pools" in f["message"] for f in cm["findings"])
    # the header that can hold credentials is neither judged nor printed
    assert SECRET_HEADER not in text
    for fmt in ("text", "html"):
        code, _, text = _audit("--kubeconfig", str(cp.kubeconfig), "-n", NS, "-o", fmt)
        assert "Kubelet configuration" in text and f"/api/v1/nodes/{WIN_NODE}/proxy/configz" in text, fmt
        assert "note: kubelet configuration of pool" in text and SECRET_HEADER not in text, fmt


def test_without_the_permissions_it_is_a_note_and_audit_rbac_grants_them(setup):
    cp, kube, kubelet, _, tmp = setup
    kc = sa_kubeconfig(cp, kube, tmp, NS, "reader")
    docs = _rbac(f"serviceaccount:{NS}:reader")
    read_only = [d for d in docs if not d["metadata"]["name"].endswith("-kubelet-config")]
    kubelet_part = [d for d in docs if d["metadata"]["name"].endswith("-kubelet-config")]
    assert {d["kind"] for d in kubelet_part} == {"ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"}
    # only the read-only part: everything is read, the kubelet configuration is a note
    apply_rbac(kube, read_only)
    deadline = time.monotonic() + 10
    while True:
        code, rep, text = _audit("--kubeconfig", kc, "-n", NS, "-o", "json")
        if rep.get("partial") == [] or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    before = len(kubelet.paths)
    assert rep["partial"] == [] and rep["errors"] == [] and rep["kubeletConfigs"] == [], text
    assert code != 2  # a refusal of the kubelet configuration is not a partial read
    notes = " ".join(rep["notes"])
    assert 'missing permission to get "nodes/proxy"' in notes and "winkube audit rbac" in notes
    assert 'missing permission to get "configmaps"' in notes and 'namespace "kube-system"' in notes
    assert len(kubelet.paths) == before
    # then the kubelet part as printed: both sources are read
    apply_rbac(kube, kubelet_part)
    deadline = time.monotonic() + 10
    while True:
        code, rep, text = _audit("--kubeconfig", kc, "-n", NS, "-o", "json")
        if len(rep.get("kubeletConfigs", [])) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    sources = [k["source"] for k in rep["kubeletConfigs"]]
    assert len(sources) == 2 and sources[1] == "ConfigMap kube-system/kubelet-config (kubeadm)", (sources, rep["notes"])
    assert not any("missing permission" in n for n in rep["notes"])


def test_a_dump_with_the_configmap_is_judged_offline(setup, tmp_path):
    _, kube, _, _, _ = setup
    items = []
    for path, kind in (("/api/v1/nodes", "Node"), ("/api/v1/namespaces/kube-system/configmaps", "ConfigMap")):
        for it in _ok(kube.get(path))["items"]:
            items.append({"apiVersion": "v1", "kind": kind, **it})
    (tmp_path / "dump.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": items}))
    code, rep, text = _audit("-f", str(tmp_path / "dump.json"), "-o", "json")
    assert [k["source"] for k in rep["kubeletConfigs"]] == ["ConfigMap kube-system/kubelet-config (kubeadm)"], text
    assert "kubelet-reserved-memory-windows" in _rules(rep["kubeletConfigs"][0])
