"""A windows-build label that is malformed or contradicts the node's kernel build."""
from __future__ import annotations

import re

from ...compat import build_name
from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import windows_node_example, LABEL_BUILD, P_BUILD_LABEL, SRC_NODE_INFO, is_windows, kernel_build, label_build, labels, node_info

_FORM = re.compile(r"^\d+\.\d+\.\d+$")


@rule(
    id="node-windows-build-label-mismatch",
    stage=Stage.SCHEDULING,
    severity=Severity.ERROR,
    scope="node",
    summary="the node's windows-build label is malformed or disagrees with its kernelVersion",
    explanation="""The kubelet writes node.kubernetes.io/windows-build as Major.Minor.BuildNumber from the
    same registry values it reports in status.nodeInfo.kernelVersion (Major.Minor.Build.UBR). A label
    that names another build sends workloads pinned to that build onto a host whose build differs,
    where process-isolated containers fail ("The container operating system does not match the host
    operating system", failures E1/E2). A label with a revision (10.0.20348.2113) never equals the
    10.0.20348 that selectors use.""",
    fix="Remove the hand-set label so the kubelet rewrites it, or set it to Major.Minor.Build of the node's kernelVersion.",
    source=f"{SRC_NODE_INFO}; kubernetes/website:content/en/docs/concepts/windows/user-guide.md",
    fails=r"""
    apiVersion: v1
    kind: Node
    metadata:
      name: win-1
      labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.17763"}
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
    value = labels(node).get(LABEL_BUILD)
    if value is None:
        return
    text = str(value)
    if not _FORM.match(text):
        yield Hit(P_BUILD_LABEL, f"{LABEL_BUILD}={text} is not in Major.Minor.Build form (e.g. 10.0.20348)")
    lb, kb = label_build(node), kernel_build(node)
    if lb is not None and kb is not None and lb != kb:
        yield Hit(P_BUILD_LABEL, f"{LABEL_BUILD}={text} names {build_name(lb)}, but kernelVersion "
                                 f"{node_info(node).get('kernelVersion')} is {build_name(kb)}")
