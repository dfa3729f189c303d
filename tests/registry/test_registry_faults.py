"""Failures injected between the client and a real registry (see FaultProxy for why a proxy).

All bad images go through ONE resolve_many call together with a good one: each gets one clear
error of its own kind, and the good image still resolves.
"""

from __future__ import annotations

import base64
import json
import time

import pytest

from winkube.registry import Credentials, ImageError, ImagePlatforms, ResolveOptions, resolve_many_sync

from .conftest import WINDOWS_LINUX_PLATFORMS
from .regharness import free_port

SECRET_PW = "proxy-Pa55word-never-printed"


def _chunked(h, body: bytes, status: int = 200) -> None:
    h.send_response(status)
    h.send_header("Content-Type", "application/vnd.oci.image.index.v1+json")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    for i in range(0, len(body), 8192):
        chunk = body[i:i + 8192]
        h.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    h.wfile.write(b"0\r\n\r\n")


@pytest.fixture(scope="module")
def faults(env):
    p, proxy = env.plain_pusher, env.proxy
    repos = ["fault/ratelimit", "fault/flaky", "fault/digest", "fault/swap"]
    for r in repos:
        p.index(r, "multi", WINDOWS_LINUX_PLATFORMS)
    single_digest, _ = p.image("fault/storage", {"os": "windows", "architecture": "amd64",
                                                 "os.version": "10.0.26100.1"}, tag="v1")
    other_digest, _ = p.image("fault/swap", {"os": "linux", "architecture": "amd64"}, tag="other")
    calls: dict[str, list[float]] = {}

    def stamp(name):
        calls.setdefault(name, []).append(time.monotonic())

    def ratelimit(h, path, n):
        if "/manifests/" in path:
            stamp("ratelimit")
            if len(calls["ratelimit"]) == 1:
                proxy.send(h, 429, b'{"errors":[{"code":"TOOMANYREQUESTS"}]}', {"Retry-After": "1"})
                return True
        return False

    def flaky(h, path, n):
        if "/manifests/" in path:
            stamp("flaky")
            if len(calls["flaky"]) <= 2:
                proxy.send(h, 503, b"unavailable")
                return True
        return False

    def down(h, path, n):
        stamp("down")
        proxy.send(h, 500, b"boom")
        return True

    def longwait(h, path, n):
        stamp("longwait")
        proxy.send(h, 429, b"", {"Retry-After": "3600"})
        return True

    def forbidden(h, path, n):
        proxy.send(h, 403, b'{"errors":[{"code":"DENIED"}]}')
        return True

    def malformed(h, path, n):
        proxy.send(h, 200, b"{this is not json", {"Content-Type": "application/vnd.oci.image.index.v1+json"})
        return True

    def badplatform(h, path, n):
        body = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                           "manifests": [{"digest": "sha256:" + "a" * 64, "size": 1, "platform": "windows"}]}).encode()
        proxy.send(h, 200, body, {"Content-Type": "application/vnd.oci.image.index.v1+json"})
        return True

    big = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                      "manifests": [], "annotations": {"pad": "x" * 200_000}}).encode()

    def oversized(h, path, n):
        proxy.send(h, 200, big, {"Content-Type": "application/vnd.oci.image.index.v1+json"})
        return True

    def oversized_chunked(h, path, n):
        _chunked(h, big)
        return True

    def digest(h, path, n):
        if "/manifests/" in path:
            proxy.forward(h, "GET", path, rewrite=lambda r: (r.status_code, r.content, {
                "Content-Type": r.headers["content-type"], "Docker-Content-Digest": "sha256:" + "b" * 64}))
            return True
        return False

    def swap(h, path, n):
        if "/manifests/sha256:" in path:  # serve the other manifest's bytes for the asked digest
            proxy.forward(h, "GET", f"/v2/fault/swap/manifests/{other_digest}",
                          rewrite=lambda r: (200, r.content, {"Content-Type": r.headers["content-type"]}))
            return True
        return False

    def loop(h, path, n):
        proxy.send(h, 302, b"", {"Location": path})
        return True

    def pingpong(h, path, n):
        target = path.replace("/manifests/multi", "/manifests/multi2") if path.endswith("multi") else path[:-1]
        proxy.send(h, 307, b"", {"Location": target})
        return True

    def chain(h, path, n):
        proxy.send(h, 302, b"", {"Location": f"/v2/fault/chain/manifests/hop{n}"})
        return True

    expected_auth = "Basic " + base64.b64encode(f"puller:{SECRET_PW}".encode()).decode()

    def storage(h, path, n):
        if h.headers.get("Authorization") != expected_auth:
            proxy.send(h, 401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {"WWW-Authenticate": 'Basic realm="proxy"'})
            return True
        if "/blobs/" in path:
            digest = path.rsplit("/", 1)[1]
            proxy.send(h, 307, b"", {"Location": f"http://{proxy.storage_host}/storage/fault/storage/{digest}?sig=SIGNED-SECRET"})
            return True
        return False

    proxy.rules.update({
        "fault/ratelimit": ratelimit, "fault/flaky": flaky, "fault/down": down, "fault/longwait": longwait,
        "fault/forbidden": forbidden, "fault/malformed": malformed, "fault/badplatform": badplatform,
        "fault/oversized": oversized, "fault/oversized-chunked": oversized_chunked, "fault/digest": digest,
        "fault/swap": swap, "fault/loop": loop, "fault/pingpong": pingpong, "fault/chain": chain,
        "fault/storage": storage,
    })
    swap_digest = p.index("fault/swap", "multi", WINDOWS_LINUX_PLATFORMS)[0]
    return {"calls": calls, "single_digest": single_digest, "swap_digest": swap_digest}


def test_faults_one_error_each_and_the_rest_resolves(env, faults, tmp_path):
    px = env.proxy.host
    dead = f"127.0.0.1:{free_port()}"
    refs = {
        "good": f"{px}/win/app:multi",
        "ratelimit": f"{px}/fault/ratelimit:multi",
        "flaky": f"{px}/fault/flaky:multi",
        "down": f"{px}/fault/down:multi",
        "longwait": f"{px}/fault/longwait:multi",
        "forbidden": f"{px}/fault/forbidden:multi",
        "malformed": f"{px}/fault/malformed:multi",
        "badplatform": f"{px}/fault/badplatform:multi",
        "oversized": f"{px}/fault/oversized:multi",
        "oversized-chunked": f"{px}/fault/oversized-chunked:multi",
        "digest": f"{px}/fault/digest:multi",
        "swap": f"{px}/fault/swap@{faults['swap_digest']}",
        "loop": f"{px}/fault/loop:multi",
        "pingpong": f"{px}/fault/pingpong:multi",
        "chain": f"{px}/fault/chain:multi",
        "storage": f"{px}/fault/storage:v1",
        "unreachable": f"{dead}/win/app:multi",
    }
    opts = ResolveOptions(
        insecure_registries=(px, env.proxy.storage_host, dead), use_cache=False, use_default_docker_config=False,
        retries=3, backoff=0.01, max_backoff=0.05, max_retry_after=5, max_manifest_bytes=64 * 1024, timeout=10,
        credentials={px: Credentials("puller", SECRET_PW)},
    )
    t0 = time.monotonic()
    res = resolve_many_sync(list(refs.values()), opts)
    elapsed = time.monotonic() - t0
    r = {k: res[v] for k, v in refs.items()}

    for ok in ("good", "ratelimit", "flaky", "storage"):
        assert isinstance(r[ok], ImagePlatforms), (ok, r[ok])
    assert r["good"].digest == env.index_digest
    assert [p.to_oci() for p in r["ratelimit"].platforms] == WINDOWS_LINUX_PLATFORMS
    assert r["storage"].platforms[0].os_version == "10.0.26100.1"
    assert r["storage"].digest == faults["single_digest"]

    calls = faults["calls"]
    # Retry-After: 1 was honoured (second request at least ~1 s after the first)
    assert len(calls["ratelimit"]) == 2 and calls["ratelimit"][1] - calls["ratelimit"][0] >= 0.9
    assert len(calls["flaky"]) == 3
    assert len(calls["down"]) == 4  # 1 + 3 retries
    assert len(calls["longwait"]) == 1  # a Retry-After beyond the limit is not waited for
    assert elapsed < 8

    expect = {
        "down": ("server-error", 500), "longwait": ("rate-limited", 429), "forbidden": ("forbidden", 403),
        "malformed": ("malformed-manifest", None), "badplatform": ("malformed-manifest", None),
        "oversized": ("too-large", None), "oversized-chunked": ("too-large", None),
        "digest": ("digest-mismatch", None), "swap": ("digest-mismatch", None),
        "loop": ("too-many-redirects", None), "pingpong": ("too-many-redirects", None),
        "chain": ("too-many-redirects", None), "unreachable": ("unreachable", None),
    }
    for name, (kind, status) in expect.items():
        e = r[name]
        assert isinstance(e, ImageError), (name, e)
        assert e.kind == kind, (name, e)
        if status is not None:
            assert e.status == status, (name, e)
        assert e.ref == refs[name]
        assert SECRET_PW not in e.message and "SIGNED-SECRET" not in e.message

    # blob storage never saw the registry credentials
    storage_reqs = [hd for m, path, hd in env.proxy.log if path.startswith("/storage/")]
    assert storage_reqs and not any("Authorization" in hd or "authorization" in hd for hd in storage_reqs)


def test_too_many_redirects_limit_is_configurable(env, faults):
    px = env.proxy.host
    ref = f"{px}/fault/chain:again"
    before = env.proxy.counts.get("fault/chain", 0)
    res = resolve_many_sync([ref], ResolveOptions(insecure_registries=(px,), use_cache=False, max_redirects=2,
                                                  use_default_docker_config=False))[ref]
    assert isinstance(res, ImageError) and res.kind == "too-many-redirects" and "more than 2" in res.message
    assert env.proxy.counts["fault/chain"] - before == 3


def test_timeout_is_an_error_of_its_own(env):
    px = env.proxy.host

    def slow(h, path, n):
        time.sleep(1.5)
        env.proxy.send(h, 200, b"{}")
        return True

    env.proxy.rules["fault/slow"] = slow
    ref = f"{px}/fault/slow:multi"
    good = f"{px}/win/app:multi"
    t0 = time.monotonic()
    res = resolve_many_sync([ref, good], ResolveOptions(insecure_registries=(px,), use_cache=False, timeout=0.3,
                                                        retries=1, backoff=0.01, use_default_docker_config=False))
    assert isinstance(res[ref], ImageError) and res[ref].kind == "timeout" and "within the 0.3s --timeout" in res[ref].message
    assert isinstance(res[good], ImagePlatforms)
    assert time.monotonic() - t0 < 1.4


def test_concurrency_is_bounded(env):
    import threading

    px = env.proxy.host
    state = {"now": 0, "max": 0}
    lock = threading.Lock()
    repos = [f"conc/app{i}" for i in range(8)]
    for r in repos:
        env.plain_pusher.index(r, "multi", WINDOWS_LINUX_PLATFORMS[:1], salt=r)

    def tracked(h, path, n):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        try:
            time.sleep(0.1)
            env.proxy.forward(h, h.command, path)
        finally:
            with lock:
                state["now"] -= 1
        return True

    for r in repos:
        env.proxy.rules[r] = tracked
    refs = [f"{px}/{r}:multi" for r in repos]
    res = resolve_many_sync(refs, ResolveOptions(insecure_registries=(px,), use_cache=False, concurrency=3,
                                                 use_default_docker_config=False))
    assert all(isinstance(v, ImagePlatforms) for v in res.values())
    assert state["max"] == 3
