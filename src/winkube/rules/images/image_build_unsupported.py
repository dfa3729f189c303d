"""A Windows image whose build runs on none of the Windows Server versions the Kubernetes release
supports: it fails wherever the pod lands, whatever the cluster's pools."""
from __future__ import annotations

from functools import lru_cache

from ... import compat
from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ..nodes._common import SRC_RELEASES, windows_support
from .image_build_incompatible import SOURCE, built_for


@lru_cache(maxsize=16)
def _supported_hosts(kube: tuple[int, int]) -> tuple[int, ...]:
    row = windows_support(kube)
    return tuple(int(b) for b in row[0]["listed"]) if row else ()


def unsupported_everywhere(use, kube: tuple[int, int], profile) -> list[int] | None:
    """The host builds the release supports (none of which runs the image), or None when one of
    them, or a Windows pool of the profile (a cluster may keep an older Windows Server), runs it,
    or when the image's build is not known."""
    if use.os == "linux":
        return None
    versions = use.os_versions or ((f"10.0.{use.build}",) if use.build else ())
    hosts = list(_supported_hosts(kube))
    if not versions or not hosts:
        return None
    if any(compat.matches(h, v) for h in hosts for v in versions):
        return None
    if any(compat.matches(p.windows_build, v, p.container_runtime) for p in profile.windows_pools for v in versions):
        return None
    return hosts


@rule(
    id="image-build-unsupported",
    stage=Stage.RUNTIME,
    severity=Severity.ERROR,
    scope="pod",
    per_targeting=True,
    summary="a Windows image built for a Windows version no Windows Server supported by the release can run",
    explanation="""A Windows container runs only on a host whose build can run its image's build (process
    isolation). An image built on Windows Server 2016 (14393), 1709, 1803 or another retired version runs
    on none of the Windows Server versions a current Kubernetes release supports, so the container fails
    to start on every node, whichever pool the pod lands on. Old Docker Hub images such as microsoft/iis
    (untagged), microsoft/windowsservercore and microsoft/mssql-server-windows-developer are such images.""",
    fix="Use an image built for a supported Windows Server (mcr.microsoft.com/windows/servercore/iis:ltsc2022, "
        "mcr.microsoft.com/windows/servercore:ltsc2022, ...) and rebuild your own images on it.",
    source=f"{SOURCE}; {SRC_RELEASES}; knowledge/image_tags.yaml (Docker Hub microsoft/* repositories)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "microsoft/iis"}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022"}]
    """,
)
def check(ctx):
    if ctx.targeting.host_process:
        return
    for use in ctx.targeting.images:
        hosts = unsupported_everywhere(use, ctx.kube_version, ctx.profile)
        if hosts:
            names = ", ".join(compat.build_name(h) for h in hosts)
            older = " or older" if "no build newer than" in use.evidence else ""
            yield Hit(use.path, f"{use.ref} ({use.evidence}) is built for {built_for(use)}{older}, which none of the Windows Server "
                      f"versions Kubernetes {ctx.kube_version[0]}.{ctx.kube_version[1]} supports runs ({names}): "
                      f"the container fails to start wherever the pod lands")
