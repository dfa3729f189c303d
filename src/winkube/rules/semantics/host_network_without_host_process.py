"""hostNetwork on a Windows pod that is not a HostProcess pod."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import INTRO, host_process, windows_bound


@rule(
    id="host-network-without-host-process",
    stage=Stage.IGNORED,
    severity=Severity.WARNING,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="hostNetwork: true on a Windows pod that is not a HostProcess pod",
    explanation="""Host networking is not possible for ordinary Windows containers: only HostProcess pods
    share the node's network. Kubernetes 1.26–1.32 had alpha support behind the kubelet gate
    WindowsHostNetwork, deprecated from 1.33; the API server accepts the field, and the pod gets its
    own network namespace anyway.""",
    fix="Remove hostNetwork, or make the pod a HostProcess pod if it needs the host's network.",
    source=f"{INTRO} (hostNetwork); feature gate WindowsHostNetwork (kubernetes/website feature-gates)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      hostNetwork: true
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
      hostNetwork: true
      securityContext: {windowsOptions: {hostProcess: true, runAsUserName: "NT AUTHORITY\\SYSTEM"}}
      containers: [{name: agent, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    if ctx.view.spec.get("hostNetwork") is True and not host_process(ctx) and windows_bound(ctx):
        yield Hit(ctx.view.path("hostNetwork"), "hostNetwork is only possible for HostProcess pods on Windows")
