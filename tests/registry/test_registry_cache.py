"""The on-disk cache: digests forever, tags for a TTL, atomic writes shared between runs."""

from __future__ import annotations

import json
import threading

from winkube.registry import ImageError, ImagePlatforms, ResolveOptions, resolve_many_sync
from winkube.registry.cache import DiskCache

from .conftest import WINDOWS_LINUX_PLATFORMS


def _opts(env, cache_dir, **kw):
    base = dict(insecure_registries=(env.proxy.host,), cache_dir=str(cache_dir), use_default_docker_config=False,
                retries=0)
    base.update(kw)
    return ResolveOptions(**base)


def _requests(env, repo):
    return env.proxy.counts.get(repo, 0)


def test_warm_cache_makes_no_requests(env, tmp_path):
    repo = "cache/warm"
    digest, _ = env.plain_pusher.index(repo, "v1", WINDOWS_LINUX_PLATFORMS, salt="warm")
    ref = f"{env.proxy.host}/{repo}:v1"
    by_digest = f"{env.proxy.host}/{repo}@{digest}"
    cold = resolve_many_sync([ref], _opts(env, tmp_path))[ref]
    assert isinstance(cold, ImagePlatforms) and cold.source == "registry" and cold.digest == digest
    n = _requests(env, repo)
    warm = resolve_many_sync([ref, by_digest], _opts(env, tmp_path))
    assert _requests(env, repo) == n  # nothing went to the registry
    for r in warm.values():
        assert isinstance(r, ImagePlatforms) and r.source == "cache" and r.digest == digest
        assert r.platforms == cold.platforms
    assert warm[ref].ref == ref and warm[by_digest].name.endswith(f"@{digest}")
    # --no-cache goes to the registry again
    again = resolve_many_sync([ref], _opts(env, tmp_path, use_cache=False))[ref]
    assert again.source == "registry" and _requests(env, repo) > n


def test_tag_ttl_and_moved_tags(env, tmp_path):
    repo = "cache/moving"
    old, _ = env.plain_pusher.index(repo, "v1", WINDOWS_LINUX_PLATFORMS[:2], salt="old")
    ref = f"{env.proxy.host}/{repo}:v1"
    assert resolve_many_sync([ref], _opts(env, tmp_path))[ref].digest == old
    new, _ = env.plain_pusher.index(repo, "v1", WINDOWS_LINUX_PLATFORMS[1:3], salt="new")
    assert new != old
    # within the TTL the cached tag answer stands
    assert resolve_many_sync([ref], _opts(env, tmp_path, tag_ttl=3600))[ref].digest == old
    # after it (TTL 0) the tag is asked again and the new digest is seen
    r = resolve_many_sync([ref], _opts(env, tmp_path, tag_ttl=0))[ref]
    assert r.digest == new and r.source == "registry"
    assert [p.os_version for p in r.platforms] == ["10.0.20348.3207", "10.0.26100.3194"]
    # digests are cached forever: the old digest still resolves with the registry unreachable
    gone = f"{env.proxy.host}/{repo}@{old}"
    n = _requests(env, repo)
    assert resolve_many_sync([gone], _opts(env, tmp_path, tag_ttl=0))[gone].source == "cache"
    assert _requests(env, repo) == n


def test_corrupt_cache_entries_are_misses(env, tmp_path):
    repo = "cache/corrupt"
    plat = {"os": "windows", "architecture": "amd64", "os.version": "10.0.17763.42"}
    digest, _ = env.plain_pusher.image(repo, plat, tag="v1", salt="corrupt")
    ref = f"{env.proxy.host}/{repo}:v1"
    first = resolve_many_sync([ref], _opts(env, tmp_path))[ref]
    cfg_digest = next(iter((tmp_path / "blobs" / "sha256").iterdir())).name
    algo, hx = digest.split(":")
    resolved = tmp_path / "resolved" / algo / f"{hx}.json"
    blob = tmp_path / "blobs" / "sha256" / cfg_digest
    assert resolved.is_file() and blob.is_file() and first.platforms[0].to_oci() == plat
    resolved.write_text("{not json")
    blob.write_bytes(b"tampered")
    cache = DiskCache(tmp_path)
    assert cache.get_resolved(digest) is None and cache.get_blob("sha256:" + cfg_digest) is None
    n = _requests(env, repo)
    r = resolve_many_sync([ref], _opts(env, tmp_path))[ref]
    assert isinstance(r, ImagePlatforms) and r.source == "registry" and r.digest == digest
    assert r.platforms[0].to_oci() == plat
    assert _requests(env, repo) == n + 2  # manifest and config blob fetched again
    assert json.loads(resolved.read_text())["digest"] == digest  # repaired
    assert cache.get_blob("sha256:" + cfg_digest) is not None


def test_two_runs_share_a_cache(env, tmp_path):
    repos = [f"cache/shared{i}" for i in range(6)]
    for r in repos:
        env.plain_pusher.index(r, "v1", WINDOWS_LINUX_PLATFORMS, salt=r)
    refs = [f"{env.proxy.host}/{r}:v1" for r in repos]
    results: list[dict] = []

    def run():
        results.append(resolve_many_sync(refs, _opts(env, tmp_path)))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 4
    for res in results:
        assert all(isinstance(v, ImagePlatforms) for v in res.values())
    assert not list(tmp_path.rglob(".tmp-*")), "temporary files left behind"
    warm = resolve_many_sync(refs, _opts(env, tmp_path))
    assert all(v.source == "cache" for v in warm.values())


def test_errors_are_not_cached(env, tmp_path):
    ref = f"{env.proxy.host}/cache/missing:v1"
    first = resolve_many_sync([ref], _opts(env, tmp_path))[ref]
    assert isinstance(first, ImageError) and first.kind == "not-found"
    env.plain_pusher.index("cache/missing", "v1", WINDOWS_LINUX_PLATFORMS, salt="late")
    second = resolve_many_sync([ref], _opts(env, tmp_path))[ref]
    assert isinstance(second, ImagePlatforms)
