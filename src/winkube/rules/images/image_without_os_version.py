"""Windows image entries without os.version: containerd 1.6.18+ / 1.7 accepts them on any build."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule


@rule(
    id="image-without-os-version",
    stage=Stage.RUNTIME,
    severity=Severity.INFO,
    scope="pod",
    per_targeting=True,
    summary="a Windows image entry has no os.version, so its build cannot be checked before it runs",
    explanation="""containerd 1.6.18+ and 1.7.0+ match a Windows entry without os.version on every host
    (HostProcess images and buildx-made indexes often lack it), so a build mismatch shows only when the
    container starts; containerd 1.6.0-1.6.17 never matches such an entry. Needs --resolve-images (the
    registry's real platforms).""",
    fix="Build the image with its os.version set (docker buildx --platform windows/amd64 with a versioned base, or crane/oras annotations), or ignore this for HostProcess images.",
    source="containerd/containerd#8106 (1.6.18), #8101 (1.7.0-beta.4); containerd/platforms commits a51ed70, 983ba15; knowledge/containerd.yaml",
    no_example="it judges an image index read from a registry (`--resolve-images`); tests/rules/test_images_resolved.py feeds it registry platforms.",
)
def check(ctx):
    t = ctx.targeting
    if t.host_process:
        return
    for use in t.images:
        if "" in use.os_versions:
            yield Hit(use.path, f"{use.ref} has a Windows entry without os.version ({use.evidence})")
