"""Which entry of a multi-build Windows index containerd picks, and whether that depends on its version."""
from __future__ import annotations

from ... import compat
from ...model.finding import Severity, Stage
from ..base import Hit, rule

FIRST_MATCH = "2.1.5"  # the newest containerd that takes the first matching entry (knowledge/containerd.yaml)
NEWEST_MATCH = "2.1.6"  # the first that takes the newest os.version
REVISION = "1.6.39"  # containerd 1.6.23+: stable-ABI matching, highest revision first


@rule(
    id="image-index-selection",
    stage=Stage.RUNTIME,
    severity=Severity.INFO,
    scope="pod",
    per_targeting=True,
    summary="on some Windows pools, the image entry containerd picks depends on the containerd version",
    explanation="""When an image index has several Windows entries a host can run (e.g. ltsc2022 and ltsc2025
    on a Windows Server 2025 node), containerd 1.7.6+ and ≤ 2.1.5 take the first matching entry in index
    order, containerd 1.6.23+ the entry with the highest revision (whatever its build), and 2.1.6+/2.2+
    the newest os.version. The same tag can therefore run a different image after a containerd
    upgrade. Needs --resolve-images (the registry's real index).""",
    fix="Pin the Windows-build-specific tag or digest if the difference matters, and know which containerd your nodes run.",
    source=("containerd/platforms: defaults_windows.go, compare.go (v0.2.1 → v1.0.0-rc.2, commit 8c0d9f9); "
            "containerd v1.6.23 platforms/defaults_windows.go matchComparer.Less; knowledge/containerd.yaml"),
    no_example="it judges an image index read from a registry (`--resolve-images`); tests/registry/test_lint_resolve_images.py runs it against a real registry.",
)
def check(ctx):

    t = ctx.targeting
    if t.host_process:
        return
    for use in t.images:
        info = ctx.images.get(use.ref)
        entries = [p for p in getattr(info, "platforms", ()) if p.os == "windows"]
        if len(entries) < 2:
            continue
        for fit in t.fits:
            pool = fit.pool
            if not fit.schedulable or pool.os != "windows" or not pool.windows_build:
                continue
            old = compat.select(pool.windows_build, entries, FIRST_MATCH, architecture=pool.arch)
            new = compat.select(pool.windows_build, entries, NEWEST_MATCH, architecture=pool.arch)
            rev = compat.select(pool.windows_build, entries, REVISION, architecture=pool.arch)
            if old is None or new is None or (old is new and rev is new):
                continue
            mine = compat.select(pool.windows_build, entries, pool.container_runtime, architecture=pool.arch)
            yield Hit(use.path, f"on {pool.describe()} containerd 1.7.6–{FIRST_MATCH} picks {old.os_version}, ≥ {NEWEST_MATCH} picks "
                      f"{new.os_version} and 1.6.23+ picks {rev.os_version if rev else 'none'}; this pool's "
                      f"{pool.container_runtime or 'containerd'} picks {mine.os_version if mine else 'none'}")
