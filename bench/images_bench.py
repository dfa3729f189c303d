"""Benchmark: resolve 1,000 distinct image references from a local registry.

Starts Debian's docker-registry on 127.0.0.1 (plain HTTP, anonymous; `make registry` installs
it), pushes 1,000 distinct image indexes (Windows ltsc2019/2022/2025 + Linux amd64/arm64), then
times:

* cold  - resolve_many with an empty on-disk cache
* warm  - resolve_many again with the cache filled (goal: <= 0.2 s for all 1,000)
* floor - a bare async httpx loop fetching the same 1,000 manifests (same concurrency)

Usage: .venv/bin/python bench/images_bench.py [--count 1000] [--concurrency 16] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "registry"))
sys.path.insert(0, str(ROOT / "src"))

import httpx  # noqa: E402
import regharness as h  # noqa: E402

from winkube.registry import ImagePlatforms, ResolveOptions, resolve_many_sync  # noqa: E402
from winkube.registry.client import MANIFEST_ACCEPT  # noqa: E402


def push_all(reg: h.Registry, count: int, repos: int) -> list[str]:
    children: dict[str, list[dict]] = {}

    def push_children(repo: str) -> None:
        p = h.Pusher(reg.url)
        entries = []
        for plat in h.WINDOWS_LINUX_PLATFORMS:
            d, size = p.image(repo, plat)
            entries.append({"mediaType": h.OCI_MANIFEST, "digest": d, "size": size, "platform": plat})
        children[repo] = entries
        p.close()

    names = [f"bench/app{i}" for i in range(repos)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(push_children, names))

    def push_index(i: int) -> str:
        repo = names[i % repos]
        body = h.canon({"schemaVersion": 2, "mediaType": h.OCI_INDEX, "manifests": children[repo],
                        "annotations": {"bench.winkube/n": str(i)}})
        p = pushers[i % len(pushers)]
        p.manifest(repo, f"t{i}", body, h.OCI_INDEX)
        return f"{reg.host}/{repo}:t{i}"

    pushers = [h.Pusher(reg.url) for _ in range(8)]
    with ThreadPoolExecutor(8) as pool:
        refs = list(pool.map(push_index, range(count)))
    for p in pushers:
        p.close()
    return refs


async def floor(refs: list[str], concurrency: int) -> int:
    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        async def one(ref: str) -> int:
            host, rest = ref.split("/", 1)
            repo, tag = rest.rsplit(":", 1)
            async with sem:
                r = await client.get(f"http://{host}/v2/{repo}/manifests/{tag}", headers={"Accept": MANIFEST_ACCEPT})
                json.loads(r.content)
                return r.status_code

        codes = await asyncio.gather(*(one(r) for r in refs))
    return sum(c == 200 for c in codes)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--repos", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="winkube-bench-"))
    reg = h.Registry(work / "registry").start()
    try:
        t = time.perf_counter()
        refs = push_all(reg, a.count, a.repos)
        print(f"pushed {len(refs)} image indexes in {time.perf_counter() - t:.1f}s")
        cold, warm, flo = [], [], []
        for i in range(a.repeat):
            cache = work / f"cache{i}"
            opts = ResolveOptions(insecure_registries=(reg.host,), cache_dir=str(cache), concurrency=a.concurrency,
                                  use_default_docker_config=False)
            t = time.perf_counter()
            res = resolve_many_sync(refs, opts)
            cold.append(time.perf_counter() - t)
            assert all(isinstance(v, ImagePlatforms) and len(v.platforms) == 5 for v in res.values()), "cold run failed"
            t = time.perf_counter()
            res = resolve_many_sync(refs, opts)
            warm.append(time.perf_counter() - t)
            assert all(v.source == "cache" for v in res.values()), "warm run missed the cache"
            t = time.perf_counter()
            ok = asyncio.run(floor(refs, a.concurrency))
            flo.append(time.perf_counter() - t)
            assert ok == len(refs)
        med = statistics.median
        print(f"{len(refs)} refs, concurrency {a.concurrency}, median of {a.repeat} runs:")
        print(f"  cold (empty cache)        {med(cold):7.3f} s   ({len(refs) / med(cold):7.0f} refs/s)  runs={[round(x, 3) for x in cold]}")
        print(f"  warm (cache filled)       {med(warm):7.3f} s   ({len(refs) / med(warm):7.0f} refs/s)  runs={[round(x, 3) for x in warm]}")
        print(f"  floor (bare httpx loop)   {med(flo):7.3f} s   ({len(refs) / med(flo):7.0f} refs/s)  runs={[round(x, 3) for x in flo]}")
        print(f"  warm goal <= 0.2 s: {'met' if med(warm) <= 0.2 else 'NOT met'}")
    finally:
        reg.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
