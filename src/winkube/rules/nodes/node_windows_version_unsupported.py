"""A Windows node whose Windows version the target release's docs do not list as supported."""
from __future__ import annotations

from ...compat import build_name
from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import windows_node_example, SRC_RELEASES, build_row, host_build, is_windows, kube_text, windows_support


@rule(
    id="node-windows-version-unsupported",
    stage=Stage.PRACTICE,
    severity=Severity.WARNING,
    scope="node",
    summary="the Windows node runs a Windows version the target Kubernetes release does not list as supported",
    explanation="""The Kubernetes docs of each release list the Windows Server versions Windows nodes
    are supported on: Windows Server 2019 and 2022 (and the stale 20H2 entry) up to v1.31, Windows
    Server 2022 and 2025 in the current docs (v1.36, v1.37). Nodes on other versions — older or newer
    servers, Annual Channel builds, Windows client builds — are outside what upstream tests and
    supports. The build comes from the node.kubernetes.io/windows-build label or
    status.nodeInfo.kernelVersion, never from osImage. Releases whose docs were not read (1.32–1.35)
    use rows inferred from the neighbouring releases and report at info severity.""",
    fix="Move the node pool to a Windows Server version the release supports (Windows Server 2022 or 2025 for current releases).",
    source=("kubernetes/website:content/en/docs/concepts/windows/intro.md (Windows OS version compatibility, "
            f"per release; kubernetes/website#44401, #53724); {SRC_RELEASES}"),
    fails=r"""
    apiVersion: v1
    kind: Node
    metadata:
      name: win-1
      labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.17763"}
    spec:
      taints: [{key: os, value: windows, effect: NoSchedule}]
    status:
      nodeInfo: {operatingSystem: windows, kubeletVersion: v1.37.2, containerRuntimeVersion: "containerd://2.2.1", kernelVersion: "10.0.17763.6054"}
    """,
    passes=windows_node_example('v1.37.2', 'containerd://2.2.1', '10.0.20348.2113'),
)
def check(ctx):
    node = ctx.obj
    if not is_windows(node):
        return
    host = host_build(node)
    row = windows_support(ctx.kube_version)
    if host is None or row is None:
        return
    data, carried = row
    if host.build in data["listed"]:
        return
    listed = ", ".join(build_name(b) for b in data["listed"])
    what = build_name(host.build)
    info = build_row(host.build)
    if info is not None and info.get("kind") == "client":
        what += ", a Windows client build,"
    release = kube_text(ctx.kube_version)
    if carried:
        basis = f" (Kubernetes {release} is newer than winkube's data; judged by the v{data['kube']} docs)"
    elif data.get("inferred"):
        basis = f" (inferred: the v{data['kube']} docs were not checked)"
    else:
        basis = ""
    severity = Severity.INFO if (data.get("inferred") or carried) else None
    yield Hit(host.path, f"{what} is not among the Windows versions the Kubernetes {release} docs list as "
                         f"supported ({listed}){basis}", severity=severity)
