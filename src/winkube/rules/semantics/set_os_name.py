"""A Windows workload without spec.os.name: windows."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import windows_bound, windows_unannounced


@rule(
    id="set-os-name",
    stage=Stage.PRACTICE,
    severity=Severity.INFO,
    scope="pod",
    applies=windows_unannounced,  # bound for Windows without spec.os.name (the family: bound for Windows)
    summary="a pod bound for Windows nodes does not set spec.os.name: windows",
    explanation="""spec.os.name (GA since 1.25) tells the API server, the kubelet and Pod Security Admission
    that the pod is a Windows pod: the API server then rejects Linux-only fields instead of silently
    accepting them, the kubelet refuses the pod on a Linux node, and the restricted Pod Security
    level skips checks that cannot apply to Windows. The scheduler does not use it, so keep the
    nodeSelector and toleration too.""",
    fix="Add spec.os.name: windows (spec.template.spec.os for workloads).",
    source="kubernetes/website: content/en/docs/concepts/windows/user-guide.md; api-validation.md §2, §9",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      nodeSelector: {kubernetes.io/os: windows}
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
    if windows_unannounced(ctx):
        yield Hit(ctx.view.path("os"), "bound for Windows but spec.os.name is not windows: set it so the API server and kubelet check the pod as a Windows pod")
