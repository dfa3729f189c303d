"""containerd without the stable-ABI relaxation on a host newer than Windows Server 2022."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import P_RUNTIME, windows_containerd_above_2022



@rule(
    id="node-containerd-exact-build-match",
    stage=Stage.RUNTIME,
    severity=Severity.INFO,
    scope="node",
    summary="the node's containerd predates the stable-ABI relaxation and runs only images of the host's exact build",
    explanation="""containerd before 1.6.23 / 1.7.6 matches Windows image entries by os.version
    prefix: the entry must start with the host's "10.0.<build>" (before 1.6.18 / 1.7.0-beta.4 an
    entry without os.version does not match either). Newer containerd lets a host newer than Windows Server 2022 (Windows 11,
    23H2, Windows Server 2025) run Windows Server 2022 images ("stable ABI"). On such a host an old
    containerd finds no entry for ltsc2022 images ("no match for platform in manifest", failure E3).
    Reported only for hosts above build 20348, where it makes a difference.""",
    fix="Upgrade containerd to 1.7.6+ (or 2.x), or use images built for the host's exact build.",
    source=("containerd/containerd#8854 (1.6), #9069 (1.7), #8778 (main), #8106 / #8101 (empty os.version); "
            "containerd platforms/defaults_windows.go; "
            "containerd/containerd#7439; knowledge/containerd.yaml"),
    fails=r"""
    apiVersion: v1
    kind: Node
    metadata:
      name: win-1
      labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.26100"}
    spec:
      taints: [{key: os, value: windows, effect: NoSchedule}]
    status:
      nodeInfo: {operatingSystem: windows, kubeletVersion: v1.37.2, containerRuntimeVersion: "containerd://1.7.2", kernelVersion: "10.0.26100.1742"}
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
    if era.matching != "prefix":
        return
    yield Hit(P_RUNTIME, f"containerd {version} matches image builds exactly: this {host.name} host cannot "
                         "run Windows Server 2022 (ltsc2022) images; stable-ABI matching needs containerd 1.6.23+ / 1.7.6+")
