"""Test harness: real CNCF distribution registries (Debian's docker-registry) on 127.0.0.1.

* a test CA and server certificates made with ``cryptography``
* htpasswd (bcrypt) auth, and token auth against :class:`TokenIssuer` (a small HTTPS JWT issuer
  whose signing certificate is the registry's ``rootcertbundle``)
* helpers that push real blobs, configs, manifests and indexes through the registry API
* :class:`FaultProxy`, a 127.0.0.1 HTTP proxy in front of a real registry. The registry itself
  never answers 429/5xx, sends malformed or oversized manifests, lies about digests or
  redirects in a loop, so those failures have to be injected between client and registry.

Also used by bench/images_bench.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import http.server
import ipaddress
import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import httpx

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"

REGISTRY_BIN = "docker-registry"


class HarnessError(RuntimeError):
    pass


def registry_binary() -> str:
    path = shutil.which(REGISTRY_BIN) or (f"/usr/bin/{REGISTRY_BIN}" if os.path.exists(f"/usr/bin/{REGISTRY_BIN}") else None)
    if path is None:
        raise HarnessError(
            "Debian's docker-registry (the CNCF distribution registry) is not installed; "
            "run `make registry` (apt-get install docker-registry) before the registry tests"
        )
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canon(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


# ----------------------------------------------------------------------------- PKI


@dataclass
class PKI:
    dir: Path
    ca_cert: Path
    server_cert: Path
    server_key: Path
    token_cert: Path
    token_key_pem: bytes
    token_cert_der: bytes


def make_pki(directory: Path) -> PKI:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("winkube test CA"))
        .issuer_name(name("winkube test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    srv_key = ec.generate_private_key(ec.SECP256R1())
    srv = (
        x509.CertificateBuilder()
        .subject_name(name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(srv_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    # token signing: self-signed RSA certificate, given to the registry as rootcertbundle
    tok_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tok = (
        x509.CertificateBuilder()
        .subject_name(name("winkube test token signer"))
        .issuer_name(name("winkube test token signer"))
        .public_key(tok_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(tok_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (directory / "ca.pem").write_bytes(ca.public_bytes(pem))
    (directory / "server.pem").write_bytes(srv.public_bytes(pem))
    (directory / "server.key").write_bytes(
        srv_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (directory / "token.pem").write_bytes(tok.public_bytes(pem))
    return PKI(
        dir=directory,
        ca_cert=directory / "ca.pem",
        server_cert=directory / "server.pem",
        server_key=directory / "server.key",
        token_cert=directory / "token.pem",
        token_key_pem=tok_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        token_cert_der=tok.public_bytes(serialization.Encoding.DER),
    )


def write_htpasswd(path: Path, users: dict[str, str]) -> None:
    import bcrypt

    lines = [f"{u}:{bcrypt.hashpw(p.encode(), bcrypt.gensalt(rounds=5)).decode()}" for u, p in users.items()]
    path.write_text("\n".join(lines) + "\n")


# ----------------------------------------------------------------------------- registry process


class Registry:
    """One real docker-registry process."""

    def __init__(self, workdir: Path, *, tls: PKI | None = None, auth: dict[str, Any] | None = None, name: str = "registry") -> None:
        self.workdir = workdir
        self.port = free_port()
        self.tls = tls
        self.host = f"127.0.0.1:{self.port}"
        self.scheme = "https" if tls else "http"
        self.url = f"{self.scheme}://{self.host}"
        workdir.mkdir(parents=True, exist_ok=True)
        cfg: dict[str, Any] = {
            "version": 0.1,
            "log": {"level": "error", "accesslog": {"disabled": True}},
            "storage": {"filesystem": {"rootdirectory": str(workdir / "data")}, "delete": {"enabled": True},
                        "cache": {"blobdescriptor": "inmemory"}},
            "http": {"addr": self.host, "secret": uuid.uuid4().hex, "headers": {"X-Content-Type-Options": ["nosniff"]}},
        }
        if tls:
            cfg["http"]["tls"] = {"certificate": str(tls.server_cert), "key": str(tls.server_key)}
        if auth:
            cfg["auth"] = auth
        self.config_path = workdir / "config.yml"
        self.config_path.write_text(json.dumps(cfg))  # JSON is YAML
        self.log_path = workdir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0) -> "Registry":
        binary = registry_binary()
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([binary, "serve", str(self.config_path)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        verify: Any = ssl.create_default_context(cafile=str(self.tls.ca_cert)) if self.tls else False
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HarnessError(f"docker-registry exited with {self.proc.returncode}: {self.log_path.read_text()[-2000:]}")
            try:
                r = httpx.get(f"{self.url}/v2/", verify=verify, timeout=1.0)
                if r.status_code in (200, 401):
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise HarnessError(f"docker-registry did not become ready on {self.host}: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


# ----------------------------------------------------------------------------- token issuer


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TokenIssuer:
    """A small HTTPS token server for the registry's ``auth: token:`` (docker token spec).

    Users: name -> (password, allowed actions). Anonymous requests get a pull token for
    ``public/*`` repositories and a token with no access for the others (as Docker Hub does for
    private repositories), so the registry answers 401 for those.
    """

    def __init__(self, pki: PKI, service: str, issuer: str, users: dict[str, tuple[str, list[str]]],
                 refresh_tokens: dict[str, str] | None = None) -> None:
        from cryptography.hazmat.primitives import serialization

        self.pki = pki
        self.service = service
        self.issuer = issuer
        self.users = users
        self.refresh_tokens = refresh_tokens or {}  # OAuth2 refresh token -> user (docker "identitytoken")
        self.key = serialization.load_pem_private_key(pki.token_key_pem, password=None)
        self.port = free_port()
        self.realm = f"https://127.0.0.1:{self.port}/token"
        self.requests: list[dict[str, Any]] = []
        issuer_self = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                issuer_self._handle(self)

            def do_POST(self) -> None:  # noqa: N802
                issuer_self._handle_oauth(self)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(pki.server_cert), str(pki.server_key))
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "TokenIssuer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sign(self, sub: str, access: list[dict[str, Any]], ttl: int = 300) -> str:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(self.pki.token_cert_der).decode()]}
        claims = {"iss": self.issuer, "sub": sub, "aud": self.service, "exp": now + ttl, "nbf": now - 10,
                  "iat": now, "jti": uuid.uuid4().hex, "access": access}
        signing_input = f"{_b64url(canon(header))}.{_b64url(canon(claims))}".encode()
        sig = self.key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input.decode()}.{_b64url(sig)}"

    def _handle_oauth(self, h: http.server.BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(h.rfile.read(length).decode()).items()}
        self.requests.append({"scope": form.get("scope", ""), "service": form.get("service", ""),
                              "authorized": "refresh_token" in form, "grant_type": form.get("grant_type")})
        user = self.refresh_tokens.get(form.get("refresh_token", ""))
        if form.get("grant_type") != "refresh_token" or user is None or form.get("service") != self.service:
            h.send_response(401)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        typ, _, rest = form.get("scope", "").partition(":")
        name, _, actions = rest.rpartition(":")
        granted = [a for a in actions.split(",") if a in self.users[user][1]]
        token = self.sign(user, [{"type": typ, "name": name, "actions": granted}])
        body = json.dumps({"access_token": token, "expires_in": 300, "refresh_token": form["refresh_token"]}).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _handle(self, h: http.server.BaseHTTPRequestHandler) -> None:
        q = parse_qs(urlsplit(h.path).query)
        scope = (q.get("scope") or [""])[0]
        service = (q.get("service") or [""])[0]
        auth = h.headers.get("Authorization", "")
        user = None
        rec = {"scope": scope, "service": service, "authorized": bool(auth)}
        self.requests.append(rec)
        if auth.startswith("Basic "):
            try:
                u, _, p = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                u, p = "", ""
            if u in self.users and self.users[u][0] == p:
                user = u
            else:
                h.send_response(401)
                h.send_header("Content-Type", "application/json")
                h.end_headers()
                h.wfile.write(b'{"details":"invalid username or password"}')
                return
        if service != self.service:
            h.send_response(400)
            h.end_headers()
            return
        access = []
        if scope:
            typ, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            allowed = self.users[user][1] if user else (["pull"] if name.startswith("public/") else [])
            granted = [a for a in actions.split(",") if a in allowed]
            access = [{"type": typ, "name": name, "actions": granted}]
        token = self.sign(user or "", access)
        body = json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)


# ----------------------------------------------------------------------------- pushing images


@dataclass
class Pusher:
    """Pushes blobs/manifests through the distribution API (sync httpx)."""

    base_url: str
    verify: Any = False
    auth: tuple[str, str] | None = None
    token_issuer: TokenIssuer | None = None
    client: httpx.Client = field(init=False)
    _tokens: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        verify = ssl.create_default_context(cafile=self.verify) if isinstance(self.verify, str) else self.verify
        self.client = httpx.Client(verify=verify, timeout=30.0, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def _headers(self, repo: str) -> dict[str, str]:
        if self.token_issuer is not None:
            tok = self._tokens.get(repo)
            if tok is None:
                tok = self.token_issuer.sign("pusher", [{"type": "repository", "name": repo, "actions": ["pull", "push"]}])
                self._tokens[repo] = tok
            return {"Authorization": f"Bearer {tok}"}
        if self.auth:
            return {"Authorization": "Basic " + base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode()}
        return {}

    def blob(self, repo: str, data: bytes) -> str:
        digest = sha256(data)
        h = self._headers(repo)
        r = self.client.head(f"{self.base_url}/v2/{repo}/blobs/{digest}", headers=h)
        if r.status_code == 200:
            return digest
        r = self.client.post(f"{self.base_url}/v2/{repo}/blobs/uploads/", headers=h)
        if r.status_code != 202:
            raise HarnessError(f"blob upload start failed: {r.status_code} {r.text[:200]}")
        loc = r.headers["location"]
        if loc.startswith("/"):
            loc = self.base_url + loc
        sep = "&" if "?" in loc else "?"
        r = self.client.put(f"{loc}{sep}digest={digest}", content=data,
                            headers={**h, "Content-Type": "application/octet-stream"})
        if r.status_code != 201:
            raise HarnessError(f"blob upload failed: {r.status_code} {r.text[:200]}")
        return digest

    def manifest(self, repo: str, ref: str, body: bytes, media_type: str) -> str:
        r = self.client.put(f"{self.base_url}/v2/{repo}/manifests/{ref}", content=body,
                            headers={**self._headers(repo), "Content-Type": media_type})
        if r.status_code != 201:
            raise HarnessError(f"manifest push failed: {r.status_code} {r.text[:300]}")
        return sha256(body)

    def image(self, repo: str, platform: dict[str, Any], tag: str | None = None, salt: str = "",
              docker: bool = False, user: str | None = None) -> tuple[str, int]:
        """Push a one-layer image whose config carries ``platform``; returns (digest, size).

        ``docker=True`` pushes Docker schema 2 media types instead of OCI ones; ``user`` sets the
        config's User.
        """
        mt_manifest = DOCKER_MANIFEST if docker else OCI_MANIFEST
        mt_config = DOCKER_CONFIG if docker else OCI_CONFIG
        mt_layer = DOCKER_LAYER if docker else OCI_LAYER
        layer = f"layer {repo} {json.dumps(platform, sort_keys=True)} {salt}".encode()
        layer_digest = self.blob(repo, layer)
        config = dict(platform)
        config.update({"rootfs": {"type": "layers", "diff_ids": [layer_digest]}, "config": {"User": user} if user else {}})
        cfg_bytes = canon(config)
        cfg_digest = self.blob(repo, cfg_bytes)
        manifest = canon({
            "schemaVersion": 2,
            "mediaType": mt_manifest,
            "config": {"mediaType": mt_config, "digest": cfg_digest, "size": len(cfg_bytes)},
            "layers": [{"mediaType": mt_layer, "digest": layer_digest, "size": len(layer)}],
        })
        digest = self.manifest(repo, tag or sha256(manifest), manifest, mt_manifest)
        return digest, len(manifest)

    def index(self, repo: str, tag: str, platforms: list[dict[str, Any]], salt: str = "",
              media_type: str = OCI_INDEX) -> tuple[str, list[str]]:
        """Push one image per platform and an index over them; returns (index digest, child digests)."""
        entries, children = [], []
        docker = media_type == DOCKER_LIST
        child_type = DOCKER_MANIFEST if docker else OCI_MANIFEST
        for p in platforms:
            d, size = self.image(repo, p, salt=salt, docker=docker)
            children.append(d)
            entries.append({"mediaType": child_type, "digest": d, "size": size, "platform": p})
        idx = {"schemaVersion": 2, "mediaType": media_type, "manifests": entries}
        body = canon(idx)
        return self.manifest(repo, tag, body, media_type), children


WINDOWS_LINUX_PLATFORMS = [
    {"os": "windows", "architecture": "amd64", "os.version": "10.0.17763.6893"},
    {"os": "windows", "architecture": "amd64", "os.version": "10.0.20348.3207"},
    {"os": "windows", "architecture": "amd64", "os.version": "10.0.26100.3194"},
    {"os": "linux", "architecture": "amd64"},
    {"os": "linux", "architecture": "arm64", "variant": "v8"},
]


# ----------------------------------------------------------------------------- fault proxy


class FaultProxy:
    """Plain-HTTP proxy on 127.0.0.1 in front of a real registry, injecting failures.

    ``rules`` maps a repository name to a behaviour function ``(handler, path, count) -> bool``
    that may answer the request itself (return True) or let it through (return False).
    ``/storage/...`` serves blobs as a "blob storage" host (reached via ``localhost``) and
    refuses requests that still carry an Authorization header.
    """

    def __init__(self, upstream: str, upstream_verify: Any = False) -> None:
        self.upstream = upstream.rstrip("/")
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.storage_host = f"localhost:{self.port}"
        self.rules: dict[str, Callable[[Any, str, int], bool]] = {}
        self.counts: dict[str, int] = {}
        self.log: list[tuple[str, str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self.client = httpx.Client(verify=upstream_verify, timeout=30.0, follow_redirects=False)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                proxy._handle(self, "GET")

            def do_HEAD(self) -> None:  # noqa: N802
                proxy._handle(self, "HEAD")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.server.handle_error = lambda *a: None  # clients aborting oversized bodies are expected
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FaultProxy":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.client.close()

    @staticmethod
    def repo_of(path: str) -> str:
        p = urlsplit(path).path
        if not p.startswith("/v2/"):
            return ""
        rest = p[4:]
        for marker in ("/manifests/", "/blobs/", "/tags/"):
            if marker in rest:
                return rest.split(marker, 1)[0]
        return rest.rstrip("/")

    def send(self, h: Any, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        h.send_response(status)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)

    def forward(self, h: Any, method: str, path: str, rewrite: Callable[[httpx.Response], tuple[int, bytes, dict[str, str]]] | None = None) -> None:
        headers = {k: v for k, v in h.headers.items() if k.lower() in ("accept", "authorization")}
        r = self.client.request(method, self.upstream + path, headers=headers)
        keep = {k: v for k, v in r.headers.items() if k.lower() in (
            "content-type", "docker-content-digest", "www-authenticate", "location", "docker-distribution-api-version", "retry-after")}
        status, body = r.status_code, r.content
        if rewrite is not None:
            status, body, keep = rewrite(r)
        if "location" in keep and keep["location"].startswith(self.upstream):
            keep["location"] = keep["location"][len(self.upstream):]
        self.send(h, status, body, keep)

    def _handle(self, h: Any, method: str) -> None:
        path = h.path
        with self.lock:
            self.log.append((method, path, dict(h.headers.items())))
        if path.startswith("/storage/"):
            if h.headers.get("Authorization"):
                self.send(h, 400, b"authorization header leaked to blob storage")
                return
            repo, digest = urlsplit(path).path[len("/storage/"):].rsplit("/", 1)
            self.forward(h, method, f"/v2/{repo}/blobs/{digest}")
            return
        repo = self.repo_of(path)
        rule = self.rules.get(repo)
        with self.lock:
            self.counts[repo] = self.counts.get(repo, 0) + 1
            n = self.counts[repo]
        if rule is not None and rule(h, path, n):
            return
        self.forward(h, method, path)
