"""A Linux shell or a program in a Linux system directory as what a Windows container runs: its
command, its exec probes and its exec lifecycle hooks.

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
# Linux's program directories: C:\usr\bin and the like exist in no Windows base image
BACKSLASH = "\\"
LINUX_BIN_DIRS = ("/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/")
HOOKS = "kubernetes/website: content/en/docs/concepts/containers/container-lifecycle-hooks.md (a failed hook kills the container)"
# where an exec command sits in a container, and what its failure does (severity None: the rule's)
EXECS = (
    (("command",), "starts", "the container never starts", None),
    (("livenessProbe", "exec", "command"), "probes liveness with", "the probe always fails and the kubelet restarts the container", None),
    (("startupProbe", "exec", "command"), "probes startup with", "the probe always fails and the kubelet restarts the container", None),
    (("readinessProbe", "exec", "command"), "probes readiness with", "the probe always fails and the container is never ready", None),
    (("lifecycle", "postStart", "exec", "command"), "runs postStart", "the hook fails (FailedPostStartHook) and the kubelet kills the container", None),
    (("lifecycle", "preStop", "exec", "command"), "runs preStop",
     "the hook fails (FailedPreStopHook) and the container is stopped without what the hook should do", Severity.WARNING),
)


@rule(
    id="linux-shell-in-windows-container",
    stage=Stage.RUNTIME,
    severity=Severity.ERROR,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="a Windows container that runs a Linux shell or a program in a Linux system directory (command, exec probe or hook)",
    explanation="""A Windows image has no /bin/sh and no /usr/bin: Windows looks for C:\\bin\\sh(.exe) on the
    container's C: drive and the process fails with "hcs::System::CreateProcess …: The system cannot find the file
    specified". As the command, the container never starts; in an exec probe the probe always fails (liveness and
    startup restart the container, readiness never passes); in a postStart hook the kubelet kills the container,
    in a preStop hook the hook's work is skipped. This usually means a Linux manifest was re-targeted at Windows
    without changing its commands. Other paths under / are not reported: /agnhost runs C:\\agnhost.exe when the
    image has it. Images known to carry a busybox for Windows (Kubernetes' e2e busybox and agnhost images) do
    have sh and its applets in C:\\bin.""",
    fix="Use a Windows command (cmd /c …, powershell -Command …, or the image's .exe at its Windows path), or target Linux nodes.",
    source="containerd/containerd#6300 (failure catalogue E34; E80, E81, E263 for exec); kubernetes/kubernetes: "
           f"test/images/busybox/Dockerfile_windows, test/images/agnhost/Dockerfile_windows (ENTRYPOINT /agnhost on Windows); {HOOKS}",
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
    refs = None
    for c in ctx.view.containers():
        container = c.container
        busybox = _UNKNOWN  # the image's busybox row, looked up only for a Linux-looking command
        for first, rest, where, verb, effect, severity in _EXECS:
            cmd = container.get(first)
            if cmd is None:
                continue
            for key in rest:
                cmd = cmd.get(key) if isinstance(cmd, dict) else None
            if not (isinstance(cmd, list) and cmd and isinstance(cmd[0], str)):
                continue
            exe = cmd[0].strip()
            shell = exe in LINUX_SHELLS
            if not shell and not exe.startswith(LINUX_BIN_DIRS):
                continue
            if busybox is _UNKNOWN:
                if refs is None:
                    refs = {u.container: u.ref for u in ctx.targeting.images}
                ref = refs.get(f"{c.list_name}[{c.index}]")
                busybox = known_contents(ref, "linux_shells") if ref else None
            if busybox and (exe in ("sh", "bash") or exe.startswith(busybox["bin_dir"])):
                continue  # C:\bin\sh.exe and the other applets are there
            what = "a Linux shell" if shell else "a program in a Linux system directory"
            looks = f" (Windows looks for C:{exe.replace('/', BACKSLASH)}, then .exe)" if exe.startswith("/") else ""
            tail = "" if where == ("command",) else f": {effect}"
            yield Hit(c.path + where + (0,), f"container {c.name} {verb} {exe}, {what} that a Windows image does not have{looks}{tail}",
                      severity=severity)


_UNKNOWN = object()
# EXECS with each path split into its first key and the rest (the first is absent in most containers)
_EXECS = tuple((where[0], where[1:], where, verb, effect, severity) for where, verb, effect, severity in EXECS)
