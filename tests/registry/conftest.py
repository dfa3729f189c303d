"""Session fixtures: real docker-registry processes on 127.0.0.1 (never skipped).

If the registry binary is missing or cannot start, every test here FAILS with the reason
(``make registry`` installs it).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import regharness as harness  # noqa: E402
from regharness import WINDOWS_LINUX_PLATFORMS, FaultProxy, PKI, Pusher, Registry, TokenIssuer  # noqa: E402

USER, PASSWORD = "winkube-user", "s3cret-Pa55word-never-printed"
TOKEN_USER, TOKEN_PASSWORD = "token-user", "t0ken-Pa55word-never-printed"
TOKEN_SERVICE = "winkube-test-registry"
IDENTITY_TOKEN = "identity-t0ken-never-printed"
TOKEN_ISSUER = "winkube-test-issuer"


@dataclass
class Env:
    pki: PKI
    basic: Registry  # TLS + htpasswd
    token: Registry  # TLS + token auth
    issuer: TokenIssuer
    plain: Registry  # plain HTTP, anonymous (behind the fault proxy)
    proxy: FaultProxy
    basic_pusher: Pusher
    token_pusher: Pusher
    plain_pusher: Pusher
    index_digest: str  # win/app:multi on every registry
    child_digests: list[str]


@pytest.fixture(scope="session")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("registries")
    started = []
    try:
        pki = harness.make_pki(root / "pki")
        harness.write_htpasswd(root / "htpasswd", {USER: PASSWORD})
        basic = Registry(root / "basic", tls=pki, name="basic",
                         auth={"htpasswd": {"realm": "winkube-basic", "path": str(root / "htpasswd")}}).start()
        started.append(basic)
        issuer = TokenIssuer(pki, TOKEN_SERVICE, TOKEN_ISSUER, {TOKEN_USER: (TOKEN_PASSWORD, ["pull"])},
                             refresh_tokens={IDENTITY_TOKEN: TOKEN_USER}).start()
        started.append(issuer)
        token = Registry(root / "token", tls=pki, name="token", auth={"token": {
            "realm": issuer.realm, "service": TOKEN_SERVICE, "issuer": TOKEN_ISSUER,
            "rootcertbundle": str(pki.token_cert)}}).start()
        started.append(token)
        plain = Registry(root / "plain", name="plain").start()
        started.append(plain)
        proxy = FaultProxy(plain.url).start()
        started.append(proxy)
    except harness.HarnessError as e:
        for s in reversed(started):
            s.stop()
        pytest.fail(f"registry test environment could not start: {e}", pytrace=False)

    bp = Pusher(basic.url, verify=str(pki.ca_cert), auth=(USER, PASSWORD))
    tp = Pusher(token.url, verify=str(pki.ca_cert), token_issuer=issuer)
    pp = Pusher(plain.url)
    digests = {}
    for name, p in (("basic", bp), ("token", tp), ("plain", pp)):
        digests[name] = p.index("win/app", "multi", WINDOWS_LINUX_PLATFORMS)
    assert len({d[0] for d in digests.values()}) == 1, "same content must give the same digest"
    e = Env(pki, basic, token, issuer, plain, proxy, bp, tp, pp, digests["plain"][0], digests["plain"][1])
    yield e
    for p in (bp, tp, pp):
        p.close()
    for s in reversed(started):
        s.stop()
