"""privileged on a Windows-bound pod: Windows has no privileged containers; HostProcess is the way."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import INTRO, container_security_field, effective_windows_option, windows_bound, windows_unannounced


@rule(
    id="privileged-on-windows",
    stage=Stage.IGNORED,
    severity=Severity.WARNING,
    scope="pod",
    applies=windows_unannounced,  # bound for Windows without spec.os.name (the family: bound for Windows)
    summary="securityContext.privileged on a pod bound for Windows nodes",
    explanation="""Windows containers cannot be privileged: the field is accepted when spec.os is not set
    and silently has no effect on a Windows node (with spec.os.name: windows the API server rejects it).
    Work that needs host access on Windows runs as a HostProcess container.""",
    fix="""Remove privileged; for host access use a HostProcess pod (securityContext.windowsOptions.hostProcess:
    true, hostNetwork: true, runAsUserName such as "NT AUTHORITY\\\\SYSTEM").""",
    source=f"{INTRO}; content/en/docs/tasks/configure-pod-container/create-hostprocess-pod.md",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", securityContext: {privileged: true}}]
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
    for c, path, value in container_security_field(ctx, "privileged"):
        if value is True:
            if effective_windows_option(ctx.view, c, "hostProcess") is True:  # the advice below would be circular
                yield Hit(path, f"container {c.name} asks to be privileged, which Windows ignores; as a HostProcess container it has host access without it",
                          fix="Remove privileged: HostProcess containers do not need it.")
            else:
                yield Hit(path, f"container {c.name} asks to be privileged, which Windows ignores; use a HostProcess container instead")
