"""The RuntimeClass's scheduling contradicts the pod's nodeSelector."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import RC_ADMISSION


@rule(
    id="runtimeclass-conflict",
    stage=Stage.ADMISSION,
    severity=Severity.ERROR,
    scope="pod",
    per_targeting=True,
    summary="the RuntimeClass's nodeSelector contradicts the pod's nodeSelector",
    explanation="""The RuntimeClass admission plugin merges the RuntimeClass's scheduling.nodeSelector into
    the pod's and rejects the pod when a key has two different values.""",
    fix="Remove the pod's conflicting nodeSelector entry (the RuntimeClass already selects the nodes).",
    source=RC_ADMISSION,
    fails=r"""
    apiVersion: node.k8s.io/v1
    kind: RuntimeClass
    metadata: {name: win2022}
    handler: runhcs-wcow-process
    scheduling:
      nodeSelector: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.20348"}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      runtimeClassName: win2022
      os: {name: windows}
      nodeSelector: {node.kubernetes.io/windows-build: "10.0.26100"}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: node.k8s.io/v1
    kind: RuntimeClass
    metadata: {name: win2022}
    handler: runhcs-wcow-process
    scheduling:
      nodeSelector: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: "10.0.20348"}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      runtimeClassName: win2022
      os: {name: windows}
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    for message in ctx.targeting.conflicts:
        yield Hit(ctx.view.path("nodeSelector"), message)
