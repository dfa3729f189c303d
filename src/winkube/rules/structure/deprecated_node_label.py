"""A pod spec that selects on a deprecated node label (beta.kubernetes.io/os, node-role.kubernetes.io/master, ...):
the API server accepts it with a warning."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...structure.warnings import node_label_warnings
from ..base import Hit, rule
from ._common import may_warn


@rule(
    id="deprecated-node-label",
    stage=Stage.ADMISSION,
    severity=Severity.WARNING,
    scope="pod",
    applies=may_warn,
    summary="the pod spec selects on a deprecated node label (the API server warns)",
    explanation="""kube-apiserver answers with a warning when a pod spec uses a deprecated node label in its
    nodeSelector, node affinity or topology spread constraints: beta.kubernetes.io/os and
    beta.kubernetes.io/arch (deprecated since 1.14), the failure-domain.beta zone and region labels,
    node-role.kubernetes.io/master. Current kubelets still set some of them, but managed node images and
    newer clusters drop them, and a Windows pod that selects only beta.kubernetes.io/os then fits no node.""",
    fix="Select on the label the warning names (kubernetes.io/os, kubernetes.io/arch, topology.kubernetes.io/zone, ...).",
    source="kubernetes/kubernetes: pkg/api/pod/warnings.go (warningsForPodSpecAndMeta), pkg/api/node/util.go (deprecatedNodeLabels)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {beta.kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
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
    for path, text in node_label_warnings(ctx.view):
        if "null labelSelector" not in text:  # the other warning of that family: not about labels
            yield Hit(path, text.split(": ", 1)[1])
