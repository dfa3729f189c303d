"""A Windows node labelled as a control-plane node."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...model.paths import Key
from ..base import Hit, rule
from ._common import windows_node_example, CONTROL_PLANE_LABELS, P_LABELS, is_windows, labels


@rule(
    id="node-windows-control-plane",
    stage=Stage.PRACTICE,
    severity=Severity.ERROR,
    scope="node",
    summary="a Windows node carries a control-plane role label",
    explanation="""The Kubernetes control plane runs on Linux only; Windows nodes can only be worker
    nodes ("While you can only run the control plane on Linux, you can deploy worker nodes running
    either Windows or Linux"). Control-plane components and whatever selects
    node-role.kubernetes.io/control-plane (or the older master label) will not run on a Windows
    node.""",
    fix="Remove the control-plane role label from the Windows node and run the control plane on Linux nodes.",
    source="kubernetes/website:content/en/docs/concepts/windows/intro.md (Windows nodes in Kubernetes; release-1.36 and kubernetes.io)",
    fails=r"""
    apiVersion: v1
    kind: Node
    metadata:
      name: win-1
      labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.20348", node-role.kubernetes.io/control-plane: ""}
    spec:
      taints: [{key: os, value: windows, effect: NoSchedule}]
    status:
      nodeInfo: {operatingSystem: windows, kubeletVersion: v1.37.2, containerRuntimeVersion: "containerd://2.2.1", kernelVersion: "10.0.20348.2113"}
    """,
    passes=windows_node_example('v1.37.2', 'containerd://2.2.1', '10.0.20348.2113'),
)
def check(ctx):
    node = ctx.obj
    if not is_windows(node):
        return
    lb = labels(node)
    for key in CONTROL_PLANE_LABELS:
        if key in lb:
            yield Hit(P_LABELS + (Key(key),), f"Windows node labelled {key}: the control plane runs on Linux only")
