"""A Windows node whose Windows version is past Microsoft's end of support."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from . import _common
from ._common import windows_node_example, as_date, build_row, host_build, is_windows


@rule(
    id="node-windows-end-of-support",
    stage=Stage.PRACTICE,
    severity=Severity.WARNING,
    scope="node",
    summary="the Windows node runs a Windows version past its end of support",
    explanation="""Past the end of (extended) support a Windows version gets no security updates, and
    image publishers stop building variants for it, so multi-arch tags stop covering the host
    (failure E7: SAC 1803/1909/2004 hosts). Judged against today's date and the end-of-support
    dates of knowledge/windows_builds.yaml (Microsoft's base-image lifecycle page, endoflife.date).
    Client builds carry no dates and are not judged here.""",
    fix="Move the node pool to a supported LTSC release (Windows Server 2022 or 2025).",
    source=("MicrosoftDocs/Virtualization-Documentation:virtualization/windowscontainers/deploy-containers/"
            "base-image-lifecycle.md; endoflife-date/endoflife.date:products/windows-server.md; "
            "knowledge/windows_builds.yaml"),
    fails=r"""
    apiVersion: v1
    kind: Node
    metadata:
      name: win-1
      labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.16299"}
    spec:
      taints: [{key: os, value: windows, effect: NoSchedule}]
    status:
      nodeInfo: {operatingSystem: windows, kubeletVersion: v1.37.2, containerRuntimeVersion: "containerd://2.2.1", kernelVersion: "10.0.16299.1087"}
    """,
    passes=windows_node_example('v1.37.2', 'containerd://2.2.1', '10.0.20348.2113'),
)
def check(ctx):
    node = ctx.obj
    if not is_windows(node):
        return
    host = host_build(node)
    if host is None:
        return
    row = build_row(host.build)
    end = as_date(row.get("extended_end")) if row else None
    if end is None:
        return
    now = _common.today()  # looked up at call time so tests can pin the date
    if now > end:
        yield Hit(host.path, f"{host.name} reached its end of support on {end.isoformat()}")
