"""The registry client against hostile registries and token servers (issue 10, attacks 1 and 9).

The registry is the real docker-registry behind FaultProxy (which injects the hostile answers: a
real registry never names a foreign token realm, asks for a one-minute Retry-After or trickles a
manifest); the foreign token servers are tests/hostile_http.py on 127.0.0.1, reached as
"localhost" — the same machine under another host name, which is all a test can use for "another
host" without leaving 127.0.0.1. Each records every byte it receives, so the tests prove what
was (not) sent."""
from __future__ import annotations

import base64
import json
import sys
import time
import tracemalloc

import pytest

from hostile_http import HostileServer
from winkube.registry import Credentials, ImageError, ImagePlatforms, ResolveOptions, resolve_many_sync

from .conftest import WINDOWS_LINUX_PLATFORMS

USER, PASSWORD = "hostile-user", "hostile-Pa55word-never-sent"
IDENTITY = "hostile-identity-t0ken-never-sent"


def _secrets_in(srv: HostileServer) -> list[str]:
    basic = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    return [s for s in (PASSWORD, IDENTITY, basic) if srv.sent_anywhere(s)]


@pytest.fixture(scope="module")
def repos(env):
    for r in ("hostile/realm", "hostile/slow", "hostile/wait", "hostile/helper"):
        env.plain_pusher.index(r, "multi", WINDOWS_LINUX_PLATFORMS)
    return env


def _challenge(env, repo: str, realm: str, token: str = "good-token"):
    """The registry (through the proxy) asks for a bearer token from `realm`; it lets through
    requests that carry `token`."""
    def rule(h, path, n):
        if h.headers.get("Authorization") == f"Bearer {token}":
            return False
        env.proxy.send(h, 401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                       {"WWW-Authenticate": f'Bearer realm="{realm}",service="hostile",scope="repository:{repo}:pull"'})
        return True
    env.proxy.rules[repo] = rule


def _opts(env, **kw) -> ResolveOptions:
    base = dict(insecure_registries=(env.proxy.host,), use_cache=False, use_default_docker_config=False,
                ca_file=str(env.pki.ca_cert), retries=1, backoff=0.01, timeout=10.0,
                credentials={env.proxy.host: Credentials(USER, PASSWORD)})
    base.update(kw)
    return ResolveOptions(**base)


def _token_answer(req, conn):
    conn.respond(200, json.dumps({"token": "good-token", "expires_in": 300}).encode(), {"Content-Type": "application/json"})


def test_a_plain_http_realm_on_another_host_is_never_asked(repos):
    """Attack: with --insecure-registry, a realm on plain HTTP on any host was accepted and the
    Basic credentials sent there in cleartext. Now: refused before any byte is sent."""
    env = repos
    with HostileServer(_token_answer, host_name="localhost") as srv:
        _challenge(env, "hostile/realm", f"{srv.url}/token")
        ref = f"{env.proxy.host}/hostile/realm:multi"
        res = resolve_many_sync([ref], _opts(env))[ref]
    assert isinstance(res, ImageError) and res.kind == "insecure-not-allowed", res
    assert "plain HTTP and not on the registry's own loopback host" in res.message
    assert srv.requests == []


def test_a_plain_http_realm_on_the_registrys_own_loopback_host_is_used(repos):
    """The allowed case: the insecure registry's own host (another port), credentials included."""
    env = repos
    with HostileServer(_token_answer) as srv:  # 127.0.0.1, like the registry
        _challenge(env, "hostile/realm", f"{srv.url}/token")
        ref = f"{env.proxy.host}/hostile/realm:multi"
        res = resolve_many_sync([ref], _opts(env))[ref]
    assert isinstance(res, ImagePlatforms), res
    assert len(srv.requests) == 1 and srv.requests[0].headers["authorization"].startswith("Basic ")


@pytest.mark.parametrize("kind", ["basic", "identity-token"])
def test_an_https_realm_on_another_host_gets_no_credentials(repos, tmp_path, kind):
    """Attack: an HTTPS realm on another host received the Basic credentials. Now: it is asked
    anonymously (a public image still resolves), and the error says why the pull was refused."""
    env = repos
    extra = {}
    if kind == "identity-token":
        cfg = tmp_path / "config.json"
        cfg.write_text(json.dumps({"auths": {env.proxy.host: {"identitytoken": IDENTITY}}}))
        extra = dict(credentials={}, docker_config=str(cfg))

    def refuse(req, conn):
        conn.respond(401, b'{"details":"who are you"}')

    with HostileServer(refuse, tls_cert=str(env.pki.server_cert), tls_key=str(env.pki.server_key),
                       host_name="localhost") as srv:
        _challenge(env, "hostile/realm", f"{srv.url}/token")
        ref = f"{env.proxy.host}/hostile/realm:multi"
        res = resolve_many_sync([ref], _opts(env, **extra))[ref]
    assert isinstance(res, ImageError) and res.kind == "unauthorized", res
    assert f"the credentials for {env.proxy.host} were not sent" in res.message
    assert len(srv.requests) == 1 and "authorization" not in srv.requests[0].headers
    assert _secrets_in(srv) == []


def test_retry_after_is_capped_by_the_timeout(repos):
    """Attack: Retry-After: 60 ran 3 minutes under --timeout 2s. Bound now: --timeout per image
    (a wait that would end past it is not started)."""
    env = repos

    def wait(h, path, n):
        env.proxy.send(h, 429, b'{"errors":[{"code":"TOOMANYREQUESTS"}]}', {"Retry-After": "60"})
        return True
    env.proxy.rules["hostile/wait"] = wait
    ref = f"{env.proxy.host}/hostile/wait:multi"
    t0 = time.monotonic()
    res = resolve_many_sync([ref], _opts(env, timeout=2.0, retries=3, max_retry_after=60))[ref]
    took = time.monotonic() - t0
    assert isinstance(res, ImageError) and res.kind == "rate-limited", res
    assert "asked to retry after 60, past the --timeout" in res.message
    assert took < 2.0, f"took {took:.1f}s"  # within --timeout: no wait was started (main: 3 minutes)


def test_a_trickled_manifest_ends_by_the_timeout(repos):
    """Attack: a manifest sent one byte every 50 ms never trips a per-read timeout. Bound now:
    --timeout per image, wall clock."""
    env = repos
    body = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                       "manifests": [], "pad": "x" * 300}).encode()

    def slow(h, path, n):
        h.send_response(200)
        h.send_header("Content-Type", "application/vnd.oci.image.index.v1+json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        try:
            for i in range(len(body)):
                h.wfile.write(body[i:i + 1])
                h.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass
        return True
    env.proxy.rules["hostile/slow"] = slow
    ref = f"{env.proxy.host}/hostile/slow:multi"
    t0 = time.monotonic()
    res = resolve_many_sync([ref], _opts(env, timeout=1.0))[ref]
    took = time.monotonic() - t0
    assert isinstance(res, ImageError) and res.kind == "timeout", res
    assert "within the 1s --timeout" in res.message and took < 3.0  # main: 17 s


def test_a_credential_helper_with_endless_output_is_bounded(repos, tmp_path, monkeypatch):
    """Attack: a credential helper printing without end is read whole. Bound now: 1 MiB, then
    the helper is killed; the image gets one clear error."""
    env = repos
    bindir = tmp_path / "bin"
    bindir.mkdir()
    helper = bindir / "docker-credential-endless"
    helper.write_text(f"#!{sys.executable}\nimport sys\nsys.stdin.read()\n"
                      "for _ in range(1024):\n    sys.stdout.buffer.write(b'x' * 65536)\n")
    helper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}:{__import__('os').environ['PATH']}")
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"credHelpers": {env.proxy.host: "endless"}}))

    def basic(h, path, n):
        env.proxy.send(h, 401, b"", {"WWW-Authenticate": 'Basic realm="hostile"'})
        return True
    env.proxy.rules["hostile/helper"] = basic
    ref = f"{env.proxy.host}/hostile/helper:multi"
    tracemalloc.start()
    try:
        res = resolve_many_sync([ref], _opts(env, credentials={}, docker_config=str(cfg)))[ref]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(res, ImageError) and res.kind == "unauthorized", res
    assert peak < 8 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


@pytest.mark.parametrize("ref, realm, insecure, allowed, credentials", [
    ("docker.io/library/x:1", "https://auth.docker.io/token", (), True, True),  # Docker Hub's listed token service
    ("docker.io/library/x:1", "https://evil.example/token", (), True, False),
    ("ghcr.io/o/x:1", "https://ghcr.io/token", (), True, True),  # the registry's own host name
    ("ghcr.io/o/x:1", "https://ghcr.io:8443/token", (), True, True),  # any port of it
    ("ghcr.io/o/x:1", "https://auth.docker.io/token", (), True, False),  # another registry's token service
    ("registry.gitlab.com/g/x:1", "https://gitlab.com/jwt/auth", (), True, True),
    ("ghcr.io/o/x:1", "http://ghcr.io/token", (), False, True),  # plain HTTP off loopback: never
    ("127.0.0.1:5000/x:1", "http://127.0.0.1:5001/token", ("127.0.0.1:5000",), True, True),
    ("127.0.0.1:5000/x:1", "http://localhost:5001/token", ("127.0.0.1:5000",), False, False),
    ("127.0.0.1:5000/x:1", "http://127.0.0.1:5001/token", (), False, True),  # not an allowed insecure registry
])
def test_which_realms_are_asked_and_trusted_with_credentials(ref, realm, insecure, allowed, credentials):
    """The decision table, including the listed token services (knowledge/registry_token_services.yaml)
    that no registry on 127.0.0.1 can stand in for."""
    from urllib.parse import urlsplit

    from winkube.knowledge import load
    from winkube.registry.auth import CredentialStore
    from winkube.registry.client import RegistryClient
    from winkube.registry.reference import parse_reference

    assert all(row.get("source") for row in load("registry_token_services")["services"])
    c = RegistryClient(credentials=CredentialStore(use_default_docker_config=False), insecure_registries=insecure)
    r, u = parse_reference(ref), urlsplit(realm)
    assert c._realm_allowed(r, u) is allowed
    assert c._realm_gets_credentials(r, u) is credentials
