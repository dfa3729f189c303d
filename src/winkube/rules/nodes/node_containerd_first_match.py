"""containerd that picks the first compatible entry of an image index, not the newest."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import P_RUNTIME, windows_containerd_above_2022



@rule(
    id="node-containerd-first-match",
    stage=Stage.RUNTIME,
    severity=Severity.INFO,
    scope="node",
    summary="the node's containerd does not pick the newest compatible image index entry",
    explanation="""On a host newer than Windows Server 2022 (e.g. Windows Server 2025) several entries
    of a multi-arch index can match: both ltsc2022 and ltsc2025. containerd 1.7.6+ and 2.x up to 2.1.5
    treat all matching entries as equal and take the first one in the index, so the image order
    decides which build runs; containerd 1.6.23+ takes the entry with the highest revision (the 4th
    os.version field), whatever its build; containerd 2.1.6+ / 2.2.0+ sort matching entries by
    os.version and take the newest. Reported only for hosts above build 20348 on containerd with
    stable-ABI matching.""",
    fix="Upgrade containerd to 2.1.6+ / 2.2.0+, or pin images to a build-specific tag (e.g. ltsc2025).",
    source=("containerd/platforms tags v0.2.1, v1.0.0-rc.1 and rc.2 (defaults_windows.go, compare.go; commit 8c0d9f9); "
            "containerd v1.6.23 platforms/defaults_windows.go matchComparer.Less; "
            "knowledge/containerd.yaml"),
    fails=r"""
    apiVersion: v1
    kind: Node
    metadata:
      name: win-1
      labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.26100"}
    spec:
      taints: [{key: os, value: windows, effect: NoSchedule}]
    status:
      nodeInfo: {operatingSystem: windows, kubeletVersion: v1.37.2, containerRuntimeVersion: "containerd://2.0.4", kernelVersion: "10.0.26100.1742"}
    """,
    passes=r"""
    apiVersion: v1
    kind: Node
    metadata:
      name: win-1
      labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.26100"}
    spec:
      taints: [{key: os, value: windows, effect: NoSchedule}]
    status:
      nodeInfo: {operatingSystem: windows, kubeletVersion: v1.37.2, containerRuntimeVersion: "containerd://2.2.1", kernelVersion: "10.0.26100.1742"}
    """,
)
def check(ctx):
    found = windows_containerd_above_2022(ctx.obj)
    if found is None:
        return
    version, era, host = found
    if era.matching != "stable_abi" or era.ordering not in ("first_match", "revision_desc"):
        return
    if era.ordering == "revision_desc":
        yield Hit(P_RUNTIME, f"containerd {version} takes the matching entry with the highest revision: on this "
                             f"{host.name} host an ltsc2022 entry with a higher revision wins over a newer build "
                             "(2.1.6+ / 2.2.0+ take the newest os.version)")
        return
    yield Hit(P_RUNTIME, f"containerd {version} takes the first matching entry of an image index: on this "
                         f"{host.name} host the index order decides between e.g. ltsc2022 and newer entries "
                         "(2.1.6+ / 2.2.0+ take the newest)")
