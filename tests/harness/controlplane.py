"""A real Kubernetes control plane (etcd + kube-apiserver, kube-scheduler on demand) for the tests.

Nothing here is mocked: the binaries are the ones tools/build-control-plane.sh builds from the
Kubernetes and etcd Go modules. Everything listens on 127.0.0.1 only, on free ports, with data in
a temporary directory and logs under tests/.logs/<run>/.

Used by tests/harness/conftest.py (fixtures) and usable from a plain Python shell:

    with ControlPlane.start(binaries_dir(), kube_version()) as cp:
        print(cp.client().get("/version").json())
"""

from __future__ import annotations

import atexit
import datetime as _dt
import ipaddress
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
LOG_ROOT = REPO_ROOT / "tests" / ".logs"
BUILD_SCRIPT = REPO_ROOT / "tools" / "build-control-plane.sh"
KUBE_GO_MOD = REPO_ROOT / "tools" / "kube" / "go.mod"

ADMIN_TOKEN_USER = "winkube-test-admin"
SCHEDULER_USER = "system:kube-scheduler"
CERT_ADMIN_USER = "winkube-cert-admin"  # client-certificate user in system:masters (make_pki)

READY_TIMEOUT = float(os.environ.get("WINKUBE_CONTROL_PLANE_TIMEOUT", "180"))


class ControlPlaneError(RuntimeError):
    """The control plane could not be built or started; the message says why and where the logs are."""


# --------------------------------------------------------------------------- locations / versions


def shared_dir() -> Path:
    """The shared/ folder that sits beside the repository (../shared relative to the repo root).

    CI clones the repository into some folder and puts a copy of shared/ next to it, so this is
    the only place the tests look (WINKUBE_SHARED_DIR overrides it for unusual layouts).
    """
    override = os.environ.get("WINKUBE_SHARED_DIR")
    path = Path(override) if override else REPO_ROOT.parent / "shared"
    if not path.is_dir():
        raise FileNotFoundError(
            f"shared/ not found at {path} (expected ../shared relative to the repository root "
            f"{REPO_ROOT}; set WINKUBE_SHARED_DIR to point elsewhere)"
        )
    return path


def kube_version() -> str:
    """The Kubernetes release the suite runs against: env WINKUBE_KUBE_VERSION, else tools/kube/go.mod."""
    env = os.environ.get("WINKUBE_KUBE_VERSION")
    if env:
        return env if env.startswith("v") else "v" + env
    text = KUBE_GO_MOD.read_text()
    m = re.search(r"^\s*(?:require\s+)?k8s\.io/kubernetes\s+(v[0-9][0-9A-Za-z.\-+]*)", text, re.M)
    if not m:
        raise ControlPlaneError(f"cannot read the k8s.io/kubernetes version from {KUBE_GO_MOD}")
    return m.group(1)


def _go_mod_version() -> str | None:
    m = re.search(r"^\s*(?:require\s+)?k8s\.io/kubernetes\s+(v[0-9][0-9A-Za-z.\-+]*)", KUBE_GO_MOD.read_text(), re.M)
    return m.group(1) if m else None


def _cache_root() -> Path:
    cache = os.environ.get("WINKUBE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "winkube"
    )
    return Path(cache) / "control-plane"


def _has_binaries(d: Path) -> bool:
    return all(os.access(d / b, os.X_OK) for b in ("kube-apiserver", "kube-scheduler", "etcd"))


def binaries_dir(version: str | None = None) -> Path:
    """Directory holding kube-apiserver, kube-scheduler and etcd for `version`.

    For the version pinned in tools/kube/go.mod this runs tools/build-control-plane.sh (instant when
    cached). For another version (WINKUBE_KUBE_VERSION) it uses an already-built cache entry
    ~/.cache/winkube/control-plane/<version>-*/. Raises ControlPlaneError with the build output
    when nothing usable exists.
    """
    version = version or kube_version()
    if version != _go_mod_version():
        candidates = sorted(p for p in _cache_root().glob(f"{version}-*") if p.is_dir() and _has_binaries(p))
        if not candidates:
            raise ControlPlaneError(
                f"no control-plane binaries for {version} under {_cache_root()} "
                f"(tools/kube/go.mod pins {_go_mod_version()}; regenerate tools/kube with "
                f"tools/gen-kube-mod.sh {version} and run tools/build-control-plane.sh)"
            )
        return max(candidates, key=lambda p: p.stat().st_mtime)
    try:
        proc = subprocess.run(
            [str(BUILD_SCRIPT)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=3600
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ControlPlaneError(f"tools/build-control-plane.sh could not run: {exc}") from exc
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    if proc.returncode != 0 or not lines:
        raise ControlPlaneError(
            f"tools/build-control-plane.sh failed (exit {proc.returncode}); the suite needs a real "
            f"kube-apiserver.\n--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
        )
    out = Path(lines[-1].strip())
    if not _has_binaries(out):
        raise ControlPlaneError(f"tools/build-control-plane.sh printed {out}, which lacks the binaries")
    return out


# --------------------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, n: int = 40) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(lines[-n:])


@dataclass
class Pki:
    ca_cert: Path
    serving_cert: Path
    serving_key: Path
    sa_key: Path
    sa_pub: Path
    # a client certificate (CN=winkube-cert-admin, O=system:masters) signed by the CA, which the
    # apiserver trusts (--client-ca-file): the cluster-access tests authenticate with it
    client_cert: Path | None = None
    client_key: Path | None = None


def make_pki(directory: Path) -> Pki:
    """A throw-away CA, a serving certificate for 127.0.0.1/localhost and a service-account key pair."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = _dt.datetime.now(_dt.timezone.utc)
    start, end = now - _dt.timedelta(hours=1), now + _dt.timedelta(days=2)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "winkube-test-ca")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                key_encipherment=False, data_encipherment=False, key_agreement=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    srv_key = ec.generate_private_key(ec.SECP256R1())
    srv_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")]))
        .issuer_name(ca_name)
        .public_key(srv_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )

    sa_key = ec.generate_private_key(ec.SECP256R1())

    cl_key = ec.generate_private_key(ec.SECP256R1())
    cl_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "system:masters"),
                                 x509.NameAttribute(NameOID.COMMON_NAME, CERT_ADMIN_USER)]))
        .issuer_name(ca_name)
        .public_key(cl_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    def write(name: str, data: bytes, mode: int = 0o600) -> Path:
        p = directory / name
        p.write_bytes(data)
        p.chmod(mode)
        return p

    pem = serialization.Encoding.PEM
    pkcs8 = serialization.PrivateFormat.PKCS8
    noenc = serialization.NoEncryption()
    return Pki(
        ca_cert=write("ca.crt", ca_cert.public_bytes(pem), 0o644),
        serving_cert=write("apiserver.crt", srv_cert.public_bytes(pem), 0o644),
        serving_key=write("apiserver.key", srv_key.private_bytes(pem, pkcs8, noenc)),
        sa_key=write("sa.key", sa_key.private_bytes(pem, pkcs8, noenc)),
        sa_pub=write(
            "sa.pub",
            sa_key.public_key().public_bytes(pem, serialization.PublicFormat.SubjectPublicKeyInfo),
            0o644,
        ),
        client_cert=write("client.crt", cl_cert.public_bytes(pem), 0o644),
        client_key=write("client.key", cl_key.private_bytes(pem, pkcs8, noenc)),
    )


def write_kubeconfig(path: Path, server: str, ca: Path, token: str, user: str) -> Path:
    import yaml

    cfg = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "winkube-test", "cluster": {"server": server, "certificate-authority": str(ca)}}],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": "winkube-test", "context": {"cluster": "winkube-test", "user": user}}],
        "current-context": "winkube-test",
    }
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    path.chmod(0o600)
    return path


class _Process:
    """A child process whose output goes to a log file; stopped with SIGTERM, then SIGKILL."""

    def __init__(self, name: str, argv: list[str], log: Path, env: dict | None = None):
        self.name, self.argv, self.log = name, argv, log
        self._fh = open(log, "ab")
        self._fh.write(("$ " + " ".join(argv) + "\n").encode())
        self._fh.flush()
        self.proc = subprocess.Popen(
            argv, stdout=self._fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            env={**os.environ, **env} if env else None,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, grace: float = 10.0) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        self._fh.close()


# --------------------------------------------------------------------------- the control plane


@dataclass
class ControlPlane:
    version: str
    bindir: Path
    workdir: Path
    logdir: Path
    url: str = ""
    admin_token: str = ""
    scheduler_token: str = ""
    pki: Pki | None = None
    kubeconfig: Path | None = None
    startup_seconds: float = 0.0
    allow_privileged: bool = True
    extra_apiserver_args: list[str] = field(default_factory=list)
    # environment for kube-apiserver only (e.g. HTTPS_PROXY, which its kubelet client honours)
    apiserver_env: dict = field(default_factory=dict)
    _procs: list[_Process] = field(default_factory=list)

    # -- life cycle

    @classmethod
    def start(
        cls,
        bindir: Path,
        version: str,
        logdir: Path | None = None,
        allow_privileged: bool = True,
        extra_apiserver_args: list[str] | None = None,
        apiserver_env: dict | None = None,
    ) -> "ControlPlane":
        LOG_ROOT.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        logdir = logdir or Path(tempfile.mkdtemp(prefix=f"{stamp}-", dir=LOG_ROOT))
        workdir = Path(tempfile.mkdtemp(prefix="winkube-cp-"))
        cp = cls(version=version, bindir=bindir, workdir=workdir, logdir=logdir, allow_privileged=allow_privileged,
                 extra_apiserver_args=list(extra_apiserver_args or []), apiserver_env=dict(apiserver_env or {}))
        atexit.register(cp.stop)
        t0 = time.monotonic()
        for attempt in range(3):
            try:
                cp._start_etcd()
                cp._start_apiserver()
                break
            except ControlPlaneError as exc:
                for p in reversed(cp._procs):
                    p.stop()
                cp._procs.clear()
                # free_port() can race with another process taking the port; try new ports
                if "address already in use" not in str(exc) or attempt == 2:
                    cp.stop()
                    raise
                shutil.rmtree(cp.workdir / "etcd-data", ignore_errors=True)
            except BaseException:
                cp.stop()
                raise
        cp.startup_seconds = time.monotonic() - t0
        return cp

    def __enter__(self) -> "ControlPlane":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        for p in reversed(self._procs):
            p.stop()
        self._procs.clear()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _spawn(self, name: str, argv: list[str], env: dict | None = None) -> _Process:
        p = _Process(name, argv, self.logdir / f"{name}.log", env)
        self._procs.append(p)
        return p

    def _wait(self, proc: _Process, what: str, probe, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if not proc.alive():
                raise ControlPlaneError(
                    f"{proc.name} exited with code {proc.proc.returncode} before {what}; "
                    f"log: {proc.log}\n{_tail(proc.log)}"
                )
            try:
                ok, last = probe()
                if ok:
                    return
            except httpx.HTTPError as exc:
                last = repr(exc)
            time.sleep(0.2)
        raise ControlPlaneError(
            f"timed out after {timeout:.0f}s waiting for {what} (last answer: {last[:500]}); "
            f"see the log {proc.log}\n{_tail(proc.log)}"
        )

    def _start_etcd(self) -> None:
        client, peer = free_port(), free_port()
        self.etcd_url = f"http://127.0.0.1:{client}"
        data = self.workdir / "etcd-data"
        p = self._spawn("etcd", [
            str(self.bindir / "etcd"),
            "--name=winkube-test",
            f"--data-dir={data}",
            f"--listen-client-urls={self.etcd_url}",
            f"--advertise-client-urls={self.etcd_url}",
            f"--listen-peer-urls=http://127.0.0.1:{peer}",
            f"--initial-advertise-peer-urls=http://127.0.0.1:{peer}",
            f"--initial-cluster=winkube-test=http://127.0.0.1:{peer}",
            "--unsafe-no-fsync",
            "--log-level=warn",
        ])

        def probe():
            r = httpx.get(f"{self.etcd_url}/health", timeout=2)
            return r.status_code == 200 and '"true"' in r.text, r.text

        self._wait(p, "etcd /health", probe, 60)

    def _start_apiserver(self) -> None:
        self.pki = pki = make_pki(self.workdir)
        port = free_port()
        self.url = f"https://127.0.0.1:{port}"
        self.admin_token = os.urandom(16).hex()
        self.scheduler_token = os.urandom(16).hex()
        tokens = self.workdir / "tokens.csv"
        tokens.write_text(
            f'{self.admin_token},{ADMIN_TOKEN_USER},uid-admin,"system:masters"\n'
            f"{self.scheduler_token},{SCHEDULER_USER},uid-scheduler\n"
        )
        tokens.chmod(0o600)
        p = self._spawn("kube-apiserver", [
            str(self.bindir / "kube-apiserver"),
            f"--etcd-servers={self.etcd_url}",
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            # the "kubernetes" Service endpoints may not point at loopback; nothing needs them here
            "--endpoint-reconciler-type=none",
            f"--secure-port={port}",
            f"--cert-dir={self.workdir / 'certs'}",
            f"--tls-cert-file={pki.serving_cert}",
            f"--tls-private-key-file={pki.serving_key}",
            f"--token-auth-file={tokens}",
            f"--client-ca-file={pki.ca_cert}",
            "--authorization-mode=RBAC",
            "--anonymous-auth=false",
            f"--allow-privileged={'true' if self.allow_privileged else 'false'}",
            "--enable-admission-plugins=NamespaceLifecycle,ServiceAccount,MutatingAdmissionWebhook,ValidatingAdmissionWebhook",
            f"--service-account-key-file={pki.sa_pub}",
            f"--service-account-signing-key-file={pki.sa_key}",
            f"--service-account-issuer={self.url}",
            "--service-cluster-ip-range=10.96.0.0/16",
            "--profiling=false",
            "--v=1",
            *self.extra_apiserver_args,
        ], self.apiserver_env)
        self.kubeconfig = write_kubeconfig(
            self.logdir / "admin.kubeconfig", self.url, pki.ca_cert, self.admin_token, ADMIN_TOKEN_USER
        )
        client = self.client(timeout=5)

        def probe():
            r = client.get("/readyz")
            return r.status_code == 200, f"{r.status_code} {r.text}"

        try:
            self._wait(p, f"kube-apiserver {self.url}/readyz", probe, READY_TIMEOUT)
        finally:
            client.close()

    def start_scheduler(self) -> _Process:
        """kube-scheduler as system:kube-scheduler (bootstrap RBAC), no leader election, no serving port."""
        assert self.pki is not None
        kc = write_kubeconfig(
            self.workdir / "scheduler.kubeconfig", self.url, self.pki.ca_cert, self.scheduler_token, SCHEDULER_USER
        )
        port = free_port()
        p = self._spawn("kube-scheduler", [
            str(self.bindir / "kube-scheduler"),
            f"--kubeconfig={kc}",
            f"--authentication-kubeconfig={kc}",
            f"--authorization-kubeconfig={kc}",
            "--authentication-skip-lookup=true",
            "--bind-address=127.0.0.1",
            f"--secure-port={port}",
            f"--cert-dir={self.workdir / 'scheduler-certs'}",
            "--leader-elect=false",
            "--v=2",
        ])
        # /healthz on the scheduler's own port (self-signed; readiness only, so no verification).
        def probe():
            r = httpx.get(f"https://127.0.0.1:{port}/healthz", verify=False, timeout=2)
            return r.status_code == 200, f"{r.status_code} {r.text}"

        self._wait(p, "kube-scheduler /healthz", probe, 60)
        return p

    # -- clients and small API helpers

    def client(self, timeout: float = 30, token: str | None = None) -> httpx.Client:
        assert self.pki is not None
        import ssl

        ctx = ssl.create_default_context(cafile=str(self.pki.ca_cert))
        return httpx.Client(
            base_url=self.url,
            verify=ctx,
            headers={"Authorization": f"Bearer {token or self.admin_token}", "Accept": "application/json"},
            timeout=timeout,
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
        )

    def ensure_namespace(self, client: httpx.Client, name: str) -> None:
        """Create a namespace and its `default` ServiceAccount.

        Without kube-controller-manager nobody creates `default` service accounts, and the
        ServiceAccount admission plugin rejects pods that refer to a missing one.
        """
        r = client.post("/api/v1/namespaces", json={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        if r.status_code not in (201, 409):
            raise ControlPlaneError(f"creating namespace {name}: {r.status_code} {r.text}")
        r = client.post(
            f"/api/v1/namespaces/{name}/serviceaccounts",
            json={"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default"}},
        )
        if r.status_code not in (201, 409):
            raise ControlPlaneError(f"creating serviceaccount {name}/default: {r.status_code} {r.text}")

    def register_node(
        self,
        client: httpx.Client,
        name: str,
        os_name: str = "linux",
        arch: str = "amd64",
        labels: dict | None = None,
        taints: list | None = None,
        capacity: dict | None = None,
        node_info: dict | None = None,
    ) -> dict:
        """Register a Node by hand (no kubelet) and mark it Ready through the status subresource."""
        lbl = {"kubernetes.io/os": os_name, "kubernetes.io/arch": arch, "kubernetes.io/hostname": name}
        lbl.update(labels or {})
        spec: dict = {}
        if taints:
            spec["taints"] = taints
        r = client.post("/api/v1/nodes", json={
            "apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": lbl}, "spec": spec,
        })
        if r.status_code != 201:
            raise ControlPlaneError(f"creating node {name}: {r.status_code} {r.text}")
        cap = {"cpu": "4", "memory": "8Gi", "pods": "110", "ephemeral-storage": "100Gi"}
        cap.update(capacity or {})
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        info = {
            "machineID": name, "systemUUID": name, "bootID": name,
            "kernelVersion": "10.0.20348.2700" if os_name == "windows" else "6.1.0",
            "osImage": "Windows Server 2022 Datacenter" if os_name == "windows" else "Debian GNU/Linux 12",
            "containerRuntimeVersion": "containerd://1.7.20",
            "kubeletVersion": self.version, "kubeProxyVersion": "",
            "operatingSystem": os_name, "architecture": arch,
        }
        info.update(node_info or {})
        status = {
            "capacity": cap,
            "allocatable": cap,
            "conditions": [{
                "type": "Ready", "status": "True", "reason": "KubeletReady", "message": "registered by the test harness",
                "lastHeartbeatTime": now, "lastTransitionTime": now,
            }],
            "addresses": [{"type": "InternalIP", "address": "127.0.0.1"}, {"type": "Hostname", "address": name}],
            "nodeInfo": info,
        }
        r = client.patch(
            f"/api/v1/nodes/{name}/status",
            json={"status": status},
            headers={"Content-Type": "application/merge-patch+json"},
        )
        if r.status_code != 200:
            raise ControlPlaneError(f"setting status of node {name}: {r.status_code} {r.text}")
        # The TaintNodesByCondition admission plugin puts node.kubernetes.io/not-ready:NoSchedule
        # on every new Node; the node lifecycle controller (kube-controller-manager, absent here)
        # would lift it once the node reports Ready. Do that by hand, keeping the caller's taints.
        r = client.patch(
            f"/api/v1/nodes/{name}",
            json={"spec": {"taints": taints or None}},
            headers={"Content-Type": "application/merge-patch+json"},
        )
        if r.status_code != 200:
            raise ControlPlaneError(f"removing the not-ready taint of node {name}: {r.status_code} {r.text}")
        return client.get(f"/api/v1/nodes/{name}").json()
