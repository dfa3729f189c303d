"""dnsPolicy ClusterFirstWithHostNet on a Windows pod: not supported on Windows."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import NETWORKING, windows_bound


@rule(
    id="dns-policy-cluster-first-with-host-net",
    stage=Stage.IGNORED,
    severity=Severity.WARNING,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="dnsPolicy: ClusterFirstWithHostNet on a pod bound for Windows nodes",
    explanation="""Windows does not support the ClusterFirstWithHostNet DNS policy.""",
    fix="Use dnsPolicy: ClusterFirst (the default) for Windows pods.",
    source=f"{NETWORKING} (DNS limitations); content/en/docs/concepts/services-networking/dns-pod-service.md",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      hostNetwork: true
      dnsPolicy: ClusterFirstWithHostNet
      securityContext: {windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\SYSTEM"}}
      containers: [{name: agent, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      hostNetwork: true
      securityContext: {windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\SYSTEM"}}
      containers: [{name: agent, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    if ctx.view.spec.get("dnsPolicy") == "ClusterFirstWithHostNet" and windows_bound(ctx):
        yield Hit(ctx.view.path("dnsPolicy"), "ClusterFirstWithHostNet is not supported on Windows")
