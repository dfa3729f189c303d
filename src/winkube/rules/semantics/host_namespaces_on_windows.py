"""hostPID, hostIPC and shareProcessNamespace on a Windows-bound pod: not supported on Windows."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import INTRO, windows_bound, windows_unannounced


@rule(
    id="host-namespaces-on-windows",
    stage=Stage.IGNORED,
    severity=Severity.WARNING,
    scope="pod",
    applies=windows_unannounced,  # bound for Windows without spec.os.name (the family: bound for Windows)
    summary="hostPID, hostIPC or shareProcessNamespace on a pod bound for Windows nodes",
    explanation="""Windows has no PID or IPC namespaces to share with the host or between containers;
    the settings have no effect on a Windows node (with spec.os.name: windows the API server rejects them).""",
    fix="Remove them from the Windows workload; for host access use a HostProcess container.",
    source=INTRO,
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      hostPID: true
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022"}]
    """,
)
def check(ctx):
    if not windows_unannounced(ctx):
        return
    spec = ctx.view.spec
    for field in ("hostPID", "hostIPC", "shareProcessNamespace"):
        if spec.get(field) is True:
            yield Hit(ctx.view.path(field), f"{field}: true has no effect on Windows")
