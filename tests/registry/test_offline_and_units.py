"""Offline inputs (OCI layout, saved manifests), references, auth parsing — no network."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json

import pytest

from winkube.registry import ImageError, ImagePlatforms, ResolveOptions, resolve_many_sync
from winkube.registry.auth import CredentialStore, normalize_registry_key, parse_challenge
from winkube.registry.client import is_loopback
from winkube.registry.reference import ImageReferenceError, parse_reference

from .conftest import WINDOWS_LINUX_PLATFORMS


def _sha(b: bytes) -> str:
    return "sha256:" + hashlib.sha256(b).hexdigest()


def _write_blob(root, data: bytes) -> str:
    d = _sha(data)
    p = root / "blobs" / "sha256" / d.split(":")[1]
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return d


@pytest.fixture
def layout(tmp_path):
    root = tmp_path / "layout"
    root.mkdir()
    (root / "oci-layout").write_text('{"imageLayoutVersion":"1.0.0"}')
    entries = []
    for plat in WINDOWS_LINUX_PLATFORMS:
        cfg = json.dumps({**plat, "rootfs": {"type": "layers", "diff_ids": []}}).encode()
        cd = _write_blob(root, cfg)
        man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                          "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": len(cfg)},
                          "layers": []}).encode()
        entries.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": _write_blob(root, man),
                        "size": len(man), "platform": plat})
    idx = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries}).encode()
    idx_digest = _write_blob(root, idx)
    single = entries[1]
    (root / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": idx_digest, "size": len(idx),
         "annotations": {"org.opencontainers.image.ref.name": "multi"}},
        {**{k: v for k, v in single.items() if k != "platform"},
         "annotations": {"org.opencontainers.image.ref.name": "ltsc2022"}},
    ]}))
    return root, idx_digest, idx, single


def _opts(**kw):
    return ResolveOptions(use_cache=False, use_default_docker_config=False, **kw)


def test_oci_layout(layout):
    root, idx_digest, _, single = layout
    refs = [f"oci:{root}:multi", f"oci:{root}:ltsc2022", f"oci-layout:{root}:nope", f"oci:{root}"]
    res = resolve_many_sync(refs, _opts())
    multi = res[refs[0]]
    assert isinstance(multi, ImagePlatforms) and multi.is_index and multi.digest == idx_digest
    assert [p.to_oci() for p in multi.platforms] == WINDOWS_LINUX_PLATFORMS and multi.source == "oci-layout"
    one = res[refs[1]]
    assert not one.is_index and one.digest == single["digest"]
    assert one.platforms[0].os_version == "10.0.20348.3207"  # read from the config blob
    assert res[refs[2]].kind == "not-found"
    assert res[refs[3]].is_index  # two untagged-ambiguous entries: index.json itself is the index


def test_oci_layout_tampered_blob(layout):
    root, idx_digest, _, _ = layout
    (root / "blobs" / "sha256" / idx_digest.split(":")[1]).write_bytes(b"{}")
    r = resolve_many_sync([f"oci:{root}:multi"], _opts())[f"oci:{root}:multi"]
    assert isinstance(r, ImageError) and r.kind == "digest-mismatch"


def test_saved_manifests(tmp_path, layout):
    _, idx_digest, idx_bytes, _ = layout
    crane = tmp_path / "crane.json"
    crane.write_bytes(idx_bytes)  # `crane manifest` prints the raw bytes
    verbose = tmp_path / "inspect-v.json"  # `docker manifest inspect -v`
    verbose.write_text(json.dumps([{"Ref": "x", "Descriptor": {"mediaType": "m", "digest": "sha256:" + "1" * 64, "size": 1,
                                                               "platform": p}} for p in WINDOWS_LINUX_PLATFORMS[:3]]))
    config = tmp_path / "config.json"  # `crane config`
    config.write_text(json.dumps({"os": "windows", "architecture": "amd64", "os.version": "10.0.17763.1"}))
    single = tmp_path / "single.json"
    single.write_text(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                                  "config": {"digest": "sha256:" + "2" * 64, "size": 2}, "layers": []}))
    broken = tmp_path / "broken.json"
    broken.write_text("[{")
    refs = [str(crane), f"file:{verbose}", str(config), str(single), f"file:{broken}", f"file:{tmp_path}/missing.json"]
    res = resolve_many_sync(refs, _opts())
    assert res[refs[0]].digest == idx_digest and [p.to_oci() for p in res[refs[0]].platforms] == WINDOWS_LINUX_PLATFORMS
    assert [p.os_version for p in res[refs[1]].platforms] == ["10.0.17763.6893", "10.0.20348.3207", "10.0.26100.3194"]
    assert res[refs[2]].platforms[0].os_version == "10.0.17763.1"
    assert res[refs[3]].kind == "offline-input" and "config blob" in res[refs[3]].message
    assert res[refs[4]].kind == "malformed-manifest"
    assert res[refs[5]].kind == "offline-input"


@pytest.mark.parametrize("ref,registry,repo,tag,digest", [
    ("nginx", "docker.io", "library/nginx", "latest", None),
    ("nginx:1.25", "docker.io", "library/nginx", "1.25", None),
    ("docker.io/nginx", "docker.io", "library/nginx", "latest", None),
    ("index.docker.io/library/nginx:1", "docker.io", "library/nginx", "1", None),
    ("user/app:v1", "docker.io", "user/app", "v1", None),
    ("localhost/app", "localhost", "app", "latest", None),
    ("localhost:5000/a/b:c", "localhost:5000", "a/b", "c", None),
    ("127.0.0.1:5000/a@sha256:" + "a" * 64, "127.0.0.1:5000", "a", None, "sha256:" + "a" * 64),
    ("mcr.microsoft.com/windows/servercore:ltsc2022@sha256:" + "b" * 64, "mcr.microsoft.com", "windows/servercore",
     "ltsc2022", "sha256:" + "b" * 64),
    ("[::1]:5000/app:1", "[::1]:5000", "app", "1", None),
])
def test_reference_parsing(ref, registry, repo, tag, digest):
    r = parse_reference(ref)
    assert (r.registry, r.repository, r.tag, r.digest) == (registry, repo, tag, digest)
    assert r.api_host == ("registry-1.docker.io" if registry == "docker.io" else registry)


@pytest.mark.parametrize("bad", ["", "upper/Case", "a@sha256:123", "a:bad tag", "https://x/y", "a//b", "a:" + "t" * 200])
def test_reference_errors(bad):
    with pytest.raises(ImageReferenceError):
        parse_reference(bad)


def test_challenge_parsing():
    c = parse_challenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull"')
    assert (c.scheme, c.realm, c.service, c.scope) == ("bearer", "https://auth.example.com/token", "registry.example.com",
                                                       "repository:a/b:pull")
    assert parse_challenge('Basic realm="x"').scheme == "basic"
    assert parse_challenge("Negotiate abc") is None and parse_challenge(None) is None


def test_registry_keys_and_loopback():
    assert normalize_registry_key("https://index.docker.io/v1/") == ("docker.io", "")
    assert normalize_registry_key("reg.example.com:5000/team/") == ("reg.example.com:5000", "team")
    assert is_loopback("127.0.0.1:5000") and is_loopback("localhost") and is_loopback("[::1]:5000")
    assert not is_loopback("10.0.0.1:5000") and not is_loopback("registry.example.com")


def test_credential_precedence_and_redaction(tmp_path):
    asyncio.run(_credential_precedence(tmp_path))


async def _credential_precedence(tmp_path):
    cfg = tmp_path / "config.json"
    b64 = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731
    cfg.write_text(json.dumps({"auths": {"https://index.docker.io/v1/": {"auth": b64("hub:hubpw")},
                                         "*.example.com": {"auth": b64("glob:globpw")}}}))
    secret = {"kind": "Secret", "type": "kubernetes.io/dockerconfigjson",
              "stringData": {".dockerconfigjson": json.dumps({"auths": {"docker.io": {"username": "s", "password": "spw"}}})}}
    store = CredentialStore(docker_config=str(cfg), use_default_docker_config=False)
    hub = await store.lookup("docker.io", "library/nginx")
    assert hub.username == "hub" and "hubpw" not in repr(hub) and "hubpw" not in str(hub)
    assert (await store.lookup("reg.example.com", "a")).username == "glob"
    assert await store.lookup("a.b.example.com", "a") is None  # globs match one label each
    assert await store.lookup("other.io", "a") is None
    store = CredentialStore(docker_config=str(cfg), pull_secrets=[secret], use_default_docker_config=False)
    assert (await store.lookup("docker.io", "library/nginx")).username == "s"  # pull secrets first


def test_missing_registry_binary_is_a_clear_failure(monkeypatch):
    from . import regharness

    # the registry is installed on this machine: pretend it is not, to test the message CI would print
    monkeypatch.setattr(regharness.shutil, "which", lambda name: None)
    monkeypatch.setattr(regharness.os.path, "exists", lambda p: False)
    with pytest.raises(regharness.HarnessError, match="make registry"):
        regharness.registry_binary()


def test_index_parsing_skips_attestations_and_rejects_schema1():
    from winkube.registry.errors import ResolveFailure
    from winkube.registry.resolve import parse_manifest

    d = "sha256:" + "c" * 64
    body = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
        {"digest": d, "size": 1, "platform": {"os": "windows", "architecture": "amd64", "os.version": "10.0.20348.1"}},
        {"digest": d, "size": 1, "platform": {"os": "unknown", "architecture": "unknown"},
         "annotations": {"vnd.docker.reference.type": "attestation-manifest"}},
    ]}).encode()
    kind, plats, media = parse_manifest(body)
    assert kind == "index" and [p.os_version for p in plats] == ["10.0.20348.1"]
    with pytest.raises(ResolveFailure) as e:
        parse_manifest(json.dumps({"schemaVersion": 1, "name": "x"}).encode())
    assert e.value.kind == "unsupported-manifest"
    with pytest.raises(ResolveFailure) as e:
        parse_manifest(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                                   "config": {"mediaType": "application/vnd.cncf.helm.config.v1+json", "digest": d}}).encode())
    assert e.value.kind == "unsupported-manifest" and "helm" in e.value.message


def test_images_fail_on_and_color(tmp_path):
    # the flags every command shares: --fail-on judges what `images` finds (saved configs as input,
    # no network), --color paints only when asked or on a terminal
    import argparse
    import io

    from winkube.registry import command

    saved = {"unrunnable": {"os": "windows", "architecture": "amd64", "os.version": "10.0.99999.1"},
             "unversioned": {"os": "windows", "architecture": "amd64"},
             "ltsc2022": {"os": "windows", "architecture": "amd64", "os.version": "10.0.20348.1"}}
    for name, cfg in saved.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(cfg))

    def run(*argv):
        parser = argparse.ArgumentParser()
        command.add_arguments(parser)
        out, err = io.StringIO(), io.StringIO()
        rc = command.run(parser.parse_args([*argv, "--no-cache"]), stdout=out, stderr=err)
        return rc, out.getvalue()

    ref = {name: f"file:{tmp_path / name}.json" for name in saved}
    assert run(ref["unrunnable"])[0] == 0  # default --fail-on none: images informs
    rc, out = run(ref["unrunnable"], "--fail-on", "error")
    assert rc == 1 and "error: windows/amd64 10.0.99999.1: no known Windows host can run it" in out
    assert run(ref["unversioned"], "--fail-on", "error")[0] == 0
    rc, out = run(ref["unversioned"], "--fail-on", "info", "-o", "json")
    assert rc == 1 and json.loads(out)["images"][0]["problems"][0]["severity"] == "info"
    assert run(ref["ltsc2022"], "--fail-on", "info")[0] == 0
    assert "\x1b[" not in run(ref["unrunnable"])[1]  # not a terminal
    assert "\x1b[1;31merror\x1b[0m" in run(ref["unrunnable"], "--color", "always")[1]
    assert run(ref["ltsc2022"], "-o", "table")[1] == run(ref["ltsc2022"], "-o", "text")[1]
