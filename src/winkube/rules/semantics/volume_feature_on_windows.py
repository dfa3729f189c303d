"""Volume features Windows nodes cannot provide: emptyDir medium Memory, volumeDevices (raw block),
NFS volumes. (mountPropagation is accepted and mounted private: mount-propagation-on-windows.)"""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...model.podview import as_list
from ..base import Hit, rule
from ._common import STORAGE, windows_bound


@rule(
    id="volume-feature-on-windows",
    stage=Stage.RUNTIME,
    severity=Severity.ERROR,
    scope="pod",
    applies=windows_bound,  # the whole family is about pods bound for Windows
    summary="a volume feature Windows does not support (memory-backed emptyDir, raw block devices, NFS)",
    explanation="""Windows nodes cannot back an emptyDir with memory, attach raw block devices to
    containers, or mount NFS volumes; pods that use them fail to start their containers or run
    without what they asked for.""",
    fix="Use a disk-backed emptyDir, drop volumeDevices, and use SMB/CSI storage instead of NFS.",
    source=f"{STORAGE} (limitations)",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      volumes: [{name: cache, emptyDir: {medium: Memory}}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", volumeMounts: [{name: cache, mountPath: 'C:\cache'}]}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: web}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      volumes: [{name: cache, emptyDir: {}}]
      containers: [{name: web, image: "mcr.microsoft.com/windows/servercore:ltsc2022", volumeMounts: [{name: cache, mountPath: 'C:\cache'}]}]
    """,
)
def check(ctx):
    if not windows_bound(ctx):
        return
    view = ctx.view
    for i, vol in enumerate(as_list(view.spec.get("volumes"))):
        if not isinstance(vol, dict):
            continue
        empty_dir = vol.get("emptyDir")
        if isinstance(empty_dir, dict) and empty_dir.get("medium") == "Memory":
            yield Hit(view.path("volumes", i, "emptyDir", "medium"),
                      f"volume {vol.get('name', f'volumes[{i}]')}: emptyDir medium Memory is not supported on Windows")
        if "nfs" in vol:
            yield Hit(view.path("volumes", i, "nfs"), f"volume {vol.get('name', f'volumes[{i}]')}: NFS volumes are not supported on Windows nodes")
    for c in view.containers():
        devices = c.container.get("volumeDevices")
        if devices and isinstance(devices, list):
            yield Hit(c.path + ("volumeDevices",), f"container {c.name}: raw block volumeDevices are not supported on Windows")
