"""mountPropagation on a Windows pod: accepted, then mounted private by the kubelet."""
from __future__ import annotations

from ...model.finding import Severity, Stage
from ...model.podview import as_list
from ..base import Hit, rule
from ._common import STORAGE, windows_bound

KUBELET = "kubernetes/kubernetes: pkg/kubelet/kubelet_pods.go (translateMountPropagation: on Windows every mount is PROPAGATION_PRIVATE)"


@rule(
    id="mount-propagation-on-windows",
    stage=Stage.IGNORED,
    severity=Severity.WARNING,
    scope="pod",
    applies=windows_bound,
    summary="mountPropagation on a Windows pod has no effect: the kubelet mounts every volume private",
    explanation="""Windows containers cannot propagate mounts. The kubelet on Windows does not refuse the
    setting: it translates every mountPropagation (HostToContainer, Bidirectional) to a private mount,
    so the container starts, but mounts made on the host after it started (or by the container) are
    not seen on the other side. A provisioner or CSI node plugin that relies on HostToContainer
    silently misses new disks.""",
    fix="Drop mountPropagation from the Windows pod and find new host mounts another way (CSI proxy, a HostProcess container).",
    source=f"{KUBELET}; {STORAGE} (mount propagation is not supported); kubernetes/kubernetes#60274",
    fails=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: provisioner}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      volumes: [{name: disks, hostPath: {path: 'C:\disks'}}]
      containers: [{name: p, image: "mcr.microsoft.com/windows/servercore:ltsc2022",
                    volumeMounts: [{name: disks, mountPath: 'C:\disks', mountPropagation: HostToContainer}]}]
    """,
    passes=r"""
    apiVersion: v1
    kind: Pod
    metadata: {name: provisioner}
    spec:
      os: {name: windows}
      nodeSelector: {kubernetes.io/os: windows}
      tolerations: [{key: os, operator: Equal, value: windows, effect: NoSchedule}]
      volumes: [{name: disks, hostPath: {path: 'C:\disks'}}]
      containers: [{name: p, image: "mcr.microsoft.com/windows/servercore:ltsc2022",
                    volumeMounts: [{name: disks, mountPath: 'C:\disks', mountPropagation: None}]}]
    """,
)
def check(ctx):
    if not windows_bound(ctx):
        return
    for c in ctx.view.containers():
        for j, m in enumerate(as_list(c.container.get("volumeMounts"))):
            if isinstance(m, dict) and m.get("mountPropagation") not in (None, "None"):
                yield Hit(c.path + ("volumeMounts", j, "mountPropagation"),
                          f"container {c.name}: mountPropagation {m.get('mountPropagation')} has no effect on Windows "
                          f"(the kubelet mounts the volume private)")
