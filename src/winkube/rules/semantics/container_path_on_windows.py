"""workingDir and mountPath in a Windows container, as the kubelet, containerd and HCS resolve them.

A Linux-style mountPath is fine: the kubelet keeps /data (or makes c:\\data of a path without a
drive) and containerd gives a path starting with \\ the C: drive, so /data lands on C:\\data. A
workingDir is passed on unchanged and HCS resolves /app on C: as well; but nothing on the
containerd path creates a missing working directory, and the container has no drive but C:."""
from __future__ import annotations

import re

from ...model.finding import Severity, Stage
from ...model.podview import as_list
from ..base import Hit, rule
from ._common import host_process, windows_bound

CONTAINERD = "containerd/containerd: internal/cri/opts/spec_windows_opts.go parseMount (commit bfde58e3c, containerd 1.6.5 and 1.7+)"
KUBELET = "kubernetes/kubernetes: pkg/kubelet/kubelet_pods.go makeMounts, pkg/volume/util/util.go MakeAbsolutePath"
WORKDIR = ("containerd/containerd: internal/cri/server/container_create.go buildWindowsSpec (WithProcessCwd, unchanged); "
           "microsoft/hcsshim: internal/cmd/cmd.go (WorkingDirectory passed to HCS)")
DRIVE = re.compile(r"([A-Za-z]):")
BACKSLASH = "\\"


def _norm(path: str) -> str:
    """A container path as containerd hands it to HCS, lower-cased for comparison."""
    p = path.replace("/", "\\").lower()
    if p.startswith("\\") and not p.startswith("\\\\"):
        p = "c:" + p
    return p.rstrip("\\")


@rule(
    id="container-path-on-windows",
    stage=Stage.RUNTIME,
    severity=Severity.ERROR,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="a workingDir or mountPath a Windows container cannot use (another drive, the C: drive itself) or must already have",
    explanation="""A Windows container has one drive, C:. Paths without a drive are put there: a mountPath of /data
    becomes C:\\data (the kubelet and containerd do it; that is not reported), and a workingDir of /app is
    resolved by HCS as C:\\app. containerd refuses a mountPath that is the C: drive itself ("destination path
    can not be C drive"; before 1.6.5 it passed C:. on, which failed as an incorrect parameter), and a working
    directory on another drive, or one the image does not have (nothing
    on the containerd path creates it), fails the start with "The directory name is invalid" (0x10b).""",
    fix="Mount into a directory of C: (C:\\data); keep workingDir on C: and make sure the image has it (WORKDIR in its "
        "Dockerfile) or mount a volume there.",
    source=f"{CONTAINERD}; {KUBELET}; {WORKDIR}; docker/cli#4101 (a working directory on D: fails with 0x10b); "
           "failure catalogue E82, E35, E262",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", workingDir: 'D:\app'}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      volumes: [{name: data, emptyDir: {}}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", workingDir: /data, volumeMounts: [{name: data, mountPath: /data}]}]
    """,
)
def check(ctx):
    if not windows_bound(ctx) or host_process(ctx):
        return  # HostProcess paths are the host's, relative to $CONTAINER_SANDBOX_MOUNT_POINT
    for c in ctx.view.containers():
        mounts = []
        for j, m in enumerate(as_list(c.container.get("volumeMounts"))):
            mp = m.get("mountPath") if isinstance(m, dict) else None
            if not isinstance(mp, str) or not mp:
                continue
            if len(mp) == 2 and mp.lower() == "c:":
                yield Hit(c.path + ("volumeMounts", j, "mountPath"), f"container {c.name}: mountPath {mp} is the C: drive itself; "
                          "containerd refuses it (\"destination path can not be C drive\") and the container is not created")
            mounts.append(mp)
        wd = c.container.get("workingDir")
        if not isinstance(wd, str) or not wd.strip() or "$" in wd or "%" in wd or wd.startswith(("\\\\", "//")):
            continue
        mounts = [_norm(mp) for mp in mounts]  # only a working directory is compared with them
        path = c.path + ("workingDir",)
        drive = DRIVE.match(wd)
        if drive and drive.group(1).lower() != "c":
            if not any(m.startswith(f"{drive.group(1).lower()}:") for m in mounts):
                yield Hit(path, f"container {c.name}: workingDir {wd} is on drive {drive.group(1).upper()}:, and a Windows container "
                          "has only C:; the process fails to start with \"The directory name is invalid\" (0x10b)")
        elif not drive and wd.startswith(("/", "\\")) and _norm(wd) != "c:":
            target = _norm(wd)
            if any(target == m or target.startswith(m + "\\") for m in mounts):
                continue  # a volume is mounted there: the directory exists
            yield Hit(path, f"container {c.name}: workingDir {wd} is C:{wd.replace('/', BACKSLASH)} in the container; it must be a "
                      "directory of the image (containerd does not create it), or the start fails with \"The directory name is "
                      "invalid\" (0x10b)", severity=Severity.INFO)
