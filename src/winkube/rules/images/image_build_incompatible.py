"""A Windows image whose build no Windows pool the pod can land on can run."""
from __future__ import annotations

from ... import compat
from ...model.finding import Severity, Stage
from ..base import Hit, rule

SOURCE = ("MicrosoftDocs/Virtualization-Documentation: windowscontainers/deploy-containers/version-compatibility.md; "
          "containerd/platforms: platform_windows_compat.go (reference windows-facts.md §1.4)")


def built_for(use) -> str:
    versions = use.os_versions or ((f"10.0.{use.build}",) if use.build else ())
    names = (compat.build_name(compat.parse_build(v)) if v else "no os.version" for v in versions)
    return ", ".join(dict.fromkeys(names)) or "an unknown build"


@rule(
    id="image-build-incompatible",
    stage=Stage.RUNTIME,
    severity=Severity.ERROR,
    scope="pod",
    per_targeting=True,
    summary="a Windows image built for a Windows version the target nodes cannot run (process isolation)",
    explanation="""Windows containers share the host kernel: a host below build 20348 runs only images of its
    own build; from 20348 on, a host runs images from the previous LTSC up to its own build (containerd
    1.6.23+/1.7.6+/2.x). Anything else fails when the container starts ("The container operating system
    does not match the host operating system", "no match for platform in manifest"). The scheduler does
    not know the image's build, so the pod is placed and then fails. containerd 1.6.0-1.6.17 also
    refuses entries without os.version. HostProcess containers are exempt.""",
    fix="Use the image tag for the nodes' Windows version (e.g. ltsc2022 on Windows Server 2022), a multi-arch image that has it, or pin the pod to matching nodes with node.kubernetes.io/windows-build.",
    source=SOURCE,
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.20348"}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2025"}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    t = ctx.targeting
    windows_fits = [f for f in t.fits if f.schedulable and f.pool.os == "windows"]
    lands = bool(windows_fits)
    if not windows_fits and t.os_intent == "windows":
        # It fits no pool yet (another rule says why); judge the image against the Windows pools it is meant for.
        # (not the pools its node selector, affinity or nodeName rules out: it does not ask for those)
        windows_fits = [f for f in t.fits if f.pool.os == "windows" and all(p not in ("NodeAffinity", "NodeName") for p, _ in f.failures)]
    if not windows_fits or t.host_process:
        return
    from .image_build_unsupported import unsupported_everywhere

    for use in t.images:
        if use.os == "linux" or unsupported_everywhere(use, ctx.kube_version, ctx.profile):
            continue  # (image-build-unsupported says it runs nowhere)
        bad = [f for f in windows_fits if any(u is use for u, _ in f.runtime)]
        if not bad:
            continue
        if len(bad) == len(windows_fits):
            where = "the pod can land on" if lands else "the pod is meant for"
            yield Hit(use.path, f"{use.ref} ({use.evidence}) is built for {built_for(use)}; no Windows pool {where} runs it "
                      f"in process isolation: {', '.join(f.pool.describe() for f in bad)}")
        else:
            good = [f.pool.name for f in windows_fits if f not in bad]
            also = "where the pod can also land" if lands else "which the pod is also meant for"
            yield Hit(use.path, f"{use.ref} ({use.evidence}) runs on {', '.join(good)} but not on "
                      f"{', '.join(f.pool.describe() for f in bad)}, {also}",
                      severity=Severity.WARNING,
                      fix="Pin the pod to the pools that run the image with nodeSelector node.kubernetes.io/windows-build, or use a multi-arch image.")
