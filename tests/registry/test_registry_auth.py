"""Resolution against real registries: TLS + htpasswd, token auth, credentials from every source."""

from __future__ import annotations

import base64
import json
import os
import stat


from winkube.compat import parse_build
from winkube.registry import Credentials, ImageError, ImagePlatforms, ResolveOptions, resolve_many_sync

from .conftest import PASSWORD, TOKEN_PASSWORD, TOKEN_SERVICE, TOKEN_USER, USER, WINDOWS_LINUX_PLATFORMS


def _opts(env, tmp_path, **kw) -> ResolveOptions:
    base = dict(ca_file=str(env.pki.ca_cert), use_default_docker_config=False, use_cache=False,
                retries=1, backoff=0.01, timeout=10.0)
    base.update(kw)
    return ResolveOptions(**base)


def _docker_config(tmp_path, auths=None, **extra) -> str:
    path = tmp_path / "docker" / "config.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({"auths": auths or {}, **extra}))
    return str(path)


def _b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


def _check_index(res, env):
    assert isinstance(res, ImagePlatforms), res
    assert res.is_index and res.digest == env.index_digest
    got = [p.to_oci() for p in res.platforms]
    assert got == WINDOWS_LINUX_PLATFORMS
    assert [parse_build(p.os_version) for p in res.platforms if p.os == "windows"] == [17763, 20348, 26100]
    assert [p.digest for p in res.platforms] == env.child_digests


def test_basic_auth_from_docker_config_auths(env, tmp_path):
    ref = f"{env.basic.host}/win/app:multi"
    cfg = _docker_config(tmp_path, {f"https://{env.basic.host}": {"auth": _b64(f"{USER}:{PASSWORD}")}})
    res = resolve_many_sync([ref], _opts(env, tmp_path, docker_config=cfg))[ref]
    _check_index(res, env)


def test_basic_auth_missing_and_wrong_credentials(env, tmp_path):
    ref = f"{env.basic.host}/win/app:multi"
    res = resolve_many_sync([ref], _opts(env, tmp_path))[ref]
    assert isinstance(res, ImageError) and res.kind == "unauthorized" and res.status == 401
    assert "no credentials are configured" in res.message

    bad = _opts(env, tmp_path, credentials={env.basic.host: Credentials(USER, "wrong-" + PASSWORD)})
    res = resolve_many_sync([ref], bad)[ref]
    assert isinstance(res, ImageError) and res.kind == "unauthorized"
    assert "rejected the configured credentials" in res.message
    assert PASSWORD not in repr(res) and "wrong-" not in str(res)


def test_tls_needs_the_ca(env, tmp_path):
    ref = f"{env.basic.host}/win/app:multi"
    res = resolve_many_sync([ref], _opts(env, tmp_path, ca_file=None))[ref]
    assert isinstance(res, ImageError) and res.kind == "tls"
    assert "--ca-file" in res.message


def test_token_auth_with_pull_secret(env, tmp_path):
    ref = f"{env.token.host}/win/app:multi"
    cfgjson = json.dumps({"auths": {env.token.host: {"username": TOKEN_USER, "password": TOKEN_PASSWORD}}})
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "pull"},
              "type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": _b64(cfgjson)}}
    before = len(env.issuer.requests)
    res = resolve_many_sync([ref], _opts(env, tmp_path, pull_secrets=[secret]))[ref]
    _check_index(res, env)
    reqs = env.issuer.requests[before:]
    assert reqs and all(r["scope"] == "repository:win/app:pull" and r["service"] == TOKEN_SERVICE for r in reqs)
    assert all(r["authorized"] for r in reqs)


def test_token_auth_anonymous_is_refused(env, tmp_path):
    ref = f"{env.token.host}/win/app:multi"
    res = resolve_many_sync([ref], _opts(env, tmp_path))[ref]
    assert isinstance(res, ImageError) and res.kind == "unauthorized" and res.status == 401


def test_token_auth_wrong_password_fails_at_token_server(env, tmp_path):
    ref = f"{env.token.host}/win/app:multi"
    opts = _opts(env, tmp_path, credentials={env.token.host: Credentials(TOKEN_USER, "nope")})
    res = resolve_many_sync([ref], opts)[ref]
    assert isinstance(res, ImageError) and res.kind == "unauthorized"
    assert "token server" in res.message and "nope" not in res.message


def test_legacy_dockercfg_secret_with_path_key(env, tmp_path):
    ref = f"{env.basic.host}/win/app:multi"
    # kubelet-style key matching: host plus a path prefix
    dockercfg = json.dumps({f"{env.basic.host}/win": {"auth": _b64(f"{USER}:{PASSWORD}")},
                            f"{env.basic.host}/other": {"auth": _b64(f"{USER}:bad")}})
    secret = {"kind": "Secret", "type": "kubernetes.io/dockercfg", "data": {".dockercfg": _b64(dockercfg)}}
    res = resolve_many_sync([ref], _opts(env, tmp_path, pull_secrets=[secret]))[ref]
    _check_index(res, env)


def test_bad_pull_secret_is_an_error_per_image(env, tmp_path):
    ref = f"{env.basic.host}/win/app:multi"
    secret = {"kind": "Secret", "metadata": {"name": "oops"}, "type": "Opaque", "data": {}}
    res = resolve_many_sync([ref], _opts(env, tmp_path, pull_secrets=[secret]))[ref]
    assert isinstance(res, ImageError) and res.kind == "credentials" and "oops" in res.message


def _helper(tmp_path, name: str, user: str, secret: str) -> str:
    bindir = tmp_path / "bin"
    bindir.mkdir(exist_ok=True)
    script = bindir / f"docker-credential-{name}"
    log = tmp_path / f"{name}.log"
    script.write_text(
        "#!/bin/sh\n"
        f'[ "$1" = get ] || exit 1\nread server\necho "$server" >> {log}\n'
        f"printf '%s' '{json.dumps({'ServerURL': 'x', 'Username': user, 'Secret': secret})}'\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(bindir)


def test_credential_helper_and_store(env, tmp_path, monkeypatch):
    ref = f"{env.basic.host}/win/app:multi"
    bindir = _helper(tmp_path, "wktest", USER, PASSWORD)
    monkeypatch.setenv("PATH", bindir + os.pathsep + os.environ["PATH"])
    cfg = _docker_config(tmp_path, {}, credHelpers={env.basic.host: "wktest"})
    res = resolve_many_sync([ref], _opts(env, tmp_path, docker_config=cfg))[ref]
    _check_index(res, env)
    assert (tmp_path / "wktest.log").read_text().strip() == env.basic.host

    cfg = _docker_config(tmp_path, {}, credsStore="wktest")
    res = resolve_many_sync([ref], _opts(env, tmp_path, docker_config=cfg))[ref]
    _check_index(res, env)


def test_single_manifest_reads_the_config_blob(env, tmp_path):
    plat = {"os": "windows", "architecture": "amd64", "os.version": "10.0.20348.2700", "os.features": ["win32k"]}
    digest, _ = env.basic_pusher.image("win/single", plat, tag="ltsc2022")
    ref = f"{env.basic.host}/win/single:ltsc2022"
    opts = _opts(env, tmp_path, credentials={env.basic.host: Credentials(USER, PASSWORD)})
    res = resolve_many_sync([ref, f"{env.basic.host}/win/single@{digest}"], opts)
    for r in res.values():
        assert isinstance(r, ImagePlatforms) and not r.is_index and r.digest == digest
        assert [p.to_oci() for p in r.platforms] == [plat]


def test_digest_references_and_not_found(env, tmp_path):
    opts = _opts(env, tmp_path, credentials={env.basic.host: Credentials(USER, PASSWORD)})
    good = f"{env.basic.host}/win/app@{env.index_digest}"
    missing_digest = f"{env.basic.host}/win/app@sha256:{'0' * 64}"
    missing_tag = f"{env.basic.host}/win/app:nope"
    missing_repo = f"{env.basic.host}/win/nothing:multi"
    res = resolve_many_sync([good, missing_digest, missing_tag, missing_repo, "Not/Valid::ref"], opts)
    _check_index(res[good], env)
    for r in (missing_digest, missing_tag, missing_repo):
        assert isinstance(res[r], ImageError) and res[r].kind == "not-found" and res[r].status == 404, res[r]
    assert res["Not/Valid::ref"].kind == "invalid-reference"


def test_plain_http_registry_needs_insecure_flag(env, tmp_path):
    ref = f"{env.plain.host}/win/app:multi"
    res = resolve_many_sync([ref], _opts(env, tmp_path))[ref]
    assert isinstance(res, ImageError) and res.kind == "tls" and "--insecure-registry" in res.message
    res = resolve_many_sync([ref], _opts(env, tmp_path, insecure_registries=(env.plain.host,)))[ref]
    _check_index(res, env)


def test_insecure_registry_is_loopback_only(env, tmp_path):
    ref = f"{env.plain.host}/win/app:multi"
    res = resolve_many_sync([ref], _opts(env, tmp_path, insecure_registries=("registry.example.com",)))[ref]
    assert isinstance(res, ImageError) and res.kind == "insecure-not-allowed"
    assert "registry.example.com" in res.message


def test_docker_schema2_manifest_list(env, tmp_path):
    from .regharness import DOCKER_LIST

    digest, children = env.token_pusher.index("win/docker", "list", WINDOWS_LINUX_PLATFORMS, media_type=DOCKER_LIST)
    single, _ = env.token_pusher.image("win/docker", WINDOWS_LINUX_PLATFORMS[0], tag="single", docker=True)
    refs = [f"{env.token.host}/win/docker:list", f"{env.token.host}/win/docker:single"]
    before = len(env.issuer.requests)
    opts = _opts(env, tmp_path, credentials={env.token.host: Credentials(TOKEN_USER, TOKEN_PASSWORD)})
    res = resolve_many_sync(refs, opts)
    lst, one = res[refs[0]], res[refs[1]]
    assert isinstance(lst, ImagePlatforms) and lst.media_type == DOCKER_LIST and lst.digest == digest
    assert [p.to_oci() for p in lst.platforms] == WINDOWS_LINUX_PLATFORMS
    assert [p.digest for p in lst.platforms] == children
    assert isinstance(one, ImagePlatforms) and one.media_type.endswith("manifest.v2+json") and one.digest == single
    assert one.platforms[0].os_version == "10.0.17763.6893"
    # one token for the repository, reused for the second image and the config blob
    assert len(env.issuer.requests) - before == 1


def test_anonymous_bearer_token_for_public_repository(env, tmp_path):
    digest, _ = env.token_pusher.index("public/app", "multi", WINDOWS_LINUX_PLATFORMS)
    ref = f"{env.token.host}/public/app:multi"
    before = len(env.issuer.requests)
    res = resolve_many_sync([ref], _opts(env, tmp_path))[ref]
    assert isinstance(res, ImagePlatforms) and res.digest == digest
    reqs = env.issuer.requests[before:]
    assert reqs and not any(r["authorized"] for r in reqs)  # no Authorization sent to the token server


def test_identity_token_uses_the_oauth2_refresh_grant(env, tmp_path):
    from .conftest import IDENTITY_TOKEN

    ref = f"{env.token.host}/win/app:multi"
    cfg = _docker_config(tmp_path, {env.token.host: {"auth": _b64("<token>:"), "identitytoken": IDENTITY_TOKEN}})
    before = len(env.issuer.requests)
    res = resolve_many_sync([ref], _opts(env, tmp_path, docker_config=cfg))[ref]
    _check_index(res, env)
    reqs = env.issuer.requests[before:]
    assert reqs and all(r.get("grant_type") == "refresh_token" for r in reqs)
    # a wrong identity token is refused at the token server, and not echoed
    cfg = _docker_config(tmp_path, {env.token.host: {"identitytoken": "not-" + IDENTITY_TOKEN}})
    res = resolve_many_sync([ref], _opts(env, tmp_path, docker_config=cfg))[ref]
    assert isinstance(res, ImageError) and res.kind == "unauthorized" and IDENTITY_TOKEN not in res.message
