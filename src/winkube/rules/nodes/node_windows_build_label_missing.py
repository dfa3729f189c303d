"""A Windows node without the node.kubernetes.io/windows-build label."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import windows_node_example, LABEL_BUILD, P_LABELS, SRC_NODE_INFO, is_windows, kernel_build, labels


@rule(
    id="node-windows-build-label-missing",
    stage=Stage.SCHEDULING,
    severity=Severity.WARNING,
    scope="node",
    summary="the Windows node has no node.kubernetes.io/windows-build label",
    explanation="""The kubelet on Windows sets node.kubernetes.io/windows-build (Major.Minor.Build, e.g.
    10.0.20348) since Kubernetes 1.17, and the upstream guide pins Windows workloads and RuntimeClasses
    to a build with it, because process-isolated containers need an image built for the host's
    build. A Windows node without it is never chosen by such selectors, and nothing tells a scheduler
    which images it can run. Its absence means the label was removed or the node was not registered
    by a stock kubelet.""",
    fix="Let the kubelet set the label (or label the node with its build, e.g. node.kubernetes.io/windows-build=10.0.20348).",
    source=f"kubernetes/website:content/en/docs/concepts/windows/user-guide.md; content/en/docs/reference/labels-annotations-taints; {SRC_NODE_INFO}",
    fails=r"""
    apiVersion: v1
    kind: Node
    metadata:
      name: win-1
      labels: {kubernetes.io/os: windows}
    spec:
      taints: [{key: os, value: windows, effect: NoSchedule}]
    status:
      nodeInfo: {operatingSystem: windows, kubeletVersion: v1.37.2, containerRuntimeVersion: "containerd://2.2.1", kernelVersion: "10.0.20348.2113"}
    """,
    passes=windows_node_example('v1.37.2', 'containerd://2.2.1', '10.0.20348.2113'),
)
def check(ctx):
    node = ctx.obj
    if not is_windows(node) or LABEL_BUILD in labels(node):
        return
    build = kernel_build(node)
    expect = f" (expected 10.0.{build} from status.nodeInfo.kernelVersion)" if build else ""
    yield Hit(P_LABELS, f"Windows node without the {LABEL_BUILD} label{expect}")
