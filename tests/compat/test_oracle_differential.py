"""winkube.compat against containerd's own code, release by release.

Random index entries (builds, revisions, whitespace, variants, os.features, architectures, os
spellings, empty and unparsable os.version) on random Windows hosts go through the real matcher of
containerd 1.6 and 1.7 (their own platforms package) and of every containerd/platforms release from
v0.2.1 (tests/compat/oracle.py RELEASES), and through compat.py. Both must agree on which entries
match, in which order containerd tries them, and which ones the transfer service fetches.
WINKUBE_ORACLE_CASES sets how many cases per release (5,000 here; `make fuzz` runs 50,000);
WINKUBE_ORACLE_SEED replays a run.
"""

from __future__ import annotations

import os
import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from winkube import compat
from winkube.compat import Platform

from .oracle import RELEASES, ask, build_root, is_windows

CASES = int(os.environ.get("WINKUBE_ORACLE_CASES", "5000"))
SEED = int(os.environ.get("WINKUBE_ORACLE_SEED", random.SystemRandom().randrange(1 << 30)))

LTSC = [17763, 20348, 26100]
BUILDS = [14393, 17763, 19041, 19045, 20348, 22000, 22621, 22631, 25398, 26100, 26200, 28000]

# An empty "os" is asked only of the drivers built for Windows: Normalize turns it into
# runtime.GOOS, which is windows on a node (and under Wine) but linux for the Linux builds.
OSES = ["windows"] * 12 + ["Windows", "WINDOWS", "linux", "Linux", "darwin"]
ARCHES = ["amd64"] * 12 + ["AMD64", "x86_64", "x86-64", "386", "386", "i386", "arm64", "aarch64", "arm", ""]
VARIANTS = [""] * 14 + ["v1", "V1", "v2", "v3", "v8"]
FEATURES = [[]] * 10 + [["win32k"], ["win32k"], ["win32k", "win32k"], ["foo"], ["win32k", "foo"], ["foo", "win32k"]]


def _host_build(rnd: random.Random) -> int:
    r = rnd.random()
    if r < 0.6:
        return rnd.choice(BUILDS)
    if r < 0.8:
        return rnd.choice(LTSC) + rnd.choice([-1, 0, 1, 2])
    return rnd.randint(10000, 40000)


def _os_version(rnd: random.Random, host: int) -> str:
    r = rnd.random()
    # the host's own build a third of the time, so that the exact-build eras match often too
    build = host if rnd.random() < 0.35 else rnd.choice([*LTSC, *BUILDS, rnd.randint(10000, 40000), host + 1, host - 1])
    rev = rnd.choice([None, rnd.randint(0, 9), rnd.randint(10, 999), rnd.randint(1000, 99999)])
    v = f"10.0.{build}" + (f".{rev}" if rev is not None else "")
    if r < 0.70:
        return v
    if r < 0.74:
        return ""
    odd = [
        " " + v, v + " ", v + "\t", f"10.0.{build} .1", "10.0", "10", "abc", "10.0.x", f"10.0.{build}x",
        f"10.0.{build}.1.2", f"010.00.0{build}", f"+10.0.{build}", f"10.0.+{build}", f"10.0.{build + 65536}",
        f"10.0.{build}.{rev or 0}abc", f"256.0.{build}", f"10.1.{build}", f"6.3.{build}", f"10.0.-{build}",
        f"10.0.{build}.-5", "10.0.99999999999999999999", f"10.0.{build}.", f".10.0.{build}", f"10..{build}",
        f"10.0.{str(build)[:3]}", f"10.0.\uff12{str(build)[1:]}", f"10.0.{build}_1", f"10.0.{build}.+7",
    ]
    return rnd.choice(odd)


def _entry(rnd: random.Random, host: int, empty_os: bool) -> dict:
    e = {"os": "" if empty_os and rnd.random() < 0.04 else rnd.choice(OSES), "architecture": rnd.choice(ARCHES)}
    variant = rnd.choice(VARIANTS)
    if variant:
        e["variant"] = variant
    v = _os_version(rnd, host)
    if v:
        e["os.version"] = v
    feats = rnd.choice(FEATURES)
    if feats:
        e["os.features"] = list(feats)
    return e


def _cases(n: int, seed: int, empty_os: bool = False) -> list[tuple[int, list[dict]]]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        host = _host_build(rnd)
        out.append((host, [_entry(rnd, host, empty_os) for _ in range(rnd.randint(1, 6))]))
    return out


def _winkube(era: compat.Era, host: int, entries: list[dict]) -> tuple[list[bool], list[int], list[bool]]:
    plats = [Platform.from_oci(e) for e in entries]
    ranked = compat.rank_entries(era, host, plats, "amd64")
    match = [False] * len(entries)
    for i, _ in ranked:
        match[i] = True
    transfer = [False] * len(entries)  # Ordered(DefaultSpec()): the host's own architecture only
    for i, r in ranked:
        transfer[i] = r == 0
    return match, [i for i, _ in ranked], transfer


def _requests(cases: list[tuple[int, list[dict]]]) -> list[dict]:
    return [{"host": {"os": "windows", "architecture": "amd64", "os.version": f"10.0.{h}"}, "entries": es}
            for h, es in cases]


@pytest.fixture(scope="module")
def oracle():
    """(root, {release: (cases, answers)}): every driver asked at once (most of their time is
    Wine starting and waiting on I/O), each release's answers read by its own test below."""
    root = build_root()
    cases = {flag: _cases(CASES, SEED, empty_os=flag) for flag in (False, True)}
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {r: pool.submit(ask, root, r, _requests(cases[is_windows(root, r)])) for r in RELEASES}
        return root, {r: (cases[is_windows(root, r)], f.result()) for r, f in futures.items()}


@pytest.mark.parametrize("release", sorted(RELEASES))
def test_compat_agrees_with_containerd_platforms(release, oracle):
    comparer, era_id = RELEASES[release]
    era = compat.era_by_id(era_id)
    assert release.removeprefix("containerd-v") in era.platforms or era.platforms == "containerd", \
        f"knowledge/containerd.yaml: era {era_id} should name {release}"
    assert compat.era_for(release.removeprefix("containerd-")) is era or not release.startswith("containerd-")
    # a containerd release of this era that pulls through the transfer service, if there is one
    transfer_version = next((compat.format_containerd_version(lo) for lo, _ in era.ranges
                             if compat.transfer_pull(compat.format_containerd_version(lo))), None)
    cases, answers = oracle[1][release]
    disagreements = []
    for (host, entries), ans in zip(cases, answers):
        want = ans[comparer]
        match, order, transfer = _winkube(era, host, entries)
        if transfer_version:  # the public API over the same era: what the transfer service downloads
            plats = [Platform.from_oci(e) for e in entries]
            got = compat.fetched(host, plats, transfer_version)
            if [p for p, t in zip(plats, transfer) if t] != got:
                transfer = ("fetched() differs", got)
        want_transfer = ans["ordered"]["match"] if "ordered" in ans else None
        if want_transfer is None:
            transfer = None  # containerd 1.6/1.7 have no transfer-service pull in the CRI plugin
        if match != want["match"] or order != want["order"] or transfer != want_transfer:
            disagreements.append((host, entries, want, want_transfer, match, order, transfer))
    assert not disagreements, (
        f"{len(disagreements)} of {len(cases)} cases disagree with containerd/platforms {release} "
        f"(WINKUBE_ORACLE_SEED={SEED}); first: host 10.0.{disagreements[0][0]}, entries {disagreements[0][1]}, "
        f"containerd {disagreements[0][2]} transfer {disagreements[0][3]}, winkube match {disagreements[0][4]} "
        f"order {disagreements[0][5]} transfer {disagreements[0][6]}")
    print(f"containerd/platforms {release}: {len(cases)} cases, 0 disagreements (seed {SEED})")


def test_generator_covers_the_edges():
    # the differential test above is only as good as what it generates: it must reach every branch
    cases = _cases(CASES, SEED)
    entries = [e for _, es in cases for e in es]
    versions = [e.get("os.version", "") for e in entries]
    assert CASES >= 5000
    assert any(v.startswith(" ") or v.endswith((" ", "\t")) for v in versions)
    assert any(e.get("variant") == "v2" for e in entries)
    assert any(e.get("os.features") == ["foo"] for e in entries)
    assert any(e.get("os.features") == ["win32k", "win32k"] for e in entries)
    assert any(e["architecture"] in ("386", "i386") for e in entries)
    assert sum(1 for v in versions if v == "") > CASES // 20
    assert any(len(v.split(".")) == 4 and len(v.split(".")[3]) == 3 for v in versions)
    assert any(len(v.split(".")) == 4 and len(v.split(".")[3]) == 4 for v in versions)
    assert any(h > 26100 for h, _ in cases) and any(h < 20348 for h, _ in cases)
