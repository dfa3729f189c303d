"""Image platforms from a real registry (Debian's docker-registry on 127.0.0.1) drive the webhook's
decisions; a registry slower than the per-review budget falls back to tag conventions with a
warning, and its answer serves the next reviews from memory."""
from __future__ import annotations

import time

import pytest

from harness.controlplane import make_pki
from registry.regharness import FaultProxy, Pusher, Registry

from .whkit import WebhookProcess, decode_patch, pod, review, write_profile

TOL = {"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}
W2019 = {"os": "windows", "architecture": "amd64", "os.version": "10.0.17763.6893"}
LINUX = {"os": "linux", "architecture": "amd64"}


@pytest.fixture(scope="module")
def reg(tmp_path_factory):
    d = tmp_path_factory.mktemp("webhook-registry")
    r = Registry(d / "plain", name="webhook-plain").start()
    proxy = FaultProxy(r.url).start()
    pusher = Pusher(r.url)
    pusher.image("team/win2019", W2019, tag="v1")
    pusher.image("team/slow", W2019, tag="v1")
    pusher.image("team/lin", LINUX, tag="v1")

    def slow(h, path, n):
        time.sleep(2.0)
        return False  # then forward
    proxy.rules["team/slow"] = slow
    try:
        yield r, proxy
    finally:
        pusher.close()
        proxy.stop()
        r.stop()


@pytest.fixture(scope="module")
def srv(reg, tmp_path_factory):
    r, proxy = reg
    d = tmp_path_factory.mktemp("webhook-images")
    pki = make_pki(d)
    p = WebhookProcess(d, pki.serving_cert, pki.serving_key, pki.ca_cert,
                       ["--profile", str(write_profile(d / "p.yaml")), "--resolve-images", "--image-timeout", "0.5",
                        "--insecure-registry", r.host, "--insecure-registry", proxy.host],
                       name="images", env={"XDG_CACHE_HOME": str(d / "cache")})
    p.wait()
    yield p
    assert p.stop() == 0


def post(srv, path, obj):
    with srv.client() as c:
        return c.post(path, json=review(obj)).json()["response"]


def test_registry_platforms_decide(srv, reg):
    r, _ = reg
    # no tag convention knows this image: only the registry says it is Windows Server 2019
    p = pod("w", image=f"{r.host}/team/win2019:v1", os={"name": "windows"}, nodeSelector={"kubernetes.io/os": "windows"},
            tolerations=[TOL])
    resp = post(srv, "/validate", p)
    # On a loaded machine the first lookup can miss the 0.5 s budget (the review then falls back to
    # tag conventions and the lookup finishes in the background): ask again until it is in memory.
    deadline = time.monotonic() + 30
    while resp["allowed"] is True and any("not read from the registry" in w for w in resp.get("warnings", [])):
        assert time.monotonic() < deadline, "the registry lookup never completed"
        time.sleep(0.2)
        resp = post(srv, "/validate", p)
    # (1.37 supports Windows Server 2022 and 2025 only: no supported Windows Server runs a 2019 image)
    assert resp["allowed"] is False and "[image-build-unsupported]" in resp["status"]["message"], resp
    assert "registry: windows/amd64 10.0.17763" in resp["status"]["message"]
    # the mutating webhook reads the same platforms: a Linux image gets the Linux selector
    patch = decode_patch(post(srv, "/mutate", pod("l", image=f"{r.host}/team/lin:v1")))
    assert patch == [{"op": "add", "path": "/spec/nodeSelector", "value": {"kubernetes.io/os": "linux"}}]


def test_slow_registry_falls_back_within_the_budget_then_serves_from_memory(srv, reg):
    _, proxy = reg
    p = pod("s", image=f"{proxy.host}/team/slow:v1", os={"name": "windows"}, nodeSelector={"kubernetes.io/os": "windows"},
            tolerations=[TOL])
    t0 = time.monotonic()
    resp = post(srv, "/validate", p)
    took = time.monotonic() - t0
    assert took < 1.5, took
    assert resp["allowed"] is True
    assert any("not read from the registry within 0.5s: judged by tag conventions" in w for w in resp["warnings"]), resp
    # the lookup goes on in the background (manifest + config, 2 s each through the proxy); meanwhile
    # every review still answers within the budget
    deadline = time.monotonic() + 30
    while resp["allowed"] is True:
        assert time.monotonic() < deadline, "the background lookup never completed"
        time.sleep(0.5)
        t0 = time.monotonic()
        resp = post(srv, "/validate", p)
        assert time.monotonic() - t0 < 1.5
    assert "[image-build-unsupported]" in resp["status"]["message"], resp
    t0 = time.monotonic()
    resp = post(srv, "/validate", p)  # from memory now
    assert time.monotonic() - t0 < 0.5 and resp["allowed"] is False
    with srv.client() as c:
        assert 'winkube_webhook_errors_total{kind="image_timeout"}' in c.get("/metrics").text
