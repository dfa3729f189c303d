"""A Linux shell or a program in a Linux system directory as a Windows container's command.

A path under / is not wrong as such: Windows resolves /agnhost to C:\\agnhost(.exe) on the
container's C: drive, and upstream's e2e images start that way. What a Windows image does not have
is /bin/sh or /usr/bin/...: those are Linux commands, except in images known to carry a busybox for
Windows in C:\\bin (knowledge/image_contents.yaml linux_shells)."""
from __future__ import annotations

from ...imagetags import known_contents
from ...model.finding import Severity, Stage
from ..base import Hit, rule
from ._common import host_process, windows_bound

LINUX_SHELLS = frozenset({"/bin/sh", "/bin/bash", "/bin/ash", "/usr/bin/env", "/bin/busybox", "sh", "bash", "/usr/bin/bash"})
# Linux's program directories: C:\\usr\\bin and the like exist in no Windows base image
BACKSLASH = "\\"
LINUX_BIN_DIRS = ("/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/")


@rule(
    id="linux-shell-in-windows-container",
    stage=Stage.RUNTIME,
    severity=Severity.ERROR,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="a Windows container whose command is a Linux shell or a program in a Linux system directory",
    explanation="""A Windows image has no /bin/sh and no /usr/bin: Windows looks for C:\\bin\\sh(.exe) on the
    container's C: drive, containerd fails with "hcs::System::CreateProcess …: The system cannot find the file
    specified" and the container never starts. This usually means a Linux manifest was re-targeted at Windows
    without changing its command. Other paths under / are not reported: /agnhost runs C:\\agnhost.exe when the
    image has it. Images known to carry a busybox for Windows (Kubernetes' e2e busybox and agnhost images) do
    have sh and its applets in C:\\bin.""",
    fix="Use a Windows command (cmd /c …, powershell -Command …, or the image's .exe), or target Linux nodes.",
    source="containerd/containerd#6300 (failure catalogue E34 in the reference); kubernetes/kubernetes: "
           "test/images/busybox/Dockerfile_windows, test/images/agnhost/Dockerfile_windows (ENTRYPOINT [\"/agnhost\"] on Windows)",
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
    refs = {u.container: u.ref for u in ctx.targeting.images}
    for c in ctx.view.containers():
        cmd = c.container.get("command")
        if not (isinstance(cmd, list) and cmd and isinstance(cmd[0], str)):
            continue
        exe = cmd[0].strip()
        shell = exe in LINUX_SHELLS
        if not shell and not exe.startswith(LINUX_BIN_DIRS):
            continue
        ref = refs.get(f"{c.list_name}[{c.index}]")
        busybox = known_contents(ref, "linux_shells") if ref else None
        if busybox and (exe in ("sh", "bash") or exe.startswith(busybox["bin_dir"])):
            continue  # C:\\bin\\sh.exe and the other applets are there
        what = "a Linux shell" if shell else "a program in a Linux system directory"
        where = f" (Windows looks for C:{exe.replace('/', BACKSLASH)}, then .exe)" if exe.startswith("/") else ""
        yield Hit(c.path + ("command", 0), f"container {c.name} starts {exe}, {what} that a Windows image does not have{where}")
