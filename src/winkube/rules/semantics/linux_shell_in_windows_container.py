"""A Linux shell or path as a Windows container's command."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import host_process, windows_bound

LINUX_SHELLS = frozenset({"/bin/sh", "/bin/bash", "/bin/ash", "/usr/bin/env", "/bin/busybox", "sh", "bash", "/usr/bin/bash"})


@rule(
    id="linux-shell-in-windows-container",
    stage=Stage.RUNTIME,
    severity=Severity.ERROR,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="a Windows container whose command is a Linux shell or Linux path",
    explanation="""A Windows image has no /bin/sh: containerd fails with "hcs::System::CreateProcess …: The
    system cannot find the file specified" and the container never starts. This usually means a Linux
    manifest was re-targeted at Windows without changing its command.""",
    fix="Use a Windows command (cmd /c …, powershell -Command …, or the image's .exe), or target Linux nodes.",
    source="containerd/containerd#6300 (failure catalogue E34 in the reference)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", command: [/bin/sh, -c, ./start.sh]}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", command: [powershell, -Command, ./start.ps1]}]
    """,
)
def check(ctx):
    if not windows_bound(ctx) or host_process(ctx):
        return  # HostProcess containers run on the host, where a shell may exist in any form
    for c in ctx.view.containers():
        cmd = c.container.get("command")
        if isinstance(cmd, list) and cmd and isinstance(cmd[0], str) and cmd[0] in LINUX_SHELLS:
            yield Hit(c.path + ("command", 0), f"container {c.name} starts {cmd[0]}, which a Windows image does not have")
